"""Consent records: writes (record, withdraw) and reads (active consents, plain-language
summary).

A consent names one recipient organisation, a set of categories and one purpose. It is express
(verbal or written, with who recorded it), expires after 12 months unless a shorter or longer
date is chosen (at most 24 months), and a withdrawal takes effect at once. A consent naming
police, border enforcement or prosecution for immigration, health or location is refused when
it is recorded: the firewall of the policy would ignore it anyway, and a record that says
otherwise must not exist.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arrimage.accounts.models import Membership
from arrimage.coalition.models import Organisation
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentMethod, ConsentRecord
from arrimage.privacy.policy import categories_role_may_write, may_share_with

DEFAULT_DURATION = timedelta(days=365)
MAXIMUM_DURATION = timedelta(days=2 * 365)


class ConsentSubject(Protocol):
    """The person a consent is about (``arrimage.cases.models.Person``)."""

    pk: UUID
    organisation_id: UUID


def consent_may_record(*, actor_membership: Membership | None, person: ConsentSubject) -> bool:
    """Only the organisation that holds the person's record, in a role that reads identity."""
    if actor_membership is None:
        return False
    if actor_membership.organisation_id != person.organisation_id:
        return False
    return Category.IDENTITY in categories_role_may_write(actor_membership.role)


def consent_record(
    *,
    actor_membership: Membership,
    person: ConsentSubject,
    recipient: Organisation,
    categories: Iterable[str],
    purpose: str,
    method: str,
    expires_at: datetime | None = None,
) -> ConsentRecord:
    """Record an express consent. Raises ``ValidationError`` with a translated message when a
    value is not acceptable, ``NotFound`` when the actor may not record it."""
    if not consent_may_record(actor_membership=actor_membership, person=person):
        raise NotFound
    chosen = sorted(set(categories))
    if not chosen:
        raise ValidationError(_("Choose at least one category of information."), code="no_category")
    if any(code not in Category.values for code in chosen):
        raise ValidationError(_("Choose categories from the list."), code="invalid_category")
    if purpose not in Purpose.values:
        raise ValidationError(_("Choose a purpose from the list."), code="invalid_purpose")
    if method not in ConsentMethod.values:
        raise ValidationError(
            _("Say whether the consent was given verbally or in writing."), code="invalid_method"
        )
    if recipient.pk == person.organisation_id:
        raise ValidationError(
            _("Your own organisation already holds this record: choose another organisation."),
            code="own_organisation",
        )
    blocked = [
        Category(code)
        for code in chosen
        if not may_share_with(organisation_type=recipient.type, category=code)
    ]
    if blocked:
        raise ValidationError(
            _(
                "%(organisation)s is a police, border enforcement or prosecution body. "
                "Immigration status, health and where the person stays can never be shared "
                "with it, even with consent. Remove: %(categories)s."
            )
            % {
                "organisation": recipient.name,
                "categories": ", ".join(str(c.label) for c in blocked),
            },
            code="firewall",
        )
    now = timezone.now()
    if expires_at is None:
        expires_at = now + DEFAULT_DURATION
    if expires_at <= now:
        raise ValidationError(_("The expiry date must be in the future."), code="expiry_past")
    if expires_at > now + MAXIMUM_DURATION:
        raise ValidationError(
            _("A consent lasts at most 24 months; choose an earlier date."), code="expiry_too_far"
        )
    with transaction.atomic():
        consent = ConsentRecord.objects.create(
            person_id=person.pk,
            organisation_id=person.organisation_id,
            recipient=recipient,
            categories=chosen,
            purpose=purpose,
            method=method,
            recorded_by_id=actor_membership.user_id,
            recorded_at=now,
            expires_at=expires_at,
        )
        audit_record(
            action="consent_recorded",
            actor_id=actor_membership.user_id,
            organisation_id=actor_membership.organisation_id,
            target_type="consent",
            target_id=consent.pk,
            details={
                "person_id": str(person.pk),
                "recipient_id": str(recipient.pk),
                "categories": ",".join(chosen),
                "purpose": purpose,
                "method": method,
            },
        )
    return consent


def consent_withdraw(
    *, actor_membership: Membership, consent_id: UUID, person: ConsentSubject
) -> ConsentRecord:
    """Withdraw a consent, effective at once: the next request of the recipient no longer
    sees what it covered."""
    if not consent_may_record(actor_membership=actor_membership, person=person):
        raise NotFound
    with transaction.atomic():
        consent = (
            ConsentRecord.objects.select_for_update()
            .filter(pk=consent_id, person_id=person.pk)
            .first()
        )
        if consent is None:
            raise NotFound
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by_id = actor_membership.user_id
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            action="consent_withdrawn",
            actor_id=actor_membership.user_id,
            organisation_id=actor_membership.organisation_id,
            target_type="consent",
            target_id=consent.pk,
            details={"person_id": str(person.pk), "recipient_id": str(consent.recipient_id)},
        )
    return consent


def consents_active_for_recipient(
    *, recipient_id: UUID, purpose: str, at: datetime, person_ids: Iterable[UUID] | None = None
) -> QuerySet[ConsentRecord]:
    """Unwithdrawn, unexpired consents naming this recipient for this purpose."""
    queryset = ConsentRecord.objects.filter(
        recipient_id=recipient_id,
        purpose=purpose,
        recorded_at__lte=at,
        expires_at__gt=at,
    ).filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
    if person_ids is not None:
        queryset = queryset.filter(person_id__in=list(person_ids))
    return queryset


