"""Demonstration orientation data: referrals in every state, bed holds, and anonymised unmet
needs across the demo regions. Written through the services, as workers would; only dates meant
to look past are moved back afterwards. Runs only over the directory and cases demonstration
data (:func:`demo_orientation_ready`)."""

import random
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases.models import Case
from arrimage.directory.models import Service, ServiceCapacity
from arrimage.orientation.holds import bed_hold_accept, bed_hold_create, bed_hold_release
from arrimage.orientation.models import Referral, ReferralStatus, UnmetNeed
from arrimage.orientation.needs import AGE_BANDS, NEEDS
from arrimage.orientation.referral_expiry import referral_expire
from arrimage.orientation.referrals import (
    referral_create_and_send,
    referral_draft_create,
    referral_transition,
)
from arrimage.privacy.consent import consent_record

SEED = 2026_5
FRONT_LINE = ("community", "shelter", "health_social", "legal_aid", "immigration_legal")
# The moves after sending that reach each state.
PATHS: dict[str, list[tuple[str, str]]] = {
    ReferralStatus.SENT: [],
    ReferralStatus.ACCEPTED: [("recipient", "accepted")],
    ReferralStatus.DECLINED: [("recipient", "declined")],
    ReferralStatus.WAITLISTED: [("recipient", "waitlisted")],
    ReferralStatus.IN_PROGRESS: [("recipient", "accepted"), ("recipient", "in_progress")],
    ReferralStatus.COMPLETED: [
        ("recipient", "accepted"),
        ("recipient", "in_progress"),
        ("recipient", "completed"),
    ],
    ReferralStatus.NOT_COMPLETED: [
        ("recipient", "accepted"),
        ("recipient", "in_progress"),
        ("recipient", "not_completed"),
    ],
    ReferralStatus.CANCELLED: [("sender", "cancelled")],
}
DECLINE_REASONS = ["at_capacity", "not_eligible", "safety", "other"]


def demo_orientation_ready() -> bool:
    """The directory and cases demonstrations are loaded, and orientation's is not."""
    return (
        Service.objects.filter(organization__owner__isnull=False).exists()
        and Case.objects.exists()
        and not Referral.objects.exists()
    )


def _member(organisation_id: UUID | None, roles: tuple[str, ...]) -> Membership | None:
    if organisation_id is None:
        return None
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation_id=organisation_id, role__in=roles)
        .order_by("role", "user__email")
        .first()
    )


def _unmet_needs(rng: random.Random) -> int:
    """Anonymised unmet needs over the last 90 days. Men and people without status are
    over-represented, as the study found."""
    regions = ["QC-06", "QC-13", "QC-03", "QC-16", "QC-05", "QC-15", "QC-07"]
    today = timezone.localdate()
    rows = []
    for _n in range(120):
        gender = rng.choices(["man", "woman", "trans_nonbinary", "unknown"], [5, 3, 1, 1])[0]
        need = rng.choices(list(NEEDS), [8 if gender == "man" else 4, 5, 3, 3, 1, 2, 1, 1, 1])[0]
        rows.append(
            UnmetNeed(
                need=need,
                region_code=rng.choice(regions),
                age_band=rng.choice([band for _low, _high, band in AGE_BANDS]),
                gender=gender,
                status_bucket=rng.choices(
                    ["none", "temporary", "citizen_pr", "unknown"], [4, 3, 2, 1]
                )[0],
                reason=rng.choices(["no_option", "all_full"], [3, 2])[0]
                if need in ("emergency_housing", "long_term_housing")
                else "no_option",
                recorded_on=today - timedelta(days=rng.randrange(90)),
            )
        )
    UnmetNeed.objects.bulk_create(rows)
    return len(rows)


def _holds(rng: random.Random) -> int:
    capacities = list(
        ServiceCapacity.objects.filter(
            available__gt=1, service__organization__owner__isnull=False, service__status="active"
        )
        .select_related("service__organization")
        .order_by("service__name_fr", "unit")[:6]
    )
    holder_orgs = list(
        Membership.objects.filter(role=Role.CASEWORKER, organisation__type="community")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    made = 0
    for index, capacity in enumerate(capacities):
        holder = _member(rng.choice(holder_orgs), (Role.CASEWORKER,)) if holder_orgs else None
        if holder is None:
            continue
        hold = bed_hold_create(actor=holder, service_id=capacity.service_id, unit=capacity.unit)
        made += 1
        staff = _member(
            capacity.service.organization.owner_id, (Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN)
        )
        if index == 0 and staff is not None:
            bed_hold_accept(actor=staff, hold_id=hold.pk)
        elif index == 1:
            bed_hold_release(actor=holder, hold_id=hold.pk)
    return made


def _referrals(rng: random.Random) -> int:
    services = list(
        Service.objects.filter(organization__owner__type__in=FRONT_LINE, status="active")
        .select_related("organization__owner")
        .order_by("name_fr")
    )
    cases = list(
        Case.objects.select_related("lead_organisation", "person")
        .filter(lead_organisation__type__in=FRONT_LINE)
        .order_by("opened_at")[:60]
    )
    states = [*PATHS, ReferralStatus.DRAFT, ReferralStatus.EXPIRED]
    made = 0
    for index, case in enumerate(cases[: len(states) * 3]):
        state = states[index % len(states)]
        sender = _member(case.lead_organisation_id, (Role.CASEWORKER,))
        choices = [s for s in services if s.organization.owner_id != case.lead_organisation_id]
        if sender is None or not choices:
            continue
        service = rng.choice(choices)
        recipient = service.organization.owner
        assert recipient is not None
        need = rng.choice(
            ["emergency_housing", "immigration_legal", "mental_health", "legal", "employment"]
        )
        if state == ReferralStatus.DRAFT:
            referral_draft_create(actor=sender, case_id=case.pk, service_id=service.pk, need=need)
            made += 1
            continue
        consent_record(
            actor_membership=sender,
            person=case.person,
            recipient=recipient,
            categories=["identity", "coordination"],
            purpose="referral",
            method=rng.choice(["verbal", "written"]),
        )
        referral = referral_create_and_send(
            actor=sender,
            case_id=case.pk,
            service_id=service.pk,
            categories=["identity", "coordination"],
            need=need,
            note="Personne disponible en après-midi.",
            response_hours=48,
        )
        made += 1
        if state == ReferralStatus.EXPIRED:
            due = referral.response_due_at
            assert due is not None
            referral_expire(referral_id=referral.pk, now=due + timedelta(minutes=1))
            continue
        staff = _member(
            recipient.pk, (Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN, Role.CASEWORKER)
        )
        for side, to_status in PATHS[state]:
            actor = sender if side == "sender" else staff
            reason = ""
            if to_status == "declined":
                reason = rng.choice(DECLINE_REASONS)
            elif to_status == "not_completed":
                reason = "unreachable"
            referral_transition(
                actor=actor, referral_id=referral.pk, to_status=to_status, reason=reason
            )
    return made


@transaction.atomic
def demo_orientation_build() -> dict[str, int]:
    rng = random.Random(SEED)  # noqa: S311  (deterministic synthetic data)
    return {"referrals": _referrals(rng), "holds": _holds(rng), "unmet_needs": _unmet_needs(rng)}
