"""Matching reads the index in rounds, all the needs of a profile together: the same rows as one
read at a time, in a few statements."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.orientation.index import index_rows
from arrimage.orientation.matching import (
    SAMPLE,
    _NeedReading,
    match_profile,
    needs_rows,
)
from arrimage.orientation.needs import NEED_CATEGORIES, NEEDS, NeedsProfile
from arrimage.orientation.ranking import exclusion_codes
from arrimage.orientation.reasons import STALE
from tests.orientation.conftest import make_service

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
PLACES = ("montreal", "laval", "sherbrooke")


@pytest.fixture
def spread(db):
    """For every need, services near and far, some full, some naming statuses."""
    for number, need in enumerate(NEEDS):
        category = NEED_CATEGORIES[need][0]
        for place in PLACES:
            make_service(
                None,
                name_fr=f"{need} {place} ouvert",
                terms=(category,),
                municipality=place,
                capacities=(("bed", 2, 4, 2 * H),) if number % 2 else (),
            )
            make_service(
                None,
                name_fr=f"{need} {place} plein",
                terms=(category, "status_citizen", "gender_women"),
                municipality=place,
                capacities=(("bed", 0, 4, 2 * H),),
            )


def one_read_at_a_time(profile: NeedsProfile, need: str) -> tuple[set[str], set[str]]:
    """The reading of a need as it was, one statement a read: (candidates, others)."""
    reading = _NeedReading(profile, need, timezone.now() - STALE)

    def read(r, skip=None):
        groups = [list(g) for g in r.groups]
        return index_rows(
            groups=groups,
            age=r.age,
            limit=r.limit,
            available_since=r.available_since,
            skip=skip,
        )

    seen = {}
    for ring in reading.rings:
        for ring_read in ring:
            for row in read(ring_read, seen):
                row.exclusions = exclusion_codes(row, profile, need)
                seen[row.service_id] = row
        if len(seen) >= SAMPLE:
            break
    others = read(reading.full) if reading.full is not None and not seen else []
    others += read(reading.others, {**seen, **{row.service_id: row for row in others}})
    return {r.name_fr for r in seen.values()}, {r.name_fr for r in others}


PROFILES = [
    NeedsProfile(needs=NEEDS, gender="man", age=35, status="none", municipality="Montréal"),
    NeedsProfile(needs=NEEDS, gender="woman", status="citizen", municipality="Sherbrooke"),
    NeedsProfile(needs=NEEDS, gender="woman", age=30, region="QC-13"),
    NeedsProfile(needs=NEEDS),
]


@pytest.mark.parametrize("profile", PROFILES)
def test_rounds_read_the_same_rows_as_one_read_at_a_time(spread, profile):
    rows = needs_rows(profile, profile.needs)
    for need in profile.needs:
        candidates, others = rows[need]
        together = ({r.name_fr for r in candidates}, {r.name_fr for r in others})
        assert together == one_read_at_a_time(profile, need), need
    assert any(rows[need][0] for need in profile.needs)


def test_a_full_profile_takes_a_few_statements(spread, django_assert_max_num_queries):
    profile = PROFILES[0]
    with django_assert_max_num_queries(5):  # rounds of reads, then the response rates
        result = match_profile(actor=None, profile=profile)
    assert len(result.needs) == len(NEEDS)
