"""The demonstration's two past conferences: one on a case, one on a theme, with minutes; each
participant's page opens, and an enforcement participant sees no immigration or health item."""

import pytest

from arrimage.accounts import demo
from arrimage.cases.demo import demo_cases_build
from arrimage.cases.models import Task
from arrimage.conferences.demo import CASE_ITEMS, THEME_ITEMS, demo_conferences_build
from arrimage.conferences.models import Conference, Participant
from arrimage.privacy.policy import is_enforcement
from tests.conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = demo.DEMO_PASSWORD


def test_two_past_conferences_with_minutes_shown_by_the_policy(client):
    demo.demo_coalition_build()
    demo_cases_build(count=24)
    assert demo_conferences_build() == 2
    on_case = Conference.objects.get(case__isnull=False)
    on_theme = Conference.objects.get(case__isnull=True)
    assert Task.objects.filter(case=on_case.case, title_sealed__isnull=False).exists()
    enforcement_seen = False
    for conference, items in ((on_case, CASE_ITEMS), (on_theme, THEME_ITEMS)):
        for participant in Participant.objects.filter(conference=conference).select_related(
            "membership__organisation", "membership__user"
        ):
            client.logout()
            login(client, participant.membership.user, PASSWORD)
            session = client.session
            session["membership_id"] = participant.membership.pk
            session.save()
            response = client.get(f"/concertations/{conference.pk}/")
            assert response.status_code == 200
            body = response.content.decode()
            if is_enforcement(participant.membership.organisation.type):
                enforcement_seen = True
                for category, title, minutes, decision in items:
                    if category in ("immigration", "health"):
                        for text in (title, minutes, decision):
                            assert text not in body
    organiser = on_case.organiser
    client.logout()
    login(client, organiser, PASSWORD)  # type: ignore[arg-type]
    body = client.get(f"/concertations/{on_case.pk}/").content.decode()
    assert "Suivi psychologique" in body and "Renouvellement du permis" in body
    assert enforcement_seen
