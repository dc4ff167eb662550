"""The generated authorisation matrix of DESIGN.md's policy.

Every role x relation to the case's organisation (its own, a partner in the same coalition, a
police service in the same coalition) x consent state (none, given, expired, withdrawn) x
category x output path (page, API, export, search, notification, iCalendar). Each cell asserts
that the category's data is present or absent; each refused write asserts that nothing
changed. Organisations A and B hold identical data: nothing of B may ever appear.

The expected value comes from this file's own reading of DESIGN.md, not from the policy code.
"""

import hashlib
import json

import pytest

from arrimage.cases.models import CalendarFeed, Note, Task
from arrimage.privacy.categories import Category
from arrimage.screening import services as screening_services
from arrimage.screening.models import Screening
from tests.cases.conftest import consent_for, marker, membership
from tests.conftest import login

ROLES = ["caseworker", "service_staff", "coordinator", "analyst", "organisation_admin"]
RELATIONS = ["own", "partner", "enforcement"]
CONSENT_STATES = ["none", "given", "expired", "withdrawn"]
PATHS = ["page", "api", "export", "search", "notification", "icalendar"]

# DESIGN.md, step 1: what each role reads.
ROLE_READS = {
    "caseworker": set(Category.values),
    "service_staff": {"identity", "contact", "location", "health", "coordination"},
    "coordinator": {"coordination"},
    "analyst": set(),
    "organisation_admin": set(),
}
# Step 2: never to police, border enforcement or prosecution.
FIREWALLED = {"immigration", "health", "location"}
# Where each category has a field marker besides its note (the person's fields, the records).
FIELD_MARKERS = {
    "identity": ("identity", "alias"),
    "contact": ("contact", "field"),
    "location": ("location", "field"),
    "legal": ("legal", "field"),
    "exploitation": ("exploitation", "field"),
    "immigration": ("immigration", "field"),
    "health": ("health", "field"),
    "coordination": ("coordination", "field"),
}


def expected(role: str, relation: str, consent: str, category: str) -> bool:
    if category not in ROLE_READS[role]:
        return False
    if relation == "enforcement" and category in FIREWALLED:
        return False
    if relation == "own":
        return True
    # Step 3 holds (the coalition's agreement allows every permitted flow); step 4:
    return consent == "given"


def _reader(world, relation: str):
    return {"own": world.a, "partner": world.partner, "enforcement": world.police}[relation]


def _outputs(client, case_id, category: str, token: str) -> dict[str, tuple[int, str]]:
    outputs = {}
    for path, url in (
        ("page", f"/dossiers/{case_id}/"),
        ("api", f"/api/cases/{case_id}"),
        ("export", f"/dossiers/{case_id}/export/"),
        ("notification", "/dossiers/rappels/"),
        ("icalendar", f"/dossiers/calendrier/{token}.ics"),
    ):
        response = client.get(url)
        outputs[path] = (response.status_code, response.content.decode())
    # Search is sent by POST and finds names: the alias marker, an identity field.
    response = client.post(
        "/dossiers/recherche/", {"q": marker("A", "identity", "alias")}, follow=True
    )
    outputs["search"] = (response.status_code, response.content.decode())
    return outputs


def _present(path: str, outputs, case_id, category: str, task_id) -> bool:
    status, body = outputs[path]
    if path in ("page", "api", "export"):
        if status == 404:
            return False
        assert status == 200, (path, status)
        label, kind = FIELD_MARKERS[category]
        note_present = marker("A", category, "note") in body
        field_present = marker("A", label, kind) in body
        assert note_present == field_present, (path, category, "note and field disagree")
        # Plan goals and tasks follow their own category, like notes.
        goal_present = marker("A", category, "goal") in body
        assert note_present == goal_present, (path, category, "note and goal disagree")
        task_present = marker("A", category, "task") in body
        assert note_present == task_present, (path, category, "note and task disagree")
        return note_present
    if path == "search":
        assert status == 200
        return f"/dossiers/{case_id}/" in body
    if path == "notification":
        assert status == 200
        return marker("A", category, "task") in body
    assert status == 200
    assert "mk-" not in body, "the calendar feed carries no personal detail"
    return f"UID:{task_id}@arrimage" in body


@pytest.mark.parametrize("consent_state", CONSENT_STATES)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, world, role, relation, consent_state):
    reader_side = _reader(world, relation)
    reader = reader_side.user(role)
    recipient = world.partner.organisation if relation == "own" else reader_side.organisation
    consent_for(world.case_a, recipient, state=consent_state)
    case_id = world.case_a.pk
    Task.objects.filter(case__in=[world.case_a, world.case_b]).update(assignee=reader)
    token = f"token-{role}-{relation}"
    CalendarFeed.objects.create(
        membership=membership(reader_side, role),
        token_digest=hashlib.sha256(token.encode()).hexdigest(),
    )
    login(client, reader)

    wrong = []
    for category in Category.values:
        want = expected(role, relation, consent_state, category)
        outputs = _outputs(client, case_id, category, token)
        task_id = Task.objects.get(case=world.case_a, category=category).pk
        for path in PATHS:
            body = outputs[path][1]
            if "mk-b-" in body:
                wrong.append(f"{category}/{path}: data of organisation B leaked")
            got = _present(path, outputs, case_id, category, task_id)
            # Search finds names only (its blind index): a hit follows identity.
            wanted = (
                expected(role, relation, consent_state, "identity") if path == "search" else want
            )
            if got != wanted:
                wrong.append(f"{category}/{path}: expected {'present' if wanted else 'absent'}")

        # Writing into the category: allowed exactly when reading it is.
        before = Note.objects.count()
        page = client.post(
            f"/dossiers/{case_id}/notes/", {"category": category, "body": "written by the matrix"}
        )
        api = client.post(
            f"/api/cases/{case_id}/notes",
            json.dumps({"category": category, "body": "written by the matrix"}),
            content_type="application/json",
        )
        if want:
            if (page.status_code, api.status_code) != (
                302,
                201,
            ) or Note.objects.count() != before + 2:
                wrong.append(f"{category}/write: refused though allowed")
        else:
            if page.status_code != 404 or api.status_code != 404:
                wrong.append(f"{category}/write: answered {page.status_code}/{api.status_code}")
            if Note.objects.count() != before:
                wrong.append(f"{category}/write: a refused write changed the notes")
    assert not wrong, "\n".join(wrong)


