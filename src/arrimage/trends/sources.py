"""Where the counts come from: the narrow interface between the case record and trends.

Three steps, all inside the organisations that own the cases:

1. :func:`statistics_records_refresh` reads the sealed case fields (gender, age band, year of
   birth, exploitation picklists, immigration status) of new or changed cases with the lead
   organisation's key and keeps only their coarse sharing codes in ``StatisticsRecord``.
   Nothing identifying is copied: the record holds codes, the month and year the case opened
   and the region of the lead organisation.
2. The same refresh keeps, per record, until when the person's unwithdrawn consents for the
   purpose ``statistics`` last (``statistics_consent_until``): the first time from every
   consent, then from the consents recorded or withdrawn since the last refresh. Every release
   refreshes first, so a withdrawal is honoured by the next release, and an expiry needs no
   refresh at all (the count compares the date).
3. :func:`countable_cube` counts, with one SQL ``GROUP BY`` over that one table, the records
   of the coalition's member organisations for a year whose consent lasts beyond the moment
   of the count, the person's first case only, and not the cases another member already
   reported (the GBVIMS question).

The same counted cases give the timelines (:func:`grouped_counts`: TRP delay, refugee and
humanitarian applications, mental-health access) and, from Orientation, their referrals
(:func:`referral_cube`: outcomes, decline reasons, response times; the first two per case,
kept in the projection, which a referral's every change brings up to date by touching its
case).
Each code is kept only if the person's consent covers its category (``SCOPES``). Unmet needs
come from Orientation's anonymised records, see :func:`unmet_need_counts` and
``docs/trends.md``.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from arrimage.cases.access import case_subject
from arrimage.cases.models import Case, Exploitation, HealthFollowUp, ImmigrationTrack, Need
from arrimage.cases.sealing import category_data
from arrimage.cases.vocabularies import NeedType
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.grants import Grant, statistics_grants
from arrimage.privacy.models import ConsentRecord
from arrimage.trends import vocabulary as vocab
from arrimage.trends.models import GROUPED_COUNTS, ProjectionState, StatisticsRecord

REFRESH_BATCH = 500
# At most this many referrals of a person are counted in each referral table: the
# sensitivity of those tables (StatisticsRecord.referral_first and referral_second).
REFERRAL_SLOTS = 2
REANALYSE_AFTER = 10_000
# The codes of a case whose person has no live consent for statistics are not kept: the row is
# blanked and stamped with this time, so that a consent given later has it read again.
NOT_READ = datetime(2000, 1, 1, tzinfo=UTC)

# One cell of the cube: month, region, gender, age, immigration, exploitation bits.
CubeKey = tuple[int, str, str, str, str, int]


# What each code of a record is about: it is kept only if the person's statistics consent
# covers that category. The case itself (month, region) is counted with any such consent.
SCOPES: dict[Category, tuple[str, ...]] = {
    Category.IDENTITY: ("gender", "age"),
    Category.EXPLOITATION: ("exploitation",),
    Category.IMMIGRATION: ("immigration", "trp_delay", "asylum", "humanitarian"),
    Category.HEALTH: ("mental_health", "health_coverage"),
}
NOT_COVERED: dict[str, object] = {
    "gender": vocab.UNKNOWN,
    "age": vocab.UNKNOWN,
    "exploitation": 0,
    "immigration": vocab.UNKNOWN,
    "trp_delay": vocab.UNKNOWN,
    "asylum": vocab.UNKNOWN,
    "humanitarian": vocab.UNKNOWN,
    "mental_health": vocab.UNKNOWN,
    "health_coverage": vocab.UNKNOWN,
}


def _coarse(case: Case, grant: Grant) -> dict[str, object]:
    """The codes of one case, opened with the statistics grant: a category the person's
    consent does not cover is neither opened nor stated."""
    scope = grant.categories
    identity = (
        category_data(grant, case.person, Category.IDENTITY)
        if grant.may(Category.IDENTITY) and case.person.identity_sealed
        else {}
    )
    exploitation = (
        Exploitation.objects.filter(case=case).first() if grant.may(Category.EXPLOITATION) else None
    )
    detail = (
        category_data(grant, exploitation, Category.EXPLOITATION)
        if exploitation is not None and exploitation.exploitation_sealed
        else {}
    )
    track = (
        ImmigrationTrack.objects.filter(case=case).first()
        if grant.may(Category.IMMIGRATION)
        else None
    )
    immigration = (
        category_data(grant, track, Category.IMMIGRATION)
        if track is not None and track.immigration_sealed
        else {}
    )
    opened = case.opened_at
    values: dict[str, object] = {
        "person_id": case.person_id,
        "organisation_id": case.lead_organisation_id,
        "year": opened.year,
        "month": opened.month,
        "region": case.lead_organisation.region.code,
        "gender": vocab.gender_code(identity.get("gender")),
        "age": vocab.age_code(
            age_band=identity.get("age_band"),
            year_of_birth=identity.get("year_of_birth"),
            year=opened.year,
        ),
        "immigration": vocab.immigration_code(immigration.get("status")),
        "exploitation": vocab.exploitation_mask(
            sex_types=detail.get("sex_exploitation_types"),
            labour_types=detail.get("labour_exploitation_types"),
        ),
        "trp_delay": vocab.trp_delay_code(
            status=immigration.get("status"),
            issued_on=immigration.get("trp_issued_on"),
            opened=opened.date(),
        ),
        "asylum": vocab.application_code(immigration.get("asylum_claim")),
        "humanitarian": vocab.application_code(immigration.get("humanitarian_application")),
        "source_updated_at": case.updated_at,
    }
    counts_referrals = Category.COORDINATION in scope and unmet_needs_available()
    first, second = _referral_slots(case, scope) if counts_referrals else ("", "")
    values.update(referral_first=first, referral_second=second)
    if Category.HEALTH in scope:
        values.update(_health(case, grant))
    for category, fields in SCOPES.items():
        if category not in scope:
            values.update({field: NOT_COVERED[field] for field in fields})
    return values


# A referral's need says as much as the case's need of that type (cases.Need.TYPE_CATEGORIES):
# it is stated only if the consent covers that category too.
REFERRAL_NEED_CATEGORIES = {
    "mental_health": Category.HEALTH,
    "physical_health": Category.HEALTH,
    "immigration_legal": Category.IMMIGRATION,
}


def _referral_slots(case: Case, scope: frozenset[Category]) -> tuple[str, str]:
    """The case's first two referrals sent (drafts never count), coded."""
    from arrimage.orientation.models import Referral, ReferralStatus

    rows = (
        Referral.objects.filter(case=case, sent_at__isnull=False)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by("sent_at", "id")
        .values_list("need", "status", "decline_reason", "sent_at", "answered_at")[:REFERRAL_SLOTS]
    )
    codes = []
    for need, status, reason, sent_at, answered_at in rows:
        covered = REFERRAL_NEED_CATEGORIES.get(need, Category.COORDINATION) in scope
        codes.append(
            vocab.referral_code(need if covered else "", status, reason, sent_at, answered_at)
        )
    codes += [""] * (REFERRAL_SLOTS - len(codes))
    return codes[0], codes[1]


