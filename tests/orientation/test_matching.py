"""Matching: the study's situations, each asserting the options, their order and the reasons,
and the exclusions with theirs. Reasons are asserted by code and by their English text."""

from datetime import timedelta

import pytest
from django.utils import translation

from arrimage.orientation.index import Row
from arrimage.orientation.matching import match_profile
from arrimage.orientation.models import ServiceResponseStats, UnmetNeed
from arrimage.orientation.needs import NeedsProfile
from arrimage.orientation.ranking import WEIGHTS, assess, score, score_components
from arrimage.orientation.unmet import unmet_needs_record
from tests.orientation.conftest import ALL_STATUSES, make_service

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


@pytest.fixture
def directory(db):
    """A small directory around Montréal (Laval 15 km, Longueuil 5 km away)."""
    made = {}
    made["men_mtl"] = make_service(
        None,
        name_fr="Maison des hommes Montréal",
        name_en="Men's house Montréal",
        terms=("housing_emergency", "gender_men", *ALL_STATUSES, "safety_staff_24_7"),
        languages=("fr", "en"),
        municipality="montreal",
        capacities=(("bed", 2, 10, 1 * H),),
        minimum_age=18,
    )
    made["mixed_mtl_stale"] = make_service(
        None,
        name_fr="Refuge mixte Montréal",
        terms=("housing_emergency",),
        languages=("fr",),
        municipality="montreal",
        capacities=(("bed", 1, 20, 30 * H),),
        minimum_age=18,
    )
    made["mixed_laval_citizens"] = make_service(
        None,
        name_fr="Hébergement Laval",
        terms=("housing_emergency", "status_citizen", "status_permanent_resident"),
        municipality="laval",
        capacities=(("bed", 3, 10, 1 * H),),
        minimum_age=18,
    )
    made["men_longueuil_full"] = make_service(
        None,
        name_fr="Maison des hommes Longueuil",
        terms=("housing_emergency", "housing_long_term", "gender_men", "status_none"),
        municipality="longueuil",
        capacities=(("bed", 0, 8, 1 * H),),
        minimum_age=18,
    )
    made["women_confidential"] = make_service(
        None,
        name_fr="Refuge confidentiel pour femmes",
        name_en="Confidential women's shelter",
        terms=(
            "housing_emergency",
            "gender_women",
            "gender_trans_nonbinary",
            "children_accepted",
            "safety_confidential_address",
            "safety_staff_24_7",
            "safety_security_measures",
            *ALL_STATUSES,
        ),
        languages=("fr", "en", "es"),
        municipality="montreal",
        confidential=True,
        capacities=(("family_unit", 1, 4, timedelta(minutes=30)),),
        minimum_age=18,
    )
    made["women_laval_open"] = make_service(
        None,
        name_fr="Maison des femmes Laval",
        terms=("housing_emergency", "gender_women", "children_accepted", "safety_staff_24_7"),
        languages=("fr", "es"),
        municipality="laval",
        capacities=(("bed", 2, 6, 1 * H),),
        minimum_age=18,
    )
    made["youth"] = make_service(
        None,
        name_fr="Auberge jeunesse",
        terms=("housing_emergency", *ALL_STATUSES),
        municipality="montreal",
        capacities=(("bed", 4, 10, 2 * H),),
        minimum_age=12,
        maximum_age=17,
    )
    made["trp_clinic"] = make_service(
        None,
        name_fr="Clinique PTR Montréal",
        name_en="TRP clinic Montréal",
        terms=("legal_immigration", "status_trp", "status_none", "status_asylum"),
        languages=("fr", "en", "es"),
        municipality="montreal",
    )
    made["lawyers_laval"] = make_service(
        None,
        name_fr="Avocats en immigration Laval",
        terms=("legal_immigration",),
        languages=("fr", "en"),
        municipality="laval",
    )
    made["far_away"] = make_service(
        None,
        name_fr="Refuge Sherbrooke",
        terms=("housing_emergency",),
        municipality="sherbrooke",
        capacities=(("bed", 5, 10, 1 * H),),
    )
    return made


def codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def texts(reasons) -> list[str]:
    return [r.text for r in reasons]


