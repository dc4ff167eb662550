"""The pages and downloads, through HTTP, with two organisations holding identical data."""

import csv
import io
import zipfile

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.core.models import AuditEvent
from arrimage.trends.models import Release
from tests.conftest import login, run_queued_tasks
from tests.trends.conftest import cases_with_consent

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


@pytest.fixture
def release(client, side_a, partner, coalition) -> Release:
    cases_with_consent(side_a, partner.organisation, 9)
    cases_with_consent(side_a, partner.organisation, 2, gender="Male")
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        "/tendances/publier/",
        {"coalition_id": str(coalition.pk), "year": YEAR, "method": "suppression"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/taches/")
    run_queued_tasks()
    return Release.objects.get()


def test_the_gap_report_has_charts_with_tables(client, release):
    page = client.get(f"/tendances/diffusions/{release.pk}/").content.decode()
    assert (
        page.count('<img src="data:image/svg+xml;base64,') == len(release.content["tables"]) == 12
    )
    assert page.count("<table>") == 12
    assert "Pourquoi des références ont été refusées" in page or "declined" in page
    assert "suppressed" in page or "supprim" in page


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_pdf_and_spreadsheet_download(client, release, language):
    pdf = client.get(f"/tendances/diffusions/{release.pk}/rapport.pdf?langue={language}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    xlsx = client.get(f"/tendances/diffusions/{release.pk}/rapport.xlsx?langue={language}")
    assert zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    assert AuditEvent.objects.filter(action="trends_release_exported").count() == 2


def test_csv_carries_statistics_canada_marks(client, release):
    text = client.get(f"/tendances/diffusions/{release.pk}/tableaux.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    suppressed = [r for r in rows if r["value"] == "x"]
    assert suppressed
    assert all(r["accuracy_95"] == "" for r in suppressed)
    total = next(
        r
        for r in rows
        if r["table"] == "month_region" and r["row"] == "year" and r["column"] == "total"
    )
    assert total["value"] == "11"


def test_another_coalition_cannot_open_the_release(client, release, side_b):
    client.logout()
    login(client, side_b.user(Role.COORDINATOR))
    for suffix in ("", "rapport.pdf", "rapport.xlsx", "tableaux.csv", "paquet.json"):
        response = client.get(f"/tendances/diffusions/{release.pk}/{suffix}")
        assert response.status_code == 404
        assert b"Montr" not in response.content


def test_index_lists_and_refuses_other_roles(client, release, side_a):
    assert b"Montr" in client.get("/tendances/").content
    client.logout()
    login(client, side_a.user(Role.CASEWORKER))
    assert client.get("/tendances/").status_code == 404


def test_htcds_export_holds_only_the_organisations_own_cases(client, side_a, side_b, partner):
    mine = cases_with_consent(side_a, partner.organisation, 2, labour=("Agriculture",))
    theirs = cases_with_consent(side_b, partner.organisation, 2, labour=("Agriculture",))
    login(client, side_a.user(Role.CASEWORKER))
    text = client.get("/tendances/export-htcds.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    extra = client.get("/tendances/export-htcds-complements.csv").content.decode()
    extra_rows = list(csv.DictReader(io.StringIO(extra)))
    assert {r["case_reference"] for r in extra_rows} == {c.reference for c in mine}
    assert not {c.reference for c in theirs} & {r["case_reference"] for r in extra_rows}
    assert len(rows) == len(extra_rows) == 2
    assert rows[0]["prs_Gender"] == "Feminine"
    assert rows[0]["vic_ForcedLabourIndustry"] == "A_AgricultureForestryAndFishing"
    assert extra_rows[0]["labour_exploitation_types"] == "Agriculture"
    client.logout()
    login(client, side_a.user(Role.COORDINATOR))
    rows = list(
        csv.DictReader(io.StringIO(client.get("/tendances/export-htcds.csv").content.decode()))
    )
    extra = client.get("/tendances/export-htcds-complements.csv").content.decode()
    extra_rows = list(csv.DictReader(io.StringIO(extra)))
    assert rows and all(r["prs_Gender"] == "" for r in rows)
    assert extra_rows and all(r["immigration_status"] == "" for r in extra_rows)


def test_answers_page_records_the_gbvims_answer(client, side_a, side_b, partner):
    case = cases_with_consent(side_a, partner.organisation, 1)[0]
    other = cases_with_consent(side_b, partner.organisation, 1)[0]
    login(client, side_a.user(Role.CASEWORKER))
    assert case.reference.encode() in client.get("/tendances/reponses/").content
    assert (
        client.post(
            f"/tendances/reponses/{other.pk}/", {"is_reported_elsewhere": "yes"}
        ).status_code
        == 404
    )
    client.post(f"/tendances/reponses/{case.pk}/", {"is_reported_elsewhere": "yes"})
    from arrimage.trends.models import StatisticsRecord

    assert StatisticsRecord.objects.get(case_id=case.pk).is_reported_elsewhere
    assert not StatisticsRecord.objects.filter(
        case_id=other.pk, is_reported_elsewhere=True
    ).exists()


def test_a_spent_budget_is_refused_through_the_page(client, side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 6)
    login(client, side_a.user(Role.COORDINATOR))
    form = {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "share": "75"}
    assert client.post("/tendances/publier/", form).status_code == 302
    run_queued_tasks()
    response = client.post("/tendances/publier/", {**form, "share": "50"}, follow=True)
    assert Release.objects.count() == 1
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    with translation.override("fr-ca"):
        expected = gettext(
            "The privacy budget of %(year)s has %(remaining)s %% left and this "
            "release asks for %(asked)s %%: choose a smaller share."
        ) % {"year": YEAR, "remaining": 25, "asked": 50}
    assert escape(expected) in response.content.decode()


def test_the_coordinator_chooses_what_to_release(client, side_a, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 6)
    login(client, side_a.user(Role.COORDINATOR))
    page = client.get("/tendances/").content.decode()
    assert 'name="sections" value="cases" checked' in page, "the case tables by default"
    assert 'name="sections" value="referrals">' in page
    form = {"coalition_id": str(coalition.pk), "year": YEAR, "method": "dp", "share": "25"}
    refused = client.post("/tendances/publier/", {**form, "sections_shown": "1"}, follow=True)
    assert "Choisissez au moins une partie à diffuser." in refused.content.decode()
    assert not Release.objects.exists()
    response = client.post(
        "/tendances/publier/",
        {**form, "sections_shown": "1", "sections": ["timelines", "unmet_needs"]},
    )
    assert response.status_code == 302
    run_queued_tasks()
    keys = [table["key"] for table in Release.objects.get().content["tables"]]
    assert keys == [
        "trp_delay_quarter",
        "immigration_applications",
        "mental_health_access",
        "unmet_need_region",
    ]
