"""An advocacy brief as PDF: the coalition's recommendations, then the gap report of its
release, table by table, with the release's own figures and marks (``x`` suppressed, ``E``
use with caution: ``trends.presentation``). A TrueType font with every French accent (DejaVu
Sans from the system's fonts-dejavu-core, else Bitstream Vera, which ships with reportlab) is
embedded, so the text reads and copies the same everywhere."""

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from arrimage.awareness.models import AdvocacyBrief
from arrimage.trends.presentation import marks_sentence, method_sentence, release_views

FONT_CANDIDATES = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)
REGULAR, BOLD = "AwarenessSans", "AwarenessSans-Bold"
LABEL_WIDTH = 4.2 * cm
_registered = False


def brief_fonts() -> tuple[str, str]:
    """Register the embedded font once (DejaVu, else Vera from reportlab's own files)."""
    global _registered
    if not _registered:
        import reportlab

        vera = Path(reportlab.__file__).parent / "fonts"
        for regular, bold in (*FONT_CANDIDATES, (vera / "Vera.ttf", vera / "VeraBd.ttf")):
            if regular.exists() and bold.exists():
                pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
                pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
                _registered = True
                break
        else:  # pragma: no cover - reportlab always ships Vera
            raise RuntimeError("no TrueType font found for the PDF")
    return REGULAR, BOLD


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = brief_fonts()
    sample = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("brief-title", parent=sample["Title"], fontName=bold),
        "heading": ParagraphStyle("brief-h2", parent=sample["Heading2"], fontName=bold),
        "heading3": ParagraphStyle("brief-h3", parent=sample["Heading3"], fontName=bold),
        "body": ParagraphStyle("brief-body", parent=sample["BodyText"], fontName=regular),
        "small": ParagraphStyle(
            "brief-small", parent=sample["BodyText"], fontName=regular, fontSize=8
        ),
    }


def paragraphs(text: str) -> list[str]:
    """The recommendations as paragraphs: a blank line separates them."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def brief_pdf(brief: AdvocacyBrief) -> bytes:
    content: dict[str, Any] = brief.release.content
    styles = _styles()
    regular, bold = brief_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=brief.title,
        author=brief.coalition.name,
        # The catalog's /Lang: screen readers read the text in the language it is written in.
        lang="en-CA" if (get_language() or "fr").startswith("en") else "fr-CA",
        displayDocTitle=True,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
    )
    story: list[Any] = [
        Paragraph(escape(brief.title), styles["title"]),
        Paragraph(
            escape(
                _("Advocacy brief of %(coalition)s, from its statistics release of %(year)s.")
                % {"coalition": brief.coalition.name, "year": content["year"]}
            ),
            styles["body"],
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(escape(_("Our recommendations")), styles["heading"]),
    ]
    for block in paragraphs(brief.recommendations):
        story.append(Paragraph(escape(block).replace("\n", "<br/>"), styles["body"]))
    story += [
        Spacer(1, 0.3 * cm),
        Paragraph(escape(_("What the figures show: the gap report")), styles["heading"]),
        Paragraph(escape(method_sentence(content)), styles["body"]),
        Paragraph(escape(marks_sentence()), styles["body"]),
    ]
    for view in release_views(content):
        story.append(Paragraph(escape(view.title), styles["heading3"]))
        # Every column on the page: the labels' column first, the figures share the rest
        # (a provincial table may have a column per region), smaller type when they are many.
        columns = len(view.columns)
        figure_width = min(2.4 * cm, (document.width - LABEL_WIDTH) / max(1, columns))
        size = 7 if columns <= 8 else 5.5
        # Labels and headings wrap inside their column; figures stay on one line.
        label_style = ParagraphStyle("cell", fontName=regular, fontSize=size, leading=size + 1.5)
        head_style = ParagraphStyle("head", parent=label_style, fontName=bold)
        data: list[list[Any]] = [
            [Paragraph(escape(text), head_style) for text in [view.row_heading, *view.columns]]
        ]
        for line in view.lines:
            data.append(
                [Paragraph(escape(line.label), label_style)]
                + [figure.text for figure in line.figures]
            )
        table = Table(data, repeatRows=1, colWidths=[LABEL_WIDTH, *[figure_width] * columns])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), regular, size),
                    ("FONT", (0, 0), (-1, 0), bold, size),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ]
            )
        )
        story += [table, Spacer(1, 0.3 * cm)]
    story.append(
        Paragraph(
            escape(
                _("Release %(id)s, signed by this instance. Produced on %(date)s.")
                % {"id": brief.release_id, "date": timezone.now().date().isoformat()}
            ),
            styles["small"],
        )
    )
    document.build(story)
    return buffer.getvalue()
