"""What workers add to a case: notes, tasks, needs, goals of the plan and documents.
Thin: each calls a service with ``request.membership``."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.cases import (
    document_services,
    plan_services,
)
from arrimage.cases.view_support import case_url, request_membership, run_service
from arrimage.privacy.categories import Category


@require_POST
def note_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: plan_services.note_add(
            actor_membership=request_membership(request),
            case_id=case_id,
            category=request.POST.get("category", ""),
            body=request.POST.get("body", ""),
        ),
        _("The note is saved."),
    )
    return redirect(case_url(case_id, "notes"))


@require_POST
def task_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: plan_services.task_add(
            actor_membership=request_membership(request),
            case_id=case_id,
            category=request.POST.get("category", Category.COORDINATION),
            title=request.POST.get("title", ""),
            due_on=request.POST.get("due_on", ""),
            assignee_id=request.POST.get("assignee_id") or None,
        ),
        _("The task is saved."),
    )
    return redirect(case_url(case_id, "tasks"))


@require_POST
def task_done_view(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: plan_services.task_complete(
            actor_membership=request_membership(request), case_id=case_id, task_id=task_id
        ),
        _("The task is done."),
    )
    return redirect(case_url(case_id, "tasks"))


@require_POST
def need_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: plan_services.need_add(
            actor_membership=request_membership(request),
            case_id=case_id,
            need_type=request.POST.get("need_type", ""),
            urgency=request.POST.get("urgency", ""),
        ),
        _("The need is saved."),
    )
    return redirect(case_url(case_id, "needs"))


@require_POST
def need_status_view(request: HttpRequest, case_id: UUID, need_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: plan_services.need_set_status(
            actor_membership=request_membership(request),
            case_id=case_id,
            need_id=need_id,
            status=request.POST.get("status", ""),
        ),
        _("Saved."),
    )
    return redirect(case_url(case_id, "needs"))


@require_POST
def goal_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: plan_services.goal_add(
            actor_membership=request_membership(request),
            case_id=case_id,
            text=request.POST.get("text", ""),
            target_on=request.POST.get("target_on", ""),
            category=request.POST.get("category", Category.COORDINATION),
        ),
        _("The goal is saved."),
    )
    return redirect(case_url(case_id, "plan"))


@require_POST
def document_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to add."))
        return redirect(case_url(case_id, "documents"))
    # Never more than one byte past the limit in memory: the service refuses it.
    content = upload.read(document_services.MAX_UPLOAD_BYTES + 1)
    run_service(
        request,
        lambda: document_services.document_add(
            actor_membership=request_membership(request),
            case_id=case_id,
            category=request.POST.get("category", ""),
            filename=upload.name or "document",
            content=content,
        ),
        _("The document is saved, encrypted."),
    )
    return redirect(case_url(case_id, "documents"))


def document_download_view(request: HttpRequest, case_id: UUID, document_id: UUID) -> HttpResponse:
    name, content_type, content = document_services.document_content(
        actor_membership=request_membership(request), case_id=case_id, document_id=document_id
    )
    response = HttpResponse(content, content_type=content_type)
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
