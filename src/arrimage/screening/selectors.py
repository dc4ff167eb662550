"""Reads of screenings, each through the policy (``access.py``) and audited; and the one
function that hands the statistics their anonymised indicator codes."""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import Grant, statistics_grants
from arrimage.privacy.sealing import sealed_open
from arrimage.screening.access import (
    ScreeningGrant,
    case_subject_for_screening,
    is_screening_reader,
    screening_access_record,
    screening_grant,
    screening_grants,
    screening_subject,
)
from arrimage.screening.models import Screening, ScreeningStatus
from arrimage.screening.questions import (
    TOOL,
    Answer,
    Form,
    indicator_codes,
    question_next,
    questions_visible,
    result_of,
)
from arrimage.screening.services import answers_open

LIST_SIZE = 50


def _summary(granted: ScreeningGrant, answers: dict[str, str]) -> dict[str, Any]:
    screening = granted.screening
    result = result_of(screening.form, answers)
    return {
        "id": screening.pk,
        "reference": screening.reference,
        "form": screening.form,
        "form_label": Form(screening.form).label,
        "is_complete": screening.status == ScreeningStatus.COMPLETED,
        "status_label": ScreeningStatus(screening.status).label,
        "case_id": screening.case_id,
        "is_owner": granted.is_owner,
        "organisation": screening.organisation.name,
        "created_at": screening.created_at,
        "updated_at": screening.updated_at,
        "completed_at": screening.completed_at,
        "asked": result.asked,
        "answered": result.answered,
        "indicator_count": len(result.indicators),
    }


def screening_list(
    *, actor: Membership | None, case_id: UUID | str | None = None
) -> list[dict[str, Any]]:
    """The screenings the actor may read: its organisation's most recent ones, or, for one
    case (whose exploitation the actor reads), every screening attached to it that the policy
    lets the actor read."""
    if not is_screening_reader(actor):
        raise NotFound
    assert actor is not None
    queryset = Screening.objects.select_related("organisation").filter(is_anonymised=False)
    if case_id is not None:
        subject = case_subject_for_screening(actor=actor, case_id=case_id)
        queryset = queryset.filter(case_id=subject.id)
    else:
        queryset = queryset.filter(organisation_id=actor.organisation_id)
    granted = screening_grants(actor=actor, screenings=list(queryset[:LIST_SIZE]))
    rows = [_summary(g, answers_open(g)) for g in granted]
    for g in granted:
        screening_access_record(
            actor=actor, screening=g.screening, action="screening_listed", path="list"
        )
    return rows


def screenings_unattached(*, actor: Membership | None) -> list[dict[str, Any]]:
    """The acting organisation's screenings not attached to a case (to attach one). Only
    plain columns: nothing sealed is opened."""
    if not is_screening_reader(actor):
        return []
    assert actor is not None
    queryset = Screening.objects.filter(
        organisation_id=actor.organisation_id, case_id__isnull=True
    ).order_by("-updated_at")[:LIST_SIZE]
    return [
        {
            "id": s.pk,
            "reference": s.reference,
            "form_label": Form(s.form).label,
            "status_label": ScreeningStatus(s.status).label,
            "updated_at": s.updated_at,
        }
        for s in queryset
    ]


def screenings_in_progress(*, actor: Membership | None) -> list[dict[str, Any]]:
    """The acting user's own screenings left halfway, for the home page (plain columns)."""
    if not is_screening_reader(actor):
        return []
    assert actor is not None
    queryset = Screening.objects.filter(
        organisation_id=actor.organisation_id,
        started_by_id=actor.user_id,
        status=ScreeningStatus.IN_PROGRESS,
    ).order_by("-updated_at")[:10]
    return [
        {
            "id": s.pk,
            "reference": s.reference,
            "form_label": Form(s.form).label,
            "updated_at": s.updated_at,
        }
        for s in queryset
    ]


def screening_get(
    *, actor: Membership | None, screening_id: UUID | str, path: str
) -> dict[str, Any]:
    """One screening with its answers, the questions asked so far and its result."""
    granted = screening_grant(actor=actor, screening_id=screening_id)
    assert actor is not None
    screening = granted.screening
    answers = answers_open(granted)
    visible = questions_visible(screening.form, answers)
    view = _summary(granted, answers)
    view["answers"] = [
        {
            "code": q.code,
            "text": str(q.text),
            "answer": answers.get(q.code),
            "answer_label": Answer(answers[q.code]).label if q.code in answers else None,
        }
        for q in visible
    ]
    view["next_question"] = question_next(screening.form, answers)
    view["values"] = answers
    view["result"] = result_of(screening.form, answers)
    screening_access_record(actor=actor, screening=screening, action="screening_read", path=path)
    return view


