"""Logging in (password, then the second factor when the user has one), out, the language
switch and the public password-reset pages."""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from arrimage.accounts import services
from arrimage.accounts.forms import CodeForm, LoginForm
from arrimage.accounts.middleware import two_factor_exempt
from arrimage.accounts.models import User
from arrimage.accounts.view_support import language_cookie_set, next_url
from arrimage.core.audit import audit_record

PENDING_LIFETIME = timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5


@login_not_required
def login_view(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        return redirect(next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["username"].strip().lower()
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None:
            known = User.objects.filter(email=email).values_list("pk", flat=True).first()
            services.login_failure_record(user_id=known, stage="password")
            form.add_error(None, _("This email address and password do not match."))
        elif services.user_has_two_factor(user):
            request.session.cycle_key()
            request.session["pending_user_id"] = str(user.pk)
            request.session["pending_since"] = timezone.now().isoformat()
            request.session["pending_attempts"] = 0
            code_url = reverse("accounts:login_code")
            return redirect(f"{code_url}?next={next_url(request)}")
        else:
            services.session_start(request=request, user=user, device=None)
            return language_cookie_set(redirect(next_url(request)), user)
    return render(request, "accounts/login.html", {"form": form, "next": next_url(request)})


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get("pending_user_id")
    since = request.session.get("pending_since")
    if not user_id or not since:
        return None
    if timezone.now() - datetime.fromisoformat(since) > PENDING_LIFETIME:
        return None
    return User.objects.filter(pk=UUID(user_id), is_active=True).first()


def _clear_pending(request: HttpRequest) -> None:
    for key in ("pending_user_id", "pending_since", "pending_attempts"):
        request.session.pop(key, None)


@login_not_required
def login_code_view(request: HttpRequest) -> HttpResponseBase:
    user = _pending_user(request)
    if user is None:
        _clear_pending(request)
        messages.info(request, _("Please log in again."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and services.second_factor_throttled(user=user):
        form.add_error(
            "code", _("Too many tries in a row: wait a few seconds, then type the new code.")
        )
    elif request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            _clear_pending(request)
            services.session_start(request=request, user=user, device=device)
            return language_cookie_set(redirect(next_url(request)), user)
        services.login_failure_record(user_id=user.pk, stage="second_factor")
        attempts = request.session.get("pending_attempts", 0) + 1
        request.session["pending_attempts"] = attempts
        if attempts >= MAX_CODE_ATTEMPTS:
            _clear_pending(request)
            messages.error(request, _("Too many wrong codes. Please log in again."))
            return redirect("accounts:login")
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try again.")
        )
    return render(request, "accounts/login_code.html", {"form": form, "next": next_url(request)})


@require_POST
@two_factor_exempt
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(request=request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")


@login_not_required
@two_factor_exempt
@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


# Password reset pages (public) -------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        audit_record(action="password_reset", actor_id=form.user.pk)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
