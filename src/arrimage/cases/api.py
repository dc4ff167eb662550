"""The JSON API of cases (``/api/cases/``). Every answer passes the policy of the acting
organisation; fields the reader may not read are absent, and a case the reader may not see at
all answers 404, like a missing one. The schemas are in ``api_schemas.py``; the person's
consents have their own router (``consent_api.py``) under the same prefix."""

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from ninja import Router, Status

from arrimage.cases import (
    export_selectors,
    plan_services,
    reminder_selectors,
    search,
    selectors,
    services,
    worklist_selectors,
)
from arrimage.cases.api_schemas import (
    CaseCreateIn,
    CaseOut,
    CaseSummaryOut,
    CreatedOut,
    NoteIn,
    SearchIn,
    TaskIn,
    WorklistOut,
)
from arrimage.core.paging import page_number
from arrimage.core.schemas import ErrorOut

router = Router(tags=["cases"])


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
