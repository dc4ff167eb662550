"""The demonstration cases: about 200, deterministic, consents in every state, and the
enforcement login sees nothing protected."""

import re

import pytest
from django.utils import timezone

from arrimage.accounts import demo
from arrimage.accounts.models import Membership
from arrimage.cases import selectors, worklist_selectors
from arrimage.cases.demo import CASE_COUNT, demo_cases_build
from arrimage.cases.models import Case
from arrimage.privacy.consent import consent_state
from arrimage.privacy.models import ConsentRecord
from tests.sealed import stored_category

pytestmark = pytest.mark.django_db


def _aliases() -> list[tuple[str, str]]:
    return sorted(
        (case.lead_organisation.name, stored_category(case.person, "identity").get("alias", ""))
        for case in Case.objects.select_related("person", "lead_organisation")
    )


def test_two_hundred_cases_consents_in_every_state_and_police_sees_nothing_protected():
    demo.demo_coalition_build()
    assert demo_cases_build() == CASE_COUNT == Case.objects.count()
    now = timezone.now()
    states = {consent_state(c, now) for c in ConsentRecord.objects.all()}
    assert states == {"active", "expired", "withdrawn"}
    assert Case.objects.values("lead_organisation").distinct().count() >= 10

    police = Membership.objects.select_related("organisation").get(
        user__email="police@arrimage.example"
    )
    worklist = worklist_selectors.case_list_for_worklist(actor_membership=police, page_size=100)
    assert len(worklist.cases) >= 5
    for summary in worklist.cases:
        view = selectors.case_get(actor_membership=police, case_id=summary["id"])
        assert not {"immigration", "health", "location"} & set(view["readable_categories"])
        assert "immigration" not in view and "health_follow_ups" not in view
        assert "city" not in view["person"] and "accommodation" not in view["person"]
        assert all(
            n["category"] not in {"immigration", "health", "location"} for n in view["notes"]
        )
        assert all(
            t["category"] not in {"immigration", "health", "location"} for t in view["tasks"]
        )
    # The lead organisation of those cases does see their immigration notes.
    lead = (
        Membership.objects.select_related("organisation")
        .filter(
            organisation_id=Case.objects.get(pk=worklist.cases[0]["id"]).lead_organisation_id,
            role="caseworker",
        )
        .first()
    )
    lead_view = selectors.case_get(actor_membership=lead, case_id=worklist.cases[0]["id"])
    assert any(n["category"] == "immigration" for n in lead_view["notes"])


def test_the_demo_cases_are_deterministic():
    from django.db import transaction

    demo.demo_coalition_build()
    with transaction.atomic():
        demo_cases_build(count=12)
        first = _aliases()
        transaction.set_rollback(True)
    assert not Case.objects.exists()
    demo_cases_build(count=12)
    assert _aliases() == first
    assert len(first) == 12


def test_the_demonstration_reads_like_french_case_work():
    """Notes are short French notes, not lorem ipsum; cities are real Quebec towns, not
    Faker's broken place names ("L'Île- Claude -sur-Mer"); French spacing in the notes."""
    from tests.core.test_french_pages import french_problems

    demo.demo_coalition_build()
    demo_cases_build(count=24)
    notes, cities = [], set()
    for case in Case.objects.select_related("lead_organisation"):
        lead = Membership.objects.filter(
            organisation_id=case.lead_organisation_id, role="caseworker"
        ).first()
        view = selectors.case_get(actor_membership=lead, case_id=case.pk)
        notes += [n["body"] for n in view["notes"]]
        cities.add(view["person"].get("city"))
    assert len(notes) >= 24
    for lorem in ("lorem", "ipsum", "dolor", "amet", "consectetur"):
        assert not [body for body in notes if lorem in body.lower()], lorem
    assert french_problems(notes) == []
    assert all(city and not re.search(r"- | -|L' |--", city) for city in cities), cities
