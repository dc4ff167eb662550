"""The .ics invitation of a conference carries no personal data: not the person's alias or
names, not the case's reference, not a word of the agenda, minutes or notes, no participant.
Only the theme, the time, the place or video link and the organising organisation."""

import pytest

from arrimage.accounts.models import Role
from arrimage.cases.models import Case
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.conferences.models import Participant
from arrimage.privacy.categories import Category
from tests.cases.conftest import marker, populate
from tests.conferences.conftest import case_conference, conference_marker
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db


def _unfolded(body: str) -> str:
    return body.replace("\r\n ", "")


def test_the_invitation_carries_no_personal_data(client, coalition):
    side_a = make_side("A", coalition=coalition)
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    side_b = make_side("B", coalition=other)
    case = populate(side_a, "A")
    case_b = populate(side_b, "B")
    conference = case_conference(side_a, case, "A")
    case_conference(side_b, case_b, "B")
    login(client, side_a.user(Role.COORDINATOR))
    response = client.get(f"/concertations/{conference.pk}/invitation.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = _unfolded(response.content.decode())
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "SUMMARY:Suivi concerté" in body
    assert "LOCATION:Salle 2" in body
    assert "URL:https://visio.example.org/salle-2" in body
    assert "Organisée par Organisation A" in body
    assert "DTSTART:" in body and "DTEND:" in body
    case = Case.objects.get(pk=case.pk)
    forbidden = [case.reference, str(case.pk), str(case.person_id), "mk-"]
    forbidden += [marker("A", c, kind) for c in Category.values for kind in ("note", "task")]
    forbidden += [marker("A", "identity", "alias")]
    forbidden += [
        conference_marker("A", c, k)
        for c in Category.values
        for k in ("item", "minutes", "decision")
    ]
    for participant in Participant.objects.filter(conference=conference).select_related(
        "membership__user"
    ):
        forbidden += [participant.membership.user.full_name, participant.membership.user.email]
    found = [text for text in forbidden if text in body]
    assert not found, found
    assert "ATTENDEE" not in body


def test_the_invitation_escapes_what_the_organiser_typed(client, coalition):
    from datetime import timedelta

    from django.utils import timezone

    from arrimage.conferences.calendar import conference_ical
    from arrimage.conferences.services import conference_create
    from tests.conferences.conftest import member

    side = make_side("A", coalition=coalition)
    start = timezone.now() + timedelta(days=1)
    conference = conference_create(
        actor_membership=member(side, Role.COORDINATOR),
        coalition_id=coalition.pk,
        data={
            "title": "Logement; hiver, refuges\nBEGIN:VEVENT",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle " + "x" * 150,
        },
        participant_ids=[],
    )
    body = conference_ical(conference)
    assert "SUMMARY:Logement\\; hiver\\, refuges BEGIN:VEVENT" in _unfolded(body)
    assert body.split("\r\n").count("BEGIN:VEVENT") == 1
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