def by_id(entries, service) -> object:
    return next(e for e in entries if e.service_id == service.pk)


def test_man_without_status_in_montreal_needing_emergency_housing(directory):
    profile = NeedsProfile(
        needs=("emergency_housing",),
        gender="man",
        age=35,
        status="none",
        languages=("fr",),
        municipality="Montréal",
    )
    with translation.override("en"):
        result = match_profile(actor=None, profile=profile)
    (need,) = result.needs
    assert [o.service_id for o in need.options] == [
        directory["men_mtl"].pk,
        directory["mixed_mtl_stale"].pk,
    ]
    first, second = need.options
    assert texts(first.reasons) == [
        "0 km away (Montréal)",
        "2 beds free, updated 1 h ago",
        "takes people without status",
        "speaks French",
        "for men",
        "for the person's age",
        "staff 24/7",
    ]
    assert codes(second.reasons)[:2] == ["distance", "availability_stale"]
    assert second.reasons[1].text == "1 bed free, out of date: updated 30 h ago"
    assert first.score > second.score
    excluded = {e.service_id: texts(e.reasons) for e in need.excluded}
    assert excluded[directory["men_longueuil_full"].pk] == ["full"]
    assert excluded[directory["mixed_laval_citizens"].pk] == ["does not take people without status"]
    assert excluded[directory["women_confidential"].pk] == ["does not take men"]
    assert excluded[directory["youth"].pk] == ["ages 12 to 17 only"]
    assert directory["far_away"].pk not in excluded  # outside 60 km: not considered
    assert need.unmet_reason is None


def test_spanish_speaking_woman_with_two_children_confidential_shelter_and_trp_help(directory):
    profile = NeedsProfile(
        needs=("emergency_housing", "immigration_legal"),
        gender="woman",
        age=29,
        languages=("es",),
        status="none",
        children=2,
        must_be_confidential=True,
        municipality="montreal",
    )
    with translation.override("en"):
        housing, legal = match_profile(actor=None, profile=profile).needs
    assert [o.service_id for o in housing.options] == [directory["women_confidential"].pk]
    assert texts(housing.options[0].reasons) == [
        "0 km away (Montréal)",
        "1 family unit free, updated 30 min ago",
        "takes people without status",
        "speaks Spanish",
        "for women",
        "for the person's age",
        "takes children",
        "staff 24/7",
        "confidential address",
        "security measures",
    ]
    excluded = {e.service_id: texts(e.reasons) for e in housing.excluded}
    assert excluded[directory["women_laval_open"].pk] == ["address not confidential"]
    assert excluded[directory["men_mtl"].pk] == [
        "does not take women",
        "does not take children",
        "address not confidential",
    ]
    assert excluded[directory["mixed_mtl_stale"].pk] == [
        "does not take children",
        "address not confidential",
    ]
    # TRP legal help: the Spanish-speaking clinic that names people without status first.
    assert [o.service_id for o in legal.options] == [
        directory["trp_clinic"].pk,
        directory["lawyers_laval"].pk,
    ]
    assert texts(legal.options[0].reasons) == [
        "0 km away (Montréal)",
        "takes people without status",
        "speaks Spanish",
    ]
    assert texts(legal.options[1].reasons) == ["16 km away (Laval)"]
    assert legal.excluded == []


def test_a_17_year_old(directory):
    profile = NeedsProfile(
        needs=("emergency_housing",), gender="woman", age=17, municipality="montreal"
    )
    with translation.override("en"):
        (need,) = match_profile(actor=None, profile=profile).needs
    assert [o.service_id for o in need.options] == [directory["youth"].pk]
    assert texts(need.options[0].reasons) == [
        "0 km away (Montréal)",
        "4 beds free, updated 2 h ago",
        "for the person's age",
    ]
    excluded = {e.service_id: texts(e.reasons) for e in need.excluded}
    assert excluded[directory["women_confidential"].pk] == ["18 and over only"]
    assert excluded[directory["men_mtl"].pk] == ["does not take women", "18 and over only"]


