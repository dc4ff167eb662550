"""Law 25 portability: a person's data as JSON (structured, for another service) and as a PDF
(for the person to read), in French or English.

The content is exactly what :func:`arrimage.cases.selectors.person_export_data` and
:func:`arrimage.orientation.referral_export.referrals_export` (and
:func:`arrimage.screening.selectors.screenings_export`) return for the acting
organisation: those selectors apply the policy (a category the reader may not read is
absent) and audit the export. This module only renders it, and audits the delivery with its
format.
"""

import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from xml.sax.saxutils import escape

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from arrimage.accounts.models import Membership
from arrimage.cases.export_selectors import person_export_data, person_export_grants
from arrimage.cases.labels import field_label as _label
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.orientation.referral_export import referrals_export
from arrimage.screening.selectors import screenings_export

EXPORT_LANGUAGES = ("fr-ca", "en")

# Keys of the export that the PDF leaves out: internal ids and policy bookkeeping. The JSON
# keeps everything.
PDF_SKIPPED_KEYS = frozenset({"id", "format", "readable_categories", "is_lead", "exported_at"})


def person_export_document(*, actor: Membership | None, person_id: UUID | str) -> dict[str, Any]:
    """The export, as the cases and orientation parts build it under the policy (``NotFound``
    if nothing is readable): the person, their cases (with the access log of the cases the
    acting organisation leads), their consents, their referrals with holds and shared
    timelines, and the screenings attached to their cases that the policy lets it read."""
    grants = person_export_grants(actor=actor, person_id=person_id)
    assert actor is not None  # person_export_grants refuses no actor
    document = person_export_data(actor=actor, grants=grants)
    document["referrals"] = referrals_export(actor=actor, grants=grants)
    document["screenings"] = screenings_export(actor=actor, person_id=person_id)
    return document


def _delivered(*, actor: Membership, person_id: UUID | str, export_format: str) -> None:
    audit_record(
        action="person_export_delivered",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="person",
        target_id=person_id,
        details={"format": export_format},
    )


def person_export_json(*, actor: Membership | None, person_id: UUID | str) -> bytes:
    """The export as UTF-8 JSON. Audited."""
    if actor is None:
        raise NotFound
    document = person_export_document(actor=actor, person_id=person_id)
    _delivered(actor=actor, person_id=person_id, export_format="json")
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


# PDF -------------------------------------------------------------------------------------------

FONT_CANDIDATES = (
    # DejaVu covers Latin, Greek and Cyrillic; Vera ships with reportlab.
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)
_fonts: tuple[str, str] | None = None


def _pdf_fonts() -> tuple[str, str]:
    global _fonts
    if _fonts is None:
        import reportlab

        vera = Path(reportlab.__file__).parent / "fonts"
        candidates = (*FONT_CANDIDATES, (vera / "Vera.ttf", vera / "VeraBd.ttf"))
        for regular, bold in candidates:
            if regular.exists() and bold.exists():
                pdfmetrics.registerFont(TTFont("ArrimageSans", str(regular)))
                pdfmetrics.registerFont(TTFont("ArrimageSans-Bold", str(bold)))
                _fonts = ("ArrimageSans", "ArrimageSans-Bold")
                break
        else:
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def _value_text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(item) for item in value) or "—"
    return str(value)


