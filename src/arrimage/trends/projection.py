"""The statistics projection, built and kept up to date by the worker under the policy.

All in the worker (``trends/tasks.py`` every 15 minutes, and at the start of every release,
itself a background task), never in a web request:

1. :func:`statistics_records_refresh` finds the cases to read again: the first time for an
   organisation, all of them; after that, only new or changed cases (``updated_at``, read as
   an index range), the cases of persons whose consents for the purpose statistics were given,
   withdrawn or ran out since the last refresh, and the cases whose GBVIMS answer changed.
2. For each, the kernel issues a statistics grant (the categories the person's live consents
   cover) *before* anything is decrypted; :func:`arrimage.trends.codes.cases_codes` opens only
   what the grant covers. A counted case (live consent, the person's first case, not reported
   by another member) keeps its codes sealed under the statistics key in its
   ``StatisticsRecord`` and adds them to its organisation's ``StatisticsTally`` for the year;
   its old codes, if any, are opened and taken out first. A case that is not counted keeps no
   codes. Only the tallies of the cases read are opened and changed: a refresh costs what
   changed, not what is stored. Every refresh that read cases is audited.

Sealing the codes and the tallies, and reading the counts, is in ``sources.py``.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from arrimage.cases.access import case_subject
from arrimage.cases.models import Case
from arrimage.core.audit import audit_record
from arrimage.privacy.categories import Purpose
from arrimage.privacy.grants import statistics_grants
from arrimage.privacy.models import ConsentRecord
from arrimage.screening.models import Screening
from arrimage.trends.codes import cases_codes
from arrimage.trends.models import ProjectionState, StatisticsRecord, StatisticsTally
from arrimage.trends.sources import codes_open, codes_seal, tallies_apply, tally_rebuild
from arrimage.trends.tallies import Tally

REFRESH_BATCH = 2000


def _stale_cases(organisation_ids: Iterable[UUID]) -> list[UUID]:
    """Cases with no projection, or changed since it was written (a full check)."""
    fresh = StatisticsRecord.objects.filter(
        case_id=OuterRef("pk"), source_updated_at__gte=OuterRef("updated_at")
    )
    return list(
        Case.objects.filter(lead_organisation_id__in=list(organisation_ids))
        .filter(~Exists(fresh))
        .order_by()
        .values_list("pk", flat=True)
    )


def _changed_since(known: list[UUID], since: datetime, started: datetime) -> list[UUID]:
    """Cases of organisations refreshed before that changed since, whose GBVIMS answer
    changed, or whose person's consents for statistics were given, withdrawn or ran out."""
    # The watermark: the cases' worklist index (organisation, urgency, updated_at) is read as
    # a range of updated_at for each organisation and urgency, not scanned whole: naming both
    # urgencies lets the database use the index's third column (SQLite and PostgreSQL).
    changed = list(
        Case.objects.filter(
            lead_organisation_id__in=known, is_urgent__in=(True, False), updated_at__gte=since
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    changed += StatisticsRecord.objects.filter(
        organisation_id__in=known, source_updated_at__isnull=True
    ).values_list("case_id", flat=True)
    # A screening started, answered, attached or anonymised changes its person's codes.
    persons: set[UUID] = {
        person
        for person in Screening.objects.filter(updated_at__gte=since, person_id__isnull=False)
        .order_by()
        .values_list("person_id", flat=True)
        if person is not None
    }
    # One query per kind of change, each read through its own index (an OR of the three
    # would scan every consent). An expiry narrows what the person's other consents cover.
    for change in (
        Q(recorded_at__gte=since),
        Q(withdrawn_at__gte=since),
        Q(expires_at__gte=since, expires_at__lte=started),
    ):
        persons |= set(
            ConsentRecord.objects.filter(change, purpose=Purpose.STATISTICS)
            .filter(organisation_id__in=known)
            .order_by()
            .values_list("person_id", flat=True)
        )
    if persons:
        changed += Case.objects.filter(
            lead_organisation_id__in=known, person_id__in=persons
        ).values_list("pk", flat=True)
    return changed


def statistics_records_refresh(*, organisation_ids: Iterable[UUID]) -> int:
    """Bring the projection of these organisations' cases and consents up to date, in the
    worker. Returns how many cases were read again.

    The first time for an organisation, every case is read. After that, only what changed
    since the last refresh began (the case services touch ``updated_at`` on every write, and
    the consent services stamp ``recorded_at`` and ``withdrawn_at`` with the time of the act;
    an expiry is found by its date)."""
    started = timezone.now()
    ids = list(organisation_ids)
    states = {
        str(organisation): synced
        for organisation, synced in ProjectionState.objects.filter(
            organisation_id__in=ids
        ).values_list("organisation_id", "synced_at")
    }
    known = [i for i in ids if str(i) in states]
    first_time = [i for i in ids if str(i) not in states]
    stale = _stale_cases(first_time) if first_time else []
    if known:
        since = min(states[str(i)] for i in known)
        stale += _changed_since(known, since, started)
    todo = list(dict.fromkeys(stale))
    done: set[UUID] = set()
    while todo:
        batch, todo = todo[:REFRESH_BATCH], todo[REFRESH_BATCH:]
        flipped = _batch_project(batch, started=started)
        done.update(batch)
        # A person's other case that stops or starts being their first: read it too.
        todo += [pk for pk in flipped if pk not in done and pk not in todo]
    _tallies_check(ids)
    with transaction.atomic():
        ProjectionState.objects.filter(organisation_id__in=known).update(synced_at=started)
        ProjectionState.objects.bulk_create(
            [ProjectionState(organisation_id=i, synced_at=started) for i in first_time],
            ignore_conflicts=True,
        )
        if done:
            audit_record(
                action="statistics_projection_refreshed",
                target_type="trends_projection",
                details={
                    "purpose": str(Purpose.STATISTICS),
                    "cases_read": len(done),
                    "organisations": len(ids),
                },
            )
    return len(done)


def _first_cases(person_ids: set[UUID]) -> tuple[dict[UUID, UUID], list[tuple[UUID, UUID]]]:
    """Each person's first case (earliest opened, then id) and all their cases."""
    rows = list(
        Case.objects.filter(person_id__in=list(person_ids))
        .order_by("opened_at", "pk")
        .values_list("pk", "person_id")
    )
    first: dict[UUID, UUID] = {}
    for pk, person in rows:
        first.setdefault(person, pk)
    return first, rows


def _batch_project(batch: list[UUID], *, started: datetime) -> list[UUID]:
    """Read these cases again under their statistics grants, seal their codes and change the
    tallies by the difference, in one transaction. Returns the persons' other cases whose
    "first case" flag no longer holds."""
    cases = list(
        Case.objects.filter(pk__in=batch).select_related("person", "lead_organisation__region")
    )
    first, all_cases = _first_cases({case.person_id for case in cases})
    in_batch = set(batch)
    others = [pk for pk, _person in all_cases if pk not in in_batch]
    flipped = [
        pk
        for pk, is_first, person in StatisticsRecord.objects.filter(case_id__in=others).values_list(
            "case_id", "is_first_of_person", "person_id"
        )
        if is_first != (first.get(person) == pk)
    ]
    # The policy first: what the person's live consents for statistics cover, per case.
    grants = statistics_grants(subjects=[case_subject(case) for case in cases], at=started)
    deltas: dict[tuple[UUID, int], Tally] = defaultdict(Tally)
    with transaction.atomic():
        records = {
            record.case_id: record
            for record in StatisticsRecord.objects.select_for_update().filter(case_id__in=batch)
        }
        new, changed, reading = [], [], []
        for case, grant in zip(cases, grants, strict=True):
            record = records.get(case.pk)
            if record is None:
                record = StatisticsRecord(case_id=case.pk)
                new.append(record)
            else:
                changed.append(record)
            if record.counted:
                deltas[(record.organisation_id, record.year)].add(codes_open(record), -1)
            record.person_id = case.person_id
            record.organisation_id = case.lead_organisation_id
            record.year = case.opened_at.year
            record.is_first_of_person = first.get(case.person_id) == case.pk
            record.source_updated_at = case.updated_at
            record.counted = (
                record.is_first_of_person
                and not record.is_reported_elsewhere
                and bool(grant.categories)
            )
            record.codes_sealed = b""
            if record.counted:
                reading.append((case, grant, record))
        # Only the counted cases are opened, each with what its grant covers.
        opened = cases_codes([c for c, _g, _r in reading], [g for _c, g, _r in reading])
        for (_case, _grant, record), codes in zip(reading, opened, strict=True):
            deltas[(record.organisation_id, record.year)].add(codes)
        codes_seal(
            [(record, codes) for (_c, _g, record), codes in zip(reading, opened, strict=True)]
        )
        # The records read again are written back whole: deleted and inserted in two
        # statements (they are locked above, and nothing refers to them). An UPDATE of many rows
        # with a different value each (``bulk_update``: a CASE over every row of the batch, for
        # each column) costs the square of the batch.
        StatisticsRecord.objects.filter(case_id__in=[r.case_id for r in changed]).delete()
        StatisticsRecord.objects.bulk_create(new + changed)
        tallies_apply(deltas)
    return flipped


def _tallies_check(organisation_ids: list[UUID]) -> None:
    """A case or person deleted takes its record with it, not its codes out of the tally:
    where a tally holds more cases than there are counted records, add it up again from the
    records' sealed codes."""
    expected = {
        (str(organisation), year): n
        for organisation, year, n in StatisticsRecord.objects.filter(
            organisation_id__in=organisation_ids, counted=True
        )
        .values_list("organisation_id", "year")
        .annotate(n=Count("*"))
        .order_by()
    }
    stored = {
        (str(organisation), year): n
        for organisation, year, n in StatisticsTally.objects.filter(
            organisation_id__in=organisation_ids
        ).values_list("organisation_id", "year", "records")
    }
    for organisation, year in set(expected) | set(stored):
        if expected.get((organisation, year), 0) != stored.get((organisation, year), 0):
            tally_rebuild(UUID(organisation), year)
