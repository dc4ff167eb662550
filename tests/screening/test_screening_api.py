"""Answering a screening through the JSON API, with organisations A and B holding identical
data: start, answer one question at a time, stop and resume from ``next_question``, attach
later; 422 naming the field for a bad answer; 404 for B and for police, border enforcement and
prosecution, with nothing changed; 403 without the CSRF token; the OpenAPI description says
all of it. No verdict in any answer."""

import json

import pytest
from django.test import Client

from arrimage.accounts.models import Role
from arrimage.screening.models import Screening
from tests.conftest import login
from tests.screening.test_screening_flow import VERDICT

pytestmark = pytest.mark.django_db


def _post(client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


def _stored(screening_id) -> tuple:
    screening = Screening.objects.get(pk=screening_id)
    return (bytes(screening.answers_sealed), screening.status, screening.case_id)


def test_start_answer_stop_and_resume(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    started = _post(client, "/api/screenings/", {"form": "short"})
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["case_id"] is None and body["answered"] == 0
    assert body["next_question"]["question"] == "safe_now"
    assert body["next_question"]["number"] == 1
    screening_id = body["id"]

    for code in ("safe_now", "has_worked", "work_different"):
        answered = _post(
            client, f"/api/screenings/{screening_id}/answers", {"question": code, "answer": "yes"}
        )
        assert answered.status_code == 200, answered.content
    # Another session, later: the screening resumes at the next question.
    client.logout()
    login(client, sworld.a.user(Role.CASEWORKER))
    resumed = client.get(f"/api/screenings/{screening_id}").json()
    assert resumed["answered"] == 3
    assert resumed["next_question"]["question"] == "pay_kept"
    assert resumed["next_question"]["number"] == 4
    low, high = resumed["next_question"]["left_at_least"], resumed["next_question"]["left_at_most"]
    assert low <= high

    # To the end: every question asked gets an answer; no next question; indicators only.
    posted = 0
    while resumed["next_question"] is not None:
        code = resumed["next_question"]["question"]
        response = _post(
            client,
            f"/api/screenings/{screening_id}/answers",
            {"question": code, "answer": "yes" if code == "papers_kept" else "no"},
        )
        assert response.status_code == 200
        resumed = response.json()
        posted += 1
    # What was said to be left after the question resumed at, at least and at most, was so.
    assert low <= posted - 1 <= high
    assert resumed["is_complete"] is True
    assert resumed["answered"] == resumed["asked"] == 3 + posted
    codes = {i["code"] for i in resumed["indicators"]}
    assert {"current_danger", "ilo_deception", "ilo_documents"} <= codes
    assert VERDICT.search(json.dumps(resumed)) is None

    attached = _post(
        client, f"/api/screenings/{screening_id}/attach", {"case_id": str(sworld.case_a.pk)}
    )
    assert attached.status_code == 200 and attached.json()["case_id"] == str(sworld.case_a.pk)
    again = _post(
        client, f"/api/screenings/{screening_id}/attach", {"case_id": str(sworld.case_a.pk)}
    )
    assert again.status_code == 422
    assert again.json()["fields"][0]["field"] == "case"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question": "safe_now", "answer": "maybe"}, "answer"),
        ({"question": "travel_controlled", "answer": "yes"}, "question"),  # long form only
        ({"question": "no_such_question", "answer": "yes"}, "question"),
        ({"question": "x" * 65, "answer": "yes"}, "question"),
        ({"answer": "yes"}, "question"),
    ],
)
def test_bad_answers_answer_422_naming_the_field_and_change_nothing(client, sworld, data, field):
    login(client, sworld.a.user(Role.CASEWORKER))
    before = _stored(sworld.attached_a.pk)
    response = _post(client, f"/api/screenings/{sworld.attached_a.pk}/answers", data)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] and any(f["field"] == field for f in body["fields"]), body
    assert _stored(sworld.attached_a.pk) == before


def test_a_bad_form_answers_422(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    count = Screening.objects.count()
    response = _post(client, "/api/screenings/", {"form": "medium"})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "form"
    assert Screening.objects.count() == count


def test_others_and_enforcement_answer_404_and_change_nothing(client, sworld):
    targets = [sworld.attached_a, sworld.loose_a]
    before = {s.pk: _stored(s.pk) for s in targets}
    count = Screening.objects.count()
    readers = [sworld.b.user(Role.CASEWORKER)] + [
        user for side in sworld.enforcement for user in side.users.values()
    ]
    for user in readers:
        login(client, user)
        for screening in targets:
            url = f"/api/screenings/{screening.pk}"
            assert client.get(url).status_code == 404
            answer = {"question": "safe_now", "answer": "yes"}
            assert _post(client, f"{url}/answers", answer).status_code == 404
            attach = {"case_id": str(sworld.case_a.pk)}
            assert _post(client, f"{url}/attach", attach).status_code == 404
        if user.memberships.get().organisation.type != "community":
            assert _post(client, "/api/screenings/", {"form": "short"}).status_code == 404
            assert client.get("/api/screenings/").status_code == 404
        client.logout()
    assert {s.pk: _stored(s.pk) for s in targets} == before
    assert Screening.objects.count() == count


def test_a_write_without_the_csrf_token_answers_403(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.get(f"/api/screenings/{sworld.attached_a.pk}").status_code == 200
    before = _stored(sworld.attached_a.pk)
    response = _post(
        strict,
        f"/api/screenings/{sworld.attached_a.pk}/answers",
        {"question": "safe_now", "answer": "yes"},
    )
    assert response.status_code == 403
    assert _stored(sworld.attached_a.pk) == before


def test_the_openapi_description_documents_answering(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    paths = client.get("/api/openapi.json").json()["paths"]
    start = paths["/api/screenings/"]["post"]
    answer = paths["/api/screenings/{screening_id}/answers"]["post"]
    attach = paths["/api/screenings/{screening_id}/attach"]["post"]
    for operation, success in ((start, "201"), (answer, "200"), (attach, "200")):
        assert {success, "404", "422", "403", "401"} <= set(operation["responses"]), operation
    schema = json.dumps(client.get("/api/openapi.json").json()["components"]["schemas"])
    assert "ScreeningAnswerIn" in schema and "next_question" in schema
    assert '"yes", "no", "unknown", "declined"' in schema
