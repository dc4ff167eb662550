"""Who reaches screening answers. Organisations A and B hold identical data; a partner, a
police service, a border enforcement agency and a prosecution office sit in A's coalition under
an agreement that allows every flow the firewall permits, and the person consented to all of
them. Police, border enforcement and prosecution still reach no screening URL: 404 on every
one, nothing written, no screening id in any answer."""

import pytest

from arrimage.accounts.models import Role
from arrimage.core.audit import AuditEvent
from arrimage.screening.models import Screening
from arrimage.screening.questions import TOOL
from tests.cases.conftest import consent_for
from tests.conftest import login
from tests.screening.conftest import ScreeningWorld

pytestmark = pytest.mark.django_db

PAPERS_QUESTION = str(next(q.text.fr for q in TOOL.questions if q.code == "papers_kept"))


def _urls(world: ScreeningWorld) -> list[tuple[str, str, dict[str, str]]]:
    """Every screening URL, with A's screenings and case: (method, url, data)."""
    attached, loose, case = world.attached_a.pk, world.loose_a.pk, world.case_a.pk
    return [
        ("get", "/depistage/", {}),
        ("get", f"/depistage/?dossier={case}", {}),
        ("get", "/depistage/nouveau/", {}),
        ("get", f"/depistage/nouveau/?dossier={case}", {}),
        ("post", "/depistage/nouveau/", {"form": "short"}),
        ("post", "/depistage/nouveau/", {"form": "short", "dossier": str(case)}),
        ("get", f"/depistage/{attached}/", {}),
        ("get", f"/depistage/{attached}/?question=papers_kept", {}),
        ("post", f"/depistage/{attached}/", {"question": "come_and_go", "answer": "yes"}),
        ("get", f"/depistage/{attached}/resultat/", {}),
        ("get", f"/depistage/{loose}/resultat/", {}),
        ("post", f"/depistage/{loose}/rattacher/", {"dossier": str(case)}),
        ("get", "/api/screenings/", {}),
        ("get", f"/api/screenings/?case_id={case}", {}),
        ("get", f"/api/screenings/{attached}", {}),
        ("get", f"/api/screenings/{loose}", {}),
    ]


def _state() -> list[tuple]:
    return sorted(
        (str(s.pk), bytes(s.answers_sealed or b""), s.case_id, s.status)
        for s in Screening.objects.all()
    )


def _assert_nothing_reached(client, world: ScreeningWorld, who: str) -> None:
    before = _state()
    events = AuditEvent.objects.filter(action__startswith="screening_").count()
    ids = [str(s.pk) for s in Screening.objects.all()]
    for method, url, data in _urls(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, method, url, response.status_code)
        body = response.content.decode()
        # (The 404 page may repeat the address asked for; no other screening may appear.)
        leaked = [i for i in ids if i in body and i not in url]
        assert not leaked, (who, url, "a screening id leaked")
        for shown in ("data-indicator", "ilo_", "Indicateurs présents", PAPERS_QUESTION):
            assert shown not in body, (who, url, shown)
    assert _state() == before, (who, "a refused request changed a screening")
    assert AuditEvent.objects.filter(action__startswith="screening_").count() == events


@pytest.mark.parametrize("who", ["police", "border", "prosecution"])
@pytest.mark.parametrize("role", Role.values)
def test_enforcement_bodies_never_reach_screening_answers(client, sworld, who, role):
    side = getattr(sworld, who)
    # The person consented to everything the firewall permits, for this body, for every
    # purpose; the agreement allows every such flow. Screening answers still do not pass.
    for purpose in ("coordination", "referral", "statistics"):
        consent_for(sworld.case_a, side.organisation, state="given", purpose=purpose)
    login(client, side.user(role))
    _assert_nothing_reached(client, sworld, who)
    page = client.get(f"/dossiers/{sworld.case_a.pk}/")
    if page.status_code == 200:
        assert "/depistage/" not in page.content.decode(), "no screening link for them"
    home = client.get("/tableau/").content.decode()
    assert "/depistage/" not in home


@pytest.mark.parametrize(
    "role", [Role.SERVICE_STAFF, Role.COORDINATOR, Role.ANALYST, Role.ORGANISATION_ADMIN]
)
def test_roles_that_do_not_read_exploitation_reach_no_screening(client, sworld, role):
    login(client, sworld.a.user(role))
    _assert_nothing_reached(client, sworld, "a")


def test_organisation_b_with_identical_data_stays_apart(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    listing = client.get("/depistage/").content.decode()
    assert str(sworld.attached_a.pk) in listing and str(sworld.loose_a.pk) in listing
    assert str(sworld.attached_b.pk) not in listing and str(sworld.loose_b.pk) not in listing
    api = client.get("/api/screenings/").json()
    assert {row["id"] for row in api} == {str(sworld.attached_a.pk), str(sworld.loose_a.pk)}
    before = _state()
    b_urls = [
        ("get", f"/depistage/{sworld.attached_b.pk}/", {}),
        ("get", f"/depistage/{sworld.attached_b.pk}/resultat/", {}),
        ("post", f"/depistage/{sworld.attached_b.pk}/", {"question": "hurt", "answer": "yes"}),
        ("post", f"/depistage/{sworld.loose_b.pk}/rattacher/", {"dossier": str(sworld.case_a.pk)}),
        ("post", f"/depistage/{sworld.loose_a.pk}/rattacher/", {"dossier": str(sworld.case_b.pk)}),
        ("get", f"/depistage/?dossier={sworld.case_b.pk}", {}),
        ("get", f"/depistage/nouveau/?dossier={sworld.case_b.pk}", {}),
        ("post", "/depistage/nouveau/", {"form": "short", "dossier": str(sworld.case_b.pk)}),
        ("get", f"/api/screenings/{sworld.attached_b.pk}", {}),
        ("get", f"/api/screenings/?case_id={sworld.case_b.pk}", {}),
    ]
    for method, url, data in b_urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        if str(sworld.attached_b.pk) not in url:
            assert str(sworld.attached_b.pk) not in response.content.decode()
    assert _state() == before
    # And the same from B's side.
    client.logout()
    login(client, sworld.b.user(Role.CASEWORKER))
    for url in (
        f"/depistage/{sworld.attached_a.pk}/resultat/",
        f"/api/screenings/{sworld.loose_a.pk}",
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("consent_state", ["none", "given", "expired", "withdrawn"])
def test_a_partner_reads_an_attached_screening_only_with_the_persons_consent(
    client, sworld, consent_state
):
    consent_for(sworld.case_a, sworld.partner.organisation, state=consent_state)
    login(client, sworld.partner.user(Role.CASEWORKER))
    result = client.get(f"/depistage/{sworld.attached_a.pk}/resultat/")
    listing = client.get(f"/depistage/?dossier={sworld.case_a.pk}")
    if consent_state == "given":
        assert result.status_code == 200
        assert 'data-indicator="ilo_documents"' in result.content.decode()
        assert str(sworld.attached_a.pk) in listing.content.decode()
    else:
        assert result.status_code == 404
        assert listing.status_code == 404
    # A screening not attached to a case belongs to no consenting person: only A reads it.
    assert client.get(f"/depistage/{sworld.loose_a.pk}/resultat/").status_code == 404
    # Reading is not writing: only the organisation that did the screening changes it.
    before = _state()
    response = client.post(
        f"/depistage/{sworld.attached_a.pk}/", {"question": "come_and_go", "answer": "yes"}
    )
    assert response.status_code == 404
    assert _state() == before
