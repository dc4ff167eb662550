"""The request and answer schemas of the cases API (``cases/api.py``, ``cases/consent_api.py``).
An answer's optional fields are absent where the reader may not read their category."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from arrimage.cases import validation as check
from arrimage.core import text
from arrimage.core.text import Text


class OrganisationRef(Schema):
    id: UUID
    name: str


class TaskOut(Schema):
    id: UUID
    category: str
    kind: str
    title: str
    due_on: date
    status: str
    assignee: str | None = None
    is_overdue: bool
    case_id: UUID | None = None
    case_reference: str | None = None


class CaseSummaryOut(Schema):
    id: UUID
    reference: str
    display_name: str
    lead_organisation: OrganisationRef
    is_lead: bool
    readable_categories: list[str]
    status: str | None = None
    is_urgent: bool | None = None
    opened_at: datetime | None = None
    updated_at: datetime | None = None
    assigned_worker: str | None = None
    next_task: TaskOut | None = None
    matched_in: list[str] | None = None


class WorklistOut(Schema):
    cases: list[CaseSummaryOut]
    tasks_due: list[TaskOut]
    page: int
    has_next: bool


class PersonOut(Schema):
    id: UUID
    alias: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    year_of_birth: int | None = None
    age_band: str | None = None
    gender: str | None = None
    languages: list[str] | None = None
    phone: str | None = None
    email: str | None = None
    safe_contact_instructions: str | None = None
    city: str | None = None
    accommodation: str | None = None


class NoteOut(Schema):
    id: UUID
    category: str
    body: str
    author: str | None = None
    author_organisation: str
    created_at: datetime


class NeedOut(Schema):
    id: UUID
    need_type: str
    urgency: str
    status: str
    created_at: datetime


class GoalOut(Schema):
    id: UUID
    category: str = Field(
        description="The category of what the goal is about; only readers of it see the goal."
    )
    text: str
    status: str
    target_on: date | None = None


class DocumentOut(Schema):
    id: UUID
    category: str
    filename: str
    content_type: str
    size: int
    created_at: datetime


class CaseOut(CaseSummaryOut):
    person: PersonOut
    needs: list[NeedOut] | None = None
    goals: list[GoalOut]
    legal: dict[str, Any] | None = None
    exploitation: dict[str, Any] | None = None
    immigration: dict[str, Any] | None = Field(
        None,
        description=(
            "The immigration category: the person's citizenship (ISO 3166-1 alpha-2 codes), "
            "status, permits, applications, IFHP coverage, legal representative and detention. "
            "Never sent to police, border enforcement or prosecution, whatever the consent."
        ),
    )
    health_follow_ups: list[dict[str, Any]] | None = None
    tasks: list[TaskOut]
    notes: list[NoteOut]
    documents: list[DocumentOut]


Code = Annotated[str, Text(text.CODE)]
Name = Annotated[str, Text(100)]
Codes = Annotated[list[Code], Field(max_length=20)]


class CaseCreateIn(Schema):
    alias: Name = ""
    given_name: Name = ""
    family_name: Name = ""
    year_of_birth: int | None = None
    age_band: Code = ""
    gender: Code = ""
    languages: Codes = Field(default_factory=list)
    citizenship: Codes = Field(
        default_factory=list,
        description=(
            "ISO 3166-1 alpha-2 codes. Immigration, not identity: stored in the case's "
            "immigration category, and kept only where the acting organisation and role may "
            "hold immigration."
        ),
    )
    phone: Annotated[str, Text(32)] = ""
    email: Annotated[str, Text(254)] = ""
    city: Name = ""


class NoteIn(Schema):
    category: Code
    body: Annotated[str, Text(check.MAX_NOTE)]


class TaskIn(Schema):
    title: Annotated[str, Text(check.MAX_SHORT)]
    due_on: Code
    category: Code = Field(
        default="coordination",
        description=(
            "The category of what the task is about (immigration for a permit renewal, health "
            "for a medical follow-up): only readers of that category see the task, so "
            "immigration and health never reach police, border enforcement or prosecution. "
            "You may choose only a category you may read; any other answers 404."
        ),
    )
    assignee_id: UUID | None = None


class ConsentOut(Schema):
    id: UUID
    recipient_id: UUID
    categories: list[str]
    purpose: str
    method: str
    recorded_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None = None
    state: str


class ConsentIn(Schema):
    recipient_id: UUID
    categories: Codes
    purpose: Code
    method: Code


class CreatedOut(Schema):
    id: UUID


class SearchIn(Schema):
    q: Annotated[str, Text(100), Field(min_length=2)]

    @field_validator("q")
    @classmethod
    def _two_characters(cls, value: str) -> str:
        if len(value.strip()) < 2:
            raise ValueError(_("Type at least two characters."))
        return value
