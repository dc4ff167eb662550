"""Demonstration data of trends: two years of synthetic historical cases with seasonal and
regional variation, written through the case models and their sealing (Faker fr_CA, fixed
seed, no real person): permits, refugee and humanitarian applications, mental-health needs and
follow-ups, referrals with their outcomes and answer times, consents for statistics (most
covering every category), then a release by each regional coalition and the provincial sum.

Deterministic: the same seed gives the same cases. Runs after the case demonstration.
"""

import math
import random
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from arrimage.accounts.demo import DEMO_DOMAIN
from arrimage.accounts.models import Membership, Role
from arrimage.cases import search_index
from arrimage.cases import vocabularies as v
from arrimage.cases.exploitation_vocabularies import SexExploitationType
from arrimage.cases.immigration_health_vocabularies import FollowUpKind, FollowUpStatus
from arrimage.cases.models import (
    Case,
    Exploitation,
    HealthFollowUp,
    ImmigrationTrack,
    Need,
    Person,
    PersonSearchToken,
    Plan,
)
from arrimage.cases.sealing import category_write
from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation
from arrimage.coalition.services import coalition_member_add
from arrimage.directory.models import Service
from arrimage.orientation.models import Referral
from arrimage.orientation.needs import NEEDS
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import ENFORCEMENT_TYPES
from arrimage.trends import federation, selectors, services

SEED = 6066
HISTORICAL_CASES = 1500
REGION_WEIGHT = {"QC-06": 5.0, "QC-03": 2.0, "QC-07": 1.4, "QC-05": 1.0, "QC-15": 1.2, "QC-13": 1.6}
STATISTICS_CONSENT_SHARE = 0.85


def _season(month: int, kind: str) -> float:
    """Labour exploitation peaks in the growing season, sexual exploitation in summer
    festivals and winter holidays."""
    if kind == "labour":
        return 1 + 0.8 * math.sin((month - 3) / 12 * 2 * math.pi)
    return 1 + 0.35 * math.cos((month - 7) / 12 * 2 * math.pi) + (0.3 if month == 12 else 0)


def _identity(rng: random.Random, faker: Faker, opened: datetime) -> dict[str, object]:
    gender = rng.choices(["Female", "Male", "TransgenderNonConforming", "Unknown"], [70, 24, 4, 2])[
        0
    ]
    age = rng.choices(["0-17", "18-24", "25-34", "35-44", "45-59"], [12, 30, 30, 18, 10])[0]
    return {
        "alias": faker.first_name(),
        "gender": gender,
        "age_band": age,
        "citizenship": [rng.choice(["CA", "MX", "GT", "PH", "HT", "CM", "IN"])],
    }


