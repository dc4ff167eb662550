"""Reading unmet needs (recorded by orientation, :mod:`arrimage.orientation.unmet`):
coordinators and analysts read them by region and need, and by gender and need, over fixed
periods. Counts from 1 to the trends threshold minus 1 are suppressed, and so are the
complementary cells, with the trends part's own suppression: the rows never leave this
module."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Region
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.orientation.models import UnmetNeed
from arrimage.orientation.needs import NEED_LABELS
from arrimage.trends.presentation import Figure
from arrimage.trends.selectors import suppression_threshold
from arrimage.trends.suppression import Cell, Equation, LinearTable, grid_table, suppress
from arrimage.trends.tables import SUPPRESSED

UNMET_READER_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})
# Fixed periods only: with a free number of days, two readings a day apart would give the
# records of that one day by subtraction, whatever the suppression.
PERIOD_DAYS = (30, 90, 365)
DEFAULT_PERIOD_DAYS = 90
GENDERS = ("woman", "man", "trans_nonbinary", "unknown")
TOTAL = "total"


def unmet_period_days(days: int | None) -> int:
    """One of the fixed periods; anything else reads as the default."""
    return days if days in PERIOD_DAYS else DEFAULT_PERIOD_DAYS


@dataclass(frozen=True)
class UnmetSummary:
    """Protected counts only: a figure is ``Figure(None, 0, "x")`` where it is suppressed.
    ``by_region`` is keyed by (region code or ``TOTAL``, need or ``TOTAL``), ``by_gender`` by
    (gender or ``TOTAL``, need or ``TOTAL``)."""

    since: date
    days: int
    threshold: int
    regions: list[tuple[str, str]]
    needs: list[tuple[str, str]]
    genders: list[str]
    by_region: dict[tuple[str, str], Figure]
    by_gender: dict[tuple[str, str], Figure]
    suppressed: int

    @property
    def total(self) -> Figure:
        return self.by_region.get((TOTAL, TOTAL), Figure(0, 0, ""))


def _with_totals(
    counts: dict[tuple[str, str], int], rows: Sequence[str], cols: Sequence[str]
) -> dict[tuple[str, str], int]:
    """Leaf counts plus row, column and grand totals (``grid_table`` takes every cell)."""
    cells = {(r, c): counts.get((r, c), 0) for r in rows for c in cols}
    for r in rows:
        cells[(r, TOTAL)] = sum(cells[(r, c)] for c in cols)
    for c in [*cols, TOTAL]:
        cells[(TOTAL, c)] = sum(cells[(r, c)] for r in rows)
    return cells


def _linked_table(
    region_counts: dict[tuple[str, str], int],
    gender_counts: dict[tuple[str, str], int],
    *,
    regions: Sequence[str],
    genders: Sequence[str],
    needs: Sequence[str],
) -> LinearTable:
    """Region x need and gender x need, each with totals, as one table: the two share their
    need totals and grand total, so suppression must see both at once. Row keys are
    prefixed (``region:``, ``gender:``) so that the two kinds of rows never meet."""
    parts = []
    for prefix, counts, codes in (
        ("region", region_counts, regions),
        ("gender", gender_counts, genders),
    ):
        rows = [f"{prefix}:{code}" for code in codes]
        prefixed = {(f"{prefix}:{row}", need): n for (row, need), n in counts.items()}
        parts.append(
            grid_table(
                _with_totals(prefixed, rows, needs),
                row_leaves=rows,
                col_leaves=needs,
                row_aggregates={TOTAL: rows},
                col_aggregates={TOTAL: needs},
            )
        )
    by_region, by_gender = parts
    equations: list[Equation] = list(dict.fromkeys([*by_region.equations, *by_gender.equations]))
    return LinearTable(values={**by_region.values, **by_gender.values}, equations=equations)


def _figure(table: LinearTable, hidden: set[Cell], cell: tuple[str, str]) -> Figure:
    if cell in hidden:
        return Figure(None, 0, SUPPRESSED)
    return Figure(table.values[cell], 0, "")


def unmet_needs_summary(*, actor: Membership | None, days: int | None = None) -> UnmetSummary:
    """Counts of unmet needs by region and need, and by gender and need, over one of the
    fixed periods (``PERIOD_DAYS``). Coordinators and analysts only. Counts below the trends
    threshold are suppressed, and so are the cells that would give them away; the rows
    themselves never leave this function."""
    if actor is None or actor.role not in UNMET_READER_ROLES:
        raise NotFound
    days = unmet_period_days(days)
    threshold = suppression_threshold()
    since = timezone.localdate() - timedelta(days=days)
    base = UnmetNeed.objects.filter(recorded_on__gte=since).order_by()
    region_counts = {
        (row["region_code"], row["need"]): row["n"]
        for row in base.values("region_code", "need").annotate(n=Count("id"))
    }
    gender_counts = {
        (row["gender"], row["need"]): row["n"]
        for row in base.values("gender", "need").annotate(n=Count("id"))
    }
    present_needs = {need for _region, need in region_counts}
    needs = [(code, str(label)) for code, label in NEED_LABELS.items() if code in present_needs]
    needs += sorted((code, code) for code in present_needs - set(NEED_LABELS))
    region_codes = sorted({region for region, _need in region_counts})
    names = {r.code: r.name for r in Region.objects.filter(code__in=region_codes)}
    regions = [(code, names.get(code, code) or "—") for code in region_codes]
    present_genders = {gender for gender, _need in gender_counts}
    genders = [g for g in GENDERS if g in present_genders]
    genders += sorted(present_genders - set(GENDERS))
    need_codes = [code for code, _label in needs]
    by_region: dict[tuple[str, str], Figure] = {}
    by_gender: dict[tuple[str, str], Figure] = {}
    hidden: set[Cell] = set()
    if region_counts:
        table = _linked_table(
            region_counts,
            gender_counts,
            regions=region_codes,
            genders=genders,
            needs=need_codes,
        )
        hidden = suppress(table, threshold=threshold)
        for need in [*need_codes, TOTAL]:
            for region in [*region_codes, TOTAL]:
                key = TOTAL if region == TOTAL else f"region:{region}"
                by_region[(region, need)] = _figure(table, hidden, (key, need))
            for gender in [*genders, TOTAL]:
                key = TOTAL if gender == TOTAL else f"gender:{gender}"
                by_gender[(gender, need)] = _figure(table, hidden, (key, need))
    audit_record(
        action="unmet_needs_read",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="unmet_need",
        details={"days": days, "suppressed": len(hidden)},
    )
    return UnmetSummary(
        since=since,
        days=days,
        threshold=threshold,
        regions=regions,
        needs=needs,
        genders=genders,
        by_region=by_region,
        by_gender=by_gender,
        suppressed=len(hidden),
    )