def consents_statistics_scope(
    person_ids: Iterable[UUID], *, at: datetime
) -> dict[UUID, frozenset[Category]]:
    """The categories each person's live consents for statistics cover, together. A person
    without one is absent."""
    scopes: dict[UUID, set[Category]] = {}
    rows = (
        ConsentRecord.objects.filter(
            person_id__in=list(person_ids),
            purpose=Purpose.STATISTICS,
            recorded_at__lte=at,
            withdrawn_at__isnull=True,
            expires_at__gt=at,
        )
        .order_by()
        .values_list("person_id", "categories")
    )
    for person_id, categories in rows:
        scopes.setdefault(person_id, set()).update(Category(c) for c in categories or [])
    return {person_id: frozenset(scope) for person_id, scope in scopes.items()}


def consents_of_person(*, person: ConsentSubject) -> list[ConsentRecord]:
    return list(
        ConsentRecord.objects.filter(person_id=person.pk).select_related("recipient", "recorded_by")
    )


def consent_state(consent: ConsentRecord, at: datetime) -> str:
    if consent.withdrawn_at is not None and consent.withdrawn_at <= at:
        return "withdrawn"
    if consent.expires_at <= at:
        return "expired"
    return "active"


def consent_summary(
    *, consents: Iterable[ConsentRecord], language: str, at: datetime | None = None
) -> list[str]:
    """The consents as short sentences a worker can read aloud or print, in French or
    English."""
    at = at or timezone.now()
    sentences: list[str] = []
    with translation.override(language):
        for consent in consents:
            names = ", ".join(str(Category(code).label).lower() for code in consent.categories)
            values = {
                "organisation": consent.recipient.name,
                "categories": names,
                "purpose": str(Purpose(consent.purpose).label).lower(),
                "method": str(ConsentMethod(consent.method).label).lower(),
                "given": date_format(timezone.localtime(consent.recorded_at), "DATE_FORMAT"),
                "expires": date_format(timezone.localtime(consent.expires_at), "DATE_FORMAT"),
            }
            state = consent_state(consent, at)
            if state == "active":
                text = _(
                    "You agreed that %(organisation)s may receive your %(categories)s, for "
                    "%(purpose)s. You said so %(method)s on %(given)s. This agreement ends "
                    "on %(expires)s, and you can take it back at any time."
                )
            elif state == "expired":
                text = _(
                    "You had agreed that %(organisation)s may receive your "
                    "%(categories)s, for %(purpose)s. This agreement ended on "
                    "%(expires)s: nothing more is shared."
                )
            else:
                values["withdrawn"] = date_format(
                    timezone.localtime(consent.withdrawn_at), "DATE_FORMAT"
                )
                text = _(
                    "You took back your agreement that %(organisation)s may receive your "
                    "%(categories)s, on %(withdrawn)s: nothing more is shared."
                )
            sentences.append(text % values)
        if not sentences:
            sentences.append(
                _(
                    "You have not agreed to share your information with any other "
                    "organisation. Only the organisation that helps you holds it."
                )
            )
        sentences.append(
            _(
                "Police, border services and prosecutors never receive your "
                "immigration status, your health information or where you stay."
            )
        )
    return sentences


# Read aloud before a consent is recorded -----------------------------------------------------

# The languages the request below is written in; for any other, the worker reads it with an
# interpreter. Spanish has its own catalog (locale/es), which holds only these texts: the
# interface itself is French and English.
READ_ALOUD_LANGUAGES = ("fr", "en", "es")
_CATALOG = {"fr": "fr-ca", "en": "en", "es": "es"}

# What each category means to the person, in words a person can follow.
CATEGORY_PHRASES = {
    Category.IDENTITY: gettext_noop("the name you gave us and the languages you speak"),
    Category.CONTACT: gettext_noop("how to reach you"),
    Category.LOCATION: gettext_noop("the town where you are"),
    Category.IMMIGRATION: gettext_noop("your need for help with immigration"),
    Category.HEALTH: gettext_noop("your need for health care"),
    Category.EXPLOITATION: gettext_noop("what you told us about the exploitation you lived"),
    Category.LEGAL: gettext_noop("your legal proceedings"),
    Category.COORDINATION: gettext_noop("what you need, and how soon"),
}


def consent_request_text(
    *, language: str, organisation: str, categories: Iterable[str], expires_at: datetime
) -> list[str]:
    """What a worker reads to the person before recording a consent for a referral: who
    receives what, that nothing else is sent, that saying no changes nothing to the help, how
    long it lasts, the firewall; in French, English or Spanish (``READ_ALOUD_LANGUAGES``)."""
    if language not in _CATALOG:
        raise ValueError(f"no text in {language}")
    chosen = [Category(code) for code in Category.values if code in set(categories)]
    with translation.override(_CATALOG[language]):
        items = "; ".join(_(CATEGORY_PHRASES[category]) for category in chosen)
        values = {
            "organisation": organisation,
            "items": items,
            "date": date_format(timezone.localtime(expires_at), "DATE_FORMAT"),
        }
        return [
            _("We would like to send a request to %(organisation)s for you.") % values,
            _("They will receive: %(items)s. They will receive nothing else.") % values,
            _("You can say no, and we will still help you."),
            _("This agreement lasts until %(date)s, and you can take it back at any time.")
            % values,
            _(
                "Police, border services and prosecutors never receive your "
                "immigration status, your health information or where you stay."
            ),
            _("Do you agree?"),
        ]
