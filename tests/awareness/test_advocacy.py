"""Advocacy briefs: the coordinator's recommendations beside the gap report of a release; the
PDF's figures are the release's cells, a suppressed cell stays suppressed; only the
coordinators of the coalition write; whoever reads the release reads the brief."""

import io
import re

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from arrimage.accounts.models import Role
from arrimage.awareness.models import AdvocacyBrief
from arrimage.core.models import AuditEvent
from arrimage.trends import services as trends_services
from arrimage.trends.models import Release
from arrimage.trends.presentation import release_views
from arrimage.trends.tables import SUPPRESSED
from tests.conftest import login, make_side
from tests.trends.conftest import cases_with_consent, member

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year
RECOMMENDATIONS = (
    "Financer des places d'hébergement sécuritaires pour les hommes.\n\nÉlargir l'accès au PFSI."
)


def _release(side, coalition, partner) -> Release:
    """Nine women and two men: the men's cells (1 to 4) are suppressed."""
    cases_with_consent(side, partner.organisation, 9)
    cases_with_consent(side, partner.organisation, 2, gender="Male", age_band="18-24")
    return trends_services.release_create(
        actor=member(side, Role.COORDINATOR),
        coalition_id=coalition.pk,
        year=YEAR,
        method="suppression",
    )


@pytest.fixture
def releases(side_a, side_b, coalition):
    """The same release in each coalition."""
    estrie = side_b.organisation.coalitions.get()
    partner_a = make_side("PA", coalition=coalition)
    partner_b = make_side("PB", region_code="QC-05", coalition=estrie)
    return {"a": _release(side_a, coalition, partner_a), "b": _release(side_b, estrie, partner_b)}


def _brief(client, side, release) -> AdvocacyBrief:
    login(client, side.user(Role.COORDINATOR))
    response = client.post(
        "/plaidoyer/nouveau/",
        {
            "release": str(release.pk),
            "title": "Des places pour tous",
            "recommendations": RECOMMENDATIONS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return AdvocacyBrief.objects.get(release=release)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pdfs_figures_are_the_releases_cells_and_suppressed_cells_stay_suppressed(
    client, side_a, releases
):
    release = releases["a"]
    brief = _brief(client, side_a, release)
    login(client, side_a.user(Role.ANALYST))
    response = client.get(f"/plaidoyer/{brief.pk}/pdf/?langue=fr-ca")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = _normalised(" ".join(page.extract_text() for page in reader.pages))
    # The recommendations, with their accents, as written.
    assert "Financer des places d'hébergement sécuritaires pour les hommes." in text
    assert "Élargir l'accès au PFSI." in text
    # The text is set in an embedded TrueType subset (DejaVu or Vera, with every accent).
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(re.match(r"/[A-Z]{6}\+(DejaVuSans|Vera)$", name) for name in fonts), fonts
    # Every row of every table, figure for figure, as the release holds it.
    with translation.override("fr-ca"):
        views = release_views(release.content)
    suppressed_rows = 0
    for view in views:
        for line in view.lines:
            figures = [figure.text for figure in line.figures]
            assert _normalised(" ".join([line.label, *figures])) in text, (view.key, line.label)
            suppressed_rows += SUPPRESSED in figures
    assert suppressed_rows
    # The men's row: exactly the release's cells, suppressed ones shown as x, never a count.
    gender = next(t for t in release.content["tables"] if t["key"] == "gender_age")
    rows = gender["rows"]["leaves"] + list(gender["rows"]["aggregates"])
    male_cells = gender["cells"][rows.index("male")]
    assert any(cell["v"] is None for cell in male_cells)
    male = next(v for v in views if v.key == "gender_age").lines[rows.index("male")]
    expected = " ".join(
        [male.label, *["x" if cell["v"] is None else str(cell["v"]) for cell in male_cells]]
    )
    assert expected in text
    assert AuditEvent.objects.filter(
        action="awareness_brief_exported", target_id=str(brief.pk)
    ).exists()


def test_the_brief_page_shows_the_same_figures_and_marks(client, side_a, releases):
    brief = _brief(client, side_a, releases["a"])
    login(client, side_a.user(Role.COORDINATOR))
    page = client.get(f"/plaidoyer/{brief.pk}/").content.decode()
    assert "Élargir l'accès au PFSI." in page or "Élargir l&#x27;accès au PFSI." in page
    hidden = sum(
        cell["v"] is None
        for table in releases["a"].content["tables"]
        for row in table["cells"]
        for cell in row
    )
    assert hidden
    assert page.count('<span aria-hidden="true">x</span>') == hidden
    # The same words as the trends page of the release, for every suppressed cell (and once
    # in the sentence that explains the marks).
    spoken = "supprimé (trop peu de cas pour l&#x27;afficher)"
    trends_page = client.get(f"/tendances/diffusions/{releases['a'].pk}/").content.decode()
    assert page.count(spoken) == trends_page.count(spoken) == hidden + 1


def test_the_english_pdf(client, side_a, releases):
    brief = _brief(client, side_a, releases["a"])
    login(client, side_a.user(Role.COORDINATOR))
    response = client.get(f"/plaidoyer/{brief.pk}/pdf/?langue=en")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Our recommendations" in text and "Cases by gender and age group" in text


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.ANALYST, Role.ORGANISATION_ADMIN, Role.SERVICE_STAFF]
)
def test_only_the_coordinator_of_the_coalition_writes_recommendations(
    client, side_a, side_b, releases, role
):
    brief = _brief(client, side_a, releases["a"])
    for user in (side_a.user(role), side_b.user(Role.COORDINATOR)):
        client.logout()
        login(client, user)
        response = client.post(
            f"/plaidoyer/{brief.pk}/", {"title": "Autre", "recommendations": "Autre chose"}
        )
        assert response.status_code == 404
        response = client.post(
            "/plaidoyer/nouveau/",
            {"release": str(releases["a"].pk), "title": "T", "recommendations": "R"},
        )
        assert response.status_code in (400, 404)
    brief.refresh_from_db()
    assert brief.recommendations == RECOMMENDATIONS
    assert AdvocacyBrief.objects.count() == 1
    client.logout()
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        f"/plaidoyer/{brief.pk}/", {"title": "Des places", "recommendations": "Nouveau texte"}
    )
    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.recommendations == "Nouveau texte"


