"""The short phrases matching shows: why an option fits, why a service is excluded. Every
phrase goes through gettext with an English msgid and named placeholders; the French catalog
gives "accepte les personnes sans statut", "parle espagnol", "personnel 24/7", "2 lits libres,
mis à jour il y a 1 h"."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from arrimage.directory.presentation import language_label
from arrimage.orientation.index import Row
from arrimage.orientation.models import ServiceResponseStats
from arrimage.orientation.needs import (
    EXPLOITATION_TYPES,
    GENDERS,
    HOUSING_NEEDS,
    STATUSES,
    NeedsProfile,
)

STALE = timedelta(hours=24)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


def _gender_exclusion(gender: str) -> Reason:
    return Reason(f"gender_{gender}_excluded", _(GENDER_EXCLUSIONS[gender]))


def _age_exclusion(minimum: int | None, maximum: int | None) -> Reason:
    if minimum is not None and maximum is not None:
        text = _("ages %(minimum)s to %(maximum)s only") % {"minimum": minimum, "maximum": maximum}
    elif minimum is not None:
        text = _("%(minimum)s and over only") % {"minimum": minimum}
    else:
        text = _("up to %(maximum)s years only") % {"maximum": maximum}
    return Reason("age_excluded", text)


def _status_exclusion(status: str) -> Reason:
    if status == "none":
        return Reason("status_excluded", _("does not take people without status"))
    return Reason("status_excluded", _("does not take people with this immigration status"))


STATUS_REASONS = {
    "none": gettext_noop("takes people without status"),
    "trp": gettext_noop("takes holders of a temporary resident permit"),
    "asylum": gettext_noop("takes asylum claimants"),
    "temporary_permit": gettext_noop("takes people with a work or study permit"),
    "permanent_resident": gettext_noop("takes permanent residents"),
    "citizen": gettext_noop("takes Canadian citizens"),
}


GENDER_EXCLUSIONS = {
    "woman": gettext_noop("does not take women"),
    "man": gettext_noop("does not take men"),
    "trans_nonbinary": gettext_noop("does not take trans or non-binary people"),
}


GENDER_REASONS = {
    "woman": gettext_noop("for women"),
    "man": gettext_noop("for men"),
    "trans_nonbinary": gettext_noop("welcomes trans and non-binary people"),
}


EXCLUSION_TEXTS = {
    "exploitation_excluded": gettext_noop("does not serve this form of exploitation"),
    "not_accessible": gettext_noop("not wheelchair accessible"),
    "no_children": gettext_noop("does not take children"),
    "not_confidential": gettext_noop("address not confidential"),
    "no_staff_24_7": gettext_noop("no staff 24/7"),
    "full": gettext_noop("full"),
}


def _status_reason(status: str) -> Reason:
    return Reason(f"status_{status}", _(STATUS_REASONS[status]))


def _unit_count(unit: str, count: int) -> str:
    if unit == "room":
        return ngettext("%(count)s room free", "%(count)s rooms free", count) % {"count": count}
    if unit == "family_unit":
        return ngettext("%(count)s family unit free", "%(count)s family units free", count) % {
            "count": count
        }
    return ngettext("%(count)s bed free", "%(count)s beds free", count) % {"count": count}


def age_text(updated: datetime, now: datetime) -> str:
    """'1 h', '25 min', '3 d': how long ago availability was updated."""
    seconds = max(0, int((now - updated).total_seconds()))
    if seconds < 3600:
        minutes = max(1, seconds // 60)
        return _("%(count)s min") % {"count": minutes}
    if seconds < 48 * 3600:
        return _("%(count)s h") % {"count": seconds // 3600}
    return _("%(count)s d") % {"count": seconds // 86400}


def _availability_reason(row: Row, now: datetime) -> Reason | None:
    capacities = row.summary.get("capacities") or []
    if not capacities:
        return None
    free = [c for c in capacities if int(c.get("available") or 0) > 0]
    if not free or row.capacity_updated is None:
        return None
    counts = ", ".join(_unit_count(str(c["unit"]), int(c["available"])) for c in free)
    ago = age_text(row.capacity_updated, now)
    if now - row.capacity_updated > STALE:
        return Reason(
            "availability_stale",
            _("%(counts)s, out of date: updated %(ago)s ago") % {"counts": counts, "ago": ago},
        )
    return Reason(
        "availability", _("%(counts)s, updated %(ago)s ago") % {"counts": counts, "ago": ago}
    )


def exclusion_reason(code: str, row: Row, profile: NeedsProfile) -> Reason:
    if code.startswith("gender_"):
        return _gender_exclusion(profile.gender)
    if code == "age_excluded":
        return _age_exclusion(row.minimum_age, row.maximum_age)
    if code == "status_excluded":
        return _status_exclusion(profile.status)
    return Reason(code, _(EXCLUSION_TEXTS[code]))


def response_rate(stats: ServiceResponseStats | None) -> float | None:
    """Share of referrals answered in time, once at least three were answered or expired."""
    if stats is None or stats.answered + stats.expired < 3:
        return None
    return stats.answered_in_time / (stats.answered + stats.expired)


# The factors that may put a farther option before a closer one, and how a worker says it.
AHEAD_FACTORS = {
    "availability": gettext_noop("more certain availability"),
    "language": gettext_noop("speaks the person's language"),
    "response": gettext_noop("answers referrals in time more often"),
    "safety": gettext_noop("more safety measures"),
}


def ahead_reason(km: int, factors: list[str]) -> Reason:
    why = ", ".join(_(AHEAD_FACTORS[name]) for name in factors if name in AHEAD_FACTORS)
    return Reason(
        "ahead_of_closer",
        _("before a closer option (%(km)s km) for: %(why)s") % {"km": km, "why": why},
    )


def distance_reason(distance: float, place: str, origin: str) -> Reason:
    """First of the reasons: how far, from the person's municipality or their region."""
    if origin and origin != place:
        text = _("%(km)s km from %(origin)s (%(place)s)") % {
            "km": round(distance),
            "origin": origin,
            "place": place,
        }
    else:
        text = _("%(km)s km away (%(place)s)") % {"km": round(distance), "place": place}
    return Reason("distance", text)


