"""The user's own account: profile, password and the organisation the user acts for."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.accounts import services
from arrimage.accounts.forms import ProfileForm
from arrimage.accounts.middleware import two_factor_exempt
from arrimage.accounts.models import Membership, User
from arrimage.accounts.view_support import language_cookie_set, next_url
from arrimage.core.audit import audit_record


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
        return language_cookie_set(redirect("accounts:profile"), user)
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
    return redirect(next_url(request))