@transaction.atomic
def demo_trends_cases_build() -> int:
    faker = Faker("fr_CA")
    faker.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311  (deterministic synthetic data)
    organisations = [
        o
        for o in Organisation.objects.select_related("region").order_by("name")
        if o.type not in ENFORCEMENT_TYPES and o.region.code in REGION_WEIGHT
    ]
    by_region: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        by_region.setdefault(organisation.region.code, []).append(organisation)
    regions = [r for r in REGION_WEIGHT if r in by_region]
    if not regions:
        return 0
    now = timezone.now()
    start = datetime(now.year - 2, 1, 1, tzinfo=UTC)
    days = (now - start).days
    persons, cases, plans, exploitations, tracks, consents = [], [], [], [], [], []
    search_tokens: list[PersonSearchToken] = []
    health: list[Need | HealthFollowUp] = []
    referred: list[tuple[Case, str, datetime]] = []
    made = 0
    while made < HISTORICAL_CASES:
        opened = start + timedelta(days=rng.randrange(days), hours=rng.randrange(24))
        kind = rng.choices(["sexual", "labour", "both", "none"], [55, 30, 5, 10])[0]
        if rng.random() > _season(opened.month, "labour" if kind == "labour" else "sexual") / 2:
            continue
        region = rng.choices(regions, [REGION_WEIGHT[r] for r in regions])[0]
        organisation = rng.choice(by_region[region])
        person = Person(organisation=organisation, created_at=opened)
        identity = _identity(rng, faker, opened)
        # Citizenship is immigration (docs/policy.md): drawn here, in the same order as
        # before, and sealed with the case's immigration track below.
        citizenship = identity.pop("citizenship")
        category_write(person, Category.IDENTITY, identity)
        search_tokens.extend(
            PersonSearchToken(token=token, person=person)
            for token in search_index.person_tokens(
                organisation_id=organisation.pk, identity=identity
            )
        )
        closed = opened + timedelta(days=rng.randint(30, 400))
        case = Case(
            person=person,
            lead_organisation=organisation,
            opened_at=opened,
            updated_at=opened,
            status=v.CaseStatus.CLOSED if closed < now else v.CaseStatus.ACTIVE,
            closed_at=closed if closed < now else None,
        )
        detail: dict[str, object] = {"sex_exploitation_types": [], "labour_exploitation_types": []}
        if kind in ("sexual", "both"):
            detail["sex_exploitation_types"] = [rng.choice(SexExploitationType.values)]
        if kind in ("labour", "both"):
            detail["labour_exploitation_types"] = [
                rng.choice(
                    [
                        "Agriculture",
                        "Agriculture",
                        "DomesticWork",
                        "Hospitality",
                        "Construction",
                        "Begging",
                        "IllicitActivities",
                    ]
                )
            ]
        exploitation = Exploitation(case=case, owner_organisation=organisation, created_at=opened)
        category_write(exploitation, Category.EXPLOITATION, detail)
        status = rng.choices(
            [
                "citizen",
                "permanent_resident",
                "trp_victim",
                "work_permit",
                "visitor",
                "asylum_claimant",
                "no_status",
                "unknown",
            ],
            [35, 8, 10, 20 if kind == "labour" else 6, 5, 8, 6, 4],
        )[0]
        track = ImmigrationTrack(case=case, owner_organisation=organisation, created_at=opened)
        category_write(
            track,
            Category.IMMIGRATION,
            {**_immigration(rng, status, opened, now), "citizenship": citizenship},
        )
        persons.append(person)
        cases.append(case)
        plans.append(Plan(case=case, owner_organisation=organisation))
        exploitations.append(exploitation)
        tracks.append(track)
        health += _mental_health(rng, case, organisation, opened, now)
        referred.append((case, region, opened))
        if rng.random() < STATISTICS_CONSENT_SHARE:
            partners = [o for o in by_region[region] if o.pk != organisation.pk]
            if partners:
                consents.append(
                    ConsentRecord(
                        person=person,
                        organisation=organisation,
                        recipient=rng.choice(partners),
                        categories=_statistics_scope(rng),
                        purpose=Purpose.STATISTICS,
                        method="written",
                        recorded_at=opened,
                        expires_at=now + timedelta(days=rng.randint(30, 700)),
                    )
                )
        made += 1
    Person.objects.bulk_create(persons, batch_size=500)
    PersonSearchToken.objects.bulk_create(search_tokens, batch_size=2000)
    Case.objects.bulk_create(cases, batch_size=500)
    Plan.objects.bulk_create(plans, batch_size=500)
    Exploitation.objects.bulk_create(exploitations, batch_size=500)
    ImmigrationTrack.objects.bulk_create(tracks, batch_size=500)
    ConsentRecord.objects.bulk_create(consents, batch_size=500)
    Need.objects.bulk_create([r for r in health if isinstance(r, Need)], batch_size=500)
    HealthFollowUp.objects.bulk_create(
        [r for r in health if isinstance(r, HealthFollowUp)], batch_size=500
    )
    _referrals(rng, referred, now)
    return made


def _statistics_scope(rng: random.Random) -> list[str]:
    """Most people agree to every category; some leave out health, or their referrals."""
    scope: list[str] = [Category.IDENTITY, Category.EXPLOITATION, Category.IMMIGRATION]
    if rng.random() < 0.8:
        scope.append(Category.HEALTH)
    if rng.random() < 0.9:
        scope.append(Category.COORDINATION)
    return scope


def _immigration(
    rng: random.Random, status: str, opened: datetime, now: datetime
) -> dict[str, object]:
    """A victims' permit takes one to twelve months, longer in the older half of the period;
    refugee claims and humanitarian applications move slowly."""
    data: dict[str, object] = {"status": status}
    if status == "trp_victim":
        slow = 1.6 if opened.year < now.year - 1 else 1.0
        issued = opened + timedelta(days=int(rng.triangular(20, 380, 90) * slow))
        if issued < now:
            data["trp_issued_on"] = issued.date()
            data["trp_expires_on"] = (issued + timedelta(days=180)).date()
    if status == "asylum_claimant":
        data["asylum_claim"] = rng.choices(
            ["planned", "filed", "accepted", "refused"], [2, 6, 2, 1]
        )[0]
    if status in ("no_status", "visitor", "work_permit") and rng.random() < 0.4:
        data["humanitarian_application"] = rng.choices(["planned", "filed", "refused"], [3, 4, 1])[
            0
        ]
    return data


