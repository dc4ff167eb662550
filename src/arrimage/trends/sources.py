"""The statistics projection's sealed contents, and the counts read from them.

A counted case keeps its coarse codes sealed under the statistics key in its
``StatisticsRecord`` (:func:`codes_seal`, :func:`codes_open`), and its organisation's
``StatisticsTally`` for the year holds the exact counts of its counted cases, sealed too:
:func:`tallies_apply` changes the tallies a refresh touched by the difference it made, and
only those. Building and refreshing the projection (the worker, under the policy) is in
``projection.py``.

:func:`tally_sum` opens the tallies of the coalition's member organisations for the year and
adds them up: :func:`arrimage.trends.tallies.margin_counts` and
:func:`arrimage.trends.tallies.referral_counts` give each released table its exact counts.
Unmet needs come from Orientation's anonymised records (:func:`unmet_need_counts`).

Without the keys, no table tells a person's codes; see ``docs/trends.md``.
"""

import json
from collections.abc import Iterable
from uuid import UUID

from django.db import transaction
from django.db.models import Count

from arrimage.cases.models import Case
from arrimage.orientation.models import UnmetNeed
from arrimage.privacy.categories import Purpose
from arrimage.privacy.sealing import statistics_open, statistics_seal_many
from arrimage.trends import vocabulary as vocab
from arrimage.trends.codes import REFERRAL_SLOTS, unmet_needs_available
from arrimage.trends.models import StatisticsRecord, StatisticsTally
from arrimage.trends.tallies import OldTally, Tally, padded

__all__ = ["REFERRAL_SLOTS", "unmet_needs_available"]
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


def codes_open(record: StatisticsRecord) -> dict[str, object]:
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


def tallies_store(pairs: list[tuple[StatisticsTally, Tally]]) -> None:
    """Seal each tally into its row (the key read once) and save them in one statement."""
    sealed = statistics_seal_many(
        purpose=Purpose.STATISTICS,
        items=[(row, tally.as_text()) for row, tally in pairs],
        field="counts_sealed",
    )
    for (row, tally), ciphertext in zip(pairs, sealed, strict=True):
        row.records = tally.records
        row.counts_sealed = ciphertext
    # In small statements: an UPDATE with a different value per row costs the square of its rows.
    StatisticsTally.objects.bulk_update(
        [row for row, _tally in pairs], ["records", "counts_sealed"], batch_size=50
    )


def _tallies_lock(keys: list[tuple[UUID, int]]) -> dict[tuple[str, int], StatisticsTally]:
    """The tallies of these (organisation, year), made if missing, locked for the change: two
    statements whatever their number."""
    StatisticsTally.objects.bulk_create(
        [StatisticsTally(organisation_id=o, year=y) for o, y in keys], ignore_conflicts=True
    )
    wanted = {(str(o), y) for o, y in keys}
    rows = (
        StatisticsTally.objects.select_for_update()
        .filter(organisation_id__in={o for o, _y in keys}, year__in={y for _o, y in keys})
        .order_by("organisation_id", "year")
    )
    return {
        (str(row.organisation_id), row.year): row
        for row in rows
        if (str(row.organisation_id), row.year) in wanted
    }


def tallies_apply(deltas: dict[tuple[UUID, int], Tally]) -> None:
    """Add the changes to the tallies they touch, and to no other: each is opened, changed by
    its delta and sealed again, all in a few statements."""
    keys = [key for key, delta in deltas.items() if delta.records or any(delta.counts.values())]
    if not keys:
        return
    rows = _tallies_lock(keys)
    changed, old = [], []
    for organisation_id, year in keys:
        row = rows[(str(organisation_id), year)]
        try:
            tally = _tally_open(row)
        except OldTally:
            # The records already hold this batch's codes: adding them up is the new tally.
            old.append((organisation_id, year))
            continue
        tally.merge(deltas[(organisation_id, year)])
        changed.append((row, tally))
    if changed:
        tallies_store(changed)
    for organisation_id, year in old:
        tally_rebuild(organisation_id, year)


def tally_rebuild(organisation_id: UUID, year: int) -> None:
    with transaction.atomic():
        row, _created = StatisticsTally.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, year=year
        )
        tally = Tally()
        for record in StatisticsRecord.objects.select_for_update().filter(
            organisation_id=organisation_id, year=year, counted=True
        ):
            tally.add(codes_open(record))
        tallies_store([(row, tally)])


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
            tally_rebuild(row.organisation_id, year)
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
