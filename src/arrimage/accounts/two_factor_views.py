"""Two-factor login: the authenticator app (TOTP) and its recovery codes."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.accounts import services
from arrimage.accounts.forms import CodeForm, PasswordConfirmForm
from arrimage.accounts.middleware import two_factor_exempt
from arrimage.accounts.models import RecoveryCodeDevice, TOTPDevice, User


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
    if request.method == "POST" and "start" in request.POST:
        services.totp_device_start(user=user)
        return redirect("accounts:two_factor_enrol")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        # Reads never write: the authenticator is made by the two-factor page's button (POST).
        return redirect("accounts:two_factor")
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
