"""Trends pages. Thin: each calls a selector or a service with ``request.membership``."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.accounts.models import Role
from arrimage.cases.access import case_grants
from arrimage.cases.models import Case
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.trends import (
    exports,
    federation,
    preview,
    release_tasks,
    reports,
    selectors,
    services,
    signing,
)
from arrimage.trends.models import ReleaseMethod, StatisticsRecord, TrustedInstance
from arrimage.trends.presentation import (
    marks_sentence,
    method_sentence,
    release_views,
    section_labels,
    totals_note,
)

MAX_BUNDLE_BYTES = 5 * 1024 * 1024


def _membership(request: HttpRequest) -> Any:
    return request.membership  # type: ignore[attr-defined]


def _year(value: object) -> int:
    try:
        return int(str(value))
    except ValueError as error:
        raise ValidationError(_("Choose a year from the list."), code="year") from error


def _errors(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _form_state(request: HttpRequest, coalition: Any, year: int) -> dict[str, Any]:
    """The release form of one coalition: what the coordinator chose when they asked for the
    preview (a GET of this page naming the coalition), or the defaults."""
    asked = request.GET if request.GET.get("coalition_id") == str(coalition.pk) else None
    if asked is None:
        return {
            "year": year,
            "method": ReleaseMethod.PRIVACY.value,
            "share": preview.DEFAULT_SHARE,
            "sections": list(preview.DEFAULT_SECTIONS),
            "asked": False,
        }
    return {
        "year": str(asked.get("year", year))[:8],
        "method": str(asked.get("method", ReleaseMethod.PRIVACY.value))[:16],
        "share": str(asked.get("share", preview.DEFAULT_SHARE))[:8],
        "sections": [str(section)[:32] for section in asked.getlist("sections")][:8],
        "asked": True,
    }


def _preview(actor: Any, coalition: Any, state: dict[str, Any]) -> tuple[Any, str]:
    try:
        return (
            preview.release_preview(
                actor=actor,
                coalition_id=coalition.pk,
                year=_year(state["year"]),
                method=state["method"],
                share=state["share"],
                sections=state["sections"],
            ),
            "",
        )
    except ValidationError as error:
        return None, _errors(error)


def index_view(request: HttpRequest) -> HttpResponse:
    """The releases the actor sees and, for each coalition they release for, the release
    form with the accuracy its choices would give (computed from the choices alone: nothing
    is counted, nothing is spent)."""
    actor = _membership(request)
    if actor is None or actor.role not in selectors.STATISTICS_ROLES:
        raise NotFound
    year = timezone.now().year
    releasing = []
    for coalition in selectors.coalitions_releasing(actor=actor):
        counts_rows = coalition.level in services.COUNTING_LEVELS
        state = _form_state(request, coalition, year)
        shown, error = _preview(actor, coalition, state) if counts_rows else (None, "")
        releasing.append(
            {
                "coalition": coalition,
                "counts_rows": counts_rows,
                "left": {
                    y: preview.share_percent_left(coalition=coalition, year=y)
                    for y in (year, year - 1, year - 2)
                },
                "form": state,
                "preview": shown,
                "preview_error": error,
                "trusted": TrustedInstance.objects.filter(coalition=coalition),
            }
        )
    return render(
        request,
        "trends/index.html",
        {
            "releases": selectors.releases_visible(actor=actor)[:100],
            "releasing": releasing,
            "years": [year, year - 1, year - 2],
            "methods": [
                (ReleaseMethod.PRIVACY.value, ReleaseMethod.PRIVACY.label),
                (ReleaseMethod.SUPPRESSION.value, ReleaseMethod.SUPPRESSION.label),
            ],
            "shares": preview_shares(),
            "sections": list(section_labels().items()),
            "threshold": selectors.suppression_threshold(),
            "public_key": _public_key() if releasing else "",
        },
    )


def preview_shares() -> list[tuple[str, str]]:
    labels = {
        25: _("A quarter of the year's budget (25 %)"),
        50: _("Half of the year's budget (50 %)"),
        75: _("Three quarters of the year's budget (75 %)"),
        100: _("The whole year's budget (100 %)"),
    }
    return [(str(share), labels[share]) for share in preview.SHARES] + [
        (preview.REST, _("Whatever is left of the year's budget"))
    ]


def _public_key() -> str:
    try:
        return signing.public_key_hex()
    except signing.SigningKeyMissing:
        return ""


@require_POST
def release_create_view(request: HttpRequest) -> HttpResponse:
    """Queue the release; its page shows the progress, then the release."""
    actor = _membership(request)
    try:
        task_id = release_tasks.release_request(
            actor=actor,
            coalition_id=_uuid(request.POST.get("coalition_id")),
            year=_year(request.POST.get("year")),
            method=str(request.POST.get("method", "")),
            share=str(request.POST.get("share", preview.DEFAULT_SHARE))[:8],
            sections=(
                request.POST.getlist("sections") if request.POST.get("sections_shown") else None
            ),
            language=translation.get_language() or "fr-ca",
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("trends:index")
    except signing.SigningKeyMissing:
        messages.error(
            request,
            _(
                "This instance has no signing key: ask its administrator to "
                "set one before releasing."
            ),
        )
        return redirect("trends:index")
    return redirect("core:task", task_id=task_id)


@require_POST
def rollup_create_view(request: HttpRequest) -> HttpResponse:
    actor = _membership(request)
    try:
        release = federation.rollup_create(
            actor=actor,
            coalition_id=_uuid(request.POST.get("coalition_id")),
            year=_year(request.POST.get("year")),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("trends:index")
    messages.success(request, _("The sum is released to the level above."))
    return redirect("trends:release_detail", release_id=release.pk)


def _uuid(value: object) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as error:
        raise NotFound from error


def release_detail_view(request: HttpRequest, release_id: UUID) -> HttpResponse:
    release = selectors.release_get(actor=_membership(request), release_id=release_id)
    content = release.content
    views = release_views(content)
    charts = [(view, reports.chart_svg_data_uri(view)) for view in views]
    return render(
        request,
        "trends/release_detail.html",
        {
            "release": release,
            "content": content,
            "charts": charts,
            "method_sentence": method_sentence(content),
            "marks_sentence": marks_sentence(),
            "totals_note": totals_note(),
            "intact": selectors.release_payload_is_intact(release),
        },
    )


def _download(
    request: HttpRequest,
    release_id: UUID,
    *,
    form: str,
    render_content: Callable[[dict[str, Any]], bytes | str],
    content_type: str,
    extension: str,
) -> HttpResponse:
    actor = _membership(request)
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

    release = selectors.release_get(actor=_membership(request), release_id=release_id)
    return _download(
        request,
        release_id,
        form="bundle",
        render_content=bundle_of,
        content_type="application/json",
        extension="json",
    )


def bundle_import_view(request: HttpRequest) -> HttpResponse:
    actor = _membership(request)
    coalitions = selectors.coalitions_releasing(actor=actor)
    if not coalitions.exists():
        raise NotFound
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("bundle")
        if upload is None:
            error = _("Choose the bundle file to import.")
        elif upload.size is not None and upload.size > MAX_BUNDLE_BYTES:
            error = _("This file is too large for a release bundle (5 MB at most).")
        else:
            try:
                release = federation.bundle_import(
                    actor=actor,
                    coalition_id=_uuid(request.POST.get("coalition_id")),
                    data=upload.read(),
                )
            except signing.BundleRefused as refused:
                error = federation.bundle_error_message(refused.code)
            else:
                messages.success(request, _("The bundle is verified and imported."))
                return redirect("trends:release_detail", release_id=release.pk)
    return render(
        request,
        "trends/bundle_import.html",
        {"coalitions": coalitions, "error": error},
        status=400 if error else 200,
    )


@require_POST
def trusted_add_view(request: HttpRequest) -> HttpResponse:
    try:
        federation.trusted_instance_add(
            actor=_membership(request),
            coalition_id=_uuid(request.POST.get("coalition_id")),
            name=str(request.POST.get("name", "")),
            public_key=str(request.POST.get("public_key", "")),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("The instance is trusted: its bundles can be imported."))
    return redirect("trends:index")


def answers_view(request: HttpRequest) -> HttpResponse:
    """The GBVIMS question for each case of the organisation: already reported by another
    member? Only the lead organisation answers, in a role that reads coordination."""
    actor = _membership(request)
    if actor is None or actor.role not in (Role.CASEWORKER, Role.SERVICE_STAFF, Role.COORDINATOR):
        raise NotFound
    cases = (
        Case.objects.filter(lead_organisation_id=actor.organisation_id)
        .select_related("lead_organisation", "person")
        .order_by("-opened_at", "pk")
    )
    page = Paginator(cases, 50).get_page(page_number(request.GET.get("page")))
    grants = [g for g in case_grants(actor_membership=actor, cases=list(page)) if g.readable]
    answers = dict(
        StatisticsRecord.objects.filter(case_id__in=[g.case.pk for g in grants]).values_list(
            "case_id", "is_reported_elsewhere"
        )
    )
    rows = [(g.case, answers.get(g.case.pk, False)) for g in grants]
    return render(request, "trends/answers.html", {"rows": rows, "page": page})


@require_POST
def answer_set_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    services.statistics_answer_record(
        actor=_membership(request),
        case_id=case_id,
        is_reported_elsewhere=request.POST.get("is_reported_elsewhere") == "yes",
    )
    messages.success(request, _("The answer is recorded."))
    return redirect("trends:answers")


def htcds_export_view(request: HttpRequest) -> HttpResponse:
    text = exports.htcds_cases_csv(actor=_membership(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="arrimage-htcds-2.0.csv"'
    return response


def htcds_extra_view(request: HttpRequest) -> HttpResponse:
    """Arrimage's columns beyond HTCDS, row for row with the HTCDS file."""
    text = exports.htcds_extra_csv(actor=_membership(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="arrimage-htcds-2.0-extra.csv"'
    return response