def _mental_health(
    rng: random.Random, case: Case, organisation: Organisation, opened: datetime, now: datetime
) -> list[Need | HealthFollowUp]:
    """Four cases in ten have a mental-health need; outside Montréal more of them wait."""
    if rng.random() > 0.4:
        return []
    far = organisation.region.code != "QC-06"
    status = rng.choices(["met", "in_progress", "open", "unmet"], [4, 3, 4 if far else 2, 2])[0]
    records: list[Need | HealthFollowUp] = [
        Need(
            case=case,
            owner_organisation=organisation,
            created_at=opened,
            need_type=v.NeedType.MENTAL_HEALTH,
            urgency=v.Urgency.MEDIUM,
            status=status,
        )
    ]
    if status != "open":
        follow_up = HealthFollowUp(case=case, owner_organisation=organisation, created_at=opened)
        category_write(
            follow_up,
            Category.HEALTH,
            {
                "kind": FollowUpKind.REFERRAL,
                "service": "CLSC",
                "coverage": rng.choices(["ramq", "ifhp", "community", "none"], [5, 3, 2, 1])[0],
                "status": FollowUpStatus.DONE if status == "met" else FollowUpStatus.PLANNED,
            },
        )
        records.append(follow_up)
    return records


def _referrals(
    rng: random.Random, referred: list[tuple[Case, str, datetime]], now: datetime
) -> int:
    """Historical referrals to the directory's services of member organisations: housing is
    often declined at capacity, and regions far from Montréal answer more slowly."""
    services = list(
        Service.objects.filter(organization__owner__isnull=False)
        .exclude(organization__owner__type__in=ENFORCEMENT_TYPES)
        .select_related("organization")
        .order_by("name_fr")
    )
    if not services:
        return 0
    made = []
    for case, region, opened in referred:
        for _ in range(rng.choices([0, 1, 2, 3, 4], [40, 30, 18, 8, 4])[0]):
            service = rng.choice(services)
            recipient = service.organization.owner_id
            assert recipient is not None
            need = rng.choices(NEEDS, [8, 5, 4, 4, 2, 3, 2, 2, 1])[0]
            housing = need in ("emergency_housing", "long_term_housing")
            status = rng.choices(
                ["completed", "in_progress", "waitlisted", "not_completed", "declined", "expired"],
                [30, 6, 6 if housing else 2, 6, 16 if housing else 6, 6],
            )[0]
            sent = opened + timedelta(days=rng.randint(0, 45), hours=rng.randrange(24))
            if sent >= now:
                continue
            hours = rng.expovariate(1 / (40 if region != "QC-06" else 18))
            answered = None if status == "expired" else sent + timedelta(hours=hours)
            made.append(
                Referral(
                    case=case,
                    service=service,
                    sender_organisation_id=case.lead_organisation_id,
                    recipient_organisation_id=recipient,
                    need=need,
                    status=status,
                    decline_reason=(
                        rng.choices(
                            ["at_capacity", "not_eligible", "safety", "other"],
                            [6 if housing else 2, 3, 1, 1],
                        )[0]
                        if status == "declined"
                        else ""
                    ),
                    created_at=sent,
                    sent_at=sent,
                    response_due_at=sent + timedelta(hours=48),
                    answered_at=answered,
                    updated_at=answered or sent + timedelta(hours=48),
                )
            )
    Referral.objects.bulk_create(made, batch_size=500)
    return len(made)


def demo_trends_release() -> int:
    """Each regional coalition releases last year with differential privacy, in two parts; the demo
    coordinator's organisation also sits at the provincial table, which sums them."""
    year = timezone.now().year - 1
    made = 0
    for coalition in Coalition.objects.filter(level=CoalitionLevel.REGIONAL).order_by("name"):
        coordinator = (
            Membership.objects.select_related("organisation")
            .filter(role=Role.COORDINATOR, organisation__coalitions=coalition)
            .order_by("organisation__name")
            .first()
        )
        if coordinator is None:
            continue
        # Two releases, half of the year's budget each (the page's default): the case
        # counts first, then the timelines, referrals and unmet needs.
        half = selectors.yearly_budget() / 2
        for epsilon, sections in (
            (half, ["cases"]),
            (half, ["timelines", "referrals", "unmet_needs"]),
        ):
            services.release_create(
                actor=coordinator,
                coalition_id=coalition.pk,
                year=year,
                method="dp",
                epsilon=epsilon,
                sections=sections,
            )
            made += 1
    demo_coordinator = (
        Membership.objects.select_related("organisation")
        .filter(user__email=f"coordination@{DEMO_DOMAIN}", role=Role.COORDINATOR)
        .first()
    )
    provincial = Coalition.objects.filter(level=CoalitionLevel.PROVINCIAL).first()
    if demo_coordinator is not None and provincial is not None and made:
        coalition_member_add(coalition=provincial, organisation=demo_coordinator.organisation)
        federation.rollup_create(actor=demo_coordinator, coalition_id=provincial.pk, year=year)
        made += 1
    return made