def test_a_need_with_no_option_writes_an_unmet_need_with_nothing_personal(directory):
    profile = NeedsProfile(
        needs=("employment", "long_term_housing", "immigration_legal"),
        gender="man",
        age=41,
        status="none",
        municipality="montreal",
        languages=("es",),
    )
    result = match_profile(actor=None, profile=profile)
    employment, long_term, legal = result.needs
    assert (employment.options, employment.excluded, employment.unmet_reason) == (
        [],
        [],
        "no_option",
    )
    assert long_term.options == []
    assert long_term.unmet_reason == "all_full"
    assert legal.unmet_reason is None
    rows = unmet_needs_record(result=result)
    assert len(rows) == 2
    stored = list(UnmetNeed.objects.order_by("need").values())
    assert [{k: v for k, v in row.items() if k not in ("id", "recorded_on")} for row in stored] == [
        {
            "need": "employment",
            "region_code": "QC-06",
            "age_band": "35-49",
            "gender": "man",
            "status_bucket": "none",
            "reason": "no_option",
        },
        {
            "need": "long_term_housing",
            "region_code": "QC-06",
            "age_band": "35-49",
            "gender": "man",
            "status_bucket": "none",
            "reason": "all_full",
        },
    ]
    assert {f.name for f in UnmetNeed._meta.get_fields()} == {
        "id",
        "need",
        "region_code",
        "age_band",
        "gender",
        "status_bucket",
        "reason",
        "recorded_on",
    }


def test_region_without_municipality_limits_to_the_region(directory):
    profile = NeedsProfile(needs=("emergency_housing",), region="QC-13")
    (need,) = match_profile(actor=None, profile=profile).needs
    assert {o.service_id for o in need.options} == {
        directory["mixed_laval_citizens"].pk,
        directory["women_laval_open"].pk,
    }


def test_past_response_rate_breaks_a_tie(directory):
    a = make_service(None, name_fr="Aide à l'emploi A", terms=("employment",))
    b = make_service(None, name_fr="Aide à l'emploi B", terms=("employment",))
    ServiceResponseStats.objects.create(service=b, sent=10, answered=10, answered_in_time=10)
    ServiceResponseStats.objects.create(
        service=a, sent=10, answered=5, answered_in_time=2, expired=5
    )
    with translation.override("en"):
        (need,) = match_profile(
            actor=None, profile=NeedsProfile(needs=("employment",), municipality="montreal")
        ).needs
    assert [o.service_id for o in need.options] == [b.pk, a.pk]
    assert "answers 100% of referrals in time" in texts(need.options[0].reasons)
    assert "answers 20% of referrals in time" in texts(need.options[1].reasons)


# Scoring, factor by factor (docs/matching.md) --------------------------------------------------


def row(**summary) -> Row:
    from django.utils import timezone

    base = {"eligibility": [], "languages": [], "capacities": [], "places": []}
    base.update(summary)
    available = sum(c["available"] for c in base["capacities"]) if base["capacities"] else None
    return Row(
        service_id=__import__("uuid").uuid4(),
        name_fr="x",
        name_en="x",
        summary=base,
        available=available,
        capacity_updated=timezone.now() - base.pop("age", H) if base["capacities"] else None,
        minimum_age=None,
        maximum_age=None,
    )


def components(r: Row, profile: NeedsProfile, need: str = "emergency_housing", **kw):
    from django.utils import timezone

    return score_components(
        r, profile, need, distance=kw.get("distance"), stats=kw.get("stats"), now=timezone.now()
    )


def test_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100


def test_availability_fresh_beats_stale_beats_unknown_beats_full_and_counts_once():
    profile = NeedsProfile(needs=("emergency_housing",))
    fresh = components(row(capacities=[{"unit": "bed", "available": 1}]), profile)
    stale = components(row(capacities=[{"unit": "bed", "available": 1}], age=30 * H), profile)
    unknown = components(row(), profile)
    full = components(row(capacities=[{"unit": "bed", "available": 0}]), profile)
    values = [c["availability"] for c in (fresh, stale, unknown, full)]
    assert values == sorted(values, reverse=True) and len(set(values)) == 4


