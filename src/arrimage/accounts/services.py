"""Writes about accounts: logins, two-factor, memberships. Each one is audited."""

import secrets
from uuid import UUID

from django.contrib.auth import login
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from arrimage.accounts.models import (
    Membership,
    RecoveryCodeDevice,
    Role,
    TOTPDevice,
    User,
    UserSession,
)
from arrimage.coalition.models import Organisation
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound

RECOVERY_CODE_COUNT = 10
# Roles that read personal data: two-factor is mandatory for them (where settings require it).
TWO_FACTOR_ROLES = frozenset({Role.CASEWORKER, Role.SERVICE_STAFF, Role.COORDINATOR})


def user_requires_two_factor(user: User) -> bool:
    return user.memberships.filter(role__in=TWO_FACTOR_ROLES).exists()


def user_has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_start(
    *, request: HttpRequest, user: User, device: TOTPDevice | RecoveryCodeDevice | None
) -> None:
    """Log the user in (after password and, where enrolled, a second factor) and audit it."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    request.session["auth_started_at"] = timezone.now().isoformat()
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )
    audit_record(
        action="login",
        actor_id=user.pk,
        details={"second_factor": device.__class__.__name__ if device else None},
    )


def login_failure_record(*, user_id: UUID | None, stage: str) -> None:
    audit_record(
        action="login_failed",
        actor_id=None,
        target_type="user",
        target_id=user_id or "",
        details={"stage": stage},
    )


def session_end(*, request: HttpRequest) -> None:
    from django.contrib.auth import logout

    user = request.user
    if user.is_authenticated:
        audit_record(action="logout", actor_id=user.pk)
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    logout(request)


def user_disable(*, actor_id: UUID | None, user: User) -> None:
    """Disable an account and end all its sessions at once."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(user=user).delete()
        audit_record(
            action="user_disabled", actor_id=actor_id, target_type="user", target_id=user.pk
        )


def user_enable(*, actor_id: UUID | None, user: User) -> None:
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            action="user_enabled", actor_id=actor_id, target_type="user", target_id=user.pk
        )


# Two-factor ------------------------------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user; replaces any unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
        device.set_seed(secrets.token_bytes(20))
        device.save(update_fields=["key_ciphertext"])
    return device


def totp_device_confirm(
    *, request: HttpRequest, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm enrolment with a first code. Returns the new recovery codes, or None if the code
    is wrong."""
    if not device.verify_token(token):
        audit_record(
            action="two_factor_enrolment_failed",
            actor_id=device.user_id,
            target_type="totp_device",
            target_id=device.pk,
        )
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=device.user)
        audit_record(
            action="two_factor_enabled",
            actor_id=device.user_id,
            target_type="totp_device",
            target_id=device.pk,
        )
    otp_login(request, device)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    codes = [
        "-".join(secrets.token_hex(3).upper() for _ in range(2)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCodeDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.create(
        user=user,
        name="Recovery codes",
        confirmed=True,
        code_digests=[RecoveryCodeDevice.digest(code) for code in codes],
    )
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit_record(action="recovery_codes_regenerated", actor_id=user.pk)
    return codes


def two_factor_disable(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        audit_record(action="two_factor_disabled", actor_id=user.pk)


def second_factor_throttled(*, user: User) -> bool:
    """True while a recent wrong code makes every device of the user wait (1 s, doubling)."""
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *RecoveryCodeDevice.objects.filter(user=user, confirmed=True),
    ]
    return bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)


def second_factor_verify(*, user: User, token: str) -> TOTPDevice | RecoveryCodeDevice | None:
    """The device that accepts this code (authenticator first, then a recovery code)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    for recovery in RecoveryCodeDevice.objects.filter(user=user, confirmed=True):
        if recovery.verify_token(token):
            audit_record(
                action="recovery_code_used",
                actor_id=user.pk,
                details={"remaining": len(recovery.code_digests)},
            )
            return recovery
    return None


# Memberships -----------------------------------------------------------------------------------


def membership_add(
    *, actor: User | None, organisation: Organisation, email: str, full_name: str, role: str
) -> tuple[Membership, bool]:
    """Add a member to the organisation. Returns the membership and whether the account is new."""
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=full_name)
        membership, _new = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        audit_record(
            action="membership_added",
            actor_id=actor.pk if actor else None,
            organisation_id=organisation.pk,
            target_type="membership",
            target_id=membership.pk,
            details={"user_id": str(user.pk), "role": role},
        )
    return membership, created


def membership_get(*, organisation: Organisation, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation=organisation, pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound
    return membership


def _last_admin_guard(membership: Membership) -> None:
    """An organisation always keeps at least one administrator."""
    if membership.role != Role.ORGANISATION_ADMIN:
        return
    admins = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Role.ORGANISATION_ADMIN
    ).count()
    if admins <= 1:
        raise ValidationError(
            _("The organisation must keep at least one administrator."), code="last_admin"
        )


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Choose a role from the list."), code="invalid_role")
    if role == membership.role:
        return membership
    if Membership.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id, role=role
    ).exists():
        raise ValidationError(_("This person already has that role."), code="duplicate_role")
    _last_admin_guard(membership)
    with transaction.atomic():
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            action="membership_changed",
            actor_id=actor.pk,
            organisation_id=membership.organisation_id,
            target_type="membership",
            target_id=membership.pk,
            details={"from": previous, "to": role},
        )
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    _last_admin_guard(membership)
    with transaction.atomic():
        audit_record(
            action="membership_removed",
            actor_id=actor.pk,
            organisation_id=membership.organisation_id,
            target_type="membership",
            target_id=membership.pk,
            details={"user_id": str(membership.user_id), "role": membership.role},
        )
        membership.delete()
