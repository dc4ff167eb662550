"""The JSON API of screenings (``/api/screenings/``): the same selectors as the pages, so the
same policy. A screening the reader may not read answers 404, like a missing one; police,
border enforcement and prosecution reach none. There is no verdict in any answer: indicators
and next steps only."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from arrimage.core.schemas import ErrorOut
from arrimage.screening import selectors

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


class ScreeningOut(ScreeningSummaryOut):
    answers: list[ScreeningAnswerOut]
    indicators: list[ScreeningIndicatorOut]
    next_steps: list[ScreeningStepOut]
    needs: list[str]


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


@router.get(
    "/{screening_id}",
    response={200: ScreeningOut, 404: ErrorOut},
    url_name="screening_detail",
    summary="One screening: its answers, the indicators present and suggested next steps",
)
def screening_detail(request: HttpRequest, screening_id: UUID) -> Any:
    view = selectors.screening_get(
        actor=_membership(request), screening_id=screening_id, path="api"
    )
    result = view["result"]
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
    }
