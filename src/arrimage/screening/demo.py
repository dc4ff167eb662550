"""Demonstration screenings: on some cases of the demonstration caseworker's organisation,
through the services (sealed and audited like real ones). Deterministic: the same answers
every time. The demo command hands in the cases (screening imports nothing from cases)."""

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction

from arrimage.accounts.models import Membership
from arrimage.screening.questions import question_next
from arrimage.screening.services import screening_answer, screening_start

DEMO_WORKER = "intervenante@arrimage.example"

# For each case, in order: the form, the answers, and whether the rest is answered "no".
LABOUR = {
    "safe_now": "no",
    "has_worked": "yes",
    "work_different": "yes",
    "pay_kept": "yes",
    "long_hours": "yes",
    "owe_money": "yes",
    "papers_kept": "yes",
    "come_and_go": "unknown",
    "cut_off": "declined",
}
SEXUAL = {
    "safe_now": "yes",
    "has_worked": "no",
    "owe_money": "yes",
    "threatened": "yes",
    "sex_exchange": "yes",
    "sex_decided_by_other": "yes",
    "sex_money_given": "yes",
}
HALFWAY = {"safe_now": "no", "has_worked": "yes", "work_different": "unknown"}
SCREENINGS: tuple[tuple[str, dict[str, str], bool], ...] = (
    ("short", LABOUR, True),
    ("short", SEXUAL, True),
    ("long", HALFWAY, False),
)


def demo_worker() -> Membership | None:
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(user__email=DEMO_WORKER, organisation__type="community")
        .first()
    )


@transaction.atomic
def demo_screenings_build(*, actor: Membership, case_ids: Sequence[UUID]) -> int:
    """One screening on each of the first cases given (finished, finished, halfway), and one
    started at the door, before any case. Returns how many were created."""
    created = 0
    for case_id, (form, answers, finish) in zip(case_ids, SCREENINGS, strict=False):
        screening = screening_start(actor=actor, form=form, case_id=case_id)
        given = dict(answers)
        for question, answer in answers.items():
            screening_answer(
                actor=actor, screening_id=screening.pk, question=question, answer=answer
            )
        while finish and (following := question_next(form, given)) is not None:
            screening_answer(
                actor=actor, screening_id=screening.pk, question=following.code, answer="no"
            )
            given[following.code] = "no"
        created += 1
    door = screening_start(actor=actor, form="short")
    for question, answer in (("safe_now", "yes"), ("has_worked", "declined")):
        screening_answer(actor=actor, screening_id=door.pk, question=question, answer=answer)
    return created + 1
