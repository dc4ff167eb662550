"""Writes to the directory. Each takes the acting membership; staff edit only what their own
organisation owns, and anything else looks missing (404). Availability changes are kept in
:class:`CapacityChange` and audited. Locations are written by :mod:`.locations`."""

import re
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.directory.indexing import search_entries_capacity_refresh, search_entries_refresh
from arrimage.directory.models import (
    Attribute,
    CapacityChange,
    DirectoryOrganization,
    DirectorySharing,
    Language,
    Phone,
    Schedule,
    Service,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)
from arrimage.directory.taxonomy import CATEGORY_CODES, ELIGIBILITY_CODES, LANGUAGES
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import may_share_with

CAPACITY_ROLES = frozenset({Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN})
EDIT_ROLES = frozenset({Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN})
SHARING_ROLES = frozenset({Role.COORDINATOR})
PHONE_RE = re.compile(r"\+?[0-9][0-9 ().-]*[0-9]")


def may_update_capacity(membership: Membership | None) -> bool:
    return membership is not None and membership.role in CAPACITY_ROLES


def _lock_capacity(*, actor: Membership, capacity_id: UUID) -> ServiceCapacity:
    if not may_update_capacity(actor):
        raise NotFound
    capacity = (
        ServiceCapacity.objects.select_for_update()
        .filter(pk=capacity_id, service__organization__owner_id=actor.organisation_id)
        .first()
    )
    if capacity is None:
        raise NotFound
    return capacity


def capacity_update(
    *,
    actor: Membership,
    capacity_id: UUID,
    delta: int | None = None,
    available: int | None = None,
    source: str = "web",
) -> ServiceCapacity:
    """Add ``delta`` to the available units, or set them to ``available``. Stays within
    0 and the maximum. Every call is kept in the history and audited, even when the value is
    the same: it confirms the figure and refreshes its date."""
    if (delta is None) == (available is None):
        raise ValidationError(_("Give either a change or a new value."))
    with transaction.atomic():
        capacity = _lock_capacity(actor=actor, capacity_id=capacity_id)
        previous = capacity.available
        value = previous + delta if delta is not None else available
        assert value is not None
        if value < 0:
            raise ValidationError(_("Available units cannot be negative."))
        if capacity.maximum is not None and value > capacity.maximum:
            raise ValidationError(
                _("Available units cannot exceed the maximum of %(maximum)s.")
                % {"maximum": capacity.maximum}
            )
        now = timezone.now()
        capacity.available = value
        capacity.updated = now
        capacity.save(update_fields=["available", "updated"])
        CapacityChange.objects.create(
            capacity=capacity,
            previous=previous,
            available=value,
            changed_at=now,
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            source=source,
        )
        Service.objects.filter(pk=capacity.service_id).update(last_modified=now)
        search_entries_capacity_refresh(service_ids=[capacity.service_id])
        audit_record(
            action="directory_capacity_updated",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="service_capacity",
            target_id=capacity.pk,
            details={
                "service_id": str(capacity.service_id),
                "previous": previous,
                "available": value,
                "source": source,
            },
        )
    return capacity


@dataclass(frozen=True)
class ServiceFields:
    """What a service's web form sets: the same for a new service and an edited one.
    ``languages``, ``phone``, ``email``, ``url`` and ``hours`` left at ``None`` stay as they
    are (callers that do not edit them)."""

    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    status: str
    minimum_age: int | None
    maximum_age: int | None
    term_codes: frozenset[str]
    languages: frozenset[str] | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    hours: str | None = None


def phone_check(number: str) -> str:
    """A phone number as people write it (514-555-0100, +1 514 555 0100): 7 to 15 digits."""
    number = " ".join(number.split())
    digits = sum(ch.isdigit() for ch in number)
    if not PHONE_RE.fullmatch(number) or not 7 <= digits <= 15:
        raise ValidationError(_("Enter a phone number such as 514-555-0100."))
    return number


