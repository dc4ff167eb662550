"""The schemas of orientation's JSON API (``api.py``): what a request may send, checked where
it enters (codes of the lists, lengths, valid text), and what the answers hold."""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from arrimage.core import text
from arrimage.core.text import Text
from arrimage.orientation.holds import MAXIMUM_HOLD, MINIMUM_HOLD
from arrimage.orientation.needs import EXPLOITATION_TYPES, GENDERS, NEEDS, STATUSES
from arrimage.orientation.referral_rules import NOTE_MAX, RESPONSE_HOURS

Code = Annotated[str, Text(text.CODE)]
Codes = Annotated[list[Code], Field(max_length=20)]


def _known(value: str, codes: Collection[str], *, empty: bool = False) -> str:
    """A code of the list (422 "not valid" naming the field otherwise)."""
    if (empty and value == "") or value in codes:
        return value
    raise ValueError("not one of the codes listed")


class NeedsIn(Schema):
    needs: Codes = Field(default_factory=list, description=f"Any of: {', '.join(NEEDS)}")
    gender: Code = Field("", description="woman, man, trans_nonbinary or empty")
    age: int | None = Field(None, ge=0, le=120)
    languages: Codes = Field(default_factory=list, description="ISO 639-1 codes")
    status: Code = Field(
        "", description="citizen, permanent_resident, temporary_permit, trp, asylum, none or empty"
    )
    children: int = Field(0, ge=0, le=15)
    exploitation: Code = Field("", description="sexual, labour, other or empty")
    must_be_confidential: bool = False
    staff_24_7: bool = False
    wheelchair: bool = False
    region: Code = Field("", description="region code, e.g. QC-06")
    municipality: Annotated[str, Text(100)] = ""

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, value: list[str]) -> list[str]:
        return [_known(code, NEEDS) for code in value]

    @field_validator("gender")
    @classmethod
    def _known_gender(cls, value: str) -> str:
        return _known(value, GENDERS, empty=True)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        return _known(value, STATUSES, empty=True)

    @field_validator("exploitation")
    @classmethod
    def _known_exploitation(cls, value: str) -> str:
        return _known(value, EXPLOITATION_TYPES, empty=True)

    case_id: UUID | None = Field(
        None, description="start from a case: its readable data fills what the body leaves empty"
    )
    record_unmet: bool = Field(
        False,
        description=(
            "record the needs with no option (or with every option full) as anonymised unmet "
            "needs. Off by default, so that looking again, polling and retries count nothing. "
            "When on, a need is recorded at most once a day for the case (with case_id) or for "
            "the same profile in the acting organisation (without); unmet_recorded lists the "
            "needs this call recorded."
        ),
    )


class ReasonOut(Schema):
    code: str
    text: str


class OptionOut(Schema):
    service_id: UUID
    name: str
    organisation: str
    score: float
    reasons: list[ReasonOut]
    available: int | None
    capacities: list[dict[str, Any]]
    capacity_updated: datetime | None
    distance_km: float | None
    place: str
    phone: str
    response_rate: float | None


class ExclusionOut(Schema):
    service_id: UUID
    name: str
    organisation: str
    reasons: list[ReasonOut]


class MatchNeedOut(Schema):
    need: str
    label: str
    options: list[OptionOut]
    excluded: list[ExclusionOut]
    eligible_count: int
    unmet_reason: str | None


class MatchOut(Schema):
    needs: list[MatchNeedOut]
    unmet_recorded: list[str] = Field(
        default_factory=list,
        description=(
            "needs recorded as unmet by this call: empty without record_unmet, and for a need "
            "already recorded today for the same case or profile"
        ),
    )


class HoldIn(Schema):
    service_id: UUID
    unit: Code = Field("bed", description="bed, room or family_unit")
    minutes: int | None = Field(
        None,
        ge=MINIMUM_HOLD // timedelta(minutes=1),
        le=MAXIMUM_HOLD // timedelta(minutes=1),
        description="how long to hold, from 15 minutes to 72 hours; 240 (4 h) if not given",
    )


class HoldOut(Schema):
    id: UUID
    service_id: UUID
    unit: str
    status: str
    organisation_id: UUID
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None


class HoldListsOut(Schema):
    held_by_us: list[HoldOut]
    at_our_services: list[HoldOut]


class ReferralIn(Schema):
    case_id: UUID
    service_id: UUID
    categories: Codes
    need: Code = ""
    hold_id: UUID | None = None
    note: Annotated[str, Text(NOTE_MAX)] = ""
    response_hours: int | None = Field(
        None,
        description=(
            f"Any of: {', '.join(map(str, RESPONSE_HOURS))}. Not given: the shortest for an "
            "emergency need, else 48"
        ),
    )


class TransitionIn(Schema):
    to_status: Code
    reason: Code = ""
    note: Annotated[str, Text(NOTE_MAX)] = ""


class ReferralSummaryOut(Schema):
    id: UUID
    reference: str
    status: str
    service_id: UUID
    service_name: str
    sender_organisation: str
    recipient_organisation: str
    need: str
    decline_reason: str
    outcome_reason: str
    sent_at: datetime | None
    response_due_at: datetime | None
    updated_at: datetime


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    reason: str
    note: str
    organisation: str
    occurred_at: datetime


class ReferralOut(ReferralSummaryOut):
    side: str
    moves: list[str]
    shared_categories: list[str]
    visible_categories: list[str]
    timeline: list[EventOut]
    case: dict[str, Any] | None


class IndicatorOut(Schema):
    sent: int
    answered: int
    expired: int
    rate: float | None
    mean_response_hours: float | None
