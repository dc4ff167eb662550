"""The retention anonymiser of cases: the bridge between the schedule
(:mod:`arrimage.law25.retention`) and what erases each part of a case:
:func:`arrimage.cases.anonymisation.case_anonymise`,
:func:`arrimage.orientation.referral_expiry.referral_notes_erase` (the free text of the case's
referrals), :func:`arrimage.conferences.services.conference_notes_erase` (what case
conferences wrote about them) and
:func:`arrimage.screening.retention.screenings_of_persons_anonymise` (the answers of the
screenings attached to the person).

A person is anonymised once every one of their cases is closed and was closed before the
retention time of the organisation that recorded them: a person with an open case, or a case
closed recently, keeps their identity for that case. Registered in ``law25/tasks.py``.
"""

from datetime import datetime
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from arrimage.cases import vocabularies as v
from arrimage.cases.anonymisation import case_anonymise
from arrimage.cases.models import Case, Person
from arrimage.conferences.services import conference_notes_erase
from arrimage.orientation.referral_expiry import referral_notes_erase
from arrimage.screening.retention import screenings_of_persons_anonymise


def _persons_due(*, organisation_id: UUID, closed_before: datetime) -> QuerySet[Person]:
    closed = [v.CaseStatus.CLOSED, v.CaseStatus.CLOSED_REFERRED]
    still_kept = Case.objects.filter(person=OuterRef("pk")).filter(
        ~Q(status__in=closed) | Q(closed_at__isnull=True) | Q(closed_at__gte=closed_before)
    )
    has_case = Case.objects.filter(person=OuterRef("pk"))
    return (
        Person.objects.filter(organisation_id=organisation_id, is_anonymised=False)
        .filter(Exists(has_case))
        .exclude(Exists(still_kept))
    )


def case_retention_count(*, organisation_id: UUID, closed_before: datetime) -> int:
    """How many cases :func:`case_retention_anonymise` would anonymise now (the dry run)."""
    persons = _persons_due(organisation_id=organisation_id, closed_before=closed_before)
    return Case.objects.filter(person__in=persons.values("pk")).count()


def case_retention_anonymise(
    *, organisation_id: UUID, closed_before: datetime, limit: int
) -> list[UUID]:
    """Anonymise the cases of at most ``limit`` persons of this organisation whose cases are
    all closed before ``closed_before``; return the ids of the cases anonymised."""
    persons = list(
        _persons_due(organisation_id=organisation_id, closed_before=closed_before)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    anonymised: list[UUID] = []
    for case in Case.objects.filter(person_id__in=persons).order_by("person_id", "opened_at"):
        case_anonymise(case=case)
        anonymised.append(case.pk)
    referral_notes_erase(case_ids=anonymised)
    conference_notes_erase(case_ids=anonymised)
    screenings_of_persons_anonymise(person_ids=persons)
    return anonymised
