"""Planning a conference and writing its agenda through the pages: bad input gets a clear,
translated message, keeps what was typed, and writes nothing; a theme conference applies the
firewall to its items; the case page links to planning one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.conferences.models import AgendaItem, Conference
from arrimage.core.models import AuditEvent
from tests.cases.conftest import populate
from tests.conferences.conftest import member
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db


def _moment(days: int, hours: int = 0) -> str:
    return (timezone.now() + timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def sides(coalition):
    side_a = make_side("A", coalition=coalition)
    police = make_side("Police", org_type="police", coalition=coalition)
    return side_a, police


def _form(coalition, **overrides):
    data = {
        "create": "1",
        "coalition_id": str(coalition.pk),
        "title": "Hébergement des hommes",
        "starts_at": _moment(3),
        "ends_at": _moment(3, 2),
        "place": "",
        "video_link": "https://visio.example.org/h",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message", "language"),
    [
        ({"title": ""}, "Le thème est obligatoire.", "fr"),
        ({"ends_at": _moment(2)}, "La fin doit venir après le début.", "fr"),
        ({"starts_at": "demain"}, "Le début n’est pas une date et une heure", "fr"),
        (
            {"video_link": "http://visio.example.org"},
            "doit être une adresse qui commence par https://",
            "fr",
        ),
        ({"video_link": ""}, "Indiquez un lieu ou un lien de visioconférence.", "fr"),
        ({"participant": "999999"}, "Choisissez les participants dans la liste.", "fr"),
        ({"ends_at": _moment(3, 20)}, "Une concertation dure au plus 12 heures.", "fr"),
        ({"title": "a\x00b"}, "", "fr"),
        ({"ends_at": _moment(2)}, "The end must come after the start.", "en"),
        ({"title": ""}, "The theme is required.", "en"),
    ],
)
def test_bad_input_gets_a_translated_message_and_keeps_what_was_typed(
    client, coalition, sides, overrides, message, language
):
    side_a, _police = sides
    login(client, side_a.user(Role.COORDINATOR))
    if language == "en":
        client.post("/compte/langue/", {"language": "en"})
    events = AuditEvent.objects.exclude(action="login").count()
    data = _form(coalition, **overrides)
    response = client.post("/concertations/nouvelle/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if data["title"] and "\x00" not in data["title"]:
        assert f'value="{data["title"]}"' in body
    assert Conference.objects.count() == 0
    assert AuditEvent.objects.exclude(action="login").count() == events


def test_the_case_page_links_to_planning_a_conference_on_the_case(client, coalition, sides):
    side_a, police = sides
    case = populate(side_a, "A")
    login(client, side_a.user(Role.CASEWORKER))
    page = client.get(f"/dossiers/{case.pk}/").content.decode()
    link = f"/concertations/nouvelle/?dossier={case.pk}"
    assert link in page and "Planifier une concertation" in page
    form = client.get(link)
    assert form.status_code == 200
    assert case.reference in form.content.decode()
    response = client.post(
        link,
        _form(
            coalition,
            case_id=str(case.pk),
            title="Suivi",
            participant=[str(member(police).pk)],
        ),
    )
    assert response.status_code == 302
    conference = Conference.objects.get()
    assert conference.case_id == case.pk
    # The case's reference never goes into the theme.
    response = client.post(
        link, _form(coalition, case_id=str(case.pk), title=f"Dossier {case.reference}")
    )
    assert response.status_code == 400
    assert "n’y mettez pas la référence du dossier" in response.content.decode()
    assert Conference.objects.count() == 1
    # Another organisation's case cannot be named: 404.
    other = populate(make_side("C", coalition=coalition), "C")
    assert client.get(f"/concertations/nouvelle/?dossier={other.pk}").status_code == 404


def test_an_agenda_item_with_bad_input_is_refused_and_kept(client, coalition, sides):
    side_a, _police = sides
    login(client, side_a.user(Role.COORDINATOR))
    client.post("/concertations/nouvelle/", _form(coalition))
    conference = Conference.objects.get()
    url = f"/concertations/{conference.pk}/points/"
    response = client.post(url, {"category": "coordination", "title": "x" * 201})
    assert response.status_code == 400
    assert "Le point de l’ordre du jour" in response.content.decode()
    response = client.post(url, {"category": "nationality", "title": "Point"})
    assert response.status_code == 400
    assert "Choisissez une catégorie de renseignements dans la liste." in response.content.decode()
    assert 'value="Point"' in response.content.decode()
    assert AgendaItem.objects.count() == 0


def test_a_theme_conference_keeps_immigration_and_health_items_from_police(
    client, coalition, sides
):
    side_a, police = sides
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        "/concertations/nouvelle/",
        _form(coalition, participant=[str(member(police).pk)]),
    )
    assert response.status_code == 302
    conference = Conference.objects.get()
    assert conference.case_id is None
    base = f"/concertations/{conference.pk}/"
    for category in ("coordination", "immigration", "health", "location", "legal"):
        response = client.post(
            base + "points/", {"category": category, "title": f"theme-{category}-point"}
        )
        assert response.status_code == 302, category
        item = AgendaItem.objects.get(category=category)
        client.post(
            base + f"points/{item.pk}/",
            {"minutes": f"theme-{category}-minutes", "decision": f"theme-{category}-decision"},
        )
    own = client.get(base).content.decode()
    assert "theme-health-minutes" in own and "theme-immigration-decision" in own
    client.logout()
    login(client, police.user(Role.CASEWORKER))
    body = client.get(base).content.decode()
    for category in ("immigration", "health", "location"):
        assert f"theme-{category}" not in body
    for category in ("coordination", "legal"):
        assert f"theme-{category}-minutes" in body
    response = client.post(base + "points/", {"category": "health", "title": "x"})
    assert response.status_code == 404
    assert AgendaItem.objects.count() == 5
