"""Only consented cases count, each person once, and a case another member reported is left
to that member."""

import pytest
from django.utils import timezone

from arrimage.trends import projection, sources, tallies
from arrimage.trends.models import StatisticsRecord
from tests.trends.conftest import open_case, statistics_consent

pytestmark = pytest.mark.django_db


def _margins(side) -> dict:
    projection.statistics_records_refresh(organisation_ids=[side.organisation.pk])
    tally = sources.tally_sum(organisation_ids=[side.organisation.pk], year=timezone.now().year)
    return {name: tallies.margin_counts(tally=tally, name=name) for name in tallies.TALLY_SOURCES}


def _cube(side) -> dict:
    return _margins(side)["month_region"]


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
    margins = _margins(side_a)
    assert margins["month_region"] == {(str(month), "QC-06"): 1}
    assert margins["gender_age"] == {("male", "18_24"): 1}
    assert margins["month_immigration"] == {(str(month), "protection"): 1}
    assert margins["month_exploitation"] == {(str(month), "4"): 1}
    field_names = {f.name for f in StatisticsRecord._meta.get_fields()}
    assert not field_names & {"alias", "given_name", "year_of_birth", "city", "details"}


def test_a_change_to_the_case_is_seen_by_the_next_refresh(side_a, partner):
    from arrimage.cases import track_services
    from tests.trends.conftest import member

    case = open_case(side_a, status="no_status")
    statistics_consent(case, partner.organisation)
    projection.statistics_records_refresh(organisation_ids=[side_a.organisation.pk])
    track_services.immigration_update(
        actor_membership=member(side_a), case_id=case.pk, data={"status": "citizen"}
    )
    assert projection.statistics_records_refresh(organisation_ids=[side_a.organisation.pk]) == 1
    assert [key[1] for key in _margins(side_a)["month_immigration"]] == ["citizen_or_permanent"]


def test_reported_elsewhere_is_counted_by_the_other_member_only(side_a, partner):
    first = open_case(side_a)
    statistics_consent(first, partner.organisation)
    second = open_case(side_a)
    statistics_consent(second, partner.organisation)
    projection.statistics_records_refresh(organisation_ids=[side_a.organisation.pk])
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
    assert [key[1] for key in _margins(side_a)["month_immigration"]] == ["no_status"]

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
    assert [key[1] for key in _margins(side_a)["month_immigration"]] == ["citizen_or_permanent"]
    assert bytes(StatisticsRecord.objects.get(case_id=ending.pk).codes_sealed) == b""
    assert StatisticsRecord.objects.get(case_id=staying.pk).counted


def test_a_tally_of_the_former_format_is_added_up_again_from_its_records(side_a, partner):
    """Tallies sealed before format 3 held the whole cube as [codes, count] pairs: the next
    count adds the tally up again from its records' sealed codes, and stores format 3."""
    import json

    from arrimage.privacy.categories import Purpose
    from arrimage.privacy.sealing import statistics_open, statistics_seal
    from arrimage.trends.models import StatisticsTally

    case = open_case(side_a, gender="Male", age_band="18-24")
    statistics_consent(case, partner.organisation)
    assert _cube(side_a) == {(str(case.opened_at.month), "QC-06"): 1}
    row = StatisticsTally.objects.get(organisation=side_a.organisation)
    former = {"records": 7, "counts": {"cube": [[[1, "QC-06", "women", "25_plus", "", 1], 7]]}}
    row.counts_sealed = statistics_seal(
        purpose=Purpose.STATISTICS,
        instance=row,
        field="counts_sealed",
        plaintext=json.dumps(former),
    )
    row.save()
    margins = _margins(side_a)
    assert margins["month_region"] == {(str(case.opened_at.month), "QC-06"): 1}
    assert margins["gender_age"] == {("male", "18_24"): 1}
    row.refresh_from_db()
    stored = json.loads(
        statistics_open(purpose=Purpose.STATISTICS, instance=row, field="counts_sealed")
    )
    assert stored["format"] == tallies.TALLY_FORMAT and stored["records"] == 1


def test_the_refresh_finds_changed_cases_by_a_range_of_the_index(side_a, partner):
    """The watermark: after the first build, the refresh reads the cases changed since, as a
    range of ``updated_at`` in the cases' (organisation, urgency, updated_at) index, not by
    scanning every case of the organisation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("the query plan is read with SQLite's EXPLAIN QUERY PLAN")
    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    assert _count(side_a) == 1
    with CaptureQueriesContext(connection) as queries:
        projection.statistics_records_refresh(organisation_ids=[side_a.organisation.pk])
    found = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "cases_case"."id"') and '"updated_at" >=' in q["sql"]
    ]
    assert len(found) == 1
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + found[0])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "case_worklist" in plan and "updated_at>" in plan, plan
