"""Timelines and referrals in the released tables: TRP delays, refugee and humanitarian
applications, mental-health access, referral outcomes, decline reasons and response times.
Each code counts only what the person's statistics consent covers, and a person's referrals
are capped."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from arrimage.cases import plan_services, track_services
from arrimage.orientation.models import Referral
from arrimage.privacy.categories import Category
from arrimage.privacy.models import ConsentRecord
from arrimage.trends import counting, federation, projection, services
from arrimage.trends.tables import SECTIONS
from tests.orientation.conftest import make_service
from tests.trends.conftest import member, open_case, statistics_consent

pytestmark = pytest.mark.django_db


def _leaves(side, sections=("timelines", "referrals")) -> dict[str, dict]:
    projection.statistics_records_refresh(organisation_ids=[side.organisation.pk])
    counted = counting.exact_counts(
        organisation_ids=[side.organisation.pk],
        regions=[side.organisation.region.code],
        year=timezone.now().year,
        sections=list(sections),
    )
    return {spec.key: leaves for spec, leaves in counted}


def _permit(side, case, *, issued: date, asylum: str = "filed") -> None:
    track_services.immigration_update(
        actor_membership=member(side),
        case_id=case.pk,
        data={
            "status": "trp_victim",
            "trp_issued_on": issued.isoformat(),
            "trp_expires_on": (issued + timedelta(days=180)).isoformat(),
            "asylum_claim": asylum,
            "humanitarian_application": "planned",
        },
    )


def _mental_health(side, case, *, status: str, coverage: str) -> None:
    actor = member(side)
    need = plan_services.need_add(
        actor_membership=actor, case_id=case.pk, need_type="mental_health", urgency="high"
    )
    plan_services.need_set_status(
        actor_membership=actor, case_id=case.pk, need_id=need.pk, status=status
    )
    track_services.health_follow_up_add(
        actor_membership=actor,
        case_id=case.pk,
        data={"kind": "referral", "service": "CLSC", "coverage": coverage},
    )


def test_timelines_are_counted_for_consented_cases(side_a, side_b, partner):
    """Two organisations with the same cases give the same timelines; a person without a
    statistics consent is in none."""
    for side in (side_a, side_b):
        counted = open_case(side)
        statistics_consent(counted, partner.organisation)
        _permit(side, counted, issued=counted.opened_at.date() + timedelta(days=100))
        _mental_health(side, counted, status="met", coverage="ifhp")
        refused = open_case(side)
        _permit(side, refused, issued=refused.opened_at.date() + timedelta(days=10))
        _mental_health(side, refused, status="unmet", coverage="none")
    quarter = f"Q{(timezone.now().month - 1) // 3 + 1}"
    for side in (side_a, side_b):
        leaves = _leaves(side)
        assert leaves["trp_delay_quarter"] == {("3_to_6_months", quarter): 1}
        assert leaves["immigration_applications"] == {
            ("asylum", "filed"): 1,
            ("humanitarian", "planned"): 1,
        }
        assert leaves["mental_health_access"] == {("met", "ifhp"): 1}


def test_codes_outside_the_consent_are_not_stated(side_a, partner):
    case = open_case(side_a, gender="Male", status="asylum_claimant")
    statistics_consent(case, partner.organisation, categories=[Category.IDENTITY])
    _permit(side_a, case, issued=case.opened_at.date())
    _mental_health(side_a, case, status="met", coverage="ramq")
    leaves = _leaves(side_a, sections=list(SECTIONS))
    quarter = f"Q{(case.opened_at.month - 1) // 3 + 1}"
    assert leaves["gender_age"] == {("male", "25_plus"): 1}
    assert leaves["immigration_quarter"] == {("unknown", quarter): 1}
    assert leaves["exploitation_quarter"] == {("not_recorded", quarter): 1}
    assert leaves["trp_delay_quarter"] == {("unknown", quarter): 1}
    assert not leaves["referral_outcome_need"]
    assert set(leaves["mental_health_access"]) == {("unknown", "unknown")}
    assert set(leaves["immigration_applications"]) == {
        ("asylum", "unknown"),
        ("humanitarian", "unknown"),
    }


def test_a_consent_that_ends_narrows_what_the_next_refresh_keeps(side_a, partner):
    case = open_case(side_a)
    statistics_consent(case, partner.organisation, categories=[Category.IDENTITY])
    broad = statistics_consent(case, partner.organisation)
    _mental_health(side_a, case, status="in_progress", coverage="community")
    assert _leaves(side_a)["mental_health_access"] == {("in_progress", "community"): 1}
    ConsentRecord.objects.filter(pk=broad.pk).update(expires_at=timezone.now())
    assert _leaves(side_a)["mental_health_access"] == {("unknown", "unknown"): 1}


def _referral(case, service, recipient, *, status: str, hours: float | None, **extra) -> Referral:
    sent = timezone.now() - timedelta(days=3)
    return Referral.objects.create(
        case=case,
        service=service,
        sender_organisation_id=case.lead_organisation_id,
        recipient_organisation=recipient,
        need=extra.pop("need", "emergency_housing"),
        status=status,
        sent_at=None if status == "draft" else sent,
        answered_at=sent + timedelta(hours=hours) if hours is not None else None,
        **extra,
    )


def _referred_case(side, partner, service, *, categories=None):
    case = open_case(side)
    statistics_consent(case, partner.organisation, categories=categories)
    _referral(case, service, partner.organisation, status="completed", hours=5)
    _referral(
        case,
        service,
        partner.organisation,
        status="declined",
        hours=30,
        decline_reason="at_capacity",
        need="immigration_legal",
    )
    # Beyond the cap of two referrals per person, and a draft that was never sent.
    _referral(case, service, partner.organisation, status="expired", hours=None)
    _referral(case, service, partner.organisation, status="declined", hours=1)
    _referral(case, service, partner.organisation, status="draft", hours=None)
    return case


def test_referrals_count_at_most_two_per_person(side_a, side_b, partner):
    service = make_service(partner.organisation, name_fr="Hébergement d'urgence")
    for side in (side_a, side_b):
        _referred_case(side, partner, service)
        _referred_case(side, partner, service, categories=[Category.IDENTITY])
        open_case(side)  # no consent, and no referral
    for side in (side_a, side_b):
        leaves = _leaves(side)
        assert leaves["referral_outcome_need"] == {
            ("completed", "housing"): 1,
            ("declined", "legal"): 1,
        }
        assert leaves["decline_reason_need"] == {("at_capacity", "legal"): 1}
        assert leaves["response_time_need"] == {
            ("within_1_day", "housing"): 1,
            ("1_to_2_days", "legal"): 1,
        }


def test_a_release_of_chosen_sections_spends_the_budget_on_their_tables(side_a, partner, coalition):
    service = make_service(partner.organisation, name_fr="Hébergement")
    for _ in range(6):
        _referred_case(side_a, partner, service)
    coordinator = member(side_a, role="coordinator")
    release = services.release_create(
        actor=coordinator,
        coalition_id=coalition.pk,
        year=timezone.now().year,
        method="dp",
        epsilon=0.9,
        sections=["referrals"],
    )
    keys = [table["key"] for table in release.content["tables"]]
    assert keys == list(SECTIONS["referrals"])
    # Three tables, 0.3 each, two referrals per person at most: scale 2 / 0.3.
    cell = release.content["tables"][0]["cells"][0][0]
    assert set(cell["n"]) == {repr(2 / 0.3)}
    assert release.content["referral_bound"] == 2


def test_a_release_needs_at_least_one_known_section(side_a, coalition):
    from django.core.exceptions import ValidationError

    coordinator = member(side_a, role="coordinator")
    for sections in ([], ["rows"]):
        with pytest.raises(ValidationError) as raised:
            services.release_create(
                actor=coordinator,
                coalition_id=coalition.pk,
                year=timezone.now().year,
                method="dp",
                epsilon=0.5,
                sections=sections,
            )
        assert raised.value.code == "sections"


def test_a_rollup_takes_each_tables_latest_release_and_leaves_out_partial_ones(
    side_a, partner, provincial_side, other_regional, coalition
):
    from tests.conftest import make_side

    other = make_side("C", region_code="QC-03", coalition=other_regional)
    other_partner = make_side("D", region_code="QC-03", coalition=other_regional)
    for side, recipient in ((side_a, partner), (other, other_partner)):
        for _ in range(6):
            statistics_consent(open_case(side), recipient.organisation)
    year = timezone.now().year

    def release(side, coalition_id, sections):
        return services.release_create(
            actor=member(side, role="coordinator"),
            coalition_id=coalition_id,
            year=year,
            method="dp",
            epsilon=1.0,
            sections=sections,
        )

    cases = release(side_a, coalition.pk, ["cases"])
    referrals = release(side_a, coalition.pk, ["referrals"])
    everything = release(other, other_regional.pk, list(SECTIONS))
    rollup = federation.rollup_create(
        actor=member(provincial_side, role="coordinator"),
        coalition_id=coalition.parent.pk,
        year=year,
    )
    keys = [table["key"] for table in rollup.content["tables"]]
    assert set(keys) == set(SECTIONS["cases"]) | set(SECTIONS["referrals"])
    used = {source["release_id"] for source in rollup.content["sources"]}
    assert used == {str(cases.pk), str(referrals.pk), str(everything.pk)}


def test_a_referral_that_changes_after_a_release_is_seen_by_the_next(side_a, partner):
    """An answer or an expiry touches the case, so the next refresh reads its referrals."""
    from arrimage.orientation.referral_expiry import referral_expire

    service = make_service(partner.organisation, name_fr="Hébergement")
    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    referral = _referral(case, service, partner.organisation, status="sent", hours=None)
    Referral.objects.filter(pk=referral.pk).update(response_due_at=timezone.now())
    assert _leaves(side_a)["referral_outcome_need"] == {("awaiting", "housing"): 1}
    assert referral_expire(referral_id=referral.pk)
    leaves = _leaves(side_a)
    assert leaves["referral_outcome_need"] == {("expired", "housing"): 1}
    assert leaves["response_time_need"] == {("no_answer", "housing"): 1}


@pytest.mark.parametrize(
    ("status", "hours", "bucket"),
    [
        ("accepted", 24, "within_1_day"),
        ("accepted", 24.5, "1_to_2_days"),
        ("waitlisted", 48, "1_to_2_days"),
        ("declined", 49, "2_to_7_days"),
        ("completed", 168, "2_to_7_days"),
        ("completed", 169, "over_7_days"),
        ("expired", None, "no_answer"),
        ("sent", None, None),
        ("cancelled", None, None),
    ],
)
def test_response_time_bands(side_a, partner, status, hours, bucket):
    service = make_service(partner.organisation, name_fr="Clinique")
    case = open_case(side_a)
    statistics_consent(case, partner.organisation)
    _referral(case, service, partner.organisation, status=status, hours=hours, need="legal")
    expected = {(bucket, "legal"): 1} if bucket else {}
    assert _leaves(side_a)["response_time_need"] == expected


def test_a_referral_for_health_is_not_stated_without_a_consent_for_health(side_a, partner):
    service = make_service(partner.organisation, name_fr="Clinique")
    case = open_case(side_a)
    statistics_consent(
        case, partner.organisation, categories=[Category.IDENTITY, Category.COORDINATION]
    )
    _referral(
        case, service, partner.organisation, status="completed", hours=3, need="mental_health"
    )
    _referral(case, service, partner.organisation, status="completed", hours=3, need="income")
    assert _leaves(side_a)["referral_outcome_need"] == {
        ("completed", "unknown"): 1,
        ("completed", "other"): 1,
    }
