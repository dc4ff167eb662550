"""Counts stay exact: every released table's counts, before any noise, equal an oracle written
here independently of trends' code, straight over the decrypted cases (their models and the
cipher), for several consent situations.

The oracle follows docs/trends.md: a case counts if its person has a live consent for the
purpose statistics (recorded, unexpired, unwithdrawn), it is the person's first case and no
other member reported it; each code is stated only where the consents' categories cover it.
"""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from arrimage.cases import plan_services, track_services
from arrimage.cases.models import Case, Exploitation, HealthFollowUp, ImmigrationTrack, Need
from arrimage.core import crypto
from arrimage.orientation.models import Referral
from arrimage.privacy.categories import Category
from arrimage.privacy.consent import consent_record, consent_withdraw
from arrimage.privacy.models import ConsentRecord
from arrimage.trends import counting, services, sources, tasks
from arrimage.trends.tables import SECTIONS, UNMET_NEEDS
from tests.orientation.conftest import make_service
from tests.trends.conftest import member, open_case, statistics_consent

pytestmark = pytest.mark.django_db

GENDER = {"Female": "female", "Male": "male", "NonConforming": "gender_diverse"}
AGE = {"0-17": "under_18", "18-24": "18_24", "25-34": "25_plus", "45-59": "25_plus"}
IMMIGRATION = {
    "citizen": "citizen_or_permanent",
    "trp_victim": "temporary",
    "asylum_claimant": "protection",
    "no_status": "no_status",
}
HEALTH_NEEDS = {"mental_health", "physical_health"}


def _opened(row, column: str) -> dict:
    value = getattr(row, column)
    return json.loads(crypto.open_field(row, column)) if value else {}


