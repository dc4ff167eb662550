"""Trends an analyst can use (issue 13, item 8), through HTTP with two organisations holding
identical data: the accuracy of a release is shown in plain words before anything is counted
or spent, the interface speaks of accuracy (never of epsilon) in French and English, and a
table whose totals differ from the sum of its figures says why."""

import html as html_module
import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from arrimage.accounts.models import Role
from arrimage.core.models import AuditEvent
from arrimage.trends import privacy_noise as noise
from arrimage.trends.models import PrivacyBudget, Release, StatisticsRecord, StatisticsTally
from arrimage.trends.presentation import totals_differ
from tests.conftest import login, run_queued_tasks
from tests.trends.conftest import cases_with_consent

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


def _accuracy(*, share: float, tables: int, sensitivity: int = 1, cells: int = 1) -> int:
    """The 95% accuracy the page must state, from the default yearly budget (4)."""
    epsilon = 4 * share / tables
    return noise.accuracy({noise.scale_key(sensitivity / epsilon): cells})


def _preview_url(coalition, **choices) -> str:
    query = {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "sections_shown": 1}
    query.update(choices)
    parts = []
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"{key}={item}")
    return "/tendances/?" + "&".join(parts)


def _state() -> tuple:
    return (
        sorted(PrivacyBudget.objects.values_list("coalition_id", "spent_epsilon")),
        Release.objects.count(),
        StatisticsRecord.objects.count(),
        StatisticsTally.objects.count(),
        DBTaskResult.objects.count(),
        AuditEvent.objects.count(),
    )