# Screening paths (issue 15). Screening answers are exploitation data, with one rule more than
# the policy's four: police, border enforcement and prosecution never see them, whatever the
# consent (the firewall of DESIGN.md does not list exploitation; screening answers stay out of
# their reach all the same). Only the organisation that did the screening changes it.
SCREENING_PATHS = ["list", "result", "question", "api_list", "api_detail"]


def screening_expected(role: str, relation: str, consent: str) -> bool:
    if "exploitation" not in ROLE_READS[role]:
        return False
    if relation == "enforcement":
        return False
    if relation == "own":
        return True
    return consent == "given"


def _screening_outputs(client, case_id, screening_id) -> dict[str, tuple[int, str]]:
    outputs = {}
    for path, url in (
        ("list", f"/depistage/?dossier={case_id}"),
        ("result", f"/depistage/{screening_id}/resultat/"),
        ("question", f"/depistage/{screening_id}/?question=papers_kept"),
        ("api_list", f"/api/screenings/?case_id={case_id}"),
        ("api_detail", f"/api/screenings/{screening_id}"),
    ):
        response = client.get(url, follow=path == "question")
        outputs[path] = (response.status_code, response.content.decode())
    return outputs


def _screening_markers(path: str, screening) -> tuple[str, ...]:
    """What shows the screening's answers on each path. A partner who reads is sent from the
    question page to the result page: reading is not answering."""
    return {
        "list": (str(screening.pk),),
        "result": ('data-indicator="ilo_documents"',),
        "question": ('data-indicator="ilo_documents"', 'value="yes" checked'),
        "api_list": (str(screening.pk),),
        "api_detail": ('"ilo_documents"',),
    }[path]


def _screening_for(side, case):
    actor = membership(side)
    screening = screening_services.screening_start(actor=actor, form="short", case_id=case.pk)
    for question, answer in (("safe_now", "no"), ("has_worked", "yes"), ("papers_kept", "yes")):
        screening_services.screening_answer(
            actor=actor, screening_id=screening.pk, question=question, answer=answer
        )
    return screening


@pytest.mark.parametrize("consent_state", CONSENT_STATES)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_screening_matrix(client, world, role, relation, consent_state):
    screening_a = _screening_for(world.a, world.case_a)
    screening_b = _screening_for(world.b, world.case_b)
    reader_side = _reader(world, relation)
    recipient = world.partner.organisation if relation == "own" else reader_side.organisation
    consent_for(world.case_a, recipient, state=consent_state)
    login(client, reader_side.user(role))
    want = screening_expected(role, relation, consent_state)

    wrong = []
    outputs = _screening_outputs(client, world.case_a.pk, screening_a.pk)
    for path in SCREENING_PATHS:
        status, body = outputs[path]
        if str(screening_b.pk) in body:
            wrong.append(f"{path}: a screening of organisation B leaked")
        got = status == 200 and any(m in body for m in _screening_markers(path, screening_a))
        if got != want:
            wrong.append(f"{path}: expected {'present' if want else 'absent'} ({status})")
        if not want and status != 404:
            wrong.append(f"{path}: answered {status} instead of 404")

    # Writing an answer: the organisation that did the screening only.
    before = bytes(Screening.objects.get(pk=screening_a.pk).answers_sealed)
    response = client.post(
        f"/depistage/{screening_a.pk}/", {"question": "come_and_go", "answer": "yes"}
    )
    changed = bytes(Screening.objects.get(pk=screening_a.pk).answers_sealed) != before
    may_write = want and relation == "own"
    if may_write != changed or (not may_write and response.status_code != 404):
        wrong.append(f"answer write: status {response.status_code}, changed {changed}")

    # The same through the API.
    before = bytes(Screening.objects.get(pk=screening_a.pk).answers_sealed)
    response = client.post(
        f"/api/screenings/{screening_a.pk}/answers",
        json.dumps({"question": "cut_off", "answer": "yes"}),
        content_type="application/json",
    )
    changed = bytes(Screening.objects.get(pk=screening_a.pk).answers_sealed) != before
    if may_write != changed or (not may_write and response.status_code != 404):
        wrong.append(f"API answer write: status {response.status_code}, changed {changed}")
    assert not wrong, "\n".join(wrong)
