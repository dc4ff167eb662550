"""A case conference's theme and place go into calendar invitations and the list every
participant sees (police included): the form refuses the case's reference and the person's
names in them, over two organisations with identical data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import services
from arrimage.conferences.models import Conference
from arrimage.core.models import AuditEvent
from tests.cases.conftest import membership
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db

IDENTITY = {"alias": "Rosa", "given_name": "Élodie", "family_name": "Tremblay-Côté"}


def _moment(days: int, hours: int = 0) -> str:
    return (timezone.now() + timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def world(coalition):
    cases = {}
    sides = {}
    for label in ("A", "B"):
        side = make_side(label, coalition=coalition)
        sides[label] = side
        cases[label] = services.case_create(
            actor_membership=membership(side),
            identity=dict(IDENTITY),
            location={"city": "Montréal", "accommodation": "Refuge, 12 rue des Érables"},
        )
    return sides, cases


def _post(client, coalition, case, **fields):
    data = {
        "create": "1",
        "coalition_id": str(coalition.pk),
        "case_id": str(case.pk),
        "title": "Suivi",
        "starts_at": _moment(3),
        "ends_at": _moment(3, 2),
        "place": "",
        "video_link": "https://visio.example.org/h",
    }
    data.update(fields)
    return client.post(f"/concertations/nouvelle/?dossier={case.pk}", data)


def _reference_spaced(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:8]} {reference[8:].lower()}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "title",
            "Suivi de ROSA",
            "Le thème figure dans les invitations d’agenda : n’y mettez pas les noms",
        ),
        (
            "title",
            "Suivi elodie",
            "Le thème figure dans les invitations d’agenda : n’y mettez pas les noms",
        ),
        (
            "place",
            "Bureau de tremblay cote",
            "Le lieu figure dans les invitations d’agenda : n’y mettez pas les noms",
        ),
        ("title", "Dossier {reference}", "n’y mettez pas la référence du dossier"),
        (
            "place",
            "Salle {spaced}",
            "Le lieu figure dans les invitations d’agenda : n’y mettez pas la référence",
        ),
    ],
)
def test_a_theme_or_place_naming_the_case_is_refused_and_kept(
    client, coalition, world, field, value, message
):
    sides, cases = world
    case = cases["A"]
    value = value.format(reference=case.reference, spaced=_reference_spaced(case.reference))
    login(client, sides["A"].user(Role.CASEWORKER))
    events = AuditEvent.objects.exclude(action="login").count()
    response = _post(client, coalition, case, **{field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert message.replace(" :", "\u00a0:") in body
    assert f'value="{value}"' in body  # what was typed is kept
    assert not Conference.objects.exists()
    assert AuditEvent.objects.exclude(action="login").count() == events


def test_a_neutral_theme_and_place_pass_and_words_only_match_whole(client, coalition, world):
    sides, cases = world
    for label in ("A", "B"):
        client.logout()
        login(client, sides[label].user(Role.CASEWORKER))
        # "Rosalie" and "Tremblay" alone are not the alias nor the family name "Tremblay-Côté".
        response = _post(
            client, coalition, cases[label], title="Suivi avec Rosalie", place="Salle Tremblay"
        )
        assert response.status_code == 302
    assert Conference.objects.count() == 2
    # B's case reference is not A's: A may write it (it names nothing A's case holds).
    client.logout()
    login(client, sides["A"].user(Role.CASEWORKER))
    response = _post(client, coalition, cases["A"], title=f"Suivi {cases['B'].reference}")
    assert response.status_code == 302


def test_the_conference_page_says_what_the_invitation_carries(client, coalition, world):
    sides, cases = world
    login(client, sides["A"].user(Role.CASEWORKER))
    response = _post(client, coalition, cases["A"])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "aucun renseignement personnel" not in page
    assert "le formulaire refuse les noms de la personne et la référence du dossier" in page
