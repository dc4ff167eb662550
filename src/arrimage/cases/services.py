"""Writes on cases and persons: opening a case, the person's identity, contact and location,
the case's status and legal proceedings. Keyword-only, validated, atomic, audited (hash-chained
log and the case's access log). The acting organisation is always the membership's; a write
into a category the actor may not read is refused as ``NotFound`` and changes nothing.

The other writes live beside it: ``plan_services.py`` (notes, tasks, needs, goals),
``track_services.py`` (exploitation, immigration, health), ``document_services.py`` and
``anonymisation.py`` (Law 25 retention).
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases import search_index
from arrimage.cases import validation as check
from arrimage.cases import vocabularies as v
from arrimage.cases.access import access_record, case_grants
from arrimage.cases.models import Case, ImmigrationTrack, Person, Plan
from arrimage.cases.references import REFERENCE_ATTEMPTS, reference_new
from arrimage.cases.sealing import category_write
from arrimage.cases.writing import case_touch, category_of, write_grant, write_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import categories_role_may_write, may_share_with


def case_create(
    *,
    actor_membership: Membership | None,
    identity: dict[str, Any],
    contact: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
    immigration: dict[str, Any] | None = None,
) -> Case:
    """Open a case for a new person, led by the acting organisation. The actor's role must
    read identity and coordination. ``immigration`` takes the person's citizenship (the
    immigration category: kept only where the actor's organisation and role may hold
    immigration, as location is kept only where the firewall allows it)."""
    if actor_membership is None:
        raise NotFound
    if not {Category.IDENTITY, Category.COORDINATION} <= categories_role_may_write(
        actor_membership.role
    ):
        raise NotFound
    identity_data = check.identity(identity)
    contact_data = check.contact(contact or {})
    location_data = check.location(location or {})
    citizenship = check.citizenship((immigration or {}).get("citizenship"))
    organisation = actor_membership.organisation
    if location_data and not may_share_with(
        organisation_type=organisation.type, category=Category.LOCATION
    ):
        location_data = {}
    if citizenship and (
        not may_share_with(organisation_type=organisation.type, category=Category.IMMIGRATION)
        or Category.IMMIGRATION not in categories_role_may_write(actor_membership.role)
    ):
        citizenship = []
    with transaction.atomic():
        person = Person(organisation=organisation)
        category_write(person, Category.IDENTITY, identity_data)
        if contact_data:
            category_write(person, Category.CONTACT, contact_data)
        if location_data:
            category_write(person, Category.LOCATION, location_data)
        person.save()
        search_index.person_index(person, identity_data)
        case = _case_insert(
            Case(
                person=person,
                lead_organisation=organisation,
                assigned_worker_id=actor_membership.user_id,
            )
        )
        Plan.objects.create(case=case, owner_organisation=organisation)
        written = [Category.IDENTITY, Category.COORDINATION]
        if citizenship:
            track = ImmigrationTrack(case=case, owner_organisation=organisation)
            category_write(track, Category.IMMIGRATION, {"citizenship": citizenship})
            track.save()
            written.append(Category.IMMIGRATION)
        grant = case_grants(actor_membership=actor_membership, cases=[case])[0]
        access_record(
            actor_membership=actor_membership,
            grants=[grant],
            action="case_created",
            path="write",
            categories=written,
        )
    return case


def _case_insert(case: Case) -> Case:
    """Insert a new case; if its random reference is taken (``cases/references.py``), draw
    another, a few times at most."""
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            return case
        except IntegrityError:
            if (
                attempt == REFERENCE_ATTEMPTS - 1
                or not Case.objects.filter(reference=case.reference).exists()
            ):
                raise
            case.reference = reference_new()
    raise AssertionError("unreachable")


def person_update(
    *, actor_membership: Membership | None, case_id: UUID | str, category: str, data: dict[str, Any]
) -> Person:
    """Replace the identity, contact or location fields of the case's person."""
    cat = category_of(category)
    validators = {
        Category.IDENTITY: check.identity,
        Category.CONTACT: check.contact,
        Category.LOCATION: check.location,
    }
    if cat not in validators:
        raise ValidationError(
            _("Choose a category of information from the list."), code="invalid_category"
        )
    cleaned = validators[cat](data)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, cat)
        person = grant.case.person
        category_write(person, cat, cleaned)
        column = Person.SEALED_COLUMNS[cat]
        Person.objects.filter(pk=person.pk).update(**{column: getattr(person, column)})
        if cat == Category.IDENTITY:
            search_index.person_index(person, cleaned)
        case_touch(grant.case)
        write_record(actor_membership, grant, "person_updated", cat)  # type: ignore[arg-type]
    return person


def case_status_change(
    *, actor_membership: Membership | None, case_id: UUID | str, status: str
) -> Case:
    cleaned = check.choice(status, v.CaseStatus, label=_("the status"), required=True)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.COORDINATION)
        if not grant.is_lead:
            raise NotFound
        case = grant.case
        case.status = cleaned
        case.closed_at = (
            timezone.now()
            if cleaned in (v.CaseStatus.CLOSED, v.CaseStatus.CLOSED_REFERRED)
            else None
        )
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "closed_at", "updated_at"])
        write_record(
            actor_membership,
            grant,
            "case_status_changed",  # type: ignore[arg-type]
            Category.COORDINATION,
        )
    return case


def legal_update(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> Case:
    cleaned = {
        "police_report_filed": bool(data.get("police_report_filed")),
        "proceedings": check.text(
            data.get("proceedings"), label=_("Proceedings"), maximum=check.MAX_TEXT
        ),
        "lawyer": check.text(data.get("lawyer"), label=_("Lawyer"), maximum=200),
    }
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.LEGAL)
        case = grant.case
        category_write(case, Category.LEGAL, cleaned)
        Case.objects.filter(pk=case.pk).update(legal_sealed=case.legal_sealed)
        case_touch(case)
        write_record(actor_membership, grant, "legal_updated", Category.LEGAL)  # type: ignore[arg-type]
    return case