@dataclass(frozen=True)
class PersonIndicators:
    """What one person contributes to the statistics: the organisation that screened them,
    the month of the latest completed screening, and each indicator code at most once. No
    person id, no answer."""

    organisation_id: UUID
    month: str  # "2026-11"
    codes: frozenset[str]


def screening_indicators_for_statistics(*, at: datetime) -> Iterator[PersonIndicators]:
    """The anonymised indicator codes the trends may count: completed screenings attached to
    a person whose live consent for statistics covers exploitation. Bounded per person: one
    record per person (the union of their screenings' codes, at the latest completion), so a
    person screened three times counts once. Screenings not attached to a case belong to no
    consenting person and count nowhere."""
    screenings = list(
        Screening.objects.select_related("organisation")
        .filter(~Q(person_id=None), status=ScreeningStatus.COMPLETED)
        .order_by("person_id", "completed_at")
    )
    grants = statistics_grants(subjects=[screening_subject(s) for s in screenings], at=at)
    codes: dict[UUID, set[str]] = defaultdict(set)
    latest: dict[UUID, Screening] = {}
    for screening, grant in zip(screenings, grants, strict=True):
        if not grant.may(Category.EXPLOITATION):
            continue
        assert screening.person_id is not None
        codes[screening.person_id].update(_statistics_codes(grant=grant, screening=screening))
        latest[screening.person_id] = screening
    for person_id, screening in latest.items():
        completed = screening.completed_at or screening.updated_at
        yield PersonIndicators(
            organisation_id=screening.organisation_id,
            month=completed.strftime("%Y-%m"),
            codes=frozenset(c for c in codes[person_id] if c in TOOL.indicators),
        )


def screening_indicators_of_persons(
    *, person_ids: Iterable[UUID], at: datetime
) -> dict[UUID, frozenset[str]]:
    """For the statistics projection (``trends.codes``): each of these persons' indicator
    codes, the union over their completed screenings, opened with the statistics grants the
    kernel issues (the person's live consents for statistics must cover exploitation). A
    person left out has no completed screening that may be counted. Anonymised screenings
    count by the codes they keep."""
    screenings = list(
        Screening.objects.select_related("organisation")
        .filter(person_id__in=list(person_ids), status=ScreeningStatus.COMPLETED)
        .order_by("person_id", "completed_at", "id")
    )
    grants = statistics_grants(subjects=[screening_subject(s) for s in screenings], at=at)
    codes: dict[UUID, set[str]] = {}
    for screening, grant in zip(screenings, grants, strict=True):
        if not grant.may(Category.EXPLOITATION):
            continue
        assert screening.person_id is not None
        codes.setdefault(screening.person_id, set()).update(
            _statistics_codes(grant=grant, screening=screening)
        )
    return {person: frozenset(found) for person, found in codes.items()}


def _statistics_codes(*, grant: Grant, screening: Screening) -> list[str]:
    if screening.is_anonymised:
        if not screening.indicators_sealed:
            return []
        kept = sealed_open(grant=grant, instance=screening, field="indicators_sealed")
        return [c for c in json.loads(kept) if c in TOOL.indicators]
    if not screening.answers_sealed:
        return []
    answers = sealed_open(grant=grant, instance=screening, field="answers_sealed")
    return indicator_codes(screening.form, dict(json.loads(answers)))


def screenings_export(*, actor: Membership | None, person_id: UUID | str) -> list[dict[str, Any]]:
    """Law 25 portability: the screenings attached to the person's cases that the actor reads
    (through the policy), in words: each question asked with its answer, the indicators
    present and the suggested next steps. Audited."""
    if not is_screening_reader(actor):
        return []
    assert actor is not None
    try:
        person_uuid = UUID(str(person_id))
    except ValueError as error:
        raise NotFound from error
    screenings = list(
        Screening.objects.select_related("organisation")
        .filter(person_id=person_uuid, is_anonymised=False)
        .order_by("created_at", "id")
    )
    exported = []
    for granted in screening_grants(actor=actor, screenings=screenings):
        screening = granted.screening
        answers = answers_open(granted)
        result = result_of(screening.form, answers)
        exported.append(
            {
                "reference": screening.reference,
                "organisation": screening.organisation.name,
                "form": str(Form(screening.form).label),
                "status": str(ScreeningStatus(screening.status).label),
                "created_at": screening.created_at,
                "completed_at": screening.completed_at,
                "answers": [
                    {"question": str(q.text), "answer": str(Answer(answers[q.code]).label)}
                    for q in questions_visible(screening.form, answers)
                    if q.code in answers
                ],
                "indicators": [str(i.label) for i in result.indicators],
                "next_steps": [str(s.text) for s in result.steps],
            }
        )
        screening_access_record(
            actor=actor, screening=screening, action="screening_exported", path="export"
        )
    return exported
