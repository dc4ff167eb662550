from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from arrimage.core.health import health_report
from arrimage.core.progress import task_file_get, task_view_get
from arrimage.core.text import UnstorableText


@login_not_required
def welcome_view(request: HttpRequest) -> HttpResponse:
    """The public front page: what Arrimage is, and where to get help now."""
    if request.user.is_authenticated:
        return redirect("home:home")
    return render(request, "core/welcome.html")


def _task_view(request: HttpRequest, task_id: UUID) -> Any:
    membership = getattr(request, "membership", None)
    return task_view_get(
        user_id=request.user.pk,
        organisation_id=membership.organisation_id if membership else None,
        task_id=task_id,
    )


def task_view(request: HttpRequest, task_id: UUID) -> HttpResponse:
    """The page of a task the user started: its progress (updated in place by a few lines of
    script, or by a plain refresh without script), then its result."""
    return render(request, "core/task.html", {"task": _task_view(request, task_id)})


def task_state_view(request: HttpRequest, task_id: UUID) -> JsonResponse:
    """What the task page's script reads every second."""
    task = _task_view(request, task_id)
    return JsonResponse(
        {
            "status": task.status,
            "done": task.done,
            "total": task.total,
            "finished": task.finished,
            "text": task.text,
        }
    )


@login_not_required
@never_cache
def health_view(request: HttpRequest) -> JsonResponse:
    """For load balancers: 503 when this server cannot serve (core/health.py)."""
    overall, checks = health_report()
    return JsonResponse(
        {"status": overall, "checks": checks}, status=503 if overall == "unavailable" else 200
    )


@login_not_required
@requires_csrf_token
def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("This form has expired"),
            "message": _("Go back, reload the page and try again. Nothing was saved."),
        },
        status=403,
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("Page not found"),
            "message": _("This page does not exist, or you do not have access to it."),
        },
        status=404,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("Access refused"),
            "message": _("Your role in this organisation does not give access to this page."),
        },
        status=403,
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("Something in this request was not valid. Nothing was saved.")
    if isinstance(exception, UnstorableText):
        message = _(
            "A text contains a character that cannot be saved (a control character or an "
            "invalid one). Remove it and try again. Nothing was saved."
        )
    return render(
        request,
        "core/error.html",
        {"title": _("Request not understood"), "message": message},
        status=400,
    )


@requires_csrf_token
def error_500(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("Something went wrong"),
            "message": _(
                "The error is recorded. Nothing half-written was kept: try again in a moment."
            ),
        },
        status=500,
    )


def task_file_view(request: HttpRequest, task_id: UUID) -> HttpResponse:
    """The file a task made (an export), for the user who started it."""
    membership = getattr(request, "membership", None)
    found = task_file_get(
        user_id=request.user.pk,
        organisation_id=membership.organisation_id if membership else None,
        task_id=task_id,
    )
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response