def fit_reasons(
    row: Row,
    profile: NeedsProfile,
    need: str,
    *,
    distance: float | None,
    place: str,
    stats: ServiceResponseStats | None,
    now: datetime,
    origin: str = "",
) -> list[Reason]:
    """Distance first, then open places, language, and the rest: "3 km away · 2 beds free ·
    speaks Spanish"."""
    codes = row.codes
    reasons: list[Reason] = []
    if distance is not None:
        reasons.append(distance_reason(distance, place, origin))
    availability = _availability_reason(row, now)
    if availability is not None:
        reasons.append(availability)
    elif need in HOUSING_NEEDS and not row.summary.get("capacities"):
        reasons.append(Reason("availability_unknown", _("availability not published")))
    if profile.status and STATUSES[profile.status][1] in codes:
        reasons.append(_status_reason(profile.status))
    spoken = [str(c) for c in row.summary.get("languages") or []]
    for code in profile.languages:
        if code in spoken and code not in ("fr", "en"):
            reasons.append(
                Reason(
                    f"language_{code}",
                    _("speaks %(language)s") % {"language": language_label(code)},
                )
            )
    if not any(r.code.startswith("language_") for r in reasons):
        for code in profile.languages:
            if code in spoken:
                reasons.append(
                    Reason(
                        f"language_{code}",
                        _("speaks %(language)s") % {"language": language_label(code)},
                    )
                )
                break
    if profile.gender and GENDERS[profile.gender][1] in codes:
        reasons.append(Reason(f"gender_{profile.gender}", _(GENDER_REASONS[profile.gender])))
    if (row.minimum_age is not None or row.maximum_age is not None) and profile.age is not None:
        reasons.append(Reason("age", _("for the person's age")))
    if need in HOUSING_NEEDS:
        if profile.children > 0 and "children_accepted" in codes:
            reasons.append(Reason("children", _("takes children")))
        if "safety_staff_24_7" in codes:
            reasons.append(Reason("staff_24_7", _("staff 24/7")))
        if "safety_confidential_address" in codes:
            reasons.append(Reason("confidential", _("confidential address")))
        if "safety_security_measures" in codes:
            reasons.append(Reason("security", _("security measures")))
    if profile.exploitation and EXPLOITATION_TYPES[profile.exploitation][1] in codes:
        reasons.append(Reason("exploitation", _("serves this form of exploitation")))
    if profile.wheelchair and "accessibility_wheelchair" in codes:
        reasons.append(Reason("wheelchair", _("wheelchair accessible")))
    rate = response_rate(stats)
    if rate is not None:
        reasons.append(
            Reason(
                "response_rate",
                _("answers %(percent)s%% of referrals in time") % {"percent": round(rate * 100)},
            )
        )
    return reasons


# Matching -----------------------------------------------------------------------------------
