"""Writes of screenings: start, answer one question (each answer is saved at once, so a
screening stopped halfway resumes where it stopped), attach to a case. Each checks the actor,
validates, saves and audits."""

import json
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.privacy.sealing import sealed_open, sealed_write
from arrimage.screening.access import (
    ScreeningGrant,
    case_subject_for_screening,
    is_screening_reader,
    screening_access_record,
    screening_grant,
)
from arrimage.screening.models import Screening, ScreeningStatus
from arrimage.screening.questions import (
    Answer,
    Form,
    question_get,
    question_next,
    questions_visible,
)


def answers_open(granted: ScreeningGrant) -> dict[str, str]:
    """The answers of a screening, opened with its grant."""
    screening = granted.screening
    if not screening.answers_sealed:
        return {}
    plaintext = sealed_open(grant=granted.grant, instance=screening, field="answers_sealed")
    return dict(json.loads(plaintext))


def _answers_seal(screening: Screening, answers: dict[str, str]) -> None:
    screening.answers_sealed = sealed_write(
        instance=screening,
        field="answers_sealed",
        plaintext=json.dumps(answers, sort_keys=True),
    )


def screening_start(
    *, actor: Membership | None, form: str, case_id: UUID | str | None = None
) -> Screening:
    """A new, empty screening of the acting organisation, attached to ``case_id`` if given
    (a case whose exploitation the actor may write)."""
    if not is_screening_reader(actor):
        raise NotFound
    assert actor is not None
    if form not in Form.values:
        raise ValidationError({"form": _("Choose the short or the long form.")})
    with transaction.atomic():
        subject = case_subject_for_screening(actor=actor, case_id=case_id) if case_id else None
        now = timezone.now()
        screening = Screening(
            organisation_id=actor.organisation_id,
            started_by_id=actor.user_id,
            form=form,
            case_id=subject.id if subject else None,
            person_id=subject.person_id if subject else None,
            created_at=now,
            updated_at=now,
        )
        _answers_seal(screening, {})
        screening.save()
        screening_access_record(
            actor=actor, screening=screening, action="screening_started", path="service"
        )
    return screening


def screening_answer(
    *, actor: Membership | None, screening_id: UUID | str, question: str, answer: str
) -> Screening:
    """Record one answer (or change it). Answers to questions that a changed answer no longer
    asks are erased: nothing is kept that the person was not asked."""
    with transaction.atomic():
        granted = screening_grant(
            actor=actor, screening_id=screening_id, owner=True, for_update=True
        )
        assert actor is not None
        screening = granted.screening
        answers = answers_open(granted)
        asked = question_get(screening.form, question)
        if asked is None or asked not in questions_visible(screening.form, answers):
            raise ValidationError({"question": _("This question is not part of this screening.")})
        if answer not in Answer.values:
            raise ValidationError({"answer": _("Choose one of the four answers.")})
        answers[question] = answer
        visible = {q.code for q in questions_visible(screening.form, answers)}
        answers = {code: value for code, value in answers.items() if code in visible}
        _answers_seal(screening, answers)
        now = timezone.now()
        done = question_next(screening.form, answers) is None
        screening.status = ScreeningStatus.COMPLETED if done else ScreeningStatus.IN_PROGRESS
        if done and screening.completed_at is None:
            screening.completed_at = now
        if not done:
            screening.completed_at = None
        screening.updated_at = now
        screening.save(update_fields=["answers_sealed", "status", "completed_at", "updated_at"])
        screening_access_record(
            actor=actor, screening=screening, action="screening_answered", path="service"
        )
    return screening


def screening_attach(
    *, actor: Membership | None, screening_id: UUID | str, case_id: UUID | str
) -> Screening:
    """Attach a screening of the acting organisation, not yet attached, to a case whose
    exploitation the actor may write."""
    with transaction.atomic():
        granted = screening_grant(
            actor=actor, screening_id=screening_id, owner=True, for_update=True
        )
        assert actor is not None
        screening = granted.screening
        subject = case_subject_for_screening(actor=actor, case_id=case_id)
        if screening.case_id is not None:
            raise ValidationError({"case": _("This screening is already attached to a case.")})
        screening.case_id = subject.id
        screening.person_id = subject.person_id
        screening.updated_at = timezone.now()
        screening.save(update_fields=["case_id", "person_id", "updated_at"])
        screening_access_record(
            actor=actor, screening=screening, action="screening_attached", path="service"
        )
    return screening
