from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token


@login_not_required
def welcome_view(request: HttpRequest) -> HttpResponse:
    """The public front page: what Arrimage is, and where to get help now."""
    if request.user.is_authenticated:
        return redirect("home:home")
    return render(request, "core/welcome.html")


@login_not_required
@never_cache
def health_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


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
    return render(
        request,
        "core/error.html",
        {
            "title": _("Request not understood"),
            "message": _("Something in this request was not valid. Nothing was saved."),
        },
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