def _quarter(month: int) -> str:
    return "Q" + str((month - 1) // 3 + 1)


def _live_scope(person_id, now) -> set[str] | None:
    scope: set[str] | None = None
    for consent in ConsentRecord.objects.filter(person_id=person_id, purpose="statistics"):
        live = (
            consent.recorded_at <= now and consent.withdrawn_at is None and consent.expires_at > now
        )
        if live:
            scope = (scope or set()) | set(consent.categories)
    return scope


def _trp(immigration: dict, opened: date) -> str:
    issued = immigration.get("trp_issued_on")
    if not issued:
        return "no_permit"
    days = (date.fromisoformat(issued) - opened).days
    for limit, code in ((3, "within_3_months"), (6, "3_to_6_months"), (12, "6_to_12_months")):
        if days < limit * 30.4:
            return code
    return "over_12_months"


def _need_group(need: str) -> str:
    groups = {
        "emergency_housing": "housing",
        "long_term_housing": "housing",
        "immigration_legal": "legal",
        "legal": "legal",
        "mental_health": "health",
        "physical_health": "health",
    }
    return groups.get(need, "other")


def _response(referral: Referral) -> str:
    if referral.answered_at is None:
        return "no_answer" if referral.status == "expired" else ""
    hours = (referral.answered_at - referral.sent_at).total_seconds() / 3600
    if hours <= 24:
        return "within_1_day"
    if hours <= 48:
        return "1_to_2_days"
    return "2_to_7_days" if hours <= 168 else "over_7_days"


OUTCOME = {"accepted": "ongoing", "in_progress": "ongoing", "sent": "awaiting"}


def _add(table: dict, key: tuple, n: int = 1) -> None:
    table[key] = table.get(key, 0) + n


def oracle(organisation_ids, year: int) -> dict[str, dict]:
    """Every table's leaves, from the cases as they are now."""
    now = timezone.now()
    tables: dict[str, dict] = {
        key: {} for section, keys in SECTIONS.items() if section != UNMET_NEEDS for key in keys
    }
    for case in Case.objects.filter(lead_organisation_id__in=organisation_ids):
        first = Case.objects.filter(person_id=case.person_id).order_by("opened_at", "pk").first()
        scope = _live_scope(case.person_id, now)
        reported = sources.StatisticsRecord.objects.filter(
            case_id=case.pk, is_reported_elsewhere=True
        ).exists()
        if scope is None or first.pk != case.pk or reported or case.opened_at.year != year:
            continue
        month, quarter = case.opened_at.month, _quarter(case.opened_at.month)
        identity = _opened(case.person, "identity_sealed") if "identity" in scope else {}
        gender = GENDER.get(identity.get("gender"), "unknown")
        age = AGE.get(identity.get("age_band"), "unknown")
        exploitation = Exploitation.objects.filter(case=case).first()
        detail = (
            _opened(exploitation, "exploitation_sealed")
            if exploitation and "exploitation" in scope
            else {}
        )
        kinds = []
        if detail.get("sex_exploitation_types"):
            kinds.append("sexual")
        labour = detail.get("labour_exploitation_types") or []
        if any(item not in ("Begging", "IllicitActivities") for item in labour):
            kinds.append("labour")
        if any(item in ("Begging", "IllicitActivities") for item in labour):
            kinds.append("other")
        track = ImmigrationTrack.objects.filter(case=case).first()
        immigration = (
            _opened(track, "immigration_sealed") if track and "immigration" in scope else {}
        )
        _add(tables["month_region"], (str(month), case.lead_organisation.region.code))
        for kind in kinds[:2] or ["not_recorded"]:
            _add(tables["exploitation_quarter"], (kind, quarter))
        _add(tables["gender_age"], (gender, age))
        if "immigration" in scope:
            _add(
                tables["immigration_quarter"],
                (IMMIGRATION.get(immigration.get("status"), "unknown"), quarter),
            )
            _add(tables["trp_delay_quarter"], (_trp(immigration, case.opened_at.date()), quarter))
            _add(
                tables["immigration_applications"],
                ("asylum", immigration.get("asylum_claim") or "none"),
            )
            _add(
                tables["immigration_applications"],
                ("humanitarian", immigration.get("humanitarian_application") or "none"),
            )
        else:
            _add(tables["immigration_quarter"], ("unknown", quarter))
            _add(tables["trp_delay_quarter"], ("unknown", quarter))
            _add(tables["immigration_applications"], ("asylum", "unknown"))
            _add(tables["immigration_applications"], ("humanitarian", "unknown"))
        if "health" in scope:
            statuses = set(
                Need.objects.filter(case=case, need_type="mental_health").values_list(
                    "status", flat=True
                )
            )
            mental = next(
                (s for s in ("met", "in_progress", "open", "unmet") if s in statuses), "no_need"
            )
            latest = HealthFollowUp.objects.filter(case=case).order_by("-created_at").first()
            coverage = _opened(latest, "health_sealed").get("coverage") if latest else None
            _add(tables["mental_health_access"], (mental, coverage or "unknown"))
        else:
            _add(tables["mental_health_access"], ("unknown", "unknown"))
        if "coordination" in scope:
            sent = (
                Referral.objects.filter(case=case, sent_at__isnull=False)
                .exclude(status="draft")
                .order_by("sent_at", "id")[:2]
            )
            for referral in sent:
                covered = (
                    "health" in scope
                    if referral.need in HEALTH_NEEDS
                    else "immigration" in scope
                    if referral.need == "immigration_legal"
                    else True
                )
                group = _need_group(referral.need) if covered else "unknown"
                outcome = OUTCOME.get(referral.status, referral.status)
                _add(tables["referral_outcome_need"], (outcome, group))
                if outcome == "declined":
                    _add(tables["decline_reason_need"], (referral.decline_reason, group))
                response = _response(referral)
                if response:
                    _add(tables["response_time_need"], (response, group))
    return tables


def released_counts(side) -> dict[str, dict]:
    counted = counting.exact_counts(
        organisation_ids=[side.organisation.pk],
        regions=[side.organisation.region.code],
        year=timezone.now().year,
        sections=[s for s in SECTIONS if s != UNMET_NEEDS],
    )
    return {spec.key: leaves for spec, leaves in counted}


def _population(side, partner) -> list[Case]:
    """Persons in every consent situation, with timelines, health and referrals."""
    actor = member(side)
    service = make_service(partner.organisation, name_fr="Hébergement d'urgence")
    cases = []
    situations = [
        ("given", None, "Female", "25-34", ("Prostitution",), ("Begging",), "trp_victim"),
        ("given", [Category.IDENTITY], "Male", "18-24", (), ("Agriculture",), "no_status"),
        ("given", [Category.IMMIGRATION, Category.COORDINATION], "Female", "0-17", (), (),
         "citizen"),
        ("given", [Category.HEALTH, Category.EXPLOITATION], "NonConforming", "45-59",
         ("Pornography",), ("Agriculture", "IllicitActivities"), "asylum_claimant"),
        ("expired", None, "Male", "25-34", ("Prostitution",), (), "no_status"),
        ("withdrawn", None, "Female", "18-24", (), ("Begging",), "asylum_claimant"),
        ("none", None, "Male", "18-24", ("Prostitution",), (), "trp_victim"),
    ]  # fmt: skip
    for number, (state, categories, gender, age, sex, labour, status) in enumerate(situations):
        case = open_case(side, gender=gender, age_band=age, sex=sex, labour=labour, status=status)
        statistics_consent(case, partner.organisation, state=state, categories=categories)
        if number % 2 == 0:
            issued = case.opened_at.date() + timedelta(days=40 * number)
            track_services.immigration_update(
                actor_membership=actor,
                case_id=case.pk,
                data={
                    "status": status,
                    "trp_issued_on": issued.isoformat(),
                    "asylum_claim": "filed",
                    "humanitarian_application": "planned",
                },
            )
        need = plan_services.need_add(
            actor_membership=actor, case_id=case.pk, need_type="mental_health", urgency="high"
        )
        plan_services.need_set_status(
            actor_membership=actor,
            case_id=case.pk,
            need_id=need.pk,
            status=("met", "open", "unmet", "in_progress")[number % 4],
        )
        track_services.health_follow_up_add(
            actor_membership=actor,
            case_id=case.pk,
            data={"kind": "referral", "service": "CLSC", "coverage": ("ifhp", "ramq")[number % 2]},
        )
        sent = timezone.now() - timedelta(days=3)
        referrals = [
            ("emergency_housing", "completed", "", 5),
            ("mental_health", "declined", "at_capacity", 30),
            ("immigration_legal", "expired", "", None),
            ("legal", "sent", "", None),
            ("language", "draft", "", None),
        ]
        chosen = referrals[number % 3 : number % 3 + 3]
        for order, (need_code, status, reason, hours) in enumerate(chosen):
            Referral.objects.create(
                case=case,
                service=service,
                sender_organisation_id=case.lead_organisation_id,
                recipient_organisation=partner.organisation,
                need=need_code,
                status=status,
                decline_reason=reason,
                sent_at=None if status == "draft" else sent + timedelta(minutes=order),
                answered_at=sent + timedelta(hours=hours) if hours is not None else None,
            )
        cases.append(case)
    return cases


def _consent(actor, case, partner, categories) -> None:
    consent_record(
        actor_membership=actor,
        person=case.person,
        recipient=partner.organisation,
        categories=categories,
        purpose="statistics",
        method="written",
        expires_at=timezone.now() + timedelta(days=365),
    )


def test_counts_equal_the_oracle_in_every_consent_situation(side_a, partner):
    cases = _population(side_a, partner)
    year = timezone.now().year
    tasks.statistics_refresh.call()
    expected = oracle([side_a.organisation.pk], year)
    assert sum(expected["month_region"].values()) == 4, "four persons consented"
    assert released_counts(side_a) == expected

    # The consents change: one withdrawn, one given later, one running out; a second case for
    # a person; a case reported by another member; a case's immigration status changes.
    actor = member(side_a)
    for consent in ConsentRecord.objects.filter(person_id=cases[0].person_id):
        consent_withdraw(actor_membership=actor, consent_id=consent.pk, person=cases[0].person)
    _consent(actor, cases[6], partner, [Category.EXPLOITATION])
    ConsentRecord.objects.filter(person_id=cases[1].person_id).update(expires_at=timezone.now())
    again = Case.objects.create(
        person_id=cases[3].person_id,
        lead_organisation=side_a.organisation,
        opened_at=cases[3].opened_at - timedelta(days=1),
    )
    services.statistics_answer_record(
        actor=member(side_a), case_id=cases[2].pk, is_reported_elsewhere=True
    )
    track_services.immigration_update(
        actor_membership=member(side_a), case_id=cases[2].pk, data={"status": "no_status"}
    )
    tasks.statistics_refresh.call()
    expected = oracle([side_a.organisation.pk], year)
    assert released_counts(side_a) == expected
    assert sum(expected["month_region"].values()) == 2  # cases[3]'s earlier case, cases[6]
    assert again.pk  # the person's earlier case now counts instead of cases[3]

    # Back again: the answer withdrawn, a new consent for the first person.
    services.statistics_answer_record(
        actor=member(side_a), case_id=cases[2].pk, is_reported_elsewhere=False
    )
    _consent(actor, cases[0], partner, [Category.IDENTITY, Category.HEALTH])
    tasks.statistics_refresh.call()
    assert released_counts(side_a) == oracle([side_a.organisation.pk], year)


def test_two_organisations_with_identical_data_count_alike_and_apart(side_a, side_b, partner):
    for side in (side_a, side_b):
        _population(side, partner)
    tasks.statistics_refresh.call()
    year = timezone.now().year
    for side in (side_a, side_b):
        assert released_counts(side) == oracle([side.organisation.pk], year)
    assert released_counts(side_a) == released_counts(side_b)
