"""Writes of trends: releases (an explicit act of a coalition's coordinator) and the GBVIMS
answer. What a release counts is in ``counting.py``; rollups to the level above, trusted
instances and imports of signed bundles are in ``federation.py``.

Each release is recorded once, signed, never changed, and audited with ids only.
"""

import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases.access import case_grant
from arrimage.coalition.models import Coalition, CoalitionLevel
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.trends import projection, selectors, signing, sources
from arrimage.trends.counting import exact_counts, sections_check, sources_of
from arrimage.trends.models import (
    PrivacyBudget,
    Release,
    ReleaseMethod,
    ReleaseOrigin,
    StatisticsRecord,
)
from arrimage.trends.protection import protect

COUNTING_LEVELS = frozenset({CoalitionLevel.LOCAL, CoalitionLevel.REGIONAL})
MIN_EPSILON = 0.1
EPSILON_EPSILON = 1e-9


def coalition_regions(coalition: Coalition) -> list[str]:
    """The regions of the coalition's member organisations: the columns of its regional
    tables, fixed before any data is seen."""
    return sorted(set(coalition.organisations.values_list("region__code", flat=True)))


def year_check(year: int) -> int:
    current = timezone.now().year
    if not 2000 <= int(year) <= current:
        raise ValidationError(
            _("Choose a year between %(first)s and %(last)s.") % {"first": 2000, "last": current},
            code="year",
        )
    return int(year)


def _budget_lock(coalition: Coalition, year: int) -> PrivacyBudget:
    PrivacyBudget.objects.get_or_create(
        coalition=coalition, year=year, defaults={"total_epsilon": selectors.yearly_budget()}
    )
    return PrivacyBudget.objects.select_for_update().get(coalition=coalition, year=year)


