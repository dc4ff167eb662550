"""Where the counts come from: the statistics projection, built by the worker under the policy.

Three steps, all in the worker (``trends/tasks.py`` every 15 minutes, and at the start of every
release, itself a background task), never in a web request:

1. :func:`statistics_records_refresh` finds the cases to read again: new or changed cases
   (``updated_at``), the cases of persons whose consents for the purpose statistics were given,
   withdrawn or ran out since the last refresh, and the cases whose GBVIMS answer changed.
2. For each, the kernel issues a statistics grant (the categories the person's live consents
   cover) *before* anything is decrypted; :func:`arrimage.trends.codes.case_codes` opens only
   what the grant covers. A counted case (live consent, the person's first case, not reported
   by another member) keeps its codes sealed under the statistics key in its
   ``StatisticsRecord`` and adds them to its organisation's ``StatisticsTally`` for the year;
   its old codes, if any, are opened and taken out first. A case that is not counted keeps no
   codes. Every refresh that read cases is audited.
3. :func:`tally_sum` opens the tallies of the coalition's member organisations for the year and
   adds them up: :func:`arrimage.trends.tallies.margin_counts` and
   :func:`arrimage.trends.tallies.referral_counts` give each released table its exact counts.
   Unmet needs come from Orientation's anonymised records (:func:`unmet_need_counts`).

Without the keys, no table tells a person's codes; see ``docs/trends.md``.
"""

import json
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
from arrimage.orientation.models import UnmetNeed
from arrimage.privacy.categories import Purpose
from arrimage.privacy.grants import statistics_grants
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.sealing import statistics_open, statistics_seal, statistics_seal_many
from arrimage.screening.models import Screening
from arrimage.trends import vocabulary as vocab
from arrimage.trends.codes import REFERRAL_SLOTS, cases_codes, unmet_needs_available
from arrimage.trends.models import ProjectionState, StatisticsRecord, StatisticsTally
from arrimage.trends.tallies import OldTally, Tally, padded

__all__ = ["REFERRAL_SLOTS", "unmet_needs_available"]

REFRESH_BATCH = 2000
# A case's codes are padded to this length before sealing, so that the ciphertext's length
# says nothing of them (a referral slot is longer than ""; the longest codes take about 230).
CODES_LENGTH = 256

# The codes of one case, in the order they are sealed (a JSON list: short, fixed order).
CODE_COLUMNS = (
    "month",
    "region",
    "gender",
    "age",
    "immigration",
    "exploitation",
    "trp_delay",
    "asylum",
    "humanitarian",
    "mental_health",
    "health_coverage",
    "referral_first",
    "referral_second",
    "screening_indicators",
)
# Codes added after records were first sealed, with the value an older record stands for.
CODE_DEFAULTS: dict[str, object] = {"screening_indicators": vocab.NO_SCREENING}
# Sealing, with the purpose statistics (privacy/sealing.py) -----------------------------------


def _codes_text(codes: dict[str, object]) -> str:
    listed = [codes[column] for column in CODE_COLUMNS]
    return padded(json.dumps(listed, separators=(",", ":")), CODES_LENGTH)


def codes_seal(pairs: list[tuple[StatisticsRecord, dict[str, object]]]) -> None:
    """Seal each record's codes into it (not saved)."""
    sealed = statistics_seal_many(
        purpose=Purpose.STATISTICS,
        items=[(record, _codes_text(codes)) for record, codes in pairs],
        field="codes_sealed",
    )
    for (record, _codes), ciphertext in zip(pairs, sealed, strict=True):
        record.codes_sealed = ciphertext


def _codes_open(record: StatisticsRecord) -> dict[str, object]:
    text = statistics_open(purpose=Purpose.STATISTICS, instance=record, field="codes_sealed")
    values = json.loads(text)
    values += [CODE_DEFAULTS[column] for column in CODE_COLUMNS[len(values) :]]
    return dict(zip(CODE_COLUMNS, values, strict=True))


def _tally_open(row: StatisticsTally) -> Tally:
    if not row.counts_sealed:
        return Tally()
    return Tally.from_text(
        statistics_open(purpose=Purpose.STATISTICS, instance=row, field="counts_sealed")
    )