def _health(case: Case, grant: Grant) -> dict[str, object]:
    """The mental-health need of the case at its furthest point, and the coverage of its
    latest health follow-up. Read only when the consent covers health."""
    statuses = Need.objects.filter(case=case, need_type=NeedType.MENTAL_HEALTH).values_list(
        "status", flat=True
    )
    latest = HealthFollowUp.objects.filter(case=case).order_by("-created_at").first()
    coverage = category_data(grant, latest, Category.HEALTH).get("coverage") if latest else None
    return {
        "mental_health": vocab.mental_health_code(statuses),
        "health_coverage": vocab.coverage_code(coverage),
    }


def _stale_cases(organisation_ids: Iterable[UUID]) -> list[UUID]:
    """Cases with no projection, or changed since it was written (a full check)."""
    fresh = StatisticsRecord.objects.filter(
        case_id=OuterRef("pk"), source_updated_at__gte=OuterRef("updated_at")
    )
    return list(
        Case.objects.filter(lead_organisation_id__in=list(organisation_ids))
        .filter(~Exists(fresh))
        .values_list("pk", flat=True)
    )


def _consent_until(at: datetime) -> Subquery:
    """SQL: the latest expiry of the person's unwithdrawn consents for statistics."""
    return Subquery(
        ConsentRecord.objects.filter(
            person_id=OuterRef("person_id"),
            purpose=Purpose.STATISTICS,
            recorded_at__lte=at,
            withdrawn_at__isnull=True,
        )
        .order_by("-expires_at")
        .values("expires_at")[:1]
    )