def _service_check(fields: ServiceFields) -> None:
    if not (fields.name_fr.strip() or fields.name_en.strip()):
        raise ValidationError(_("Give the service a name in French or English."))
    if fields.status not in ServiceStatus.values:
        raise ValidationError(_("Unknown status."))
    if (
        fields.minimum_age is not None
        and fields.maximum_age is not None
        and fields.minimum_age > fields.maximum_age
    ):
        raise ValidationError(_("The minimum age is above the maximum age."))
    if fields.term_codes - CATEGORY_CODES - ELIGIBILITY_CODES:
        raise ValidationError(_("Unknown category or eligibility."))
    if fields.languages is not None and fields.languages - set(LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if fields.phone:
        phone_check(fields.phone)
    if fields.email:
        try:
            validate_email(fields.email)
        except ValidationError:
            raise ValidationError(_("Enter a valid email address.")) from None
    if fields.url:
        try:
            URLValidator(schemes=["http", "https"])(fields.url)
        except ValidationError:
            raise ValidationError(_("Enter a web address starting with https://.")) from None


def _service_phone_set(service: Service, number: str) -> None:
    """The service's own phone (the first one, not a location's): changed, added or removed."""
    phone = Phone.objects.filter(service=service, location__isnull=True).order_by("id").first()
    number = " ".join(number.split())
    if not number:
        if phone is not None:
            phone.delete()
    elif phone is None:
        Phone.objects.create(service=service, number=number)
    elif phone.number != number:
        phone.number = number
        phone.save(update_fields=["number"])


def _service_hours_set(service: Service, hours: str) -> None:
    """Opening hours as text (HSDS ``schedule.description``) on the service's first schedule.
    An emptied schedule that holds structured hours (from an import) keeps them."""
    schedule = (
        Schedule.objects.filter(
            service=service, location__isnull=True, service_at_location__isnull=True
        )
        .order_by("id")
        .first()
    )
    hours = hours.strip()
    if schedule is None:
        if hours:
            Schedule.objects.create(service=service, description=hours)
        return
    structured = any(
        getattr(schedule, name)
        for name in ("freq", "byday", "bymonthday", "opens_at", "closes_at", "dtstart")
    )
    if not hours and not structured:
        schedule.delete()
    elif schedule.description != hours:
        schedule.description = hours
        schedule.save(update_fields=["description"])


def _service_languages_set(service: Service, codes: frozenset[str]) -> None:
    """The languages the form offers; others (from an import) are kept."""
    ours = Language.objects.filter(service=service, code__in=list(LANGUAGES))
    current = set(ours.values_list("code", flat=True))
    ours.exclude(code__in=codes).delete()
    for code in sorted(codes - current):
        Language.objects.create(service=service, code=code, name=LANGUAGES[code][0])


def _service_write(service: Service, fields: ServiceFields) -> None:
    """Write the form's fields on a locked or new service, then its search row."""
    service.name_fr, service.name_en = fields.name_fr.strip(), fields.name_en.strip()
    service.description_fr = fields.description_fr
    service.description_en = fields.description_en
    service.status = fields.status
    service.minimum_age, service.maximum_age = fields.minimum_age, fields.maximum_age
    if fields.email is not None:
        service.email = fields.email.strip()
    if fields.url is not None:
        service.url = fields.url.strip()
    service.last_modified = timezone.now()
    service.save()
    ours = Attribute.objects.filter(
        link_entity="service",
        link_id=service.pk,
        taxonomy_term__code__in=CATEGORY_CODES | ELIGIBILITY_CODES,
    )
    current = set(ours.values_list("taxonomy_term__code", flat=True))
    ours.exclude(taxonomy_term__code__in=fields.term_codes).delete()
    for term in TaxonomyTerm.objects.filter(
        code__in=fields.term_codes - current, taxonomy__isnull=False
    ):
        Attribute.objects.create(
            link_entity="service",
            link_id=service.pk,
            link_type="eligibility",
            taxonomy_term=term,
        )
    if fields.languages is not None:
        _service_languages_set(service, fields.languages)
    if fields.phone is not None:
        _service_phone_set(service, fields.phone)
    if fields.hours is not None:
        _service_hours_set(service, fields.hours)
    search_entries_refresh(service_ids=[service.pk])


def service_update(*, actor: Membership, service_id: UUID, fields: ServiceFields) -> Service:
    """Edit one of the acting organisation's own services and its categories and eligibility."""
    if actor.role not in EDIT_ROLES:
        raise NotFound
    _service_check(fields)
    with transaction.atomic():
        service = (
            Service.objects.select_for_update()
            .filter(pk=service_id, organization__owner_id=actor.organisation_id)
            .first()
        )
        if service is None:
            raise NotFound
        _service_write(service, fields)
        audit_record(
            action="directory_service_updated",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="service",
            target_id=service.pk,
        )
    return service


def organization_owned(*, actor: Membership, organization_id: UUID) -> DirectoryOrganization:
    """One of the acting organisation's own directory organizations, for a write; any other
    looks missing."""
    if actor.role not in EDIT_ROLES:
        raise NotFound
    organization = DirectoryOrganization.objects.filter(
        pk=organization_id, owner_id=actor.organisation_id
    ).first()
    if organization is None:
        raise NotFound
    return organization


def service_create(*, actor: Membership, organization_id: UUID, fields: ServiceFields) -> Service:
    """A new service of one of the acting organisation's own directory organizations."""
    organization = organization_owned(actor=actor, organization_id=organization_id)
    _service_check(fields)
    with transaction.atomic():
        service = Service(organization=organization)
        _service_write(service, fields)
        audit_record(
            action="directory_service_created",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="service",
            target_id=service.pk,
            details={"organization_id": str(organization.pk)},
        )
    return service


def sharing_set(*, actor: Membership, coalition_id: UUID, types: list[str]) -> DirectorySharing:
    """A coordinator of a member organisation sets which organisation types of the coalition
    see its members' confidential addresses. Enforcement types are refused."""
    if actor.role not in SHARING_ROLES:
        raise NotFound
    coalition = Coalition.objects.filter(
        pk=coalition_id, organisations=actor.organisation_id
    ).first()
    if coalition is None:
        raise NotFound
    if not all(may_share_with(organisation_type=t, category=Category.LOCATION) for t in types):
        raise ValidationError(_("Enforcement bodies never see confidential addresses."))
    sharing, _created = DirectorySharing.objects.update_or_create(
        coalition=coalition, defaults={"confidential_address_types": sorted(set(types))}
    )
    audit_record(
        action="directory_sharing_set",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="coalition",
        target_id=coalition.pk,
        details={"types": ",".join(sorted(set(types)))},
    )
    return sharing