def release_payload(
    *,
    release_id: UUID,
    coalition: Coalition,
    year: int,
    method: str,
    epsilon: float,
    threshold: int,
    tables: list[dict[str, Any]],
    sources_summary: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    parent = coalition.parent
    return {
        "release_id": str(release_id),
        "coalition": {"id": str(coalition.pk), "name": coalition.name, "level": coalition.level},
        "recipient": (
            {"id": str(parent.pk), "name": parent.name, "level": parent.level} if parent else None
        ),
        "year": year,
        "method": method,
        "epsilon": epsilon,
        "threshold": threshold,
        "contribution_bound": selectors.contribution_bound(),
        "referral_bound": sources.REFERRAL_SLOTS,
        "screening_bound": selectors.screening_bound(),
        "created_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "sources": sources_summary or [],
        "tables": tables,
    }


def release_store(
    *, payload: dict[str, Any], coalition: Coalition, actor: Membership, origin: str
) -> Release:
    signature, public_key = signing.sign(payload)
    release = Release.objects.create(
        id=UUID(payload["release_id"]),
        coalition=coalition,
        recipient=coalition.parent,
        coalition_name=coalition.name,
        coalition_level=coalition.level,
        year=payload["year"],
        method=payload["method"],
        origin=origin,
        epsilon=payload["epsilon"],
        threshold=payload["threshold"],
        content=payload,
        content_digest=signing.digest(payload),
        signer_public_key=public_key,
        signature=signature,
        created_by_id=actor.user_id,
    )
    audit_record(
        action="trends_release_created",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="trends_release",
        target_id=release.pk,
        details={
            "coalition_id": str(coalition.pk),
            "recipient_id": str(coalition.parent_id) if coalition.parent_id else None,
            "year": release.year,
            "method": release.method,
            "epsilon": f"{release.epsilon:.3f}",
        },
    )
    return release


@dataclass(frozen=True)
class ReleaseParameters:
    coalition: Coalition
    year: int
    method: str
    epsilon: float | None
    sections: list[str]


def release_parameters(
    *,
    actor: Membership | None,
    coalition_id: UUID | str,
    year: int,
    method: str,
    epsilon: float | None = None,
    sections: Iterable[str] | None = None,
) -> ReleaseParameters:
    """Check what a coordinator asks to release, before anything is counted: the coalition
    (404 if the actor may not release for it), the year, the parts, the method, the privacy
    loss and what is left of the budget."""
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    year = year_check(year)
    chosen = sections_check(sections)
    if coalition.level not in COUNTING_LEVELS:
        raise ValidationError(
            _(
                "A provincial or national coalition releases the sum of what it received: "
                "use “Sum the releases received”."
            ),
            code="level",
        )
    if method not in (ReleaseMethod.PRIVACY, ReleaseMethod.SUPPRESSION):
        raise ValidationError(_("Choose a protection method from the list."), code="method")
    if method == ReleaseMethod.PRIVACY and (
        epsilon is None or not math.isfinite(epsilon) or epsilon < MIN_EPSILON
    ):
        raise ValidationError(
            _("This share of the budget is too small for a release: choose a larger one."),
            code="epsilon",
        )
    budget = PrivacyBudget.objects.filter(coalition=coalition, year=year).first()
    if budget is not None:
        _budget_spend(budget, method=method, epsilon=epsilon, year=year)
    return ReleaseParameters(coalition, year, method, epsilon, chosen)


def _budget_spend(budget: PrivacyBudget, *, method: str, epsilon: float | None, year: int) -> float:
    """What the release spends of the budget, or why it cannot."""
    remaining = budget.total_epsilon - budget.spent_epsilon
    if method == ReleaseMethod.PRIVACY:
        assert epsilon is not None
        if epsilon > remaining + EPSILON_EPSILON:
            total = budget.total_epsilon or 1.0
            raise ValidationError(
                _(
                    "The privacy budget of %(year)s has %(remaining)s %% left and this "
                    "release asks for %(asked)s %%: choose a smaller share."
                )
                % {
                    "year": year,
                    "remaining": int(100 * max(remaining, 0) / total + 1e-9),
                    "asked": math.ceil(100 * epsilon / total - 1e-9),
                },
                code="budget_spent",
            )
        return float(epsilon)
    if budget.spent_epsilon > EPSILON_EPSILON:
        raise ValidationError(
            _(
                "Exact counts need an untouched budget, and %(year)s already has "
                "releases. Use differential privacy for this year."
            )
            % {"year": year},
            code="budget_spent",
        )
    return budget.total_epsilon


def release_create(
    *,
    actor: Membership | None,
    coalition_id: UUID | str,
    year: int,
    method: str,
    epsilon: float | None = None,
    sections: Iterable[str] | None = None,
    release_id: UUID | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Release:
    """Count the coalition's consented cases for the year and release them, protected, to the
    level above. Differential privacy spends ``epsilon`` of the coalition's budget for the
    year, shared equally by the tables of the chosen ``sections`` (all by default), and is
    refused when it is spent; exact counts with suppression spend all of it and need it
    untouched (exact figures leave no room for noisy ones on the same people).

    Run by the worker (``release_tasks.py``): ``progress(done, total)`` follows the steps.
    The counting happens before the budget is locked, so that the write lock is held only
    while the budget is spent and the release stored."""
    parameters = release_parameters(
        actor=actor,
        coalition_id=coalition_id,
        year=year,
        method=method,
        epsilon=epsilon,
        sections=sections,
    )
    assert actor is not None
    coalition, year, chosen = parameters.coalition, parameters.year, parameters.sections
    report = progress or (lambda done, total: None)
    threshold = selectors.suppression_threshold()
    organisation_ids = list(coalition.organisations.values_list("pk", flat=True))
    regions = coalition_regions(coalition)
    steps = 2 + len(sources_of(sections=chosen, regions=regions))
    report(0, steps)
    projection.statistics_records_refresh(organisation_ids=organisation_ids)
    report(1, steps)
    counted = exact_counts(
        organisation_ids=organisation_ids,
        regions=regions,
        year=year,
        sections=chosen,
        progress=lambda counted_sources: report(1 + counted_sources, steps),
    )
    with transaction.atomic():
        budget = _budget_lock(coalition, year)
        spend = _budget_spend(budget, method=method, epsilon=epsilon, year=year)
        per_table = spend / len(counted) if method == ReleaseMethod.PRIVACY else None
        tables = [
            protect(spec, leaves, epsilon=per_table, threshold=threshold)
            for spec, leaves in counted
        ]
        payload = release_payload(
            release_id=release_id or release_id_new(),
            coalition=coalition,
            year=year,
            method=method,
            epsilon=spend if method == ReleaseMethod.PRIVACY else 0.0,
            threshold=threshold,
            tables=tables,
        )
        PrivacyBudget.objects.filter(pk=budget.pk).update(
            spent_epsilon=budget.spent_epsilon + spend
        )
        release = release_store(
            payload=payload, coalition=coalition, actor=actor, origin=ReleaseOrigin.LOCAL
        )
    report(steps, steps)
    return release


def release_id_new() -> UUID:
    return uuid.uuid4()


def release_export_audit(*, actor: Membership, release: Release, form: str) -> None:
    audit_record(
        action="trends_release_exported",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="trends_release",
        target_id=release.pk,
        details={"format": form},
    )


def statistics_answer_record(
    *, actor: Membership | None, case_id: UUID | str, is_reported_elsewhere: bool
) -> StatisticsRecord:
    """Record the GBVIMS answer "already reported by another member organisation?" for a
    case of the actor's organisation. A case reported elsewhere is counted by that member
    only, so a person helped by several organisations counts once. The worker's next refresh
    (every release begins with one) applies it: a web request decrypts nothing for statistics."""
    grant = case_grant(actor_membership=actor, case_id=case_id, require=Category.COORDINATION)
    if not grant.is_lead:
        raise NotFound
    assert actor is not None
    with transaction.atomic():
        sources.statistics_answer_set(case=grant.case, is_reported_elsewhere=is_reported_elsewhere)
        audit_record(
            action="trends_reported_elsewhere_set",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="case",
            target_id=grant.case.pk,
            details={"is_reported_elsewhere": is_reported_elsewhere},
        )
    return StatisticsRecord.objects.get(case_id=grant.case.pk)
