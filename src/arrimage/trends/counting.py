"""What a release counts: the tables of the parts a coordinator chose, and their exact counts
from the statistics projection's tallies (``sources.tally_sum``) and Orientation's anonymised
unmet needs. Protecting them and storing the release is in ``services.py``.
"""

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from arrimage.orientation.needs import NEEDS
from arrimage.trends import selectors, sources, tallies
from arrimage.trends.tables import (
    REFERRALS,
    SECTIONS,
    UNMET_NEEDS,
    Leaf,
    TableSpec,
    leaf_counts,
    table_specs,
    unmet_need_spec,
)


def sections_check(sections: Iterable[str] | None) -> list[str]:
    if sections is None:
        return list(SECTIONS)
    chosen = [section for section in SECTIONS if section in set(sections)]
    unknown = set(sections) - set(SECTIONS)
    if unknown or not chosen:
        raise ValidationError(_("Choose at least one part to release."), code="sections")
    if UNMET_NEEDS in chosen and not sources.unmet_needs_available():
        chosen.remove(UNMET_NEEDS)
    if REFERRALS in chosen and not sources.unmet_needs_available():
        chosen.remove(REFERRALS)
    return chosen


def specs_of(*, sections: list[str], regions: list[str]) -> list[TableSpec]:
    specs = table_specs(
        regions=regions,
        contribution_bound=selectors.contribution_bound(),
        referral_bound=sources.REFERRAL_SLOTS,
        screening_bound=selectors.screening_bound(),
    )
    if UNMET_NEEDS in sections:
        needs: tuple[str, ...] = ()
        if sources.unmet_needs_available():
            needs = NEEDS
        specs.append(unmet_need_spec(regions=regions, needs=needs))
    wanted = {key for section in sections for key in SECTIONS[section]}
    return [spec for spec in specs if spec.key in wanted]


def sources_of(*, sections: list[str], regions: list[str]) -> list[str]:
    """The sources counted for these sections (one SQL query each)."""
    return sorted({spec.source for spec in specs_of(sections=sections, regions=regions)})


def exact_counts(
    *,
    organisation_ids: list[UUID],
    regions: list[str],
    year: int,
    sections: list[str],
    progress: Callable[[int], None] | None = None,
) -> list[tuple[TableSpec, dict[Leaf, int]]]:
    """The exact leaf counts of every table of the chosen sections, from the tallies of the
    organisations (as of the projection's last refresh) and Orientation's unmet needs;
    ``progress(n)`` after the n-th source."""
    specs = specs_of(sections=sections, regions=regions)
    tally = (
        sources.tally_sum(organisation_ids=organisation_ids, year=year)
        if any(spec.source != UNMET_NEEDS for spec in specs)
        else None
    )

    def counts(source: str) -> dict[Any, int]:
        if source == UNMET_NEEDS:
            return sources.unmet_need_counts(regions=regions, year=year)
        assert tally is not None
        if source == REFERRALS:
            return tallies.referral_counts(tally=tally)
        return tallies.margin_counts(tally=tally, name=source)

    cubes: dict[str, dict[Any, int]] = {}
    for number, source in enumerate(sorted({spec.source for spec in specs}), start=1):
        cubes[source] = counts(source)
        if progress is not None:
            progress(number)
    return [(spec, leaf_counts(spec, cubes[spec.source])) for spec in specs]
