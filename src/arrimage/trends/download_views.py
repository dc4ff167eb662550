"""Downloads of trends: a release as PDF, spreadsheet, CSV or signed bundle (each audited), and
the HTCDS 2.0 export of the organisation's cases."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from arrimage.trends import exports, reports, selectors, services, signing
from arrimage.trends.view_helpers import membership_of


def _download(
    request: HttpRequest,
    release_id: UUID,
    *,
    form: str,
    render_content: Callable[[dict[str, Any]], bytes | str],
    content_type: str,
    extension: str,
) -> HttpResponse:
    actor = membership_of(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    language = str(request.GET.get("langue", "")) or translation.get_language() or "fr-ca"
    if language not in ("fr-ca", "en"):
        language = "fr-ca"
    with translation.override(language):
        body = render_content(release.content)
    services.release_export_audit(actor=actor, release=release, form=form)
    response = HttpResponse(body, content_type=content_type)
    name = f"arrimage-{release.year}-{str(release.pk)[:8]}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def release_pdf_view(request: HttpRequest, release_id: UUID) -> HttpResponse:
    return _download(
        request,
        release_id,
        form="pdf",
        render_content=reports.release_pdf,
        content_type="application/pdf",
        extension="pdf",
    )


def release_xlsx_view(request: HttpRequest, release_id: UUID) -> HttpResponse:
    return _download(
        request,
        release_id,
        form="xlsx",
        render_content=reports.release_xlsx,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extension="xlsx",
    )


def release_csv_view(request: HttpRequest, release_id: UUID) -> HttpResponse:
    return _download(
        request,
        release_id,
        form="csv",
        render_content=reports.release_csv,
        content_type="text/csv; charset=utf-8",
        extension="csv",
    )


def release_bundle_view(request: HttpRequest, release_id: UUID) -> HttpResponse:
    def bundle_of(content: dict[str, Any]) -> bytes:
        return signing.bundle(
            content, signature=release.signature, public_key=release.signer_public_key
        )

    release = selectors.release_get(actor=membership_of(request), release_id=release_id)
    return _download(
        request,
        release_id,
        form="bundle",
        render_content=bundle_of,
        content_type="application/json",
        extension="json",
    )


def htcds_export_view(request: HttpRequest) -> HttpResponse:
    text = exports.htcds_cases_csv(actor=membership_of(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="arrimage-htcds-2.0.csv"'
    return response


def htcds_extra_view(request: HttpRequest) -> HttpResponse:
    """Arrimage's columns beyond HTCDS, row for row with the HTCDS file."""
    text = exports.htcds_extra_csv(actor=membership_of(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="arrimage-htcds-2.0-extra.csv"'
    return response