def test_an_old_figure_counts_once_in_availability_not_again_as_freshness():
    profile = NeedsProfile(needs=("emergency_housing",))
    cap = [{"unit": "bed", "available": 1}]
    assert components(row(capacities=cap, age=2 * H), profile)["availability"] == 1.0
    assert components(row(capacities=cap, age=23 * H), profile)["availability"] == 1.0
    assert components(row(capacities=cap, age=30 * H), profile)["availability"] == 0.5
    assert "freshness" not in WEIGHTS


def test_language_distance_safety_and_response_factors():
    profile = NeedsProfile(needs=("emergency_housing",), languages=("es", "fr"))
    assert components(row(languages=["es"]), profile)["language"] == 1.0
    assert components(row(languages=["fr"]), profile)["language"] == 0.7
    assert components(row(languages=["ar"]), profile)["language"] == 0.0
    assert components(row(), profile, distance=0)["distance"] == 1.0
    assert components(row(), profile, distance=30)["distance"] == 0.5
    assert components(row(), profile, distance=60)["distance"] == 0.0
    assert components(row(), profile, distance=150)["distance"] == 0.0
    safe = row(eligibility=["safety_confidential_address", "safety_staff_24_7"])
    assert round(components(safe, profile)["safety"], 2) == 0.67
    stats = ServiceResponseStats(answered=8, answered_in_time=8, expired=0)
    assert components(row(), profile, stats=stats)["response"] == 0.9
    assert components(row(), profile)["response"] == 0.5


def test_score_is_the_weighted_sum():
    parts = {name: 1.0 for name in WEIGHTS}
    assert score(parts) == 100
    parts["availability"] = 0
    assert score(parts) == 100 - WEIGHTS["availability"]


def test_eligibility_rules_each_exclude():
    r = row(
        eligibility=["gender_women", "status_citizen", "exploitation_sexual"],
        capacities=[{"unit": "bed", "available": 0}],
    )
    profile = NeedsProfile(
        needs=("emergency_housing",),
        gender="man",
        status="none",
        exploitation="labour",
        wheelchair=True,
        children=1,
        must_be_confidential=True,
        staff_24_7=True,
    )
    with translation.override("en"):
        reasons, full = assess(r, profile, "emergency_housing")
    assert full is True
    assert codes(reasons) == [
        "gender_man_excluded",
        "status_excluded",
        "exploitation_excluded",
        "not_accessible",
        "no_children",
        "not_confidential",
        "no_staff_24_7",
        "full",
    ]
    # Housing rules do not apply to other needs.
    with translation.override("en"):
        reasons, full = assess(r, profile, "mental_health")
    assert full is False
    assert codes(reasons) == [
        "gender_man_excluded",
        "status_excluded",
        "exploitation_excluded",
        "not_accessible",
    ]


# A ranking a worker trusts (issue 13) ---------------------------------------------------------


def _shelter(name: str, municipality: str, languages=("fr",), beds=2, age=H):
    return make_service(
        None,
        name_fr=name,
        terms=("housing_emergency", "gender_women", "safety_staff_24_7"),
        languages=languages,
        municipality=municipality,
        capacities=(("bed", beds, 10, age),),
    )


def test_an_option_46_km_away_never_outranks_an_equivalent_one_0_km_away(db):
    far = _shelter("Refuge Saint-Jérôme", "saint-jerome", beds=6)
    near = _shelter("Refuge Montréal", "montreal", beds=1)
    profile = NeedsProfile(
        needs=("emergency_housing",), gender="woman", languages=("es",), municipality="Montréal"
    )
    with translation.override("en"):
        (need,) = match_profile(actor=None, profile=profile).needs
    assert [o.service_id for o in need.options] == [near.pk, far.pk]
    assert [r.text for r in need.options[0].reasons][:2] == [
        "0 km away (Montréal)",
        "1 bed free, updated 1 h ago",
    ]
    assert round(need.options[1].distance_km or 0) == 46
    assert "ahead_of_closer" not in codes(need.options[0].reasons)


