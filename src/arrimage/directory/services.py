"""Writes to the directory. Each takes the acting membership; staff edit only what their own
organisation owns, and anything else looks missing (404). Availability changes are kept in
:class:`CapacityChange` and audited."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition
from arrimage.core.errors import NotFound
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Attribute,
    CapacityChange,
    DirectorySharing,
    Service,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)
from arrimage.directory.taxonomy import CATEGORY_CODES, ELIGIBILITY_CODES
from arrimage.privacy.audit import audit_record
from arrimage.privacy.policy import ENFORCEMENT_TYPES

CAPACITY_ROLES = frozenset({Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN})
EDIT_ROLES = frozenset({Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN})
SHARING_ROLES = frozenset({Role.COORDINATOR})


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
        search_entries_refresh(service_ids=[capacity.service_id])
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


def service_update(
    *,
    actor: Membership,
    service_id: UUID,
    name_fr: str,
    name_en: str,
    description_fr: str,
    description_en: str,
    status: str,
    minimum_age: int | None,
    maximum_age: int | None,
    term_codes: set[str],
) -> Service:
    """Edit one of the acting organisation's own services and its categories and eligibility."""
    if actor.role not in EDIT_ROLES:
        raise NotFound
    if not (name_fr.strip() or name_en.strip()):
        raise ValidationError(_("Give the service a name in French or English."))
    if status not in ServiceStatus.values:
        raise ValidationError(_("Unknown status."))
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise ValidationError(_("The minimum age is above the maximum age."))
    unknown = term_codes - CATEGORY_CODES - ELIGIBILITY_CODES
    if unknown:
        raise ValidationError(_("Unknown category or eligibility."))
    with transaction.atomic():
        service = (
            Service.objects.select_for_update()
            .filter(pk=service_id, organization__owner_id=actor.organisation_id)
            .first()
        )
        if service is None:
            raise NotFound
        service.name_fr, service.name_en = name_fr.strip(), name_en.strip()
        service.description_fr, service.description_en = description_fr, description_en
        service.status = status
        service.minimum_age, service.maximum_age = minimum_age, maximum_age
        service.last_modified = timezone.now()
        service.save()
        ours = Attribute.objects.filter(
            link_entity="service",
            link_id=service.pk,
            taxonomy_term__code__in=CATEGORY_CODES | ELIGIBILITY_CODES,
        )
        current = set(ours.values_list("taxonomy_term__code", flat=True))
        ours.exclude(taxonomy_term__code__in=term_codes).delete()
        for term in TaxonomyTerm.objects.filter(
            code__in=term_codes - current, taxonomy__isnull=False
        ):
            Attribute.objects.create(
                link_entity="service",
                link_id=service.pk,
                link_type="eligibility",
                taxonomy_term=term,
            )
        search_entries_refresh(service_ids=[service.pk])
        audit_record(
            action="directory_service_updated",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="service",
            target_id=service.pk,
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
    if set(types) & ENFORCEMENT_TYPES:
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
