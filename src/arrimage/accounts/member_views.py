"""The members of the acting organisation, for its administrators: add (a new account gets
an email to choose its password), change a role, remove."""

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.accounts import services
from arrimage.accounts.forms import MemberAddForm, MemberRoleForm
from arrimage.accounts.models import Membership, Role, User


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