def test_empty_recommendations_are_refused_and_the_text_kept(client, side_a, releases):
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        "/plaidoyer/nouveau/",
        {"release": str(releases["a"].pk), "title": "Titre à garder", "recommendations": " "},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le texte des recommandations est obligatoire." in body
    assert 'value="Titre à garder"' in body
    assert not AdvocacyBrief.objects.exists()


def test_another_coalition_reads_neither_the_brief_nor_its_pdf(client, side_a, side_b, releases):
    brief = _brief(client, side_a, releases["a"])
    for role in (Role.COORDINATOR, Role.ANALYST):
        client.logout()
        login(client, side_b.user(role))
        assert client.get(f"/plaidoyer/{brief.pk}/").status_code == 404
        assert client.get(f"/plaidoyer/{brief.pk}/pdf/").status_code == 404
        assert "Des places pour tous" not in client.get("/plaidoyer/").content.decode()


def test_the_brief_follows_its_release_enforcement_caseworkers_read_neither(
    client, side_a, releases, police_side
):
    """A release is anonymised aggregates (docs/trends.md): its readers are the coordinators
    and analysts of the coalition, whatever their organisation's type; a brief adds only the
    coalition's own words, so it has the same readers. A police caseworker reads neither."""
    brief = _brief(client, side_a, releases["a"])
    login(client, police_side.user(Role.CASEWORKER))
    assert client.get(f"/plaidoyer/{brief.pk}/").status_code == 404
    assert client.get(f"/tendances/diffusions/{releases['a'].pk}/").status_code == 404
    client.logout()
    login(client, police_side.user(Role.ANALYST))
    assert client.get(f"/tendances/diffusions/{releases['a'].pk}/").status_code == 200
    assert client.get(f"/plaidoyer/{brief.pk}/").status_code == 200


@pytest.mark.parametrize("language,lang", [("fr-ca", "fr-CA"), ("en", "en-CA")])
def test_the_pdf_declares_its_language_and_title(client, side_a, releases, language, lang):
    brief = _brief(client, side_a, releases["a"])
    login(client, side_a.user(Role.COORDINATOR))
    response = client.get(f"/plaidoyer/{brief.pk}/pdf/?langue={language}")
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert reader.metadata.title == brief.title
