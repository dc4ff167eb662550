"""The trends demonstration step: historical cases through the case models, consents, a
release per regional coalition and the provincial sum."""

import pytest

from arrimage.accounts import demo
from arrimage.cases.models import Case
from arrimage.coalition.models import CoalitionLevel, Organisation
from arrimage.trends import demo as trends_demo
from arrimage.trends import sources, tallies
from arrimage.trends.models import Release, StatisticsRecord

pytestmark = pytest.mark.django_db


def test_demo_builds_history_and_releases(monkeypatch):
    monkeypatch.setattr(trends_demo, "HISTORICAL_CASES", 120)
    demo.demo_coalition_build()
    assert trends_demo.demo_trends_cases_build() == 120
    assert Case.objects.count() == 120
    opened = sorted(Case.objects.values_list("opened_at", flat=True))
    assert (opened[-1] - opened[0]).days > 365
    made = trends_demo.demo_trends_release()
    assert made == Release.objects.count() >= 2
    rollup = Release.objects.get(coalition_level=CoalitionLevel.PROVINCIAL)
    assert rollup.method == "rollup"
    assert len(rollup.content["sources"]) == made - 1
    assert StatisticsRecord.objects.count() == 120
    assert StatisticsRecord.objects.filter(counted=True).exists()
    keys = {table["key"] for table in rollup.content["tables"]}
    assert {"trp_delay_quarter", "mental_health_access", "referral_outcome_need"} <= keys
    organisations = Organisation.objects.values_list("pk", flat=True)
    timelines, mental = set(), set()
    for year in {opened.year for opened in Case.objects.values_list("opened_at", flat=True)}:
        tally = sources.tally_sum(organisation_ids=organisations, year=year)
        timelines |= {key[1] for key in tallies.margin_counts(tally=tally, name="month_trp_delay")}
        mental |= {key[0] for key in tallies.margin_counts(tally=tally, name="mental")}
    assert timelines - {"", "no_permit", "unknown"}
    assert mental & {"met", "in_progress", "open", "unmet"}
