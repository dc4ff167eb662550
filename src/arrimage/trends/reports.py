"""The gap report of a release: charts (reportlab's chart library, drawn on the server as SVG
for pages and as vector graphics in the PDF; nothing is loaded from elsewhere), the PDF, the
spreadsheet (XLSX) and the CSV with Statistics Canada's marks."""

import base64
import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from arrimage.trends.presentation import (
    TableView,
    marks_sentence,
    method_sentence,
    release_views,
    totals_note,
)
from arrimage.trends.tables import Axis

ACCENT = colors.HexColor("#1d4f91")
CHART_WIDTH = 520


def chart_drawing(view: TableView) -> Drawing:
    """A horizontal bar chart of the table's row totals; suppressed figures have no bar and
    are marked x."""
    count = max(1, len(view.chart_labels))
    height = 40 + 22 * count
    drawing = Drawing(CHART_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 230, 20
    chart.width, chart.height = CHART_WIDTH - 250, height - 30
    values = [v if v is not None else 0 for v in view.chart_values]
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(view.chart_labels))
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*values, 1]) * 1.15
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    step = chart.height / count
    for i, value in enumerate(reversed(view.chart_values)):
        if value is None:
            drawing.add(String(chart.x + 4, chart.y + step * i + step / 2 - 3, "x", fontSize=9))
    return drawing


def chart_svg_data_uri(view: TableView) -> str:
    """The chart as an SVG image, inline as a data: address (CSP allows images from data:;
    the page loads nothing from elsewhere)."""
    svg = renderSVG.drawToString(chart_drawing(view))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _title(content: dict[str, Any]) -> str:
    return _("Gap report: %(coalition)s, %(year)s") % {
        "coalition": content["coalition"]["name"],
        "year": content["year"],
    }


def release_pdf(content: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_title(content),
        author="Arrimage",
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
    )
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(_title(content), styles["Title"]),
        Paragraph(method_sentence(content), styles["BodyText"]),
        Paragraph(marks_sentence(), styles["BodyText"]),
        Spacer(1, 0.4 * cm),
    ]
    for view in release_views(content):
        story.append(Paragraph(view.title, styles["Heading2"]))
        story.append(chart_drawing(view))
        data = [[view.row_heading, *view.columns]]
        for line in view.lines:
            data.append([line.label, *[f.text for f in line.figures]])
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ]
            )
        )
        story.append(table)
        if view.precision:
            story.append(Paragraph(view.precision, styles["BodyText"]))
        if view.totals_differ:
            story.append(Paragraph(totals_note(), styles["BodyText"]))
        story.append(Spacer(1, 0.4 * cm))
    story.append(
        Paragraph(
            _("Release %(id)s, signed by this instance. Produced on %(date)s.")
            % {"id": content["release_id"], "date": timezone.now().date().isoformat()},
            styles["Italic"],
        )
    )
    document.build(story)
    return buffer.getvalue()


def release_xlsx(content: dict[str, Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("About")[:31]
    sheet.append([_title(content)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([method_sentence(content)])
    sheet.append([marks_sentence()])
    sheet.append([pgettext("statistics", "Release"), content["release_id"]])
    for index, view in enumerate(release_views(content), start=1):
        table_sheet = workbook.create_sheet(f"{index}. {view.title}"[:31])
        table_sheet.append([view.title])
        table_sheet["A1"].font = Font(bold=True)
        header = [view.row_heading]
        for column in view.columns:
            header += [column, _("± (95%)"), _("Mark")]
        table_sheet.append(header)
        for line in view.lines:
            row: list[Any] = [line.label]
            for figure in line.figures:
                row += [
                    figure.value if figure.value is not None else "x",
                    figure.accuracy if figure.value is not None else "",
                    figure.flag,
                ]
            table_sheet.append(row)
        if view.precision:
            table_sheet.append([view.precision])
        if view.totals_differ:
            table_sheet.append([totals_note()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def release_csv(content: dict[str, Any]) -> str:
    """One line per figure: table, row, column, value (``x`` when suppressed), accuracy at 95%
    and the mark (``E`` use with caution)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "release",
            "coalition",
            "year",
            "method",
            "table",
            "row",
            "column",
            "value",
            "accuracy_95",
            "mark",
        ]
    )
    for table in content["tables"]:
        rows = Axis.from_json(table["rows"]).keys
        cols = Axis.from_json(table["cols"]).keys
        for i, row in enumerate(rows):
            for j, col in enumerate(cols):
                cell = table["cells"][i][j]
                suppressed = cell["v"] is None
                writer.writerow(
                    [
                        content["release_id"],
                        content["coalition"]["name"],
                        content["year"],
                        content["method"],
                        table["key"],
                        row,
                        col,
                        "x" if suppressed else cell["v"],
                        "" if suppressed else cell["a"],
                        "" if suppressed else cell["f"],
                    ]
                )
    return buffer.getvalue()