def test_a_farther_option_ranked_first_says_why(db):
    far = _shelter("Refuge Saint-Jérôme", "saint-jerome", languages=("fr", "es"))
    near = _shelter("Refuge Montréal", "montreal")
    profile = NeedsProfile(
        needs=("emergency_housing",), gender="woman", languages=("es",), municipality="Montréal"
    )
    with translation.override("en"):
        (need,) = match_profile(actor=None, profile=profile).needs
    assert [o.service_id for o in need.options] == [far.pk, near.pk]
    first = texts(need.options[0].reasons)
    assert first[0] == "46 km away (Saint-Jérôme)"
    assert "speaks Spanish" in first
    assert first[-1] == "before a closer option (0 km) for: speaks the person's language"
    with translation.override("fr-ca"):
        (need,) = match_profile(actor=None, profile=profile).needs
    assert texts(need.options[0].reasons)[-1] == (
        "placée avant une option plus proche (0\u00a0km) pour\u00a0: parle la langue de la personne"
    )


def test_an_old_figure_near_by_does_not_lose_to_a_fresh_one_far_away_without_a_reason(db):
    """The demonstration's case: a fresh figure 46 km away against a 54-hour-old figure 0 km
    away. Whichever comes first, a farther first option says why."""
    far = _shelter("Refuge Saint-Jérôme", "saint-jerome", languages=("fr", "es"), beds=6)
    near = _shelter("Refuge Montréal", "montreal", languages=("fr", "es"), age=54 * H)
    profile = NeedsProfile(
        needs=("emergency_housing",), gender="woman", languages=("es",), municipality="Montréal"
    )
    with translation.override("en"):
        (need,) = match_profile(actor=None, profile=profile).needs
    assert [o.service_id for o in need.options] == [near.pk, far.pk]


def test_every_farther_option_before_a_closer_one_states_why(db):
    """Property over a random small directory: wherever an option is ranked before one that is
    more than 2 km closer, it carries the reason, naming at least one factor."""
    import random

    rng = random.Random(13)
    places = ["montreal", "laval", "longueuil", "saint-jerome", "terrebonne", "brossard"]
    for number in range(14):
        make_service(
            None,
            name_fr=f"Refuge {number}",
            terms=("housing_emergency", *rng.sample(list(SAFETY), rng.randint(0, 3))),
            languages=tuple(rng.sample(["fr", "en", "es", "ar"], rng.randint(1, 3))),
            municipality=rng.choice(places),
            capacities=(("bed", rng.randint(1, 4), 10, rng.choice([H, 30 * H])),)
            if rng.random() < 0.8
            else (),
        )
    profile = NeedsProfile(needs=("emergency_housing",), languages=("es",), municipality="montreal")
    with translation.override("en"):
        (need,) = match_profile(actor=None, profile=profile).needs
    options = need.options
    assert len(options) == 10
    pairs = 0
    for index, option in enumerate(options):
        closer_below = [
            o for o in options[index + 1 :] if (o.distance_km or 0) + 2 < (option.distance_km or 0)
        ]
        ahead = [r for r in option.reasons if r.code == "ahead_of_closer"]
        if closer_below:
            pairs += 1
            assert len(ahead) == 1 and ahead[0].text.split(": ", 1)[1]
        else:
            assert not ahead
    assert pairs > 0


def test_distance_from_the_region_when_no_municipality_is_given(directory):
    profile = NeedsProfile(needs=("emergency_housing",), region="QC-13")
    with translation.override("en"):
        (need,) = match_profile(actor=None, profile=profile).needs
    assert all(o.reasons[0].code == "distance" for o in need.options)
    first = [o.reasons[0].text for o in need.options]
    assert all(text.endswith("(Laval)") for text in first)
    assert all(" from Laval " in text or text.endswith("km away (Laval)") for text in first)


SAFETY = ("safety_confidential_address", "safety_staff_24_7", "safety_security_measures")


def test_the_distance_reason_names_where_it_is_measured_from():
    from arrimage.orientation.reasons import distance_reason

    with translation.override("en"):
        assert distance_reason(12.3, "Terrebonne", "Laval").text == "12 km from Laval (Terrebonne)"
        assert distance_reason(0.2, "Laval", "Laval").text == "0 km away (Laval)"
        assert distance_reason(3, "Laval", "").text == "3 km away (Laval)"
    with translation.override("fr-ca"):
        assert (
            distance_reason(12.3, "Terrebonne", "Laval").text
            == "à 12\u00a0km de Laval (Terrebonne)"
        )
