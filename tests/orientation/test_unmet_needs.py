"""Unmet needs through HTTP: the coordinators' page and API suppress small cells (and the
cells that would give them away), and recording is one act per case (or profile) and need a
day, however often matching is called. Two organisations with identical data."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from arrimage.accounts.models import Role
from arrimage.orientation.matching import match_profile
from arrimage.orientation.models import UnmetNeed, UnmetNeedMark
from arrimage.orientation.needs import STATUS_BUCKET_LABELS, NeedsProfile
from arrimage.orientation.unmet import unmet_needs_record
from arrimage.trends.presentation import Figure, method_sentence
from arrimage.trends.suppression import LinearTable, grid_table, recovered_cells
from tests.conftest import login
from tests.orientation.conftest import open_case

pytestmark = pytest.mark.django_db

TOTAL = "total"
MENTAL_HEALTH_CELL = ("QC-06", "mental_health")


def unmet(n: int, *, need: str, region: str, gender: str = "man", **fields: Any) -> None:
    row = {
        "age_band": "35-49",
        "status_bucket": "citizen_pr",
        "reason": "no_option",
        "recorded_on": timezone.localdate() - timedelta(days=3),
        **fields,
    }
    UnmetNeed.objects.bulk_create(
        UnmetNeed(need=need, region_code=region, gender=gender, **row) for _ in range(n)
    )


@pytest.fixture
def small_region():
    """One young woman without status whose mental-health need went unmet in Montréal: a
    count of 1 that could point to her. Every other count is large enough to show."""
    unmet(
        1,
        need="mental_health",
        region="QC-06",
        gender="woman",
        age_band="0-17",
        status_bucket="none",
    )
    unmet(6, need="emergency_housing", region="QC-06")
    unmet(6, need="emergency_housing", region="QC-06", gender="woman")
    unmet(7, need="emergency_housing", region="QC-05")
    unmet(5, need="mental_health", region="QC-05", gender="woman")
    unmet(8, need="emergency_housing", region="QC-13", gender="woman")
    unmet(6, need="mental_health", region="QC-13")
    unmet(9, need="employment", region="QC-13", recorded_on=date(2020, 1, 1))  # out of period


def page_cells(html: str, table: str) -> dict[tuple[str, str], str]:
    body = html[html.index(f'data-table="{table}"') :]
    body = body[: body.index("</table>")]
    cells = re.findall(
        r'<td data-row="([^"]*)" data-col="([^"]*)"><span aria-hidden="true">([^<]*)</span>', body
    )
    return {(row, col): text for row, col, text in cells}


def attack(region_cells: dict[tuple[str, str], Any], gender_cells: dict[tuple[str, str], Any]):
    """What a reader can work out from what is published: the two tables, with their row and
    column totals, share the need totals. Returns the hidden cells and those given away."""
    tables = []
    hidden: set[Any] = set()
    for prefix, cells in (("region", region_cells), ("gender", gender_cells)):
        rows = sorted({r for r, _c in cells if r != TOTAL})
        cols = sorted({c for _r, c in cells if c != TOTAL})
        key = {r: f"{prefix}:{r}" for r in rows} | {TOTAL: TOTAL}
        values = {(key[r], c): (0 if v is None else v) for (r, c), v in cells.items()}
        hidden |= {(key[r], c) for (r, c), v in cells.items() if v is None}
        leaves = [key[r] for r in rows]
        tables.append(
            grid_table(
                values,
                row_leaves=leaves,
                col_leaves=cols,
                row_aggregates={TOTAL: leaves},
                col_aggregates={TOTAL: cols},
            )
        )
    joint = LinearTable(
        values={**tables[0].values, **tables[1].values},
        equations=[*tables[0].equations, *tables[1].equations],
    )
    return hidden, recovered_cells(joint, hidden)


def as_numbers(cells: dict[tuple[str, str], str]) -> dict[tuple[str, str], int | None]:
    return {key: None if text == "x" else int(text) for key, text in cells.items()}


def test_a_count_of_one_is_x_on_the_page_and_cannot_be_worked_out(
    client, side_a, side_b, small_region
):
    pages = []
    for side in (side_a, side_b):  # records belong to no organisation: both read the same
        client.logout()
        login(client, side.user(Role.COORDINATOR))
        response = client.get(reverse("orientation:unmet_needs") + "?jours=30")
        assert response.status_code == 200
        pages.append(response.content.decode())
    html = pages[0]
    by_region = page_cells(html, "region")
    by_gender = page_cells(html, "gender")
    assert (by_region, by_gender) == (
        page_cells(pages[1], "region"),
        page_cells(pages[1], "gender"),
    )
    assert by_region[MENTAL_HEALTH_CELL] == "x"
    # The totals that contain it do not give it away: its row, its column, the grand total,
    # and the need total shared with the table by gender.
    assert by_region[("QC-06", TOTAL)] == "x" or by_region[("QC-06", "emergency_housing")] == "x"
    assert by_gender[("woman", "mental_health")] in ("x", "6")
    hidden, recovered = attack(as_numbers(by_region), as_numbers(by_gender))
    assert ("region:QC-06", "mental_health") in hidden
    assert recovered == set()
    # Published counts are exact; the explanation is the trends app's.
    assert by_region[("QC-13", "emergency_housing")] == "8"
    assert "employment" not in {need for _region, need in by_region}  # out of the period
    with translation.override("fr"):
        assert escape(Figure(None, 0, "x").spoken) in html
        assert escape(method_sentence({"method": "suppression", "threshold": 5})) in html
        # No record is listed: neither the age band nor the status bucket reaches the page.
        assert "0-17" not in html
        assert escape(str(STATUS_BUCKET_LABELS["none"])) not in html


def test_the_api_suppresses_the_same_cells(client, side_a, small_region):
    login(client, side_a.user(Role.ANALYST))
    response = client.get("/api/orientation/unmet-needs?days=30")
    assert response.status_code == 200
    data = response.json()
    assert (data["days"], data["threshold"]) == (30, 5)
    by_region = {(c["region_code"], c["need"]): c for c in data["cells"]}
    assert by_region[MENTAL_HEALTH_CELL] == {
        "region_code": "QC-06",
        "need": "mental_health",
        "count": None,
        "flag": "x",
    }
    assert all((c["count"] is None) == (c["flag"] == "x") for c in data["cells"])
    by_gender = {(c["gender"], c["need"]): c["count"] for c in data["by_gender"]}
    hidden, recovered = attack({k: c["count"] for k, c in by_region.items()}, by_gender)
    assert ("region:QC-06", "mental_health") in hidden
    assert recovered == set()
    assert data["total"] == by_region[(TOTAL, TOTAL)]["count"]
    # The page hides exactly what the API hides.
    client.logout()
    login(client, side_a.user(Role.COORDINATOR))
    html = client.get(reverse("orientation:unmet_needs") + "?jours=30").content.decode()
    assert {k for k, v in page_cells(html, "region").items() if v == "x"} == {
        k for k, c in by_region.items() if c["count"] is None
    }


def test_only_fixed_periods_so_days_cannot_be_subtracted(client, side_a, small_region):
    login(client, side_a.user(Role.COORDINATOR))
    for asked, read in (("29", 90), ("31", 90), ("365", 365), ("30", 30)):
        assert client.get(f"/api/orientation/unmet-needs?days={asked}").json()["days"] == read
        html = client.get(reverse("orientation:unmet_needs") + f"?jours={asked}").content
        assert f'<option value="{read}" selected>'.encode() in html
    html = client.get(reverse("orientation:unmet_needs") + "?jours=abc").content
    assert b'<option value="90" selected>' in html


def test_unmet_needs_for_statistics_roles_of_either_side_only(client, side_a, side_b, small_region):
    for side in (side_a, side_b):
        for role in (Role.CASEWORKER, Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN):
            client.logout()
            login(client, side.user(role))
            assert client.get(reverse("orientation:unmet_needs")).status_code == 404
            assert client.get("/api/orientation/unmet-needs").status_code == 404


# Recording once ------------------------------------------------------------------------------

EMPLOYMENT = {"needs": ["employment"], "gender": "man", "age": 41, "municipality": "montreal"}


def post_match(client, body: dict[str, Any]) -> Any:
    response = client.post("/api/orientation/match", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_repeated_api_match_calls_record_one_unmet_need(client, side_a, side_b):
    login(client, side_a.user(Role.CASEWORKER))
    for _ in range(3):  # looking, polling: nothing is recorded unless asked
        answer = post_match(client, EMPLOYMENT)
        assert answer["needs"][0]["unmet_reason"] == "no_option"
        assert answer["unmet_recorded"] == []
    assert UnmetNeed.objects.count() == 0
    asked = {**EMPLOYMENT, "record_unmet": True}
    assert post_match(client, asked)["unmet_recorded"] == ["employment"]
    for _ in range(3):  # retries, polling with the flag on
        assert post_match(client, asked)["unmet_recorded"] == []
    client.logout()
    login(client, side_a.user(Role.COORDINATOR))  # another session, same organisation
    assert post_match(client, asked)["unmet_recorded"] == []
    assert UnmetNeed.objects.count() == 1
    # A new need for the same profile is recorded; the one already recorded is not.
    both = {**asked, "needs": ["employment", "income"]}
    assert post_match(client, both)["unmet_recorded"] == ["income"]
    # The same profile in the other organisation is counted apart (it may be another person).
    client.logout()
    login(client, side_b.user(Role.CASEWORKER))
    assert post_match(client, asked)["unmet_recorded"] == ["employment"]
    assert sorted(UnmetNeed.objects.values_list("need", flat=True)) == [
        "employment",
        "employment",
        "income",
    ]


def test_a_case_records_its_unmet_need_once_a_day_through_api_and_page(client, side_a, side_b):
    case_a, case_b = open_case(side_a), open_case(side_b)
    login(client, side_a.user(Role.CASEWORKER))
    body = {"needs": ["employment"], "case_id": str(case_a.pk), "record_unmet": True}
    assert post_match(client, body)["unmet_recorded"] == ["employment"]
    # Whatever the other fields say, it is the same case.
    assert post_match(client, {**body, "age": 52})["unmet_recorded"] == []
    # The form, from the case, on the same day: the need is not recorded again.
    form = client.post(reverse("orientation:match"), {"needs": ["employment"], "case": case_a.pk})
    assert form.status_code == 200
    assert UnmetNeed.objects.count() == 1
    # The other organisation cannot use the first one's case, and records nothing with it.
    client.logout()
    login(client, side_b.user(Role.CASEWORKER))
    denied = client.post(
        "/api/orientation/match",
        {**body, "case_id": str(case_a.pk)},
        content_type="application/json",
    )
    assert denied.status_code == 404
    assert UnmetNeed.objects.count() == 1
    assert post_match(client, {**body, "case_id": str(case_b.pk)})["unmet_recorded"] == [
        "employment"
    ]
    assert UnmetNeed.objects.count() == 2


def test_the_form_records_once_even_from_a_new_session(client, side_a):
    form = {"needs": ["employment"], "gender": "woman", "age": "30", "municipality": "Montréal"}
    login(client, side_a.user(Role.CASEWORKER))
    client.post(reverse("orientation:match"), form)
    client.logout()
    login(client, side_a.user(Role.CASEWORKER))
    client.post(reverse("orientation:match"), form)
    assert UnmetNeed.objects.count() == 1
    client.post(reverse("orientation:match"), {**form, "age": "31"})  # another person
    assert UnmetNeed.objects.count() == 2


def test_marks_last_one_day_and_hold_no_subject(db):
    result = match_profile(actor=None, profile=NeedsProfile(needs=("employment",), age=41))
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    subject = "case:00000000-0000-0000-0000-000000000001"
    assert len(unmet_needs_record(result=result, subject=subject, on=monday)) == 1
    assert unmet_needs_record(result=result, subject=subject, on=monday) == []
    assert len(unmet_needs_record(result=result, subject=subject, on=tuesday)) == 1
    (mark,) = UnmetNeedMark.objects.all()
    assert mark.recorded_on == tuesday
    assert "00000000" not in mark.digest and "employment" not in mark.digest


def test_openapi_describes_recording_and_suppression(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    record = schemas["NeedsIn"]["properties"]["record_unmet"]
    assert record["default"] is False and "once a day" in record["description"]
    assert "unmet_recorded" in schemas["MatchOut"]["properties"]
    count = schemas["UnmetCellOut"]["properties"]["count"]
    assert "suppressed" in count["description"]
