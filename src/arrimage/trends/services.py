"""Writes of trends: releases (an explicit act of a coalition's coordinator), rollups to the
level above, imports of signed bundles, trusted instances and the GBVIMS answer.

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
from arrimage.core.text import text_check
from arrimage.orientation.needs import NEEDS
from arrimage.privacy.categories import Category
from arrimage.trends import selectors, signing, sources
from arrimage.trends.models import (
    PrivacyBudget,
    Release,
    ReleaseMethod,
    ReleaseOrigin,
    StatisticsRecord,
    TrustedInstance,
)
from arrimage.trends.tables import (
    REFERRALS,
    SECTIONS,
    UNMET_NEEDS,
    Axis,
    Leaf,
    TableSpec,
    leaf_counts,
    protect,
    rollup,
    table_specs,
    unmet_need_spec,
)

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


def _payload(
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


def _store(
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
    chosen = _check_sections(sections)
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
    sources.statistics_records_refresh(organisation_ids=organisation_ids)
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
        payload = _payload(
            release_id=release_id or _new_id(),
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
        release = _store(
            payload=payload, coalition=coalition, actor=actor, origin=ReleaseOrigin.LOCAL
        )
    report(steps, steps)
    return release


def _check_sections(sections: Iterable[str] | None) -> list[str]:
    if sections is None:
        return list(SECTIONS)
    chosen = [section for section in SECTIONS if section in set(sections)]
    unknown = set(sections) - set(SECTIONS)
    if unknown or not chosen:
        raise ValidationError(_("Choose at least one part to release."), code="sections")
    if UNMET_NEEDS in chosen and not sources.unmet_needs_available():
        chosen.remove(UNMET_NEEDS)
    if REFERRALS in chosen and not sources.unmet_needs_available():
        chosen.remove(REFERRALS)
    return chosen


def specs_of(*, sections: list[str], regions: list[str]) -> list[TableSpec]:
    specs = table_specs(
        regions=regions,
        contribution_bound=selectors.contribution_bound(),
        referral_bound=sources.REFERRAL_SLOTS,
        screening_bound=selectors.screening_bound(),
    )
    if UNMET_NEEDS in sections:
        needs: tuple[str, ...] = ()
        if sources.unmet_needs_available():
            needs = NEEDS
        specs.append(unmet_need_spec(regions=regions, needs=needs))
    wanted = {key for section in sections for key in SECTIONS[section]}
    return [spec for spec in specs if spec.key in wanted]


def sources_of(*, sections: list[str], regions: list[str]) -> list[str]:
    """The sources counted for these sections (one SQL query each)."""
    return sorted({spec.source for spec in specs_of(sections=sections, regions=regions)})


def exact_counts(
    *,
    organisation_ids: list[UUID],
    regions: list[str],
    year: int,
    sections: list[str],
    progress: Callable[[int], None] | None = None,
) -> list[tuple[TableSpec, dict[Leaf, int]]]:
    """The exact leaf counts of every table of the chosen sections, from the tallies of the
    organisations (as of the projection's last refresh) and Orientation's unmet needs;
    ``progress(n)`` after the n-th source."""
    specs = specs_of(sections=sections, regions=regions)
    tally = (
        sources.tally_sum(organisation_ids=organisation_ids, year=year)
        if any(spec.source != UNMET_NEEDS for spec in specs)
        else None
    )

    def counts(source: str) -> dict[Any, int]:
        if source == UNMET_NEEDS:
            return sources.unmet_need_counts(regions=regions, year=year)
        assert tally is not None
        if source == REFERRALS:
            return sources.referral_counts(tally=tally)
        return sources.margin_counts(tally=tally, name=source)

    cubes: dict[str, dict[Any, int]] = {}
    for number, source in enumerate(sorted({spec.source for spec in specs}), start=1):
        cubes[source] = counts(source)
        if progress is not None:
            progress(number)
    return [(spec, leaf_counts(spec, cubes[spec.source])) for spec in specs]


def _new_id() -> UUID:
    return uuid.uuid4()


def tables_received_latest(
    *, coalition: Coalition, year: int
) -> tuple[list[Release], list[list[dict[str, Any]]]]:
    """For each coalition below, the latest release of each table for the year (a coalition
    may release its sections separately), and the releases those tables come from."""
    latest: dict[str, dict[str, tuple[Release, dict[str, Any]]]] = {}
    for release in Release.objects.filter(recipient=coalition, year=year).order_by("created_at"):
        source = str(release.coalition_id or release.content["coalition"]["id"])
        for table in release.content["tables"]:
            latest.setdefault(source, {})[table["key"]] = (release, table)
    used: dict[UUID, Release] = {}
    for by_key in latest.values():
        for release, _table in by_key.values():
            used[release.pk] = release
    tables = [[table for _release, table in by_key.values()] for by_key in latest.values()]
    return sorted(used.values(), key=lambda r: r.created_at), tables


def rollup_create(*, actor: Membership | None, coalition_id: UUID | str, year: int) -> Release:
    """Sum what the coalition received from the level below, the latest figures of each
    table from each coalition, and release the sum to the level above. A table that some
    coalition below never released is left out. Sums of released figures reveal nothing new:
    no budget is spent."""
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    year = year_check(year)
    received, tables_by_source = tables_received_latest(coalition=coalition, year=year)
    if not received:
        raise ValidationError(
            _("No release for %(year)s has been received from the level below.") % {"year": year},
            code="nothing_received",
        )
    for release in received:
        if not selectors.release_payload_is_intact(release):
            raise ValidationError(
                _("A release received was altered: it cannot be summed."), code="altered"
            )
    tables = rollup(tables_by_source)
    summary = [
        {
            "release_id": r.content["release_id"],
            "coalition": r.content["coalition"]["name"],
            "method": r.content["method"],
            "epsilon": r.content["epsilon"],
        }
        for r in received
    ]
    payload = _payload(
        release_id=_new_id(),
        coalition=coalition,
        year=year,
        method=ReleaseMethod.ROLLUP,
        epsilon=0.0,
        threshold=max(int(r.content["threshold"]) for r in received),
        tables=tables,
        sources_summary=summary,
    )
    with transaction.atomic():
        return _store(payload=payload, coalition=coalition, actor=actor, origin=ReleaseOrigin.LOCAL)


def trusted_instance_add(
    *, actor: Membership | None, coalition_id: UUID | str, name: str, public_key: str
) -> TrustedInstance:
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    key = public_key.strip().lower()
    if len(key) != 64 or any(ch not in "0123456789abcdef" for ch in key):
        raise ValidationError(
            _("A public key is 64 hexadecimal characters, as shown on the other instance."),
            code="public_key",
        )
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError(
            _("Give the other instance a name (200 characters at most)."), code="name"
        )
    text_check(name, label=_("Name"), max_length=200)
    with transaction.atomic():
        trusted, _created = TrustedInstance.objects.get_or_create(
            coalition=coalition,
            public_key=key,
            defaults={"name": name, "added_by_id": actor.user_id},
        )
        audit_record(
            action="trends_instance_trusted",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="coalition",
            target_id=coalition.pk,
            details={"trusted_instance_id": trusted.pk},
        )
    return trusted


def bundle_error_message(code: str) -> str:
    messages = {
        "not_json": _("This file is not a release bundle: it is not readable JSON."),
        "format": _("This file is not an Arrimage release bundle."),
        "untrusted": _(
            "This bundle is signed by an instance your coalition does not trust. "
            "Add its public key first."
        ),
        "signature": _("This bundle was altered after it was signed: it is refused."),
        "duplicate": _("This release was already imported."),
        "content": _("This bundle is signed but its tables cannot be read."),
    }
    return messages.get(code, messages["format"])


def _validate_tables(tables: object) -> None:
    if not isinstance(tables, list):
        raise signing.BundleRefused("content")
    try:
        for table in tables:
            rows = Axis.from_json(table["rows"]).keys
            cols = Axis.from_json(table["cols"]).keys
            cells = table["cells"]
            if len(cells) != len(rows) or any(len(line) != len(cols) for line in cells):
                raise signing.BundleRefused("content")
            for line in cells:
                for cell in line:
                    if cell["v"] is not None and int(cell["v"]) < 0:
                        raise signing.BundleRefused("content")
                    int(cell["a"])
                    {str(k): int(v) for k, v in cell["n"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise signing.BundleRefused("content") from error


def bundle_import(*, actor: Membership | None, coalition_id: UUID | str, data: bytes) -> Release:
    """Import a release signed by another, trusted Arrimage instance, as received by this
    coalition. A bundle altered after signing, or signed by an unknown key, is refused
    (``signing.BundleRefused``) and nothing is written."""
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    trusted = set(
        TrustedInstance.objects.filter(coalition=coalition).values_list("public_key", flat=True)
    )
    payload, signature, public_key = signing.bundle_open(data, trusted_keys=trusted)
    _validate_tables(payload.get("tables"))
    try:
        source_id = UUID(str(payload["release_id"]))
        year = int(payload["year"])
        source = payload["coalition"]
        name, level = str(source["name"]), str(source["level"])
        epsilon = float(payload["epsilon"])
        threshold = int(payload["threshold"])
        method = str(payload["method"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BundleRefused("content") from error
    if method not in ReleaseMethod.values:
        raise signing.BundleRefused("content")
    with transaction.atomic():
        if Release.objects.filter(recipient=coalition, source_release_id=source_id).exists():
            raise signing.BundleRefused("duplicate")
        release = Release.objects.create(
            coalition=None,
            recipient=coalition,
            coalition_name=name[:200],
            coalition_level=level[:16],
            year=year,
            method=method,
            origin=ReleaseOrigin.IMPORTED,
            epsilon=epsilon,
            threshold=threshold,
            content=payload,
            content_digest=signing.digest(payload),
            signer_public_key=public_key,
            signature=signature,
            source_release_id=source_id,
            created_by_id=actor.user_id,
        )
        audit_record(
            action="trends_release_imported",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="trends_release",
            target_id=release.pk,
            details={"coalition_id": str(coalition.pk), "source_release_id": str(source_id)},
        )
    return release


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
