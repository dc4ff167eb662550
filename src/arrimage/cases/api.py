"""The JSON API of cases (``/api/cases/``). Every answer passes the policy of the acting
organisation; fields the reader may not read are absent, and a case the reader may not see at
all answers 404, like a missing one."""

import json
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from arrimage.cases import (
    export_selectors,
    plan_services,
    reminder_selectors,
    search,
    selectors,
    services,
    worklist_selectors,
)
from arrimage.cases import validation as check
from arrimage.coalition.models import Organisation
from arrimage.core import text
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.core.schemas import ErrorOut
from arrimage.core.text import Text
from arrimage.privacy import consent as consent_service

router = Router(tags=["cases"])


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


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    return Status(400, {"detail": error.messages[0], "errors": error.messages})


@router.get(
    "/",
    response=WorklistOut,
    url_name="cases_worklist",
    exclude_unset=True,
    summary="The worklist of the acting organisation",
)
def worklist(request: HttpRequest, page: int = 1) -> Any:
    result = worklist_selectors.case_list_for_worklist(
        actor_membership=_membership(request), page=page_number(page), path="api"
    )
    return {
        "cases": result.cases,
        "tasks_due": result.tasks_due,
        "page": result.page,
        "has_next": result.has_next,
    }


@router.post(
    "/",
    response={201: CreatedOut, 400: ErrorOut, 404: ErrorOut},
    url_name="cases_create",
    summary="Open a case for a new person",
)
def create(request: HttpRequest, payload: CaseCreateIn) -> Any:
    data = payload.dict()
    try:
        case = services.case_create(
            actor_membership=_membership(request),
            identity={
                k: data[k]
                for k in (
                    "alias",
                    "given_name",
                    "family_name",
                    "year_of_birth",
                    "age_band",
                    "gender",
                    "languages",
                )
            },
            contact={"phone": data["phone"], "email": data["email"]},
            location={"city": data["city"]},
            immigration={"citizenship": data["citizenship"]},
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, {"id": case.pk})


class SearchIn(Schema):
    q: Annotated[str, Text(100), Field(min_length=2)]

    @field_validator("q")
    @classmethod
    def _two_characters(cls, value: str) -> str:
        if len(value.strip()) < 2:
            raise ValueError(_("Type at least two characters."))
        return value


@router.post(
    "/search",
    response=list[CaseSummaryOut],
    url_name="cases_search",
    exclude_unset=True,
    summary="Search the cases the acting organisation may read",
    description=(
        "Sent by POST so that the terms stay out of URLs and access logs. Finds the cases "
        "whose alias, given name or family name has words beginning with every word of `q` "
        "(case and accents ignored), or whose reference is `q`, among every case the acting "
        "organisation may see; at most 200, most recently updated first."
    ),
)
def search_cases(request: HttpRequest, payload: SearchIn) -> Any:
    grants, _more = search.case_search(
        actor_membership=_membership(request), query=payload.q, path="api"
    )
    return [search.case_search_summary(g, payload.q) for g in grants]


@router.get(
    "/notifications",
    response=list[dict[str, Any]],
    url_name="cases_notifications",
    summary="Reminders of the acting user",
)
def notifications(request: HttpRequest) -> Any:
    items = reminder_selectors.notifications_for(actor_membership=_membership(request), path="api")
    return [
        {
            k: (str(val) if isinstance(val, date | datetime | UUID) else val)
            for k, val in item.items()
        }
        for item in items
    ]


@router.get(
    "/{case_id}",
    response={200: CaseOut, 404: ErrorOut},
    url_name="cases_detail",
    exclude_unset=True,
    summary="One case, with only what the policy lets you read",
)
def detail(request: HttpRequest, case_id: UUID) -> Any:
    return selectors.case_get(actor_membership=_membership(request), case_id=case_id, path="api")


@router.get(
    "/{case_id}/export",
    response={200: dict[str, Any], 404: ErrorOut},
    url_name="cases_export",
    summary="The case as an export document",
)
def export(request: HttpRequest, case_id: UUID) -> Any:
    data = export_selectors.case_export(
        actor_membership=_membership(request), case_id=case_id, path="api"
    )
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@router.post(
    "/{case_id}/notes",
    response={201: CreatedOut, 400: ErrorOut, 404: ErrorOut},
    url_name="cases_note_add",
    summary="Add a note tagged with one category",
)
def note_add(request: HttpRequest, case_id: UUID, payload: NoteIn) -> Any:
    try:
        note = plan_services.note_add(
            actor_membership=_membership(request),
            case_id=case_id,
            category=payload.category,
            body=payload.body,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, {"id": note.pk})


@router.post(
    "/{case_id}/tasks",
    response={201: CreatedOut, 400: ErrorOut, 404: ErrorOut},
    url_name="cases_task_add",
    summary="Add a task with a due date, tagged with the category it is about",
)
def task_add(request: HttpRequest, case_id: UUID, payload: TaskIn) -> Any:
    try:
        task = plan_services.task_add(
            actor_membership=_membership(request),
            case_id=case_id,
            title=payload.title,
            due_on=payload.due_on,
            category=payload.category,
            assignee_id=payload.assignee_id,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, {"id": task.pk})


def _consent_person(request: HttpRequest, case_id: UUID) -> Any:
    membership = _membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    if not consent_service.consent_may_record(actor_membership=membership, person=person):
        raise NotFound
    return person


def _consent_out(consent: Any) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "recipient_id": consent.recipient_id,
        "categories": consent.categories,
        "purpose": consent.purpose,
        "method": consent.method,
        "recorded_at": consent.recorded_at,
        "expires_at": consent.expires_at,
        "withdrawn_at": consent.withdrawn_at,
        "state": consent_service.consent_state(consent, timezone.now()),
    }


@router.get(
    "/{case_id}/consents",
    response={200: list[ConsentOut], 404: ErrorOut},
    url_name="cases_consents",
    summary="The person's consents (lead organisation)",
)
def consents(request: HttpRequest, case_id: UUID) -> Any:
    person = _consent_person(request, case_id)
    return [_consent_out(c) for c in consent_service.consents_of_person(person=person)]


@router.post(
    "/{case_id}/consents",
    response={201: ConsentOut, 400: ErrorOut, 404: ErrorOut},
    url_name="cases_consent_add",
    summary="Record an express consent",
)
def consent_add(request: HttpRequest, case_id: UUID, payload: ConsentIn) -> Any:
    person = _consent_person(request, case_id)
    recipient = Organisation.objects.filter(pk=payload.recipient_id).first()
    if recipient is None:
        message = _("Choose the organisation that will receive the information.")
        return Status(400, {"detail": message, "errors": [message]})
    try:
        consent = consent_service.consent_record(
            actor_membership=_membership(request),
            person=person,
            recipient=recipient,
            categories=payload.categories,
            purpose=payload.purpose,
            method=payload.method,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _consent_out(consent))


@router.post(
    "/{case_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 404: ErrorOut},
    url_name="cases_consent_withdraw",
    summary="Withdraw a consent, effective at once",
)
def consent_withdraw(request: HttpRequest, case_id: UUID, consent_id: UUID) -> Any:
    person = _consent_person(request, case_id)
    consent = consent_service.consent_withdraw(
        actor_membership=_membership(request), consent_id=consent_id, person=person
    )
    return _consent_out(consent)
