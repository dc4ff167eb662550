"""The guided intake (docs/journey.md): from a person at the door to a referral sent with a
place held, in one confirmed action.

Nothing is written while the worker goes through the steps: what was entered travels with the
form. The last step writes everything in one transaction, through the services that own each
part: the case and its person (``cases.services.case_create``, ``need_add``), the consent
(``privacy.consent.consent_record``), then, only after the consent, the hold
(``holds.bed_hold_create``) and the referral (``referrals.referral_create_and_send``). A
refusal anywhere (the place was taken meanwhile, a category the policy refuses) undoes it all:
nothing is half-sent. The intake's token makes a second submit of the same intake find the
first referral instead of making another.
"""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases.plan_services import need_add
from arrimage.cases.services import case_create
from arrimage.coalition.models import Organisation
from arrimage.core.errors import NotFound
from arrimage.directory.models import Service
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import IntakeSubmission, Referral
from arrimage.orientation.needs import CASE_NEED_TYPES, HOUSING_NEEDS, NEED_CATEGORIES
from arrimage.orientation.referral_rules import SENDER_ROLES, default_response_hours
from arrimage.orientation.referrals import referral_create_and_send
from arrimage.privacy.agreements import AgreementResolver
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import DEFAULT_DURATION, consent_record
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import Reader, readable_categories

# Gender of matching -> the person's gender (HTCDS).
CASE_GENDERS = {"woman": "Female", "man": "Male", "trans_nonbinary": "TransgenderNonConforming"}
URGENCIES = ("high", "medium", "low")


@dataclass(frozen=True)
class IntakePerson:
    alias: str
    given_name: str = ""
    family_name: str = ""
    gender: str = ""
    languages: tuple[str, ...] = ()
    municipality: str = ""


@dataclass(frozen=True)
class IntakeChoice:
    """The service chosen for one need, what the person consented to share with it, and how
    (verbal or written)."""

    service_id: UUID
    need: str
    categories: tuple[str, ...]
    method: str
    consent_given: bool
    response_hours: int | None = None
    needs: dict[str, str] = field(default_factory=dict)  # every need entered -> urgency


@dataclass(frozen=True)
class IntakeResult:
    referral: Referral
    is_new: bool


class _AlreadySent(Exception):
    pass


def categories_with_consent(
    *, sender: Organisation, recipient: Organisation, at: datetime | None = None
) -> frozenset[Category]:
    """What the one policy function would let pass to the recipient for a referral if the
    person consented to every category: the firewall and the coalition's agreement decide,
    as they will at sending. Nothing is recorded."""
    at = at or timezone.now()
    if recipient.pk == sender.pk:
        return frozenset(Category)
    supposed = ConsentRecord(
        recipient_id=recipient.pk,
        categories=list(Category.values),
        purpose=Purpose.REFERRAL,
        recorded_at=at,
        expires_at=at + DEFAULT_DURATION,
    )
    return readable_categories(
        reader=Reader(
            organisation_id=recipient.pk, organisation_type=recipient.type, role="caseworker"
        ),
        owner_organisation_id=sender.pk,
        owner_organisation_type=sender.type,
        purpose=Purpose.REFERRAL,
        agreement=AgreementResolver(recipient.pk).agreement_for(sender.pk),
        consents=[supposed],
        at=at,
    )


def intake_recipient(service_id: UUID) -> tuple[Service, Organisation]:
    """The active service and the organisation that answers its referrals in Arrimage."""
    service = (
        Service.objects.select_related("organization__owner")
        .filter(pk=service_id, status="active")
        .first()
    )
    if service is None:
        raise NotFound
    if service.organization.owner is None:
        raise ValidationError(
            _("This service does not receive referrals in Arrimage: call its intake line."),
            code="no_recipient",
        )
    return service, service.organization.owner


def holdable_unit(service: Service, need: str) -> str | None:
    """The unit to hold for a housing need: a free bed first, else a room, else a family
    unit; None when the service publishes no capacity (nothing to hold). Raises
    ``ValidationError`` (``full``) when it publishes capacity and none is free."""
    if need not in HOUSING_NEEDS:
        return None
    capacities = list(service.capacities.all())
    if not capacities:
        return None
    free = {c.unit for c in capacities if c.available > 0}
    unit = next((unit for unit in ("bed", "room", "family_unit") if unit in free), None)
    if unit is None:
        raise ValidationError(_("No unit of this kind is free any more."), code="full")
    return unit


def intake_send(
    *,
    actor: Membership | None,
    token: UUID,
    person: IntakePerson,
    choice: IntakeChoice,
    now: datetime | None = None,
) -> IntakeResult:
    """Open the case, record the consent, then hold a place and send the referral: all in one
    transaction, or nothing. Raises ``ValidationError`` (translated, with a ``code``: ``
    no_consent``, ``full``, ...) and writes nothing; a second call with the same token returns
    the first referral (``is_new`` False)."""
    if actor is None or actor.role not in SENDER_ROLES:
        raise NotFound
    existing = _existing(actor, token)
    if existing is not None:
        return IntakeResult(existing, False)
    if choice.need not in NEED_CATEGORIES or choice.need not in choice.needs:
        raise ValidationError(_("Choose a need from the list."), code="need")
    service, recipient = intake_recipient(choice.service_id)
    own = recipient.pk == actor.organisation_id
    if not choice.consent_given and not own:
        raise ValidationError(
            _(
                "Read the text to the person. If they agree, tick “The person consents”: "
                "without their consent no place is held and nothing is sent."
            ),
            code="no_consent",
        )
    now = now or timezone.now()
    unit = holdable_unit(service, choice.need)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    IntakeSubmission.objects.create(
                        token=token, organisation_id=actor.organisation_id, created_at=now
                    )
            except IntegrityError as error:
                raise _AlreadySent from error
            case = case_create(
                actor_membership=actor,
                identity={
                    "alias": person.alias,
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "gender": CASE_GENDERS.get(person.gender, ""),
                    "languages": list(person.languages),
                },
                location={"city": person.municipality} if person.municipality else None,
            )
            for need, urgency in choice.needs.items():
                need_add(
                    actor_membership=actor,
                    case_id=case.pk,
                    need_type=CASE_NEED_TYPES[need],
                    urgency=urgency,
                )
            if not own:
                consent_record(
                    actor_membership=actor,
                    person=case.person,
                    recipient=recipient,
                    categories=choice.categories,
                    purpose=Purpose.REFERRAL,
                    method=choice.method,
                )
            hold = bed_hold_create(actor=actor, service_id=service.pk, unit=unit) if unit else None
            urgent = choice.needs.get(choice.need) == "high"
            referral = referral_create_and_send(
                actor=actor,
                case_id=case.pk,
                service_id=service.pk,
                categories=list(choice.categories),
                need=choice.need,
                hold_id=hold.pk if hold else None,
                response_hours=choice.response_hours
                or default_response_hours(choice.need, urgent=urgent),
            )
            IntakeSubmission.objects.filter(pk=token).update(referral=referral)
    except _AlreadySent:
        found = _existing(actor, token)
        if found is None:
            raise NotFound from None
        return IntakeResult(found, False)
    return IntakeResult(referral, True)


def _existing(actor: Membership, token: UUID) -> Referral | None:
    submission = (
        IntakeSubmission.objects.filter(pk=token, organisation_id=actor.organisation_id)
        .select_related("referral")
        .first()
    )
    return submission.referral if submission is not None else None
