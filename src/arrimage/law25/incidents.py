"""The confidentiality-incident register: services (writes) and selectors (reads).

Organisation admins and coordinators keep their own organisation's register; anyone else,
including those of every other organisation, gets :class:`NotFound`. Every write and every
reading of an entry's text is audited, ids and codes only. The register is kept at least five
years after the organisation became aware of an incident (s. 11 of the regulation): there is no
way to delete an entry.
"""

import json
from dataclasses import asdict, dataclass
from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.law25.incidents_models import (
    INCIDENT_TEXT_FIELDS,
    ConfidentialityIncident,
    RiskLevel,
)
from arrimage.privacy.sealing import organisation_record_open, organisation_record_seal

INCIDENT_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.COORDINATOR})
TEXT_MAX_LENGTH = 5000
PERSONS_MAX = 100_000_000
TARGET_TYPE = "confidentiality_incident"


@dataclass(frozen=True)
class IncidentData:
    """The eight items of the register, as entered."""

    information_concerned: str
    circumstances: str
    occurred_from: date
    occurred_to: date | None
    occurred_is_approximate: bool
    aware_from: date
    aware_to: date | None
    persons_concerned: int
    persons_is_approximate: bool
    risk_level: str
    risk_sensitivity: str
    risk_consequences: str
    risk_likelihood: str
    commission_notified_on: date | None
    persons_notified_on: date | None
    public_notice_on: date | None
    public_notice_reason: str
    measures: str

    def texts(self) -> dict[str, str]:
        values = asdict(self)
        return {name: str(values[name]).strip() for name in INCIDENT_TEXT_FIELDS}


@dataclass(frozen=True)
class IncidentEntry:
    """An entry with its text opened, for the organisation that keeps it."""

    incident: ConfidentialityIncident
    data: IncidentData

    @property
    def notices_pending(self) -> bool:
        return self.data.risk_level == RiskLevel.SERIOUS and not (
            self.data.commission_notified_on and self.data.persons_notified_on
        )


def _require_keeper(actor: Membership | None) -> Membership:
    if actor is None:
        raise NotFound
    if actor.role not in INCIDENT_ROLES:
        raise NotFound
    return actor


