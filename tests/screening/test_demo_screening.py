"""The demonstration screenings: on some cases of the demonstration caseworker, finished and
halfway, one before any case; the enforcement login reaches none."""

import pytest

from arrimage.accounts import demo
from arrimage.accounts.models import User
from arrimage.cases.demo import demo_cases_build
from arrimage.demo.management.commands.demo import demo_screenings
from arrimage.screening.models import Screening
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_demo_screenings_on_cases_and_the_police_login_sees_none(client):
    demo.demo_coalition_build()
    demo_cases_build(count=40)
    assert demo_screenings() == 4
    screenings = list(Screening.objects.order_by("created_at"))
    assert [s.status for s in screenings] == [
        "completed",
        "completed",
        "in_progress",
        "in_progress",
    ]
    assert all(s.case_id for s in screenings[:3]) and screenings[3].case_id is None

    client.force_login(screenings[0].started_by)
    worker_home = client.get("/tableau/").content.decode()
    assert f"/depistage/{screenings[2].pk}/" in worker_home
    page = client.get(f"/depistage/{screenings[0].pk}/resultat/").content.decode()
    assert 'data-indicator="ilo_debt"' in page
    page = client.get(f"/depistage/{screenings[1].pk}/resultat/").content.decode()
    assert 'data-indicator="sex_control"' in page
    client.logout()

    login(client, User.objects.get(email=f"police@{demo.DEMO_DOMAIN}"), demo.DEMO_PASSWORD)
    for screening in screenings:
        assert client.get(f"/depistage/{screening.pk}/resultat/").status_code == 404
        assert client.get(f"/api/screenings/{screening.pk}").status_code == 404
