"""Released tables as people read them: labels in French or English, figures with their
accuracy in plain words ("12 ± 3"), and the marks of Statistics Canada (``x`` suppressed,
``E`` use with caution)."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arrimage.coalition.glossary_links import glossary_slug_for
from arrimage.coalition.models import Region
from arrimage.trends import vocabulary as vocab
from arrimage.trends.tables import CAUTION, SUPPRESSED, Axis


@dataclass(frozen=True)
class Figure:
    value: int | None
    accuracy: int
    flag: str

    @property
    def text(self) -> str:
        if self.value is None:
            return SUPPRESSED
        if self.accuracy:
            shown = _("%(value)s ± %(accuracy)s") % {"value": self.value, "accuracy": self.accuracy}
        else:
            shown = str(self.value)
        return f"{shown} {CAUTION}" if self.flag == CAUTION else shown

    @property
    def spoken(self) -> str:
        """For screen readers and the table alternative of a chart."""
        if self.value is None:
            return _("suppressed (too few cases to show)")
        if self.accuracy:
            return _("about %(value)s, within %(accuracy)s either way, 19 times out of 20") % {
                "value": self.value,
                "accuracy": self.accuracy,
            }
        return str(self.value)


@dataclass(frozen=True)
class Line:
    label: str
    is_aggregate: bool
    figures: list[Figure]
    # The glossary term that explains the label (a form of exploitation), or "".
    glossary: str = ""


@dataclass(frozen=True)
class TableView:
    key: str
    title: str
    row_heading: str
    columns: list[str]
    lines: list[Line]
    chart_labels: list[str]
    chart_values: list[int | None]
    # The table's accuracy in plain words ("" for exact counts), and whether its published
    # totals differ from the sum of their published parts (then a note says why).
    precision: str = ""
    totals_differ: bool = False


def titles() -> dict[str, str]:
    return {
        "month_region": _("Cases by month and region"),
        "exploitation_quarter": _("Forms of exploitation by quarter"),
        "gender_age": _("Cases by gender and age group"),
        "immigration_quarter": _("Cases by immigration status and quarter"),
        "unmet_need_region": _("Unmet needs by need and region"),
        "trp_delay_quarter": _(
            "Time from first contact to a temporary resident permit for victims, by quarter"
        ),
        "immigration_applications": _("Refugee claims and humanitarian applications"),
        "mental_health_access": _("Access to mental-health care, by health coverage"),
        "referral_outcome_need": _("Referral outcomes by need"),
        "decline_reason_need": _("Why referrals were declined, by need"),
        "response_time_need": _("Time to answer a referral, by need"),
        "screening_indicator_quarter": _("Screening indicators by quarter"),
    }


def section_labels() -> dict[str, str]:
    """The parts of a release a coordinator chooses, in the order of the tables."""
    return {
        "cases": _("Cases: month, region, forms of exploitation, gender and age, status"),
        "timelines": _("Immigration and mental-health timelines"),
        "referrals": _("Referrals: outcomes, decline reasons, response times"),
        "unmet_needs": _("Unmet needs by region"),
        "screening": _("Screening indicators"),
    }


def dimension_names() -> dict[str, str]:
    return {
        "month": _("Month"),
        "quarter": _("Quarter"),
        "region": _("Region"),
        "gender": _("Gender"),
        "age": _("Age group"),
        "immigration": _("Immigration status"),
        "exploitation": _("Form of exploitation"),
        "need": _("Need"),
        "need_group": _("Need"),
        "trp_delay": _("Time to the permit"),
        "application": _("Application"),
        "application_status": _("Where it stands"),
        "mental_health": _("Mental-health need"),
        "coverage": _("Health coverage"),
        "outcome": _("Outcome"),
        "decline_reason": _("Reason"),
        "response_time": _("Time to answer"),
        "screening_indicator": _("Indicator"),
    }


def _labeller() -> Any:
    regions = {r.code: r.name for r in Region.objects.all()}

    def label(dimension: str, code: str) -> str:
        if dimension == "region" and code in regions:
            return regions[code]
        return vocab.label(dimension, code)

    return label


def precision_sentence(*, cell: int, total: int) -> str:
    """A table's accuracy in words: its cells, and its widest total."""
    text = ngettext(
        "Accuracy: ± %(cell)s person per cell",
        "Accuracy: ± %(cell)s people per cell",
        cell,
    ) % {"cell": cell}
    if total:
        text += _(", up to ± %(total)s for the totals") % {"total": total}
    return text + _(", 95 times out of 100.")


