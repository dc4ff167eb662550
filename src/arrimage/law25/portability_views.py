"""Download a person's data (Law 25 portability), as JSON or PDF."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from arrimage.law25.portability import (
    EXPORT_LANGUAGES,
    person_export_json,
    person_export_pdf,
)


def _filename(person_id: UUID, extension: str) -> str:
    return f"arrimage-{str(person_id)[:8]}.{extension}"


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def person_export_json_view(request: HttpRequest, person_id: UUID) -> HttpResponse:
    content = person_export_json(actor=request.membership, person_id=person_id)  # type: ignore[attr-defined]
    return _attachment(
        content,
        content_type="application/json; charset=utf-8",
        filename=_filename(person_id, "json"),
    )


@require_GET
def person_export_pdf_view(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """In the user's language, or in the one asked for (``?langue=en``), so that a worker can
    print it in the person's language."""
    language = request.GET.get("langue", "")
    if language not in EXPORT_LANGUAGES:
        current = translation.get_language() or EXPORT_LANGUAGES[0]
        language = "en" if current.startswith("en") else "fr-ca"
    content = person_export_pdf(
        actor=request.membership,  # type: ignore[attr-defined]
        person_id=person_id,
        language=language,
    )
    return _attachment(
        content, content_type="application/pdf", filename=_filename(person_id, "pdf")
    )
