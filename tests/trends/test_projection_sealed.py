"""The statistics projection holds no plaintext: read raw, without the keys, no trends table
tells a person's immigration, health, exploitation, gender or age. It is built by the worker,
under the policy with the purpose statistics, and audited."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import plan_services, track_services
from arrimage.core.models import AuditEvent
from arrimage.privacy.categories import Category
from arrimage.trends import counting, sources, tallies, tasks
from arrimage.trends.models import StatisticsRecord, StatisticsTally
from arrimage.trends.tables import SECTIONS
from tests.trends.conftest import member, open_case, statistics_consent

pytestmark = pytest.mark.django_db

# Codes that only this person has in the test: each one is what the projection would keep of
# their gender, age, immigration status, mental-health access and health coverage.
PROTECTED_CODES = ("male", "18_24", "no_status", "unmet", "ifhp", "gender_diverse")
PROTECTED_COLUMNS = {
    "gender",
    "age",
    "immigration",
    "exploitation",
    "trp_delay",
    "asylum",
    "humanitarian",
    "mental_health",
    "health_coverage",
    "referral_first",
    "referral_second",
}


def _person_with_protected_codes(side, partner):
    case = open_case(
        side, gender="Male", age_band="18-24", sex=(), labour=("Begging",), status="no_status"
    )
    actor = member(side)
    need = plan_services.need_add(
        actor_membership=actor, case_id=case.pk, need_type="mental_health", urgency="high"
    )
    plan_services.need_set_status(
        actor_membership=actor, case_id=case.pk, need_id=need.pk, status="unmet"
    )
    track_services.health_follow_up_add(
        actor_membership=actor,
        case_id=case.pk,
        data={"kind": "referral", "service": "CLSC", "coverage": "ifhp"},
    )
    statistics_consent(case, partner.organisation)
    return case


def _raw_trends_rows() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every trends table, read with SQL, as a person with a copy of the
    database (and no key) reads it."""
    tables = [t for t in connection.introspection.table_names() if t.startswith("trends_")]
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [d[0] for d in cursor.description]
            rows[table] = (columns, cursor.fetchall())
    return rows


def _as_text(value: object) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    return str(value)


def test_raw_rows_reveal_no_protected_code(side_a, partner):
    case = _person_with_protected_codes(side_a, partner)
    tasks.statistics_refresh.call()
    counted = counting.exact_counts(
        organisation_ids=[side_a.organisation.pk],
        regions=[side_a.organisation.region.code],
        year=timezone.now().year,
        sections=list(SECTIONS),
    )
    leaves = {spec.key: leaves for spec, leaves in counted}
    # The counts hold the person's codes (so the test below looks for something real) ...
    assert leaves["gender_age"] == {("male", "18_24"): 1}
    assert leaves["immigration_quarter"] == {
        ("no_status", f"Q{(case.opened_at.month - 1) // 3 + 1}"): 1
    }
    assert leaves["mental_health_access"] == {("unmet", "ifhp"): 1}
    assert leaves["exploitation_quarter"] == {
        ("other", f"Q{(case.opened_at.month - 1) // 3 + 1}"): 1
    }
    # ... and the tables, read raw, do not.
    dump = _raw_trends_rows()
    columns = {column for names, _rows in dump.values() for column in names}
    assert not columns & PROTECTED_COLUMNS
    for table, (_names, rows) in dump.items():
        for row in rows:
            for value in row:
                text = _as_text(value)
                for code in PROTECTED_CODES:
                    assert code not in text, f"{table} shows {code}"
    record = StatisticsRecord.objects.get(case_id=case.pk)
    assert record.counted and len(bytes(record.codes_sealed)) > 0
    assert StatisticsTally.objects.get(organisation=side_a.organisation).records == 1


def test_sealed_codes_have_one_length_whatever_the_codes(side_a, partner):
    """The ciphertext's length tells nothing of the codes (a referral slot, a long code)."""
    _person_with_protected_codes(side_a, partner)
    other = open_case(side_a, gender="Female", sex=(), labour=(), status="citizen")
    statistics_consent(other, partner.organisation, categories=[Category.IDENTITY])
    tasks.statistics_refresh.call()
    lengths = {len(bytes(r.codes_sealed)) for r in StatisticsRecord.objects.filter(counted=True)}
    assert len(lengths) == 1


def test_a_person_without_consent_leaves_no_codes_not_even_sealed(side_a, partner):
    case = open_case(side_a, status="no_status")
    statistics_consent(case, partner.organisation, state="withdrawn")
    tasks.statistics_refresh.call()
    record = StatisticsRecord.objects.get(case_id=case.pk)
    assert (record.counted, bytes(record.codes_sealed)) == (False, b"")
    assert not StatisticsTally.objects.filter(records__gt=0).exists()


def test_each_refresh_that_reads_cases_is_audited(side_a, partner):
    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    tasks.statistics_refresh.call()
    event = AuditEvent.objects.filter(action="statistics_projection_refreshed").get()
    assert event.details["cases_read"] == 1
    assert event.details["purpose"] == "statistics"
    assert event.actor_id is None
    tasks.statistics_refresh.call()  # nothing changed, nothing read, nothing audited
    assert AuditEvent.objects.filter(action="statistics_projection_refreshed").count() == 1


def test_the_gbvims_answer_decrypts_nothing_in_the_web_request(side_a, partner):
    """Answering is a web request: it marks the case for the worker, which reads it again
    and takes it out of the counts."""
    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    tasks.statistics_refresh.call()
    client = Client()
    client.force_login(side_a.user(Role.CASEWORKER))
    response = client.post(
        reverse("trends:answer_set", args=[case.pk]), {"is_reported_elsewhere": "yes"}
    )
    assert response.status_code == 302
    record = StatisticsRecord.objects.get(case_id=case.pk)
    assert record.is_reported_elsewhere and record.source_updated_at is None
    assert record.counted, "the web request left the counts to the worker"
    assert AuditEvent.objects.filter(action="statistics_projection_refreshed").count() == 1
    tasks.statistics_refresh.call()
    record.refresh_from_db()
    assert (record.counted, bytes(record.codes_sealed)) == (False, b"")
    tally = sources.tally_sum(organisation_ids=[side_a.organisation.pk], year=case.opened_at.year)
    assert tally.records == 0 and not any(tally.counts.values())


def test_a_deleted_case_leaves_the_counts_at_the_next_refresh(side_a, partner):
    from arrimage.cases.models import Case

    kept, deleted = open_case(side_a), open_case(side_a)
    for case in (kept, deleted):
        statistics_consent(case, partner.organisation)
    tasks.statistics_refresh.call()
    Case.objects.filter(pk=deleted.pk).delete()
    tasks.statistics_refresh.call()
    tally = sources.tally_sum(organisation_ids=[side_a.organisation.pk], year=kept.opened_at.year)
    assert tally.records == 1
    assert sum(tallies.margin_counts(tally=tally, name="month_region").values()) == 1
