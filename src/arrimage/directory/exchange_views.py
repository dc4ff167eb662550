"""Import and export of the directory, and the confidential-address sharing setting."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.coalition.models import Coalition
from arrimage.core.errors import NotFound
from arrimage.directory import exchange_tasks
from arrimage.directory.exchange_apply import bundle_apply
from arrimage.directory.exchange_convert import ImportFailed
from arrimage.directory.exchange_guard import InputRefused, RowError, zip_check
from arrimage.directory.exchange_read import read_upload
from arrimage.directory.forms import (
    ImportForm,
    SharingForm,
)
from arrimage.directory.models import (
    DirectorySharing,
)
from arrimage.directory.services import (
    SHARING_ROLES,
    sharing_set,
)
from arrimage.directory.view_support import request_membership

EXCHANGE_ROLES = exchange_tasks.EXCHANGE_ROLES
MAX_UPLOAD = 20 * 1024 * 1024


def _exchange_actor(request: HttpRequest) -> Any:
    actor = request_membership(request)
    if actor is None or actor.role not in EXCHANGE_ROLES:
        raise NotFound
    return actor


@require_http_methods(["GET", "POST"])
def exchange_view(request: HttpRequest) -> HttpResponse:
    """Import (admins and coordinators, into their own organisation) and export."""
    actor = _exchange_actor(request)
    report = None
    problems: list[Any] = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise ImportFailed(
                    [
                        RowError(
                            upload.name,
                            0,
                            "",
                            _("the file is larger than %(limit)s MB")
                            % {"limit": MAX_UPLOAD // (1024 * 1024)},
                        )
                    ]
                )
            if upload.size > exchange_tasks.LARGE_IMPORT:
                # A large file is imported by the worker; its page shows the progress. An
                # archive refused by its declared sizes is refused here, inflating nothing.
                content = upload.read()
                if upload.name.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
                    try:
                        zip_check(upload.name, content)
                    except InputRefused as refusal:
                        raise ImportFailed([refusal.error]) from None
                task_id = exchange_tasks.directory_import_request(
                    actor=actor,
                    name=upload.name,
                    content=content,
                    dry_run=form.cleaned_data["dry_run"],
                    language=get_language() or "fr-ca",
                )
                return redirect("core:task", task_id=task_id)
            bundle = read_upload(upload.name, upload.read())
            report = bundle_apply(
                bundle=bundle, actor=actor, dry_run=form.cleaned_data["dry_run"], source="web"
            )
        except ImportFailed as failure:
            problems = failure.errors[:200]
            count = len(failure.errors)
            messages.error(
                request,
                ngettext(
                    "Nothing was imported: %(count)s problem found.",
                    "Nothing was imported: %(count)s problems found.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.success(
                request,
                _(
                    "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(skipped)s skipped."
                )
                % {
                    "created": sum(report.created.values()),
                    "updated": sum(report.updated.values()),
                    "unchanged": sum(report.unchanged.values()),
                    "skipped": sum(report.skipped.values()),
                },
            )
    return render(
        request,
        "directory/exchange.html",
        {
            "form": form,
            "report": report,
            "report_notes": [
                (_("Skipped, and why"), report.skips[:200] if report else []),
                (_("Warnings"), report.warnings[:200] if report else []),
            ],
            "problems": problems,
        },
    )


@require_POST
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """Queue the export; its page shows the progress, then the file."""
    task_id = exchange_tasks.directory_export_request(
        actor=_exchange_actor(request),
        fmt=fmt,
        base_url=request.build_absolute_uri("/"),
        language=get_language() or "fr-ca",
    )
    return redirect("core:task", task_id=task_id)


@require_http_methods(["GET", "POST"])
def sharing_view(request: HttpRequest) -> HttpResponse:
    """Coordinators set, per coalition, who sees members' confidential addresses."""
    actor = request_membership(request)
    if actor is None or actor.role not in SHARING_ROLES:
        raise NotFound
    coalitions = list(
        Coalition.objects.filter(organisations=actor.organisation_id).order_by("name")
    )
    current = {
        s.coalition_id: s.confidential_address_types
        for s in DirectorySharing.objects.filter(coalition__in=coalitions)
    }
    if request.method == "POST":
        form = SharingForm(request.POST)
        try:
            coalition_id = UUID(request.POST.get("coalition", ""))
        except ValueError:
            raise NotFound from None
        if form.is_valid():
            try:
                sharing_set(
                    actor=actor, coalition_id=coalition_id, types=form.cleaned_data["types"]
                )
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, _("The setting is saved."))
            return redirect("directory:sharing")
    rows = [
        (c, SharingForm(initial={"types": current.get(c.pk, [])}, auto_id=f"c{i}_%s"))
        for i, c in enumerate(coalitions)
    ]
    return render(request, "directory/sharing.html", {"rows": rows})