def _precision(table: dict[str, Any], rows: Axis, cols: Axis) -> str:
    leaf_rows, leaf_cols = len(rows.leaves), len(cols.leaves)
    cells = table["cells"]
    leaves = [int(cells[i][j]["a"]) for i in range(leaf_rows) for j in range(leaf_cols)]
    totals = [
        int(cell["a"])
        for i, line in enumerate(cells)
        for j, cell in enumerate(line)
        if i >= leaf_rows or j >= leaf_cols
    ]
    if not leaves or not max(leaves):
        return ""
    return precision_sentence(cell=max(leaves), total=max(totals, default=0))


def totals_differ(table: dict[str, Any]) -> bool:
    """Whether some published total is not the sum of its published leaves (suppressed
    figures aside): noise, once negative figures are shown as 0, or a rollup of such."""
    rows = Axis.from_json(table["rows"])
    cols = Axis.from_json(table["cols"])
    row_index = {key: i for i, key in enumerate(rows.keys)}
    col_index = {key: j for j, key in enumerate(cols.keys)}
    cells = table["cells"]
    for r in rows.keys:
        for c in cols.keys:
            if r not in rows.aggregates and c not in cols.aggregates:
                continue
            value = cells[row_index[r]][col_index[c]]["v"]
            parts = [
                cells[row_index[mr]][col_index[mc]]["v"]
                for mr in rows.members(r)
                for mc in cols.members(c)
            ]
            if value is None or any(part is None for part in parts):
                continue
            if int(value) != sum(int(part) for part in parts):
                return True
    return False


def table_view(table: dict[str, Any]) -> TableView:
    label = _labeller()
    rows = Axis.from_json(table["rows"])
    cols = Axis.from_json(table["cols"])
    lines = []
    for i, row in enumerate(rows.keys):
        figures = [Figure(cell["v"], int(cell["a"]), str(cell["f"])) for cell in table["cells"][i]]
        lines.append(
            Line(
                label(rows.dimension, row),
                row in rows.aggregates,
                figures,
                glossary_slug_for(rows.dimension, row),
            )
        )
    # The chart shows the leaves of the rows against the last total column (or the first
    # column when the table has no total).
    total_index = len(cols.keys) - 1
    chart_labels = [label(rows.dimension, r) for r in rows.leaves]
    chart_values = [table["cells"][i][total_index]["v"] for i in range(len(rows.leaves))]
    return TableView(
        key=table["key"],
        title=titles().get(table["key"], table["key"]),
        row_heading=dimension_names().get(rows.dimension, rows.dimension),
        columns=[label(cols.dimension, c) for c in cols.keys],
        lines=lines,
        chart_labels=chart_labels,
        chart_values=chart_values,
        precision=_precision(table, rows, cols),
        totals_differ=totals_differ(table),
    )


def release_views(content: dict[str, Any]) -> list[TableView]:
    return [table_view(table) for table in content["tables"]]


def suppression_rule(threshold: int) -> str:
    """The small-cell suppression rule, stated one way everywhere: release pages, PDF and
    spreadsheet, the coordinator's release form, the unmet-needs page and the home page
    (``{% suppression_rule threshold %}``), and docs/trends.md."""
    return _(
        "Counts from 1 to %(below)s are not shown (x), nor are the figures that would let "
        "anyone work them out."
    ) % {"below": threshold - 1}


def method_sentence(content: dict[str, Any]) -> str:
    method = content["method"]
    if method == "dp":
        return _(
            "Differential privacy: every figure carries random noise and is published with "
            "its accuracy. “12 ± 3” means the true count is within 3 of 12, 95 times out of 100."
        )
    if method == "suppression":
        return _("Exact counts.") + " " + suppression_rule(int(content["threshold"]))
    return _("The sum of the releases received from the level below, as they were released.")


def totals_note() -> str:
    return _(
        "The totals of this table are not exactly the sum of its figures: each figure carries "
        "its own noise, and a figure that the noise made negative is shown as 0, while the "
        "totals add the figures as drawn, so that they stay right on average. Use the totals "
        "as they are."
    )


def marks_sentence() -> str:
    return _(
        "x: suppressed (too few cases to show). E: use with caution (the margin of "
        "error is more than half the figure)."
    )