def statistics_records_refresh(*, organisation_ids: Iterable[UUID]) -> int:
    """Bring the projection of these organisations' cases and consents up to date. Returns
    how many cases were read again.

    The first time for an organisation, every case and consent is checked. After that, only
    the cases changed (``updated_at``) and the consents recorded or withdrawn since the last
    refresh began; the case services touch ``updated_at`` on every write, and the consent
    services stamp ``recorded_at`` and ``withdrawn_at`` with the time of the act."""
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
    since = min(states.values()) if states else started
    consent_changed: set[UUID] = set()
    if known:
        stale += list(
            Case.objects.filter(lead_organisation_id__in=known, updated_at__gte=since)
            .exclude(pk__in=stale)
            .values_list("pk", flat=True)
        )
        consent_changed = set()
        # One query per kind of change, each read through its own index (an OR of the three
        # would scan every consent). An expiry narrows what the person's other consents cover.
        for change in (
            Q(recorded_at__gte=since),
            Q(withdrawn_at__gte=since),
            Q(expires_at__gte=since, expires_at__lte=started),
        ):
            consent_changed |= set(
                ConsentRecord.objects.filter(change, purpose=Purpose.STATISTICS)
                .filter(organisation_id__in=known)
                .order_by()
                .values_list("person_id", flat=True)
            )
        # A consent given, withdrawn or ended since the last refresh: read the person's cases
        # again, with what their consents cover now.
        stale += list(
            Case.objects.filter(lead_organisation_id__in=known, person_id__in=consent_changed)
            .exclude(pk__in=stale)
            .values_list("pk", flat=True)
        )
    persons: set[UUID] = set()
    for start in range(0, len(stale), REFRESH_BATCH):
        batch = stale[start : start + REFRESH_BATCH]
        cases = list(
            Case.objects.filter(pk__in=batch).select_related("person", "lead_organisation__region")
        )
        grants = statistics_grants(subjects=[case_subject(case) for case in cases], at=started)
        with transaction.atomic():
            for case, grant in zip(cases, grants, strict=True):
                values = _coarse(case, grant)
                StatisticsRecord.objects.update_or_create(case_id=case.pk, defaults=values)
                persons.add(case.person_id)
    _first_case_flags(persons)
    persons |= consent_changed
    with transaction.atomic():
        rewritten = 0
        if first_time:
            rewritten = StatisticsRecord.objects.filter(organisation_id__in=first_time).update(
                statistics_consent_until=_consent_until(started)
            )
        changed = list(persons)
        for start in range(0, len(changed), REFRESH_BATCH):
            StatisticsRecord.objects.filter(
                person_id__in=changed[start : start + REFRESH_BATCH]
            ).update(statistics_consent_until=_consent_until(started))
        if first_time:
            _codes_without_consent_blank(
                StatisticsRecord.objects.filter(organisation_id__in=first_time), at=started
            )
        if known:
            # Elsewhere, only rows that changed can need it: those read or re-dated now, and
            # those whose consent ended since the last refresh.
            _codes_without_consent_blank(
                StatisticsRecord.objects.filter(
                    organisation_id__in=known,
                    statistics_consent_until__gt=since,
                    statistics_consent_until__lte=started,
                ),
                at=started,
            )
            for start in range(0, len(changed), REFRESH_BATCH):
                _codes_without_consent_blank(
                    StatisticsRecord.objects.filter(
                        organisation_id__in=known,
                        person_id__in=changed[start : start + REFRESH_BATCH],
                    ),
                    at=started,
                )
        for organisation in ids:
            ProjectionState.objects.update_or_create(
                organisation_id=organisation, defaults={"synced_at": started}
            )
    if rewritten + len(stale) >= REANALYSE_AFTER:
        # Many rows just changed: refresh the planner's statistics now rather than wait for
        # autovacuum, or the next count may be planned for the old (empty) consent column.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {StatisticsRecord._meta.db_table}")
    return len(stale)


def _codes_without_consent_blank(records: QuerySet[StatisticsRecord], *, at: datetime) -> int:
    """Keep no codes for a person who did not consent to statistics, or whose consent ended:
    such a row is never counted, and its codes (gender, age, immigration, exploitation,
    timelines) are erased until a consent has it read again."""
    return (
        records.filter(
            Q(statistics_consent_until__isnull=True) | Q(statistics_consent_until__lte=at)
        )
        .exclude(source_updated_at=NOT_READ)
        .update(
            gender="",
            age="",
            immigration="",
            exploitation=0,
            trp_delay="",
            asylum="",
            humanitarian="",
            mental_health="",
            health_coverage="",
            referral_first="",
            referral_second="",
            source_updated_at=NOT_READ,
        )
    )