def visible_text(page: str) -> str:
    """What a person sees or hears: the text between tags, and the attributes read aloud."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    spoken = re.findall(r'(?:alt|title|aria-label|placeholder)="([^"]*)"', page)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", page) + " " + " ".join(spoken))


@pytest.fixture
def coordinators(client, side_a, side_b, partner, coalition):
    """Identical data on both sides: 9 consented cases each."""
    cases_with_consent(side_a, partner.organisation, 9)
    cases_with_consent(side_b, partner.organisation, 9)
    login(client, side_a.user(Role.COORDINATOR))
    return side_a, side_b


def test_the_default_preview_states_each_tables_accuracy_in_words(client, coordinators):
    before = _state()
    page = html_module.unescape(client.get("/tendances/").content.decode())
    # Default: half of the year's budget on the four case tables.
    cell = _accuracy(share=0.5, tables=4)
    year_total = _accuracy(share=0.5, tables=4, cells=12)
    assert "Précision des chiffres, avant de diffuser" in page
    assert "cette diffusion utilise 50\u00a0% du budget de l'année" in page
    assert f"Dossiers par mois et par région\u00a0: ± {cell} personnes par case" in page
    assert f"jusqu'à ± {year_total} pour les totaux" in page
    forms = _accuracy(share=0.5, tables=4, sensitivity=2)
    assert f"Formes d'exploitation par trimestre\u00a0: ± {forms} personnes par case" in page
    assert "Rien n'a encore été compté ni dépensé." in page
    assert _state() == before


def test_the_preview_follows_the_choices_and_writes_nothing(client, coordinators, coalition):
    # A release that spent a quarter of the budget: the budget row exists.
    client.post(
        "/tendances/publier/",
        {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "share": "25"},
    )
    run_queued_tasks()
    before = _state()
    assert before[1] == 1 and before[0][0][1] == pytest.approx(1.0)
    url = _preview_url(coalition, share="75", sections=["cases", "timelines"])
    page = html_module.unescape(client.get(url).content.decode())
    cell = _accuracy(share=0.75, tables=7)
    assert f"Dossiers par mois et par région\u00a0: ± {cell} personnes par case" in page
    assert "cette diffusion utilise 75\u00a0% du budget" in page
    assert "Il reste 75\u00a0% du budget de" not in page
    # The rest of the budget, and the choices kept in the form.
    page = client.get(_preview_url(coalition, share="rest", sections=["referrals"])).content
    text = page.decode()
    assert "cette diffusion utilise 75\u00a0% du budget" in text
    assert 'name="sections" value="referrals" checked' in text
    assert 'name="sections" value="cases">' in text
    assert '<option value="rest" selected>' in text
    # Too much asked: the same error a release would meet, and still nothing written.
    asked = _preview_url(coalition, share="100", sections="cases")
    text = html_module.unescape(client.get(asked).content.decode())
    assert "a 75\u00a0% restant et cette diffusion en demande 100\u00a0%" in text
    text = client.get(_preview_url(coalition, share="12", sections="cases")).content.decode()
    assert "Choisissez une part du budget dans la liste." in text
    assert _state() == before


def test_another_coalitions_preview_is_not_shown(client, coordinators, coalition, estrie):
    _side_a, side_b = coordinators
    client.logout()
    login(client, side_b.user(Role.COORDINATOR))
    before = _state()
    page = client.get(_preview_url(coalition, share="100")).content.decode()
    assert coalition.name not in page
    assert f'id="apercu-{coalition.pk}"' not in page and f'value="{coalition.pk}"' not in page
    assert f'id="apercu-{estrie.pk}"' in page, "their own coalition keeps its default preview"
    assert "cette diffusion utilise 50\u00a0%" in page
    assert _state() == before


def test_the_accuracy_is_the_one_published(client, coordinators, coalition):
    """The release made with the previewed choices publishes the accuracy previewed."""
    client.post(
        "/tendances/publier/",
        {
            "coalition_id": str(coalition.pk),
            "year": YEAR,
            "method": "dp",
            "share": "50",
            "sections_shown": "1",
            "sections": ["cases"],
        },
    )
    run_queued_tasks()
    release = Release.objects.get()
    month_region = next(t for t in release.content["tables"] if t["key"] == "month_region")
    assert month_region["cells"][0][0]["a"] == _accuracy(share=0.5, tables=4)
    assert release.epsilon == pytest.approx(2.0)
    page = client.get(f"/tendances/diffusions/{release.pk}/").content.decode()
    assert f"Précision\u00a0: ± {_accuracy(share=0.5, tables=4)} personnes par case" in page


def test_no_page_of_trends_says_epsilon(client, coordinators, coalition):
    side_a, _side_b = coordinators
    client.post(
        "/tendances/publier/",
        {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "share": "50"},
    )
    run_queued_tasks()
    release = Release.objects.get()
    task = DBTaskResult.objects.get().id
    pages = [
        "/tendances/",
        _preview_url(coalition, share="100", sections=["cases"]),
        _preview_url(coalition, share="nope"),
        _preview_url(coalition, share="50", method="suppression"),
        f"/tendances/diffusions/{release.pk}/",
        f"/taches/{task}/",
        "/tendances/importer/",
        "/tendances/reponses/",
    ]
    for language, accuracy_word in (("fr-ca", "Précision"), ("en", "Accuracy")):
        client.post("/compte/langue/", {"language": language, "next": "/"})
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            text = visible_text(response.content.decode())
            assert "epsilon" not in text.lower(), (language, url)
        index = visible_text(client.get("/tendances/").content.decode())
        assert accuracy_word in index
        # An error after a release refused for the budget: said in shares of the budget.
        refused = client.post(
            "/tendances/publier/",
            {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "share": "100"},
            follow=True,
        )
        text = visible_text(refused.content.decode())
        assert "50 %" in text.replace("\u00a0", " ") and "epsilon" not in text.lower()
    for user_role in (Role.ANALYST,):
        client.logout()
        login(client, side_a.user(user_role))
        for url in ("/tendances/", f"/tendances/diffusions/{release.pk}/"):
            text = visible_text(client.get(url).content.decode())
            assert "epsilon" not in text.lower()


def test_each_table_whose_totals_differ_from_its_figures_says_why(client, coordinators, coalition):
    client.post(
        "/tendances/publier/",
        {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "share": "100"},
    )
    run_queued_tasks()
    release = Release.objects.get()
    page = client.get(f"/tendances/diffusions/{release.pk}/").content.decode()
    note = "Les totaux de ce tableau ne sont pas exactement la somme de ses chiffres"
    differing = 0
    for table in release.content["tables"]:
        section = re.search(
            rf'<section aria-labelledby="t-{table["key"]}">(.*?)</section>', page, flags=re.S
        )
        assert section, table["key"]
        differs = totals_differ(table)
        differing += differs
        assert (note in section.group(1)) == differs, table["key"]
    # Nine cases in hundreds of cells: most figures are 0 plus noise, so some are shown 0
    # while their totals add them as drawn.
    assert differing >= 1
    # The spreadsheet says the same under each table.
    import io

    from openpyxl import load_workbook

    xlsx = client.get(f"/tendances/diffusions/{release.pk}/rapport.xlsx").content
    workbook = load_workbook(io.BytesIO(xlsx))
    for sheet in workbook.worksheets[1:]:
        texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        assert any(t.startswith("Précision\u00a0: ± ") for t in texts), sheet.title
    notes = sum(
        1
        for sheet in workbook.worksheets[1:]
        for row in sheet.iter_rows()
        for c in row
        if str(c.value or "").startswith(note)
    )
    assert notes == differing


def test_exact_counts_add_up_and_carry_no_note(client, coordinators, coalition):
    client.post(
        "/tendances/publier/",
        {"coalition_id": str(coalition.pk), "year": YEAR, "method": "suppression"},
    )
    run_queued_tasks()
    release = Release.objects.get()
    assert not any(totals_differ(table) for table in release.content["tables"])
    page = client.get(f"/tendances/diffusions/{release.pk}/").content.decode()
    assert "Les totaux de ce tableau ne sont pas exactement" not in page
    assert "par case" not in page, "exact counts state no margin"
