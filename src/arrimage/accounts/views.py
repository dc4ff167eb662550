from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from arrimage.accounts import services
from arrimage.accounts.forms import (
    CodeForm,
    LoginForm,
    MemberAddForm,
    MemberRoleForm,
    PasswordConfirmForm,
    ProfileForm,
)
from arrimage.accounts.middleware import two_factor_exempt
from arrimage.accounts.models import Membership, RecoveryCodeDevice, Role, TOTPDevice, User
from arrimage.core.audit import audit_record

PENDING_LIFETIME = timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_language(response: HttpResponseBase, user: User) -> HttpResponseBase:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.preferred_language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
    return response


@login_not_required
def login_view(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
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
            return redirect(f"{code_url}?next={_safe_next(request)}")
        else:
            services.session_start(request=request, user=user, device=None)
            return _with_language(redirect(_safe_next(request)), user)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


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
            return _with_language(redirect(_safe_next(request)), user)
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
    return render(request, "accounts/login_code.html", {"form": form, "next": _safe_next(request)})


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


@two_factor_exempt
def profile_view(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            action="profile_changed", actor_id=user.pk, target_type="user", target_id=user.pk
        )
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile is saved."))
        return _with_language(redirect("accounts:profile"), user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": user.memberships.select_related("organisation", "organisation__region"),
            "has_two_factor": services.user_has_two_factor(user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        audit_record(action="password_changed", actor_id=self.request.user.pk)
        messages.success(self.request, _("Your password is changed."))
        return response


# Two-factor ------------------------------------------------------------------------------------


@two_factor_exempt
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "has_two_factor": services.user_has_two_factor(user),
            "required": settings.ARRIMAGE_REQUIRE_TWO_FACTOR
            and services.user_requires_two_factor(user),
            "recovery_remaining": len(recovery.code_digests) if recovery else 0,
            "codes_form": PasswordConfirmForm(user=user, auto_id="codes-%s"),
            "disable_form": PasswordConfirmForm(user=user, auto_id="off-%s"),
        },
    )


@two_factor_exempt
def two_factor_enrol_view(request: HttpRequest) -> HttpResponse:
    import segno

    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = services.totp_device_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            messages.success(request, _("Two-factor login is on."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try again.")
        )
    url = device.config_url()
    qr = segno.make(url, error="m")
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_data_uri(scale=5, title=_("QR code to scan")),
            "manual_key": " ".join(
                url.split("secret=")[1].split("&")[0][i : i + 4] for i in range(0, 32, 4)
            ).strip(),
        },
    )


@require_POST
@two_factor_exempt
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordConfirmForm(request.POST, user=user)
    if not services.user_has_two_factor(user) or not form.is_valid():
        messages.error(request, _("This password is not correct."))
        return redirect("accounts:two_factor")
    codes = services.recovery_codes_regenerate(user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
@two_factor_exempt
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordConfirmForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("This password is not correct."))
        return redirect("accounts:two_factor")
    services.two_factor_disable(user=user)
    messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:two_factor")


# Acting organisation -----------------------------------------------------------------------------


@require_POST
@two_factor_exempt
def organisation_switch_view(request: HttpRequest) -> HttpResponse:
    try:
        membership_id = int(request.POST.get("membership_id", ""))
    except ValueError:
        membership_id = 0
    membership = Membership.objects.filter(user_id=str(request.user.pk), pk=membership_id).first()
    if membership is None:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        request.session["membership_id"] = membership.pk
        audit_record(
            action="organisation_switched",
            actor_id=request.user.pk,
            organisation_id=membership.organisation_id,
        )
        messages.success(
            request,
            _("You now act for %(organisation)s.") % {"organisation": membership.organisation.name},
        )
    return redirect(_safe_next(request))


# Members of the acting organisation --------------------------------------------------------------


def _admin_membership(request: HttpRequest) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    if membership is None or membership.role != Role.ORGANISATION_ADMIN:
        raise PermissionDenied
    return membership


def _send_welcome(request: HttpRequest, user: User) -> None:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(user.preferred_language):
        body = render_to_string(
            "accounts/email/welcome.txt",
            {
                "link": request.build_absolute_uri(path),
            },
        )
        send_mail(_("Your Arrimage account"), body, None, [user.email])


def members_view(request: HttpRequest) -> HttpResponse:
    admin = _admin_membership(request)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership, created = services.membership_add(
            actor=request.user,  # type: ignore[arg-type]
            organisation=admin.organisation,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"],
        )
        if created:
            _send_welcome(request, membership.user)
            messages.success(
                request, _("Account created. An email invites the person to choose a password.")
            )
        else:
            messages.success(request, _("Member added."))
        return redirect("accounts:members")
    members = (
        Membership.objects.filter(organisation=admin.organisation)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": admin.organisation,
            "members": members,
            "form": form,
            "roles": Role.choices,
        },
    )


@require_POST
def member_role_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    admin = _admin_membership(request)
    membership = services.membership_get(
        organisation=admin.organisation, membership_id=membership_id
    )
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("accounts:members")
    try:
        services.membership_change_role(
            actor=request.user,  # type: ignore[arg-type]
            membership=membership,
            role=form.cleaned_data["role"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role changed."))
    return redirect("accounts:members")


@require_POST
def member_remove_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    admin = _admin_membership(request)
    membership = services.membership_get(
        organisation=admin.organisation, membership_id=membership_id
    )
    try:
        services.membership_remove(
            actor=request.user,  # type: ignore[arg-type]
            membership=membership,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Member removed from the organisation."))
    return redirect("accounts:members")


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
