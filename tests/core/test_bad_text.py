"""Text from outside never gives a 500 and never poisons data (issue 12, D1, D2, D5, D6).

A lone surrogate, a NUL or another control character, or an oversized value is refused where it
enters, with a translated message naming the field, and nothing is written. Afterwards the pages
that list the data still answer 200."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.cases.models import Case, Note, Person, Task
from arrimage.orientation.models import BedHold
from tests.cases.conftest import build_world
from tests.conftest import login
from tests.orientation.conftest import make_service

pytestmark = pytest.mark.django_db

LONE_SURROGATE = '"\\udc00x"'  # as JSON text: json.loads gives a lone surrogate


@pytest.fixture
def world(side_a, side_b, police_side, coalition):
    return build_world(side_a, side_b, police_side, coalition)


def _post(client, url: str, body: str, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def _counts():
    return tuple(model.objects.count() for model in (Case, Person, Note, Task))


def test_d1_a_lone_surrogate_in_an_alias_is_refused_and_the_worklist_still_answers(client, world):
    login(client, world.a.user("caseworker"))
    before = _counts()
    response = _post(client, "/api/cases/", '{"alias": ' + LONE_SURROGATE + "}")
    assert response.status_code == 422, response.content
    body = response.json()
    assert "alias" in body["detail"]
    assert "U+DC00" in body["detail"]
    assert body["fields"] == [{"field": "alias", "message": body["detail"]}]
    assert _counts() == before
    assert client.get("/dossiers/").status_code == 200
    assert client.get(f"/dossiers/{world.case_a.pk}/").status_code == 200
    assert client.get("/api/cases/").status_code == 200


def test_d1_the_message_is_translated(client, world):
    login(client, world.a.user("caseworker"))
    french = _post(client, "/api/cases/", '{"alias": "a\\u0007b"}')
    assert french.status_code == 422
    assert "caractère" in french.json()["detail"]
    client.cookies["arrimage_language"] = "en"
    english = _post(client, "/api/cases/", '{"alias": "a\\u0007b"}')
    assert english.status_code == 422
    assert english.json()["detail"] == ("alias contains a character that is not allowed (U+0007).")


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("notes", '{"category": "coordination", "body": ' + LONE_SURROGATE + "}", "body"),
        ("tasks", '{"title": ' + LONE_SURROGATE + ', "due_on": "{due}"}', "title"),
        ("notes", '{"category": "coordination", "body": "a\\u0000b"}', "body"),
        ("tasks", '{"title": "a\\u001bb", "due_on": "{due}"}', "title"),
    ],
)
def test_d2_a_bad_character_in_a_note_or_a_task_is_refused(client, world, path, body, field):
    login(client, world.a.user("caseworker"))
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    before = _counts()
    response = _post(client, f"/api/cases/{world.case_a.pk}/{path}", body.replace("{due}", due))
    assert response.status_code == 422, response.content
    assert response.json()["fields"][0]["field"] == field
    assert _counts() == before
    assert client.get(f"/dossiers/{world.case_a.pk}/").status_code == 200


def test_newlines_and_tabs_are_kept(client, world):
    login(client, world.a.user("caseworker"))
    response = _post(
        client,
        f"/api/cases/{world.case_a.pk}/notes",
        json.dumps({"category": "coordination", "body": "ligne 1\r\nligne 2\tfin 😀"}),
    )
    assert response.status_code == 201, response.content
    page = client.get(f"/dossiers/{world.case_a.pk}/")
    assert "ligne 2\tfin 😀" in page.content.decode()


def test_an_oversized_alias_is_refused_by_the_schema(client, world):
    login(client, world.a.user("caseworker"))
    before = _counts()
    response = _post(client, "/api/cases/", json.dumps({"alias": "x" * 101}))
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "alias"
    assert "100" in response.json()["detail"]
    assert _counts() == before


def test_a_bad_character_on_a_page_form_gets_the_message_on_the_page(client, world):
    login(client, world.a.user("caseworker"))
    before = _counts()
    response = client.post(
        f"/dossiers/{world.case_a.pk}/notes/",
        {"category": "coordination", "body": "a\x00b"},
        follow=True,
    )
    assert response.status_code == 200
    assert 'class="message error"' in response.content.decode()
    assert "U+0000" in response.content.decode()
    assert _counts() == before


@pytest.fixture
def shelter(world):
    return make_service(
        world.partner.organisation,
        name_fr="Refuge",
        capacities=(("bed", 3, 5, timedelta(hours=1)),),
    )


@pytest.mark.parametrize("unit", ["bed\u0000", "bed\udc00", "b" * 500])
def test_d5_a_bad_hold_unit_is_refused(client, world, shelter, unit):
    login(client, world.a.user("caseworker"))
    body = json.dumps({"service_id": str(shelter.pk), "unit": unit})
    response = _post(client, "/api/orientation/holds", body)
    assert response.status_code == 422, response.content
    assert response.json()["fields"][0]["field"] == "unit"
    assert not BedHold.objects.exists()
    assert client.get("/api/orientation/holds").status_code == 200


@pytest.mark.parametrize("minutes", [10**19, -(10**19), 0, 14, 72 * 60 + 1])
def test_d6_a_hold_duration_out_of_range_is_refused(client, world, shelter, minutes):
    login(client, world.a.user("caseworker"))
    body = json.dumps({"service_id": str(shelter.pk), "unit": "bed", "minutes": minutes})
    response = _post(client, "/api/orientation/holds", body)
    assert response.status_code == 422, response.content
    assert response.json()["fields"][0]["field"] == "minutes"
    assert not BedHold.objects.exists()


def test_a_hold_duration_in_range_is_kept(client, world, shelter):
    login(client, world.a.user("caseworker"))
    body = json.dumps({"service_id": str(shelter.pk), "unit": "bed", "minutes": 72 * 60})
    response = _post(client, "/api/orientation/holds", body)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "body,field",
    [
        ({"needs": ["flying"]}, "needs"),
        ({"needs": ["employment"], "gender": "robot"}, "gender"),
        ({"needs": ["employment"], "status": "\u0000"}, "status"),
        ({"needs": ["employment"], "age": 10**19}, "age"),
    ],
)
def test_a_bad_needs_profile_names_the_field_in_the_language_of_the_user(
    client, world, body, field
):
    login(client, world.a.user("caseworker"))
    response = _post(client, "/api/orientation/match", json.dumps(body))
    assert response.status_code == 422, response.content
    assert response.json()["fields"][0]["field"] == field
    assert response.json()["detail"].startswith(field)
    assert (
        "valide" in response.json()["detail"]
        or "au plus" in response.json()["detail"]
        or ("caractère" in response.json()["detail"])
    )
    empty = _post(client, "/api/orientation/match", json.dumps({"needs": []}))
    assert empty.status_code == 400
    assert empty.json()["detail"] == "Choisissez au moins un besoin."
