"""Releases: an explicit act of a coordinator, recorded, immutable, audited; levels; the
budget; a person without consent in no count at any level."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.trends import federation, selectors, services
from arrimage.trends.models import ImmutableRelease, Release
from tests.trends.conftest import cases_with_consent, member, open_case, statistics_consent

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


def _grand_total(release: Release, key: str = "month_region") -> int | None:
    table = next(t for t in release.content["tables"] if t["key"] == key)
    return table["cells"][-1][-1]["v"]


def _release(side, coalition, method="suppression", epsilon=None):
    return services.release_create(
        actor=member(side, Role.COORDINATOR),
        coalition_id=coalition.pk,
        year=YEAR,
        method=method,
        epsilon=epsilon,
    )


def test_a_coordinator_releases_exact_counts_with_small_cells_hidden(side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 9)
    cases_with_consent(side_a, partner.organisation, 2, gender="Male", age_band="18-24")
    release = _release(side_a, coalition)
    assert release.recipient == coalition.parent
    assert _grand_total(release) == 11
    gender = next(t for t in release.content["tables"] if t["key"] == "gender_age")
    rows = gender["rows"]["leaves"] + list(gender["rows"]["aggregates"])
    male = gender["cells"][rows.index("male")]
    assert all(cell["v"] in (None, 0) for cell in male)
    assert any(cell["f"] == "x" for cell in male)
    assert AuditEvent.objects.filter(
        action="trends_release_created", target_id=str(release.pk)
    ).exists()


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.ANALYST, Role.ORGANISATION_ADMIN, Role.SERVICE_STAFF]
)
def test_only_a_coordinator_releases(side_a, coalition, role):
    with pytest.raises(NotFound):
        services.release_create(
            actor=member(side_a, role), coalition_id=coalition.pk, year=YEAR, method="suppression"
        )
    assert not Release.objects.exists()


def test_a_coordinator_of_another_coalition_cannot_release_for_this_one(side_a, side_b, coalition):
    with pytest.raises(NotFound):
        _release(side_b, coalition)
    assert not Release.objects.exists()


def test_a_person_without_consent_is_in_no_count_at_any_level(
    side_a, partner, provincial_side, national_side, coalition
):
    from arrimage.orientation.models import Referral
    from tests.orientation.conftest import make_service

    service = make_service(partner.organisation, name_fr="Hébergement")
    counted = cases_with_consent(side_a, partner.organisation, 12)
    refused = [open_case(side_a) for _ in range(3)]
    for case, state in zip(refused, ("none", "expired", "withdrawn"), strict=True):
        statistics_consent(case, partner.organisation, state=state)
    for case in counted + refused:
        Referral.objects.create(
            case=case,
            service=service,
            sender_organisation=side_a.organisation,
            recipient_organisation=partner.organisation,
            need="emergency_housing",
            status="completed",
            sent_at=timezone.now(),
            answered_at=timezone.now(),
        )
    regional = _release(side_a, coalition)
    provincial = federation.rollup_create(
        actor=member(provincial_side, Role.COORDINATOR), coalition_id=coalition.parent.pk, year=YEAR
    )
    assert provincial.recipient == coalition.parent.parent
    national = selectors.release_get(
        actor=member(national_side, Role.ANALYST), release_id=provincial.pk
    )
    for release in (regional, provincial, national):
        for key in (
            "month_region",
            "gender_age",
            "trp_delay_quarter",
            "mental_health_access",
            "referral_outcome_need",
            "response_time_need",
        ):
            assert _grand_total(release, key) == 12, key


def test_each_level_sees_only_what_was_released_to_it(
    side_a, side_b, partner, provincial_side, national_side, coalition
):
    cases_with_consent(side_a, partner.organisation, 6)
    regional = _release(side_a, coalition)
    assert (
        selectors.release_get(actor=member(provincial_side, Role.ANALYST), release_id=regional.pk)
        == regional
    )
    with pytest.raises(NotFound):
        selectors.release_get(actor=member(national_side, Role.COORDINATOR), release_id=regional.pk)
    with pytest.raises(NotFound):
        selectors.release_get(actor=member(side_b, Role.COORDINATOR), release_id=regional.pk)
    with pytest.raises(NotFound):
        selectors.release_get(actor=member(side_a, Role.CASEWORKER), release_id=regional.pk)
    with pytest.raises(ValidationError):
        services.release_create(
            actor=member(provincial_side, Role.COORDINATOR),
            coalition_id=coalition.parent.pk,
            year=YEAR,
            method="dp",
            epsilon=1,
        )


def test_the_budget_is_refused_when_spent(side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 6)
    first = _release(side_a, coalition, "dp", 2.0)
    second = _release(side_a, coalition, "dp", 2.0)
    assert first.epsilon + second.epsilon == pytest.approx(selectors.yearly_budget())
    with pytest.raises(ValidationError) as refused:
        _release(side_a, coalition, "dp", 0.5)
    assert refused.value.code == "budget_spent"
    assert Release.objects.count() == 2
    with pytest.raises(ValidationError):
        _release(side_a, coalition, "suppression")


def test_exact_counts_spend_the_whole_budget(side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 6)
    _release(side_a, coalition)
    assert selectors.budget_remaining(coalition=coalition, year=YEAR) == 0
    with pytest.raises(ValidationError):
        _release(side_a, coalition, "dp", 0.5)


def test_a_release_never_changes(side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 7)
    release = _release(side_a, coalition, "dp", 1.0)
    shown = Release.objects.get(pk=release.pk).content
    cases_with_consent(side_a, partner.organisation, 5)
    assert Release.objects.get(pk=release.pk).content == shown
    assert selectors.release_payload_is_intact(release)
    release.epsilon = 0.1
    with pytest.raises(ImmutableRelease):
        release.save()
    with pytest.raises(ImmutableRelease):
        release.delete()


def test_privacy_release_states_accuracy_beside_each_figure(side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 30)
    release = _release(side_a, coalition, "dp", 2.0)
    assert release.epsilon == 2.0
    for table in release.content["tables"]:
        for line in table["cells"]:
            for cell in line:
                assert cell["a"] > 0
                assert cell["n"]
                assert cell["v"] is not None
                assert cell["f"] == ("E" if cell["a"] * 2 > cell["v"] else "")


def test_the_reported_elsewhere_answer_is_the_lead_organisations(
    side_a, side_b, partner, coalition
):
    case = cases_with_consent(side_a, partner.organisation, 1)[0]
    with pytest.raises(NotFound):
        services.statistics_answer_record(
            actor=member(side_b), case_id=case.pk, is_reported_elsewhere=True
        )
    record = services.statistics_answer_record(
        actor=member(side_a), case_id=case.pk, is_reported_elsewhere=True
    )
    assert record.is_reported_elsewhere


def test_a_rollup_of_noisy_releases_states_the_combined_accuracy(
    side_a, partner, provincial_side, other_regional, coalition
):
    from tests.conftest import make_side

    other = make_side("C", region_code="QC-03", coalition=other_regional)
    other_partner = make_side("D", region_code="QC-03", coalition=other_regional)
    cases_with_consent(side_a, partner.organisation, 10)
    cases_with_consent(other, other_partner.organisation, 10)
    first = _release(side_a, coalition, "dp", 2.0)
    second = services.release_create(
        actor=member(other, Role.COORDINATOR),
        coalition_id=other_regional.pk,
        year=YEAR,
        method="dp",
        epsilon=2.0,
    )
    rollup = federation.rollup_create(
        actor=member(provincial_side, Role.COORDINATOR), coalition_id=coalition.parent.pk, year=YEAR
    )
    assert rollup.epsilon == 0
    table = next(t for t in rollup.content["tables"] if t["key"] == "month_region")
    assert table["cols"]["leaves"] == ["QC-03", "QC-06"]
    grand = table["cells"][-1][-1]
    parts = [
        next(t for t in r.content["tables"] if t["key"] == "month_region")["cells"][-1][-1]
        for r in (first, second)
    ]
    if all(p["v"] is not None for p in parts):
        assert grand["v"] == sum(p["v"] for p in parts)
    assert grand["a"] > max(p["a"] for p in parts)
    assert sum(grand["n"].values()) == sum(sum(p["n"].values()) for p in parts)


def test_unmet_needs_of_the_coalitions_regions_are_released(side_a, partner, coalition):
    from datetime import date

    from arrimage.orientation.models import UnmetNeed

    def unmet(region: str, n: int, need: str = "emergency_housing") -> None:
        UnmetNeed.objects.bulk_create(
            UnmetNeed(
                need=need,
                region_code=region,
                age_band="25+",
                gender="male",
                status_bucket="no_status",
                reason="no_option",
                recorded_on=date(YEAR, 1, 5),
            )
            for _ in range(n)
        )

    unmet("QC-06", 9)
    unmet("QC-05", 40)  # another coalition's region: not in this release
    release = _release(side_a, coalition)
    table = next(t for t in release.content["tables"] if t["key"] == "unmet_need_region")
    rows = table["rows"]["leaves"] + list(table["rows"]["aggregates"])
    cols = table["cols"]["leaves"] + list(table["cols"]["aggregates"])
    assert cols == ["QC-06", "total"]
    assert table["cells"][rows.index("emergency_housing")][0]["v"] == 9
    assert table["cells"][rows.index("total")][cols.index("total")]["v"] == 9
