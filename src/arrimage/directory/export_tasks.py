"""The directory's HSDS export runs in the background: at 60,000 services it takes longer than
a web request should. The exchange page queues it; the task's page offers the file, kept in
the database (any app server serves it) for the user who asked for it."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrimage.accounts.models import Membership, Role
from arrimage.core.background import background_task, progress_report
from arrimage.core.errors import NotFound
from arrimage.core.progress import task_file_store, task_kind_register, task_track
from arrimage.directory.exchange_write import export_json, export_package_zip
from arrimage.directory.hsds import HsdsWriter, public_reveal
from arrimage.privacy.audit import audit_record

KIND = "directory_export"
EXCHANGE_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.COORDINATOR})
FORMATS = {"json": ("application/json", "json"), "csv": ("application/zip", "zip")}

task_kind_register(
    KIND,
    label=gettext_lazy("Directory export (HSDS)"),
    done_text=gettext_lazy("The export is ready."),
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
