"""The JSON API of screenings (``/api/screenings/``): the same selectors and services as the
pages, so the same policy. Start a screening, answer one question at a time (each answer is
saved at once), read it back with the next question to resume, attach it to a case. A
screening the reader may not read answers 404, like a missing one; police, border enforcement
and prosecution reach none. There is no verdict in any answer: indicators and next steps
only."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from arrimage.core import text
from arrimage.core.schemas import ErrorOut, ValidationErrorOut
from arrimage.core.text import Text
from arrimage.screening import selectors, services
from arrimage.screening.questions import questions_left

router = Router(tags=["screenings"])


class ScreeningSummaryOut(Schema):
    id: UUID
    reference: str
    form: str
    is_complete: bool
    case_id: UUID | None = None
    is_owner: bool
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    asked: int
    answered: int
    indicator_count: int


class ScreeningAnswerOut(Schema):
    question: str
    text: str
    answer: str | None = None


class ScreeningIndicatorOut(Schema):
    code: str
    label: str
    source: str


class ScreeningStepOut(Schema):
    code: str
    text: str
    needs: list[str]


class ScreeningNextOut(Schema):
    question: str = Field(description="The code to send with the answer")
    text: str
    number: int = Field(description="Its number among the questions asked")
    left_at_least: int = Field(description="Questions still to come after it, at least")
    left_at_most: int = Field(
        description="Questions still to come after it, at most: a yes to a gate asks more"
    )


class ScreeningOut(ScreeningSummaryOut):
    answers: list[ScreeningAnswerOut]
    indicators: list[ScreeningIndicatorOut]
    next_steps: list[ScreeningStepOut]
    needs: list[str]
    next_question: ScreeningNextOut | None = Field(
        None, description="The question to ask now (null once every question has an answer)"
    )


class ScreeningStartIn(Schema):
    form: Literal["short", "long"]
    case_id: UUID | None = Field(
        None, description="A case whose exploitation you may write; without it, attach later"
    )


class ScreeningAnswerIn(Schema):
    question: Annotated[str, Text(text.CODE)] = Field(description="The code of a question asked")
    answer: Literal["yes", "no", "unknown", "declined"]


class ScreeningAttachIn(Schema):
    case_id: UUID


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


@router.get(
    "/",
    response={200: list[ScreeningSummaryOut], 404: ErrorOut},
    url_name="screening_list",
    summary="The screenings the acting organisation may read (of one case with case_id)",
)
def screening_list(request: HttpRequest, case_id: UUID | None = None) -> Any:
    return selectors.screening_list(actor=_membership(request), case_id=case_id)


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    fields = [
        {"field": field, "message": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    messages = [item["message"] for item in fields]
    return Status(422, {"detail": messages[0], "errors": messages, "fields": fields})


def _detail(request: HttpRequest, screening_id: UUID) -> dict[str, Any]:
    view = selectors.screening_get(
        actor=_membership(request), screening_id=screening_id, path="api"
    )
    result = view["result"]
    upcoming = view["next_question"]
    next_question = None
    if upcoming is not None and view["is_owner"]:
        asked = [row["code"] for row in view["answers"]]
        low, high = questions_left(view["form"], view["values"], current=upcoming.code)
        next_question = {
            "question": upcoming.code,
            "text": str(upcoming.text),
            "number": asked.index(upcoming.code) + 1,
            "left_at_least": low,
            "left_at_most": high,
        }
    return {
        **view,
        "answers": [
            {"question": row["code"], "text": row["text"], "answer": row["answer"]}
            for row in view["answers"]
        ],
        "indicators": [
            {"code": i.code, "label": str(i.label), "source": i.source} for i in result.indicators
        ],
        "next_steps": [
            {"code": s.code, "text": str(s.text), "needs": list(s.needs)} for s in result.steps
        ],
        "needs": result.needs,
        "next_question": next_question,
    }


@router.post(
    "/",
    response={201: ScreeningOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="screening_start",
    summary="Start a screening, of a case or of nobody yet",
)
def screening_start(request: HttpRequest, body: ScreeningStartIn) -> Any:
    """A new, empty screening of the acting organisation; ``next_question`` is the first
    question. With ``case_id``: attached at once (404 for a case you may not write)."""
    try:
        screening = services.screening_start(
            actor=_membership(request), form=body.form, case_id=body.case_id
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _detail(request, screening.pk))


@router.post(
    "/{screening_id}/answers",
    response={200: ScreeningOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="screening_answer",
    summary="Answer one question (or change an answer); saved at once",
)
def screening_answer(request: HttpRequest, screening_id: UUID, body: ScreeningAnswerIn) -> Any:
    """Record one answer of a screening of your organisation. A screening stopped halfway
    resumes from ``next_question`` (``GET /{screening_id}``). A changed answer that stops
    asking a question erases that question's answer. 422 for a question that is not asked
    in this screening (given the answers so far)."""
    try:
        services.screening_answer(
            actor=_membership(request),
            screening_id=screening_id,
            question=body.question,
            answer=body.answer,
        )
    except ValidationError as error:
        return _invalid(error)
    return _detail(request, screening_id)


@router.post(
    "/{screening_id}/attach",
    response={200: ScreeningOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="screening_attach",
    summary="Attach a screening done before the case to the case",
)
def screening_attach(request: HttpRequest, screening_id: UUID, body: ScreeningAttachIn) -> Any:
    """Attach a screening of your organisation, not yet attached, to a case whose
    exploitation you may write (404 otherwise); 422 if it is already attached."""
    try:
        services.screening_attach(
            actor=_membership(request), screening_id=screening_id, case_id=body.case_id
        )
    except ValidationError as error:
        return _invalid(error)
    return _detail(request, screening_id)


@router.get(
    "/{screening_id}",
    response={200: ScreeningOut, 404: ErrorOut},
    url_name="screening_detail",
    summary="One screening: its answers, the indicators present and suggested next steps",
)
def screening_detail(request: HttpRequest, screening_id: UUID) -> Any:
    """Its answers, the indicators present, suggested next steps and, for a screening of
    your organisation not finished, the question to ask now (to resume)."""
    return _detail(request, screening_id)