def _first_case_flags(person_ids: set[UUID]) -> None:
    """Only the first case of a person counts, so one person contributes once."""
    if not person_ids:
        return
    ids = list(person_ids)
    several = (
        Case.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(n=Count("pk"), first=Min("opened_at"))
        .filter(n__gt=1)
    )
    for row in several:
        first = (
            Case.objects.filter(person_id=row["person_id"])
            .order_by("opened_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if first is None:
            continue
        records = StatisticsRecord.objects.filter(person_id=row["person_id"])
        records.exclude(case_id=first).update(is_first_of_person=False)
        records.filter(case_id=first).update(is_first_of_person=True)


def _countable(
    *, organisation_ids: Iterable[UUID], year: int, at: datetime
) -> QuerySet[StatisticsRecord]:
    return StatisticsRecord.objects.filter(
        organisation_id__in=list(organisation_ids),
        year=year,
        is_first_of_person=True,
        is_reported_elsewhere=False,
        statistics_consent_until__gt=at,
    )


def countable_cube(
    *, organisation_ids: Iterable[UUID], year: int, at: datetime
) -> dict[CubeKey, int]:
    """Exact counts of the countable cases of these organisations opened in ``year``, by
    month, region, gender, age band, immigration bucket and exploitation bits. One query."""
    rows = (
        _countable(organisation_ids=organisation_ids, year=year, at=at)
        .values_list("month", "region", "gender", "age", "immigration", "exploitation")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(m, r, g, a, i, e): n for m, r, g, a, i, e, n in rows}


def grouped_counts(
    *, organisation_ids: Iterable[UUID], year: int, at: datetime, name: str
) -> dict[tuple[str, ...], int]:
    """Exact counts of the same cases by the columns of ``GROUPED_COUNTS[name]`` (permit
    delay by month and applications, mental-health access, referral slots). One query, read
    through its own index in GROUP BY order."""
    columns = GROUPED_COUNTS[name]
    rows = (
        _countable(organisation_ids=organisation_ids, year=year, at=at)
        .values_list(*columns)
        .annotate(n=Count("*"))
        .order_by(*columns)
    )
    return {tuple(str(v) for v in row[:-1]): int(row[-1]) for row in rows}


# One referral in the referrals cube: need group, outcome, decline reason, response time.
ReferralKey = tuple[str, str, str, str]


def referral_cube(
    *, organisation_ids: Iterable[UUID], year: int, at: datetime
) -> dict[ReferralKey, int]:
    """The referrals sent for the same cases (those whose person's consent covers
    coordination), the first two per case: one person adds at most two to each referral
    table, whatever the number of referrals. One query."""
    counts = grouped_counts(organisation_ids=organisation_ids, year=year, at=at, name="referrals")
    cube: dict[ReferralKey, int] = {}
    for pair, n in counts.items():
        for code in pair:
            if code:
                key = vocab.referral_key(code)
                cube[key] = cube.get(key, 0) + n
    return cube


def unmet_needs_available() -> bool:
    """Orientation (issue 5) records anonymised unmet needs when it is installed."""
    from django.apps import apps

    return apps.is_installed("arrimage.orientation")


def unmet_need_counts(*, regions: Iterable[str], year: int) -> dict[tuple[str, str], int]:
    """Unmet needs recorded in the year in these regions, by need and region. One SQL
    ``GROUP BY``. These records are anonymised when they are made (no person, case or
    organisation), so no consent applies and the counted unit is the record: a person
    searched for on several days counts several times (see ``docs/trends.md``)."""
    from arrimage.orientation.models import UnmetNeed

    rows = (
        UnmetNeed.objects.filter(recorded_on__year=year, region_code__in=list(regions))
        .values_list("need", "region_code")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(need, region): n for need, region, n in rows}


def statistics_answer_set(*, case_id: UUID, is_reported_elsewhere: bool) -> int:
    """Record the GBVIMS answer for a case already projected. Returns rows changed."""
    return StatisticsRecord.objects.filter(case_id=case_id).update(
        is_reported_elsewhere=is_reported_elsewhere
    )
