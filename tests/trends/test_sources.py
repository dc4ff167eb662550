"""Only consented cases count, each person once, and a case another member reported is left
to that member."""

import pytest
from django.utils import timezone

from arrimage.trends import sources
from arrimage.trends.models import StatisticsRecord
from tests.trends.conftest import open_case, statistics_consent

pytestmark = pytest.mark.django_db


def _cube(side) -> dict:
    sources.statistics_records_refresh(organisation_ids=[side.organisation.pk])
    tally = sources.tally_sum(organisation_ids=[side.organisation.pk], year=timezone.now().year)
    return sources.countable_cube(tally=tally)


def _count(side) -> int:
    return sum(_cube(side).values())


@pytest.mark.parametrize(
    ("state", "counted"), [("given", 1), ("none", 0), ("expired", 0), ("withdrawn", 0)]
)
def test_only_an_active_statistics_consent_counts(side_a, side_b, partner, state, counted):
    for side in (side_a, side_b):
        case = open_case(side)
        statistics_consent(case, partner.organisation, state=state)
    assert _count(side_a) == counted
    assert _count(side_b) == counted


def test_a_consent_for_another_purpose_does_not_count(side_a, partner):
    from arrimage.privacy.models import ConsentRecord

    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    ConsentRecord.objects.filter(person_id=case.person_id).update(purpose="coordination")
    assert _count(side_a) == 0


def test_withdrawal_takes_effect_at_the_next_count(side_a, partner):
    from arrimage.privacy.models import ConsentRecord

    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    assert _count(side_a) == 1
    ConsentRecord.objects.filter(person_id=case.person_id).update(withdrawn_at=timezone.now())
    assert _count(side_a) == 0


def test_projection_keeps_only_coarse_codes(side_a, partner):
    case = open_case(
        side_a,
        gender="Male",
        age_band="18-24",
        sex=(),
        labour=("Begging",),
        status="asylum_claimant",
    )
    statistics_consent(case, partner.organisation)
    month = case.opened_at.month
    assert _cube(side_a) == {(month, "QC-06", "male", "18_24", "protection", 4): 1}
    field_names = {f.name for f in StatisticsRecord._meta.get_fields()}
    assert not field_names & {"alias", "given_name", "year_of_birth", "city", "details"}


def test_a_change_to_the_case_is_seen_by_the_next_refresh(side_a, partner):
    from arrimage.cases import track_services
    from tests.trends.conftest import member

    case = open_case(side_a, status="no_status")
    statistics_consent(case, partner.organisation)
    sources.statistics_records_refresh(organisation_ids=[side_a.organisation.pk])
    track_services.immigration_update(
        actor_membership=member(side_a), case_id=case.pk, data={"status": "citizen"}
    )
    assert sources.statistics_records_refresh(organisation_ids=[side_a.organisation.pk]) == 1
    assert [key[4] for key in _cube(side_a)] == ["citizen_or_permanent"]


def test_reported_elsewhere_is_counted_by_the_other_member_only(side_a, partner):
    first = open_case(side_a)
    statistics_consent(first, partner.organisation)
    second = open_case(side_a)
    statistics_consent(second, partner.organisation)
    sources.statistics_records_refresh(organisation_ids=[side_a.organisation.pk])
    sources.statistics_answer_set(case=second, is_reported_elsewhere=True)
    assert _count(side_a) == 1


def test_a_person_with_two_cases_counts_once(side_a, partner):
    from arrimage.cases.models import Case, Plan

    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    again = Case.objects.create(person_id=case.person_id, lead_organisation=side_a.organisation)
    Plan.objects.create(case=again, owner_organisation=side_a.organisation)
    assert _count(side_a) == 1
    assert StatisticsRecord.objects.filter(person_id=case.person_id).count() == 2


def test_no_codes_are_kept_for_a_person_without_statistics_consent(side_a, partner):
    """The projection is an index for counting consented cases: without a live consent it
    keeps no code (not even sealed), and a consent given later brings
    the case in at the next count."""
    from datetime import timedelta

    from arrimage.privacy.categories import Category, Purpose
    from arrimage.privacy.models import ConsentRecord

    case = open_case(side_a, status="no_status")
    assert _count(side_a) == 0
    record = StatisticsRecord.objects.get(case_id=case.pk)
    assert (record.counted, bytes(record.codes_sealed)) == (False, b"")

    consent = ConsentRecord.objects.create(
        person_id=case.person_id,
        organisation_id=case.lead_organisation_id,
        recipient=partner.organisation,
        categories=[Category.IDENTITY, Category.IMMIGRATION],
        purpose=Purpose.STATISTICS,
        method="written",
        recorded_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=365),
    )
    assert [key[4] for key in _cube(side_a)] == ["no_status"]

    ConsentRecord.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    assert _count(side_a) == 0
    record = StatisticsRecord.objects.get(case_id=case.pk)
    assert (record.counted, bytes(record.codes_sealed)) == (False, b"")


def test_a_consent_that_runs_out_blanks_the_codes_at_the_next_refresh(side_a, partner):
    """No event marks an expiry: the refresh looks for consents that ended since the last
    one, and leaves the other persons' codes alone."""
    from arrimage.privacy.models import ConsentRecord

    ending, staying = open_case(side_a, status="no_status"), open_case(side_a, status="citizen")
    statistics_consent(ending, partner.organisation)
    statistics_consent(staying, partner.organisation)
    assert _count(side_a) == 2
    ConsentRecord.objects.filter(person_id=ending.person_id).update(expires_at=timezone.now())
    assert [key[4] for key in _cube(side_a)] == ["citizen_or_permanent"]
    assert bytes(StatisticsRecord.objects.get(case_id=ending.pk).codes_sealed) == b""
    assert StatisticsRecord.objects.get(case_id=staying.pk).counted