class _Styles:
    def __init__(self) -> None:
        regular, bold = _pdf_fonts()
        self.title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=6)
        self.heading = ParagraphStyle(
            "heading",
            fontName=bold,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        )
        self.subheading = ParagraphStyle(
            "subheading",
            fontName=bold,
            fontSize=11,
            leading=14,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.body = ParagraphStyle(
            "body", fontName=regular, fontSize=10, leading=13, alignment=TA_LEFT
        )
        self.label = ParagraphStyle("label", parent=self.body, fontName=bold)
        self.number = ParagraphStyle("number", parent=self.label, keepWithNext=1, spaceBefore=4)


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _is_scalar_list(value: object) -> bool:
    return isinstance(value, list | tuple) and all(
        not isinstance(item, Mapping | list | tuple) for item in value
    )


def _mapping_flowables(data: Mapping[str, Any], styles: _Styles, depth: int) -> list[Flowable]:
    rows: list[list[Paragraph]] = []
    nested: list[Flowable] = []
    for key, value in data.items():
        if key in PDF_SKIPPED_KEYS or key.endswith("_id"):
            continue
        if isinstance(value, Mapping):
            if "name" in value and len([k for k in value if k not in PDF_SKIPPED_KEYS]) == 1:
                rows.append(
                    [
                        _paragraph(_label(key), styles.label),
                        _paragraph(_value_text(value["name"]), styles.body),
                    ]
                )
                continue
            nested.append(_paragraph(_label(key), styles.subheading))
            nested.extend(
                _mapping_flowables(value, styles, depth + 1)
                or [_paragraph(_("Nothing recorded."), styles.body)]
            )
        elif isinstance(value, list | tuple) and not _is_scalar_list(value):
            nested.append(_paragraph(_label(key), styles.subheading))
            nested.extend(_sequence_flowables(value, styles, depth + 1))
        else:
            rows.append(
                [_paragraph(_label(key), styles.label), _paragraph(_value_text(value), styles.body)]
            )
    flowables: list[Flowable] = []
    if rows:
        table = Table(rows, colWidths=[55 * mm, None], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c5d0d4")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        flowables.append(table)
    return flowables + nested


def _sequence_flowables(items: Sequence[Any], styles: _Styles, depth: int) -> list[Flowable]:
    if not items:
        return [_paragraph(_("Nothing recorded."), styles.body)]
    flowables: list[Flowable] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, Mapping):
            flowables.append(_paragraph(f"{number}.", styles.number))
            flowables.extend(_mapping_flowables(item, styles, depth))
        else:
            flowables.append(_paragraph(f"{number}. {_value_text(item)}", styles.body))
        flowables.append(Spacer(1, 2 * mm))
    return flowables


def _pdf_bytes(document: Mapping[str, Any], *, organisation_name: str) -> bytes:
    styles = _Styles()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Your information in Arrimage"),
        author=organisation_name,
        lang=translation.get_language() or "fr-ca",
    )
    exported_at = document.get("exported_at") or timezone.now()
    story: list[Flowable] = [
        _paragraph(_("Your information in Arrimage"), styles.title),
        _paragraph(
            _(
                "Prepared by %(organisation)s on %(date)s. It holds what this organisation may "
                "see about you; other organisations may hold more, and you may ask each of them."
            )
            % {"organisation": organisation_name, "date": _value_text(exported_at)},
            styles.body,
        ),
        Spacer(1, 4 * mm),
    ]
    for key, value in document.items():
        if key in PDF_SKIPPED_KEYS:
            continue
        story.append(_paragraph(_label(key), styles.heading))
        if isinstance(value, Mapping):
            story.extend(
                _mapping_flowables(value, styles, 1)
                or [_paragraph(_("Nothing recorded."), styles.body)]
            )
        elif isinstance(value, list | tuple) and not _is_scalar_list(value):
            story.extend(_sequence_flowables(value, styles, 1))
        else:
            story.append(_paragraph(_value_text(value), styles.body))
    story.extend(
        [
            Spacer(1, 6 * mm),
            _paragraph(
                _(
                    "You may ask for a correction, withdraw a consent at any time, or "
                    "complain to the person in charge of the protection of personal "
                    "information of the organisation, then to the Commission d'accès à "
                    "l'information du Québec."
                ),
                styles.body,
            ),
        ]
    )
    pdf.build(story)
    return buffer.getvalue()


def person_export_pdf(*, actor: Membership | None, person_id: UUID | str, language: str) -> bytes:
    """The export as a PDF in ``language`` (French or English). Audited."""
    if language not in EXPORT_LANGUAGES:
        language = EXPORT_LANGUAGES[0]
    if actor is None:
        raise NotFound
    document = person_export_document(actor=actor, person_id=person_id)
    with translation.override(language):
        content = _pdf_bytes(document, organisation_name=actor.organisation.name)
    _delivered(actor=actor, person_id=person_id, export_format="pdf")
    return content