def incident_validate(data: IncidentData, *, today: date) -> None:
    """Raise a ValidationError naming each wrong field, with a message a person can act on."""
    errors: dict[str, str] = {}
    texts = data.texts()
    for name in ("information_concerned", "circumstances", "measures"):
        if not texts[name]:
            errors[name] = _("This item of the register is required.")
    for name, value in texts.items():
        if len(value) > TEXT_MAX_LENGTH:
            errors[name] = _("Keep this under %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH}
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = _("Choose an assessment from the list.")
    elif data.risk_level != RiskLevel.UNDER_ASSESSMENT:
        for name in ("risk_sensitivity", "risk_consequences", "risk_likelihood"):
            if not texts[name]:
                errors[name] = _("The assessment states this criterion.")
    dates = {
        "occurred_from": data.occurred_from,
        "occurred_to": data.occurred_to,
        "aware_from": data.aware_from,
        "aware_to": data.aware_to,
        "commission_notified_on": data.commission_notified_on,
        "persons_notified_on": data.persons_notified_on,
        "public_notice_on": data.public_notice_on,
    }
    for name, day in dates.items():
        if day is not None and day > today:
            errors[name] = _("This date is in the future.")
        elif day is not None and day.year < 2000:
            errors[name] = _("This date is too far in the past.")
    if data.occurred_to and data.occurred_to < data.occurred_from:
        errors.setdefault("occurred_to", _("The period ends before it starts."))
    if data.aware_to and data.aware_to < data.aware_from:
        errors.setdefault("aware_to", _("The period ends before it starts."))
    if data.aware_from < data.occurred_from:
        errors.setdefault(
            "aware_from", _("The organisation cannot become aware before the incident.")
        )
    for name in ("commission_notified_on", "persons_notified_on", "public_notice_on"):
        notice = dates[name]
        if notice is not None and notice < data.aware_from:
            errors.setdefault(name, _("A notice comes after the organisation became aware."))
    if data.public_notice_on and not texts["public_notice_reason"]:
        errors["public_notice_reason"] = _("Say why a public notice was given.")
    if not 1 <= data.persons_concerned <= PERSONS_MAX:
        errors["persons_concerned"] = _("Give a number of at least 1.")
    if errors:
        raise ValidationError(errors)


def _apply(incident: ConfidentialityIncident, data: IncidentData, *, actor: Membership) -> None:
    for name in (
        "occurred_from",
        "occurred_to",
        "occurred_is_approximate",
        "aware_from",
        "aware_to",
        "persons_concerned",
        "persons_is_approximate",
        "risk_level",
        "commission_notified_on",
        "persons_notified_on",
        "public_notice_on",
    ):
        setattr(incident, name, getattr(data, name))
    incident.text_sealed = organisation_record_seal(
        actor=actor,
        instance=incident,
        field="text_sealed",
        plaintext=json.dumps(data.texts(), ensure_ascii=False),
    )


def incident_record(*, actor: Membership, data: IncidentData) -> ConfidentialityIncident:
    """Add an entry to the acting organisation's register."""
    _require_keeper(actor)
    incident_validate(data, today=timezone.localdate())
    for _attempt in range(3):
        try:
            with transaction.atomic():
                highest = ConfidentialityIncident.objects.filter(
                    organisation_id=actor.organisation_id
                ).aggregate(highest=Max("number"))["highest"]
                incident = ConfidentialityIncident(
                    organisation_id=actor.organisation_id,
                    number=(highest or 0) + 1,
                    recorded_by_id=actor.user_id,
                )
                _apply(incident, data, actor=actor)
                incident.save(force_insert=True)
                audit_record(
                    action="incident_recorded",
                    actor_id=actor.user_id,
                    organisation_id=actor.organisation_id,
                    target_type=TARGET_TYPE,
                    target_id=incident.pk,
                    details={"risk_level": data.risk_level},
                )
            return incident
        except IntegrityError:
            continue  # another entry took this number at the same moment: take the next
    raise RuntimeError("could not number the incident")


def incident_update(
    *, actor: Membership, incident_id: UUID, data: IncidentData
) -> ConfidentialityIncident:
    """Keep an entry up to date (new assessment, notices sent, measures taken)."""
    _require_keeper(actor)
    incident_validate(data, today=timezone.localdate())
    with transaction.atomic():
        incident = (
            ConfidentialityIncident.objects.select_for_update()
            .filter(pk=incident_id, organisation_id=actor.organisation_id)
            .first()
        )
        if incident is None:
            raise NotFound
        previous_level = incident.risk_level
        _apply(incident, data, actor=actor)
        incident.updated_at = timezone.now()
        incident.save()
        audit_record(
            action="incident_updated",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type=TARGET_TYPE,
            target_id=incident.pk,
            details={"risk_level": data.risk_level, "previous_risk_level": previous_level},
        )
    return incident


def incidents_list(*, actor: Membership | None) -> QuerySet[ConfidentialityIncident]:
    """The acting organisation's register, newest first; the text stays sealed."""
    keeper = _require_keeper(actor)
    return ConfidentialityIncident.objects.filter(organisation_id=keeper.organisation_id).defer(
        "text_sealed"
    )


def incident_get(*, actor: Membership | None, incident_id: UUID) -> IncidentEntry:
    """One entry with its text opened. Audited."""
    keeper = _require_keeper(actor)
    incident = ConfidentialityIncident.objects.filter(
        pk=incident_id, organisation_id=keeper.organisation_id
    ).first()
    if incident is None:
        raise NotFound
    texts = json.loads(
        organisation_record_open(actor=keeper, instance=incident, field="text_sealed")
    )
    data = IncidentData(
        occurred_from=incident.occurred_from,
        occurred_to=incident.occurred_to,
        occurred_is_approximate=incident.occurred_is_approximate,
        aware_from=incident.aware_from,
        aware_to=incident.aware_to,
        persons_concerned=incident.persons_concerned,
        persons_is_approximate=incident.persons_is_approximate,
        risk_level=incident.risk_level,
        commission_notified_on=incident.commission_notified_on,
        persons_notified_on=incident.persons_notified_on,
        public_notice_on=incident.public_notice_on,
        **{name: texts.get(name, "") for name in INCIDENT_TEXT_FIELDS},
    )
    audit_record(
        action="incident_viewed",
        actor_id=keeper.user_id,
        organisation_id=keeper.organisation_id,
        target_type=TARGET_TYPE,
        target_id=incident.pk,
    )
    return IncidentEntry(incident, data)
