"""The directory's HSDS exchange in the background.

- Export: at 60,000 services it takes longer than a web request should. The exchange page
  queues it; the task's page offers the file, kept in the database (any app server serves it)
  for the user who asked for it.
- Import of a large file (over ``LARGE_IMPORT``): the page keeps the upload in the database and
  queues it; the worker reads, checks and writes it (all or nothing, as on the page), reporting
  its progress, and the task's page shows the counts or the problems. Smaller files are
  imported within the request, as before."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.core.background import background_task, progress_report
from arrimage.core.errors import NotFound
from arrimage.core.models import TaskFile
from arrimage.core.progress import task_file_store, task_kind_register, task_track
from arrimage.directory.exchange_apply import bundle_apply
from arrimage.directory.exchange_convert import ImportFailed
from arrimage.directory.exchange_read import read_upload
from arrimage.directory.exchange_write import export_json, export_package_zip
from arrimage.directory.hsds import public_reveal
from arrimage.directory.hsds_writer import HsdsWriter

KIND = "directory_export"
IMPORT_KIND = "directory_import"
LARGE_IMPORT = 1024 * 1024  # bytes
PROBLEMS_SHOWN = 20
EXCHANGE_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.COORDINATOR})
FORMATS = {"json": ("application/json", "json"), "csv": ("application/zip", "zip")}

task_kind_register(
    KIND,
    label=gettext_lazy("Directory export (HSDS)"),
    done_text=gettext_lazy("The export is ready."),
)
task_kind_register(
    IMPORT_KIND,
    label=gettext_lazy("Directory import (HSDS)"),
    done_text=gettext_lazy("The import is done."),
)


@background_task(takes_context=True, max_attempts=3)
def directory_export_build(
    context: Any, *, membership_id: int, fmt: str, base_url: str, language: str
) -> dict[str, str]:
    task_id = str(context.task_result.id)
    actor = Membership.objects.filter(pk=membership_id, role__in=EXCHANGE_ROLES).first()
    with translation.override(language):
        if actor is None or fmt not in FORMATS:
            return {"error": _("You may no longer export the directory.")}
    progress_report(context, done=0, total=2)
    writer = HsdsWriter(reveal=public_reveal)
    content = (
        export_json(writer=writer, base_url=base_url)
        if fmt == "json"
        else export_package_zip(writer=writer, base_url=base_url)
    )
    progress_report(context, done=1, total=2)
    content_type, extension = FORMATS[fmt]
    stamp = timezone.now().strftime("%Y%m%d")
    with transaction.atomic():
        task_file_store(
            task_id=task_id,
            name=f"arrimage-hsds-{stamp}.{extension}",
            content_type=content_type,
            content=content,
        )
        audit_record(
            action="directory_exported",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="directory",
            details={"format": fmt},
        )
    return {"url": reverse("core:task_file", args=[task_id])}


def directory_export_request(
    *, actor: Membership | None, fmt: str, base_url: str, language: str
) -> str:
    """Queue an export of the whole directory (public fields only); the task's id."""
    if actor is None or actor.role not in EXCHANGE_ROLES or fmt not in FORMATS:
        raise NotFound
    with transaction.atomic():
        queued = directory_export_build.enqueue(
            membership_id=actor.pk, fmt=fmt, base_url=base_url, language=language
        )
        task_track(
            task_id=queued.id,
            user_id=actor.user_id,
            organisation_id=actor.organisation_id,
            kind=KIND,
        )
    return str(queued.id)


@background_task(takes_context=True, max_attempts=2)
def directory_import_build(
    context: Any, *, membership_id: int, dry_run: bool, language: str
) -> dict[str, str]:
    """Import the upload kept under the task's id, then forget it."""
    task_id = str(context.task_result.id)
    upload = TaskFile.objects.filter(task_id=task_id).first()
    actor = (
        Membership.objects.select_related("organisation")
        .filter(pk=membership_id, role__in=EXCHANGE_ROLES)
        .first()
    )
    with translation.override(language):
        if actor is None or upload is None:
            return {"error": _("You may no longer import into the directory.")}
        progress_report(context, done=0, total=1)
        bundle = read_upload(upload.name, bytes(upload.content))
        try:
            report = bundle_apply(
                bundle=bundle,
                actor=actor,
                dry_run=dry_run,
                source="web",
                progress=lambda done, total: progress_report(context, done=done, total=total),
            )
        except ImportFailed as failure:
            TaskFile.objects.filter(task_id=task_id).delete()
            problems = "; ".join(str(error) for error in failure.errors[:PROBLEMS_SHOWN])
            count = len(failure.errors)
            return {
                "error": ngettext(
                    "Nothing was imported: %(count)s problem found.",
                    "Nothing was imported: %(count)s problems found.",
                    count,
                )
                % {"count": count}
                + " "
                + problems
            }
        TaskFile.objects.filter(task_id=task_id).delete()
        counts = _(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(skipped)s skipped."
        ) % {
            "created": sum(report.created.values()),
            "updated": sum(report.updated.values()),
            "unchanged": sum(report.unchanged.values()),
            "skipped": sum(report.skipped.values()),
        }
        if report.dry_run:
            counts = _("Check only: nothing was written.") + " " + counts
    return {"message": counts}


def directory_import_request(
    *, actor: Membership | None, name: str, content: bytes, dry_run: bool, language: str
) -> str:
    """Keep a large upload and queue its import; the task's id."""
    if actor is None or actor.role not in EXCHANGE_ROLES:
        raise NotFound
    with transaction.atomic():
        queued = directory_import_build.enqueue(
            membership_id=actor.pk, dry_run=dry_run, language=language
        )
        task_file_store(
            task_id=queued.id,
            name=name[:200],
            content_type="application/octet-stream",
            content=content,
        )
        task_track(
            task_id=queued.id,
            user_id=actor.user_id,
            organisation_id=actor.organisation_id,
            kind=IMPORT_KIND,
        )
    return str(queued.id)
