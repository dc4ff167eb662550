"""The indicator codes screening hands to the statistics: consented, bounded per person,
anonymised. Whatever is derived from screening answers is exploitation data, so the consent
that counts is a statistics consent covering exploitation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.privacy.models import ConsentRecord
from arrimage.screening import services
from arrimage.screening.questions import question_next
from arrimage.screening.selectors import screening_indicators_for_statistics
from tests.screening.conftest import ANSWERS, case_open, membership, screening_answer_all

pytestmark = pytest.mark.django_db


def _complete(actor, screening, answers):
    answers = dict(answers)
    screening_answer_all(actor, screening, answers)
    while (question := question_next(screening.form, answers)) is not None:
        services.screening_answer(
            actor=actor, screening_id=screening.pk, question=question.code, answer="no"
        )
        answers[question.code] = "no"


def _statistics_consent(case, categories, *, withdrawn=False):
    now = timezone.now()
    return ConsentRecord.objects.create(
        person=case.person,
        organisation=case.lead_organisation,
        recipient=case.lead_organisation,
        categories=categories,
        purpose="statistics",
        method="verbal",
        recorded_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=300),
        withdrawn_at=now - timedelta(minutes=1) if withdrawn else None,
    )


def test_only_consented_completed_attached_screenings_count_once_per_person(sworld):
    actor = membership(sworld.a)
    at = timezone.now() + timedelta(minutes=1)
    # Nothing is consented yet: the fixture's screenings (attached, loose) count nowhere.
    assert list(screening_indicators_for_statistics(at=at)) == []

    case = sworld.case_a
    _complete(actor, sworld.attached_a, ANSWERS)
    second = services.screening_start(actor=actor, form="short", case_id=case.pk)
    _complete(actor, second, {"safe_now": "yes", "has_worked": "no", "papers_kept": "yes"})
    # A statistics consent that leaves exploitation out opens nothing.
    consent = _statistics_consent(case, ["identity"])
    assert list(screening_indicators_for_statistics(at=at)) == []
    consent.categories = ["identity", "exploitation"]
    consent.save()

    # Another person of A, consented, with a screening left halfway: not counted.
    other = case_open(sworld.a, "Personne A3")
    _statistics_consent(other, ["exploitation"])
    halfway = services.screening_start(actor=actor, form="short", case_id=other.pk)
    screening_answer_all(actor, halfway, {"safe_now": "yes"})
    # A third, consented but withdrawn: not counted.
    third = case_open(sworld.a, "Personne A4")
    _statistics_consent(third, ["exploitation"], withdrawn=True)
    done = services.screening_start(actor=actor, form="short", case_id=third.pk)
    _complete(actor, done, ANSWERS)

    (record,) = list(screening_indicators_for_statistics(at=at))
    assert record.organisation_id == sworld.a.organisation.pk
    # The union of both screenings of the person, each code once.
    assert record.codes == {"ilo_deception", "ilo_wages", "ilo_documents", "current_danger"}
    assert not hasattr(record, "person_id")
    assert record.month == timezone.now().strftime("%Y-%m")