def _tally_store(row: StatisticsTally, tally: Tally) -> None:
    row.records = tally.records
    row.counts_sealed = statistics_seal(
        purpose=Purpose.STATISTICS, instance=row, field="counts_sealed", plaintext=tally.as_text()
    )
    row.save(update_fields=["records", "counts_sealed"])


def _tallies_apply(deltas: dict[tuple[UUID, int], Tally]) -> None:
    """Add the changes to the tallies, each locked (in a fixed order) for the change."""
    for organisation_id, year in sorted(deltas, key=lambda k: (str(k[0]), k[1])):
        delta = deltas[(organisation_id, year)]
        if not delta.records and not any(delta.counts.values()):
            continue
        row, _created = StatisticsTally.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, year=year
        )
        try:
            tally = _tally_open(row)
        except OldTally:
            # The records already hold this batch's codes: adding them up is the new tally.
            _tally_rebuild(organisation_id, year)
            continue
        tally.merge(delta)
        _tally_store(row, tally)


# The refresh ----------------------------------------------------------------------------------


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
                deltas[(record.organisation_id, record.year)].add(_codes_open(record), -1)
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
        StatisticsRecord.objects.bulk_create(new)
        StatisticsRecord.objects.bulk_update(
            changed,
            [
                "person_id",
                "organisation_id",
                "year",
                "is_first_of_person",
                "source_updated_at",
                "counted",
                "codes_sealed",
            ],
        )
        _tallies_apply(deltas)
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
            _tally_rebuild(UUID(organisation), year)


def _tally_rebuild(organisation_id: UUID, year: int) -> None:
    with transaction.atomic():
        row, _created = StatisticsTally.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, year=year
        )
        tally = Tally()
        for record in StatisticsRecord.objects.select_for_update().filter(
            organisation_id=organisation_id, year=year, counted=True
        ):
            tally.add(_codes_open(record))
        _tally_store(row, tally)


# Counting -------------------------------------------------------------------------------------


def tally_sum(*, organisation_ids: Iterable[UUID], year: int) -> Tally:
    """The exact counts of these organisations' counted cases opened in ``year``, as of their
    last refresh: their tallies, opened and added up key by key (the release's one pass over
    them). A tally of an earlier format is added up again from its records first."""
    total = Tally()
    for row in StatisticsTally.objects.filter(
        organisation_id__in=list(organisation_ids), year=year
    ).order_by("organisation_id"):
        if not row.counts_sealed:
            continue
        try:
            total.merge(_tally_open(row))
        except OldTally:
            _tally_rebuild(row.organisation_id, year)
            total.merge(_tally_open(StatisticsTally.objects.get(pk=row.pk)))
    return total


def unmet_need_counts(*, regions: Iterable[str], year: int) -> dict[tuple[str, str], int]:
    """Unmet needs recorded in the year in these regions, by need and region. One SQL
    ``GROUP BY``. These records are anonymised when they are made (no person, case or
    organisation), so no consent applies and the counted unit is the record: a person
    searched for on several days counts several times (see ``docs/trends.md``)."""
    rows = (
        UnmetNeed.objects.filter(recorded_on__year=year, region_code__in=list(regions))
        .values_list("need", "region_code")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(need, region): n for need, region, n in rows}


def statistics_answer_set(*, case: Case, is_reported_elsewhere: bool) -> None:
    """Record the GBVIMS answer for a case. Nothing is decrypted here (a web request): the
    record is marked to be read again, and the worker's next refresh (or the next release)
    takes the case in or out of the counts."""
    StatisticsRecord.objects.update_or_create(
        case_id=case.pk,
        defaults={
            "is_reported_elsewhere": is_reported_elsewhere,
            "source_updated_at": None,
        },
        create_defaults={
            "person_id": case.person_id,
            "organisation_id": case.lead_organisation_id,
            "year": case.opened_at.year,
            "is_reported_elsewhere": is_reported_elsewhere,
            "source_updated_at": None,
        },
    )
