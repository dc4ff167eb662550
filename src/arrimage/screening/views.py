"""Pages of the screening tool. Thin: each calls a selector or a service with
``request.membership``; anything the actor may not reach answers 404."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.screening import selectors, services
from arrimage.screening.access import case_subject_for_screening, is_screening_reader
from arrimage.screening.questions import TOOL, Answer, Form, question_get, questions_left


def _membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


def _case_param(request: HttpRequest) -> UUID | None:
    raw = request.POST.get("dossier") or request.GET.get("dossier")
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError as error:
        raise NotFound from error


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    case_id = _case_param(request)
    rows = selectors.screening_list(actor=membership, case_id=case_id)
    return render(
        request,
        "screening/list.html",
        {
            "screenings": rows,
            "case_id": case_id,
            "unattached": selectors.screenings_unattached(actor=membership) if case_id else [],
            "forms": Form.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def start_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if not is_screening_reader(membership):
        raise NotFound
    case_id = _case_param(request)
    if case_id is not None:
        case_subject_for_screening(actor=membership, case_id=case_id)
    if request.method == "POST":
        try:
            screening = services.screening_start(
                actor=membership, form=request.POST.get("form", ""), case_id=case_id
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            return redirect("screening:question", screening_id=screening.pk)
    short_low, short_high = questions_left(Form.SHORT, {})
    long_low, long_high = questions_left(Form.LONG, {})
    return render(
        request,
        "screening/start.html",
        {
            "case_id": case_id,
            "short_low": short_low,
            "short_high": short_high,
            "long_low": long_low,
            "long_high": long_high,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def question_view(request: HttpRequest, screening_id: UUID) -> HttpResponse:
    """One question at a time. Each answer is saved at once: leaving the page keeps what was
    answered, and coming back asks the next question."""
    membership = _membership(request)
    status = 200
    missing = ""
    posted = ""
    if request.method == "POST":
        posted = request.POST.get("question", "")
        # Skipping records "prefers not to answer": the question was asked and not answered, so
        # the next one comes and the counter moves on; a skipped gate opens nothing.
        answer = Answer.DECLINED if "skip" in request.POST else request.POST.get("answer", "")
        if not answer:
            missing = _("Choose an answer, or skip the question.")
            status = 400
        else:
            try:
                services.screening_answer(
                    actor=membership, screening_id=screening_id, question=posted, answer=answer
                )
            except ValidationError as error:
                _errors(request, error)
                status = 400
            else:
                return redirect("screening:question", screening_id=screening_id)
    view = selectors.screening_get(actor=membership, screening_id=screening_id, path="page")
    if not view["is_owner"]:
        return redirect("screening:result", screening_id=screening_id)
    visible = [row["code"] for row in view["answers"]]
    asked = request.GET.get("question")
    if missing and posted in visible:
        asked = posted  # the same question again, with the message
    question = question_get(view["form"], asked) if asked else view["next_question"]
    if question is None or question.code not in visible:
        if asked:
            raise NotFound
        return redirect("screening:result", screening_id=screening_id)
    left_low, left_high = questions_left(view["form"], view["values"], current=question.code)
    return render(
        request,
        "screening/question.html",
        {
            "screening": view,
            "question": question,
            "question_text": str(question.text),
            "number": visible.index(question.code) + 1,
            "left_low": left_low,
            "left_high": left_high,
            "current": view["values"].get(question.code, ""),
            "answer_choices": Answer.choices,
            "missing": missing,
        },
        status=status,
    )


@require_GET
def result_view(request: HttpRequest, screening_id: UUID) -> HttpResponse:
    membership = _membership(request)
    view = selectors.screening_get(actor=membership, screening_id=screening_id, path="result")
    result = view["result"]
    return render(
        request,
        "screening/result.html",
        {
            "screening": view,
            "result": result,
            "sources": TOOL.sources,
            "indicator_sources": [
                (indicator, TOOL.sources[indicator.source]) for indicator in result.indicators
            ],
        },
    )


@require_POST
def attach_view(request: HttpRequest, screening_id: UUID) -> HttpResponse:
    membership = _membership(request)
    case_id = _case_param(request)
    if case_id is None:
        raise NotFound
    try:
        services.screening_attach(actor=membership, screening_id=screening_id, case_id=case_id)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The screening is attached to the case."))
    return redirect(reverse("screening:list") + f"?dossier={case_id}")
