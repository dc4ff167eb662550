"""Screenings under the retention schedule (Law 25). Called by ``law25`` (the schedule and
its dry run), never by a page.

- A screening attached to a person who is anonymised is anonymised too, in the same
  transaction as the person's cases: its answers are erased, the user who did it is
  forgotten, and only its indicator codes are kept, sealed like the answers, for the
  statistics (as the case keeps its exploitation types). A screening left halfway is erased.
  Anonymised screenings are shown to nobody: no page, API answer or export lists them.
- A screening never attached to a case belongs to no known person and counts in no
  statistics: once it was last changed longer ago than its organisation's retention time, it
  is deleted.
"""

import json
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from arrimage.core.audit import audit_record
from arrimage.privacy.grants import anonymisation_grant
from arrimage.privacy.sealing import sealed_write
from arrimage.screening.access import ScreeningGrant, screening_subject
from arrimage.screening.models import Screening, ScreeningStatus
from arrimage.screening.questions import indicator_codes
from arrimage.screening.services import answers_open


def screenings_of_persons_anonymise(*, person_ids: Iterable[UUID]) -> list[UUID]:
    """Anonymise the screenings attached to these (anonymised) persons; return their ids
    (those left halfway are deleted and returned too)."""
    done: list[UUID] = []
    with transaction.atomic():
        screenings = list(
            Screening.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(person_id__in=list(person_ids), is_anonymised=False)
            .order_by("id")
        )
        for screening in screenings:
            done.append(screening.pk)
            audit_record(
                action="screening_anonymised",
                organisation_id=screening.organisation_id,
                target_type="screening",
                target_id=str(screening.pk),
                details={"erased": screening.status != ScreeningStatus.COMPLETED},
            )
            if screening.status != ScreeningStatus.COMPLETED:
                screening.delete()
                continue
            grant = anonymisation_grant(subject=screening_subject(screening))
            answers = answers_open(ScreeningGrant(screening, grant))
            codes = indicator_codes(screening.form, answers)
            screening.indicators_sealed = sealed_write(
                instance=screening, field="indicators_sealed", plaintext=json.dumps(codes)
            )
            screening.answers_sealed = None
            screening.started_by = None
            screening.is_anonymised = True
            # A change of the person's screenings: the statistics refresh reads them again.
            screening.updated_at = timezone.now()
            screening.save(
                update_fields=[
                    "indicators_sealed",
                    "answers_sealed",
                    "started_by",
                    "is_anonymised",
                    "updated_at",
                ]
            )
    return done


def screenings_unattached_due(*, organisation_id: UUID, changed_before: datetime) -> int:
    """How many of the organisation's unattached screenings the schedule would delete now."""
    return Screening.objects.filter(
        organisation_id=organisation_id, case_id__isnull=True, updated_at__lt=changed_before
    ).count()


def screenings_unattached_purge(
    *, organisation_id: UUID, changed_before: datetime, limit: int
) -> list[UUID]:
    """Delete at most ``limit`` of the organisation's screenings never attached to a case and
    last changed before ``changed_before``; return their ids."""
    with transaction.atomic():
        ids = list(
            Screening.objects.select_for_update()
            .filter(
                organisation_id=organisation_id,
                case_id__isnull=True,
                updated_at__lt=changed_before,
            )
            .order_by("updated_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        Screening.objects.filter(pk__in=ids).delete()
    return ids
