"""What a release would publish, told before anything is counted or spent: the accuracy of each
table's figures in plain words ("± 7 people, 19 times out of 20"), from the protection chosen
only (the share of the year's budget, the tables released, each table's sensitivity and
shape). The noise's spread does not depend on the data, so the preview reads no case, no
record and no tally, draws no noise and writes nothing: the budget is untouched.

The coordinator chooses a share of the year's privacy budget; the code turns it into the
privacy loss (epsilon) of ``services.release_create``. The interface never shows epsilon
(``docs/trends.md``, "Accuracy and the budget").
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.coalition.models import Coalition
from arrimage.trends import counting, selectors, services
from arrimage.trends import privacy_noise as noise
from arrimage.trends.models import PrivacyBudget, ReleaseMethod
from arrimage.trends.presentation import titles
from arrimage.trends.tables import CASES, TableSpec

# The shares of the year's budget a coordinator picks from, in percent; "rest" is whatever is
# left. Default: half the year's budget, on the case tables only (docs/trends.md explains why).
SHARES = (25, 50, 75, 100)
REST = "rest"
DEFAULT_SHARE = "50"
DEFAULT_SECTIONS = (CASES,)


@dataclass(frozen=True)
class TablePrecision:
    """The 95% accuracy of a table's figures: each cell, and its widest total (0: none)."""

    key: str
    title: str
    cell: int
    total: int


@dataclass(frozen=True)
class ReleasePreview:
    method: str
    # Percent of the year's budget the release would use (0 for exact counts: all of it).
    share: int
    tables: list[TablePrecision]


def budget_total(*, coalition: Coalition, year: int) -> float:
    budget = PrivacyBudget.objects.filter(coalition=coalition, year=year).first()
    return budget.total_epsilon if budget is not None else selectors.yearly_budget()


def share_percent_left(*, coalition: Coalition, year: int) -> int:
    """What is left of the year's budget, in whole percent (rounded down: never more than
    is left)."""
    total = budget_total(coalition=coalition, year=year)
    left = selectors.budget_remaining(coalition=coalition, year=year)
    return int(100 * left / total + 1e-9) if total > 0 else 0


def epsilon_of_share(*, coalition: Coalition, year: int, share: str) -> float:
    """The privacy loss a share of the year's budget stands for; ``share`` is a percent from
    ``SHARES`` or ``REST``. A clear, translated error otherwise."""
    if share == REST:
        left = selectors.budget_remaining(coalition=coalition, year=year)
        if left <= 0:
            raise ValidationError(
                _("The privacy budget of %(year)s is spent: no release of this year can be made.")
                % {"year": year},
                code="budget_spent",
            )
        return left
    try:
        percent = int(str(share).strip().rstrip("%").strip())
    except ValueError:
        percent = -1
    if percent not in SHARES:
        raise ValidationError(_("Choose a share of the budget from the list."), code="share")
    return budget_total(coalition=coalition, year=year) * percent / 100


def table_precision(spec: TableSpec, *, epsilon: float) -> TablePrecision:
    """A table's accuracy at this privacy loss: its noise scale is sensitivity / epsilon,
    whatever the counts; a total adds the noise of its cells."""
    scale = noise.scale_key(noise.scale_for(epsilon=epsilon, sensitivity=spec.sensitivity))
    sizes = {
        len(spec.rows.members(r)) * len(spec.cols.members(c))
        for r in spec.rows.keys
        for c in spec.cols.keys
    }
    widest = max(sizes)
    return TablePrecision(
        key=spec.key,
        title=titles().get(spec.key, spec.key),
        cell=noise.accuracy({scale: 1}),
        total=noise.accuracy({scale: widest}) if widest > 1 else 0,
    )


def release_preview(
    *,
    actor: Membership | None,
    coalition_id: UUID | str,
    year: int,
    method: str,
    share: str,
    sections: Iterable[str] | None,
) -> ReleasePreview:
    """What ``release_create`` would publish with these choices, checked as a release
    request is (the same errors), without counting or spending anything."""
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    epsilon = None
    if method == ReleaseMethod.PRIVACY:
        epsilon = epsilon_of_share(coalition=coalition, year=services.year_check(year), share=share)
    parameters = services.release_parameters(
        actor=actor,
        coalition_id=coalition.pk,
        year=year,
        method=method,
        epsilon=epsilon,
        sections=sections,
    )
    regions = services.coalition_regions(coalition)
    specs = counting.specs_of(sections=parameters.sections, regions=regions)
    if epsilon is None:
        return ReleasePreview(method=method, share=0, tables=[])
    per_table = epsilon / len(specs)
    total = budget_total(coalition=coalition, year=parameters.year)
    return ReleasePreview(
        method=method,
        share=round(100 * epsilon / total) if total > 0 else 0,
        tables=[table_precision(spec, epsilon=per_table) for spec in specs],
    )
