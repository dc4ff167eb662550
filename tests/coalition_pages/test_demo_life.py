"""The demonstration's coalition life: every level has members and coordinators; the Montreal
table has announcements, minutes, a decision log and a training session with attendance; the
demonstration organisation's checklist shows what the data says."""

import re
from html import unescape

import pytest

from arrimage.accounts import demo
from arrimage.accounts.models import Membership, User
from arrimage.cases.demo import demo_agreement_build
from arrimage.coalition.models import Coalition, CoalitionLevel
from arrimage.coalition_pages.demo import demo_coalition_life_build
from arrimage.coalition_pages.models import CoalitionText, TrainingSession
from arrimage.coalition_pages.selectors import coalition_coordinators
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_demo_builds_every_level_with_members_coordinators_texts_and_training(client):
    demo.demo_coalition_build()
    coordinator = Membership.objects.get(user__email="coordination@arrimage.example")
    demo_agreement_build(coordinator)
    made = demo_coalition_life_build()
    assert made["texts"] == CoalitionText.objects.count() >= 6
    for level in CoalitionLevel.values:
        coalition = Coalition.objects.filter(level=level).order_by("name").first()
        assert coalition is not None, level
        assert coalition.organisations.exists(), level
        assert coalition_coordinators(coalition=coalition).exists(), level
    regional = Coalition.objects.get(organisations=coordinator.organisation, level="regional")
    decisions = CoalitionText.objects.filter(coalition=regional, kind="decision")
    assert sorted(decisions.values_list("number", flat=True)) == [1, 2, 3]
    assert decisions.get(number=2).replaces == decisions.get(number=1)
    session = (
        TrainingSession.objects.filter(coalition=regional, attendances__isnull=False)
        .distinct()
        .get()
    )
    assert session.attendances.count() == made["attendances"] >= 3

    # The demonstration administrator's checklist: the provincial agreement, signed, and
    # training attended; two-factor is not on for everyone in a demonstration.
    admin = User.objects.get(email="admin@arrimage.example")
    admin.set_password("x-demo-test-password")
    admin.save()
    login(client, admin, "x-demo-test-password")
    page = client.get(f"/coalitions/{regional.pk}/accueil-membres/").content.decode()
    found = dict(re.findall(r'data-item="(\w+)" data-done="(yes|no)"', page))
    assert found == {"agreement": "yes", "training": "yes", "two_factor": "no"}
    announcements = unescape(client.get(f"/coalitions/{regional.pk}/annonces/").content.decode())
    assert "Nouvelle ligne d'accueil de nuit" in announcements
