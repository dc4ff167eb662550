"""The authorisation matrix's conference paths (issue 15), beside the case matrix of
tests/cases/test_authorisation_matrix.py and with its expectations: every role x relation to the
case's organisation x consent state x category, over two organisations with identical data. In
its own file so that the two test workers share the matrix."""

import pytest

from arrimage.privacy.categories import Category
from tests.cases.conftest import World, build_world, consent_for, membership
from tests.cases.test_authorisation_matrix import (
    CONSENT_STATES,
    RELATIONS,
    ROLES,
    _reader,
    expected,
)
from tests.conferences.conftest import case_conference, conference_marker
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(side_a, side_b, police_side, coalition) -> World:
    return build_world(side_a, side_b, police_side, coalition)


# Conference paths (issue 15). A participant reads on a conference's agenda exactly what the
# policy gives them on its case: the same expectation as the case page, item by item (title,
# minutes and decision). Organisation B's conference on its own case, with identical items, is
# never reachable, and the invitation carries no marker of any category.
CONFERENCE_KINDS = ("item", "minutes", "decision")


@pytest.mark.parametrize("consent_state", CONSENT_STATES)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_conference_matrix(client, world, role, relation, consent_state):
    reader_side = _reader(world, relation)
    reader_membership = membership(reader_side, role)
    recipient = world.partner.organisation if relation == "own" else reader_side.organisation
    consent_for(world.case_a, recipient, state=consent_state)
    conference_a = case_conference(world.a, world.case_a, "A", others=[reader_membership])
    conference_b = case_conference(world.b, world.case_b, "B")
    login(client, reader_side.user(role))

    wrong = []
    page = client.get(f"/concertations/{conference_a.pk}/")
    if page.status_code != 200:
        wrong.append(f"agenda: a participant got {page.status_code}")
    body = page.content.decode()
    for category in Category.values:
        want = expected(role, relation, consent_state, category)
        for kind in CONFERENCE_KINDS:
            got = conference_marker("A", category, kind) in body
            if got != want:
                wrong.append(f"{category}/{kind}: expected {'present' if want else 'absent'}")
    if "mk-b-" in body:
        wrong.append("agenda: data of organisation B leaked")

    invitation = client.get(f"/concertations/{conference_a.pk}/invitation.ics")
    if invitation.status_code != 200 or "mk-" in invitation.content.decode():
        wrong.append(f"invitation: {invitation.status_code} or a marker in it")

    for url in (
        f"/concertations/{conference_b.pk}/",
        f"/concertations/{conference_b.pk}/invitation.ics",
    ):
        response = client.get(url)
        if response.status_code != 404:
            wrong.append(f"{url}: organisation B's conference answered {response.status_code}")
    listing = client.get("/concertations/").content.decode()
    if str(conference_b.pk) in listing:
        wrong.append("list: organisation B's conference listed")
    assert not wrong, "\n".join(wrong)
