"""An incremental refresh gives exactly the tallies a first build gives: after random sets of
changes (new cases, edited cases, statistics consents withdrawn or given, cases anonymised or
deleted, GBVIMS answers), the tallies the worker changed by deltas equal, key by key, the
tallies built again from scratch over the same cases, and both equal the oracle written over
the decrypted cases (``test_counts_oracle.oracle``)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.cases import plan_services, track_services
from arrimage.cases.anonymisation import case_anonymise
from arrimage.cases.models import Case, HealthFollowUp
from arrimage.privacy.categories import Category
from arrimage.privacy.consent import (
    consent_record,
    consent_withdraw,
    consents_statistics_scope,
)
from arrimage.privacy.models import ConsentRecord
from arrimage.trends import services, sources, tasks
from arrimage.trends.models import ProjectionState, StatisticsRecord, StatisticsTally
from tests.trends.conftest import member, open_case, statistics_consent
from tests.trends.test_counts_oracle import oracle, released_counts

pytestmark = pytest.mark.django_db

GENDERS = ["Female", "Male", "NonConforming"]
AGES = ["0-17", "18-24", "25-34", "45-59"]
STATUSES = ["citizen", "trp_victim", "asylum_claimant", "no_status"]
SCOPES = [
    None,
    [Category.IDENTITY],
    [Category.IMMIGRATION, Category.HEALTH],
    [Category.EXPLOITATION, Category.COORDINATION],
]


def _new_case(rng: random.Random, side, partner) -> Case:
    case = open_case(
        side,
        gender=rng.choice(GENDERS),
        age_band=rng.choice(AGES),
        sex=rng.choice([(), ("Prostitution",)]),
        labour=rng.choice([(), ("Agriculture",), ("Begging",)]),
        status=rng.choice(STATUSES),
    )
    if rng.random() < 0.8:
        statistics_consent(case, partner.organisation, categories=rng.choice(SCOPES))
    if rng.random() < 0.5:
        track_services.health_follow_up_add(
            actor_membership=member(side),
            case_id=case.pk,
            data={"kind": "referral", "service": "CLSC", "coverage": rng.choice(["ramq", "ifhp"])},
        )
    return case


def _edit(rng: random.Random, side, case: Case) -> None:
    actor = member(side)
    kind = rng.randrange(3)
    if kind == 0:
        issued = (case.opened_at + timedelta(days=rng.randint(0, 400))).date()
        track_services.immigration_update(
            actor_membership=actor,
            case_id=case.pk,
            data={
                "status": rng.choice(STATUSES),
                "trp_issued_on": issued.isoformat(),
                "asylum_claim": rng.choice(["", "planned", "filed"]),
            },
        )
    elif kind == 1:
        track_services.exploitation_update(
            actor_membership=actor,
            case_id=case.pk,
            data={
                "sex_exploitation_types": rng.choice([[], ["Pornography"]]),
                "labour_exploitation_types": rng.choice([[], ["Begging"], ["Agriculture"]]),
            },
        )
    else:
        need = plan_services.need_add(
            actor_membership=actor, case_id=case.pk, need_type="mental_health", urgency="high"
        )
        plan_services.need_set_status(
            actor_membership=actor,
            case_id=case.pk,
            need_id=need.pk,
            status=rng.choice(["open", "in_progress", "met", "unmet"]),
        )


def _changes(rng: random.Random, side, partner, cases: list[Case]) -> list[str]:
    """One random set of changes; returns what was done, for the failure message."""
    actor = member(side)
    done = []
    # Anonymising takes the health follow-ups and the permit's dates away: picked among the
    # cases counted with their health coverage, it changes their codes.
    anonymised = rng.choice(
        [
            case
            for case in cases
            if HealthFollowUp.objects.filter(case=case).exists()
            and Category.HEALTH
            in consents_statistics_scope([case.person_id], at=timezone.now()).get(
                case.person_id, ()
            )
        ]
        or cases
    )
    case_anonymise(case=anonymised)
    done.append("anonymised")
    for _ in range(rng.randint(1, 3)):
        cases.append(_new_case(rng, side, partner))
        done.append("new")
    for case in rng.sample(cases, min(len(cases), rng.randint(1, 4))):
        _edit(rng, side, case)
        done.append("edit")
    for case in rng.sample(cases, 2):
        consents = ConsentRecord.objects.filter(
            person_id=case.person_id, purpose="statistics", withdrawn_at__isnull=True
        )
        if consents.exists():
            for consent in consents:
                consent_withdraw(actor_membership=actor, consent_id=consent.pk, person=case.person)
            done.append("withdrawn")
        else:
            consent_record(
                actor_membership=actor,
                person=case.person,
                recipient=partner.organisation,
                categories=rng.choice(SCOPES[1:]),
                purpose="statistics",
                method="written",
                expires_at=timezone.now() + timedelta(days=365),
            )
            done.append("given")
    if rng.random() < 0.5:
        # A second case for a person, opened earlier: it becomes their first case.
        earlier = rng.choice(cases)
        cases.append(
            Case.objects.create(
                person_id=earlier.person_id,
                lead_organisation=side.organisation,
                opened_at=earlier.opened_at - timedelta(hours=1),
            )
        )
        done.append("earlier case")
    reported = rng.choice(cases)
    services.statistics_answer_record(
        actor=actor, case_id=reported.pk, is_reported_elsewhere=rng.random() < 0.5
    )
    done.append("answer")
    deleted = rng.choice([c for c in cases if c.pk != anonymised.pk])
    Case.objects.filter(pk=deleted.pk).delete()
    cases.remove(deleted)
    done.append("deleted")
    return done


def _tallies(organisation_id) -> dict[int, tuple[int, dict[str, dict[str, int]]]]:
    years = StatisticsTally.objects.filter(organisation_id=organisation_id).values_list(
        "year", flat=True
    )
    found = {}
    for year in sorted(set(years)):
        tally = sources.tally_sum(organisation_ids=[organisation_id], year=year)
        if tally.records or any(tally.counts.values()):
            found[year] = (tally.records, tally.counts)
    return found


def _build_from_scratch(organisation_id) -> None:
    """Forget the projection but the GBVIMS answers (an input, not a product), and build it
    again as the first time."""
    ProjectionState.objects.filter(organisation_id=organisation_id).delete()
    StatisticsTally.objects.filter(organisation_id=organisation_id).delete()
    StatisticsRecord.objects.filter(
        organisation_id=organisation_id, is_reported_elsewhere=False
    ).delete()
    StatisticsRecord.objects.filter(organisation_id=organisation_id).update(
        counted=False, codes_sealed=b"", source_updated_at=None
    )
    tasks.statistics_refresh.call()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_refresh_after_changes_equals_a_first_build(side_a, partner, seed):
    rng = random.Random(seed)
    cases = [_new_case(rng, side_a, partner) for _ in range(8)]
    tasks.statistics_refresh.call()
    organisation_id = side_a.organisation.pk
    year = timezone.now().year
    for round_number in range(2):
        done = _changes(rng, side_a, partner, cases)
        tasks.statistics_refresh.call()
        refreshed = _tallies(organisation_id)
        counted = released_counts(side_a)
        assert counted == oracle([organisation_id], year), (round_number, done)
        _build_from_scratch(organisation_id)
        assert _tallies(organisation_id) == refreshed, (round_number, done)
        assert released_counts(side_a) == counted
