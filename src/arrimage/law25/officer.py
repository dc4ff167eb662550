"""The person in charge of the protection of personal information: one per organisation, set by
its administrator, and the instance operator's, from the settings. Both are public."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.law25.officer_models import PrivacyOfficer


@dataclass(frozen=True)
class OperatorOfficer:
    operator: str
    name: str
    title: str
    email: str
    phone: str


def operator_privacy_officer() -> OperatorOfficer | None:
    """The instance operator's officer, or None where the operator has not named one."""
    if not settings.ARRIMAGE_PRIVACY_OFFICER_NAME:
        return None
    return OperatorOfficer(
        operator=settings.ARRIMAGE_OPERATOR_NAME,
        name=settings.ARRIMAGE_PRIVACY_OFFICER_NAME,
        title=settings.ARRIMAGE_PRIVACY_OFFICER_TITLE,
        email=settings.ARRIMAGE_PRIVACY_OFFICER_EMAIL,
        phone=settings.ARRIMAGE_PRIVACY_OFFICER_PHONE,
    )


def privacy_officers_public() -> QuerySet[PrivacyOfficer]:
    """Every organisation's officer, for the public page."""
    return PrivacyOfficer.objects.select_related("organisation").order_by("organisation__name")


def privacy_officer_of(*, actor: Membership | None) -> PrivacyOfficer | None:
    """The acting organisation's officer, for its administrator."""
    if actor is None or actor.role != Role.ORGANISATION_ADMIN:
        raise NotFound
    return PrivacyOfficer.objects.filter(organisation_id=actor.organisation_id).first()


def privacy_officer_set(
    *, actor: Membership, name: str, title: str, email: str, phone: str
) -> PrivacyOfficer:
    """Name the acting organisation's officer (organisation admins only)."""
    if actor.role != Role.ORGANISATION_ADMIN:
        raise NotFound
    name, title, email, phone = (value.strip() for value in (name, title, email, phone))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the name of the person in charge.")
    if not title:
        errors["title"] = _("Give their title in the organisation.")
    if not email and not phone:
        errors["email"] = _("Give an email address or a telephone number, or both.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if phone and not all(character.isdigit() or character in " +-().#x" for character in phone):
        errors["phone"] = _("Enter a telephone number: digits, spaces and + - ( ) only.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        officer, created = PrivacyOfficer.objects.update_or_create(
            organisation_id=actor.organisation_id,
            defaults={
                "name": name,
                "title": title,
                "email": email.lower(),
                "phone": phone,
                "updated_by_id": actor.user_id,
                "updated_at": timezone.now(),
            },
        )
        audit_record(
            action="privacy_officer_changed",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="organisation",
            target_id=actor.organisation_id,
            details={"created": created},
        )
    return officer
