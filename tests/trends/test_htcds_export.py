"""The HTCDS export speaks HTCDS 2.0 exactly: every column and every value is checked against
the standard's own files (a copy in tests/data/htcds/), unknown is never written as false, and
Arrimage's own columns go in a separate file, row for row."""

import csv
import io
import re
import xml.etree.ElementTree as ElementTree
from functools import cache
from pathlib import Path

import pytest

from arrimage.accounts.models import Role
from arrimage.cases import services as case_services
from arrimage.cases import track_services
from arrimage.cases import vocabularies as v
from arrimage.cases.exploitation_vocabularies import (
    HTCDS_DECIDED_BY,
    HTCDS_FORCED_LABOUR_INDUSTRY,
    HTCDS_RECRUITMENT,
    HTCDS_TRAFFICKING_STATUS,
    RECRUITMENTS_RETIRED,
    LabourExploitationType,
    MethodOfControl,
    MethodOfRecruitment,
    SexExploitationType,
    StatusDecidedBy,
    TraffickingStatus,
    htcds_exploitation,
)
from arrimage.cases.models import Case
from arrimage.trends.exports import COLUMNS, EXTRA_COLUMNS
from tests.conftest import login
from tests.trends.conftest import member

pytestmark = pytest.mark.django_db
STANDARD = Path(__file__).resolve().parents[1] / "data" / "htcds"
XFORMS = "{http://www.w3.org/2002/xforms}"


@cache
def standard_fields() -> frozenset[str]:
    """The field names of the standard: its survey form's, and the means of control of the
    field definitions."""
    root = ElementTree.parse(STANDARD / "htcds_xlsform_choices.xml").getroot()  # noqa: S314 (our copy)
    data = root.find(f".//{XFORMS}data")
    assert data is not None
    names = {child.tag.removeprefix(XFORMS) for child in data}
    definitions = (STANDARD / "field-definitions.md").read_text(encoding="utf-8")
    names |= set(re.findall(r"^\| (MethodsOfControl\w+)\s", definitions, re.MULTILINE))
    return frozenset(names)


@cache
def standard_values() -> dict[str, frozenset[str]]:
    """Field -> its value names, from the survey form's lists; the ISIC sections are checked
    against the field definitions too."""
    root = ElementTree.parse(STANDARD / "htcds_xlsform_choices.xml").getroot()  # noqa: S314 (our copy)
    values = {}
    for tag in ("select", "select1"):
        for element in root.iter(f"{XFORMS}{tag}"):
            field = element.attrib["ref"].removeprefix("/data/")
            values[field] = frozenset(value.text or "" for value in element.iter(f"{XFORMS}value"))
    definitions = (STANDARD / "field-definitions.md").read_text(encoding="utf-8")
    tier_one = set(re.findall(r"^\| ([A-U]_\w+)\s", definitions, re.MULTILINE))
    assert values["vic_ForcedLabourIndustry"] == tier_one
    return values


def test_the_standard_files_are_read():
    assert len(standard_fields()) > 40
    assert "MethodsOfControlDebtBondage" in standard_fields()
    assert "NonSpecifiedUnknown" in standard_values()["prs_Gender"]
    assert len(standard_values()["vic_ForcedLabourIndustry"]) == 21


def test_every_mapping_lands_on_a_value_of_the_standard():
    values = standard_values()
    assert set(v.HTCDS_GENDER.values()) <= values["prs_Gender"]
    assert set(HTCDS_RECRUITMENT.values()) <= values["vic_MethodOfRecruitment"]
    assert set(HTCDS_TRAFFICKING_STATUS.values()) == values["vic_TraffickingStatus"]
    assert set(HTCDS_DECIDED_BY.values()) <= values["vic_TraffickingStatusDecisionMakingOrg"]
    assert set(HTCDS_FORCED_LABOUR_INDUSTRY.values()) <= values["vic_ForcedLabourIndustry"]
    assert set(SexExploitationType.values) == values["vic_TypeOfSexExploitation"]
    assert set(v.CaseStatus.values) == values["cas_Status"]
    kinds = htcds_exploitation(
        sex_types=SexExploitationType.values, labour_types=LabourExploitationType.values
    )
    assert set(kinds) <= values["vic_TypeOfExploitation"]
    assert {f"MethodsOfControl{c}" for c in MethodOfControl.values} <= standard_fields()
    # What a caseworker may choose today always has its HTCDS value.
    assert set(v.Gender.values) - v.GENDERS_RETIRED <= set(v.HTCDS_GENDER)
    assert set(MethodOfRecruitment.values) - RECRUITMENTS_RETIRED <= set(HTCDS_RECRUITMENT)
    assert set(HTCDS_RECRUITMENT.values()) == values["vic_MethodOfRecruitment"]


def _case(side, *, identity, exploitation=None, immigration=None, citizenship=None) -> Case:
    actor = member(side)
    case = case_services.case_create(
        actor_membership=actor, identity=identity, immigration={"citizenship": citizenship}
    )
    if exploitation is not None:
        track_services.exploitation_update(
            actor_membership=actor, case_id=case.pk, data=exploitation
        )
    if immigration is not None:
        track_services.immigration_update(actor_membership=actor, case_id=case.pk, data=immigration)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def every_code(side_a) -> list[Case]:
    """One case per recorded code of every vocabulary, retired codes included, and one case
    with nothing recorded beyond an alias."""
    cases = [_case(side_a, identity={"alias": "Rien"})]
    for gender in v.Gender.values:
        cases.append(
            _case(side_a, identity={"alias": "G", "gender": gender}, citizenship=["MX", "CA"])
        )
    statuses = list(TraffickingStatus.values)
    deciders = list(StatusDecidedBy.values)
    recruitments = list(MethodOfRecruitment.values)
    labours = list(LabourExploitationType.values)
    controls = list(MethodOfControl.values)
    for index in range(max(len(recruitments), len(labours), len(controls))):
        exploitation = {
            "methods_of_recruitment": [recruitments[index % len(recruitments)]],
            "labour_exploitation_types": [labours[index % len(labours)]],
            "methods_of_control": [controls[index % len(controls)]],
            "sex_exploitation_types": [SexExploitationType.values[index % 4]] if index % 3 else [],
            "trafficking_status": statuses[index % len(statuses)],
            "status_decided_by": deciders[index % len(deciders)],
            "status_decided_on": "2024-05-01",
        }
        cases.append(
            _case(
                side_a,
                identity={"alias": f"E{index}"},
                exploitation=exploitation,
                immigration={"status": "trp_victim"},
            )
        )
    return cases


def _export(client, side, path: str) -> tuple[list[str], list[dict[str, str]]]:
    login(client, side.user(Role.CASEWORKER))
    text = client.get(f"/tendances/{path}").content.decode()
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_every_column_and_value_is_htcds_2_0(client, side_a, every_code):
    header, rows = _export(client, side_a, "export-htcds.csv")
    assert set(header) <= standard_fields(), set(header) - standard_fields()
    assert header == [name for name, _category in COLUMNS]
    assert len(rows) == len(every_code)
    values = standard_values()
    seen: dict[str, set[str]] = {}
    for row in rows:
        for field, cell in row.items():
            for value in filter(None, cell.split(";")):
                seen.setdefault(field, set()).add(value)
                if field.startswith("MethodsOfControl"):
                    assert value == "true", (field, value)
                elif field == "prs_Citizenship":  # ISO 3166-1 alpha-2, as the standard says
                    assert re.fullmatch(r"[A-Z]{2}", value), value
                else:
                    assert value in values[field], (field, value)
    # Every HTCDS value Arrimage can produce was produced.
    assert seen["prs_Gender"] == set(v.HTCDS_GENDER.values())
    assert seen["vic_ForcedLabourIndustry"] == set(HTCDS_FORCED_LABOUR_INDUSTRY.values())
    assert {"SexualExploitation", "ForcedLabour", "ForcedBegging", "Other"} == seen[
        "vic_TypeOfExploitation"
    ]
    assert seen["vic_TraffickingStatus"] == values["vic_TraffickingStatus"]
    assert seen["prs_Citizenship"] == {"MX", "CA"}


def test_unknown_is_never_written_as_false(client, side_a, every_code):
    _header, rows = _export(client, side_a, "export-htcds.csv")
    assert not any(cell.lower() in {"false", "no", "0"} for row in rows for cell in row.values())
    nothing = rows[0]  # the case with only an alias
    assert not any(cell for field, cell in nothing.items() if field != "cas_Status")
    recorded = rows[-1]
    controls = {k for k, cell in recorded.items() if k.startswith("MethodsOfControl") and cell}
    assert len(controls) == 1  # the one recorded; the others unknown, empty


def test_values_without_an_exact_match_go_to_the_other_file(client, side_a, every_code):
    _header, rows = _export(client, side_a, "export-htcds.csv")
    extra_header, extra = _export(client, side_a, "export-htcds-complements.csv")
    assert extra_header == [name for name, _category in EXTRA_COLUMNS]
    assert not set(extra_header) & standard_fields()
    assert [r["row"] for r in extra] == [str(n) for n in range(1, len(rows) + 1)]
    assert [r["case_reference"] for r in extra] == [c.reference for c in every_code]
    by_gender = {r["gender_without_htcds_match"] for r in extra} - {""}
    assert by_gender == set(v.GENDERS_RETIRED)
    unmatched = {x for r in extra for x in r["recruitment_without_htcds_match"].split(";")} - {""}
    assert unmatched == set(MethodOfRecruitment.values) - set(HTCDS_RECRUITMENT)
    labour = {x for r in extra for x in r["labour_exploitation_types"].split(";")} - {""}
    assert labour == set(LabourExploitationType.values)
    for row, extra_row in zip(rows, extra, strict=True):
        if extra_row["gender_without_htcds_match"]:
            assert row["prs_Gender"] == ""
    assert {r["immigration_status"] for r in extra} == {"", "trp_victim"}
    assert {r["status_decided_on"] for r in extra} == {"", "2024-05-01"}


def test_a_coordinator_gets_only_the_columns_its_role_reads(client, side_a, every_code):
    login(client, side_a.user(Role.COORDINATOR))
    rows = list(
        csv.DictReader(io.StringIO(client.get("/tendances/export-htcds.csv").content.decode()))
    )
    extra = list(
        csv.DictReader(
            io.StringIO(client.get("/tendances/export-htcds-complements.csv").content.decode())
        )
    )
    assert rows and not any(r["prs_Gender"] or r["vic_TraffickingStatus"] for r in rows)
    assert extra and not any(r["immigration_status"] or r["age_band"] for r in extra)


def test_the_citizenship_goes_only_to_readers_of_immigration(client, side_a, every_code):
    """Citizenship is immigration (docs/policy.md): shelter staff, who read identity but not
    immigration, get the gender and never the citizenship."""
    _header, rows = _export(client, side_a, "export-htcds.csv")
    assert {r["prs_Citizenship"] for r in rows} == {"", "CA;MX"}
    client.logout()
    login(client, side_a.user(Role.SERVICE_STAFF))
    staff_rows = list(
        csv.DictReader(io.StringIO(client.get("/tendances/export-htcds.csv").content.decode()))
    )
    assert len(staff_rows) == len(rows)
    assert any(r["prs_Gender"] for r in staff_rows)
    assert not any(r["prs_Citizenship"] for r in staff_rows)


def test_another_organisation_cannot_export_these_cases(client, side_a, side_b, every_code):
    _case(side_b, identity={"alias": "B", "gender": "Male"})
    _header, rows = _export(client, side_b, "export-htcds.csv")
    _extra_header, extra = _export(client, side_b, "export-htcds-complements.csv")
    assert len(rows) == len(extra) == 1
    assert rows[0]["prs_Gender"] == "Masculine"
    assert not {c.reference for c in every_code} & {r["case_reference"] for r in extra}


def test_the_case_forms_offer_htcds_2_0_and_keep_what_was_recorded(client, side_a):
    """New choices are HTCDS 2.0's; a code recorded before stays on the form of the case that
    holds it, so that saving the form again does not drop it."""
    old = _case(
        side_a,
        identity={"alias": "Ancien", "gender": "TransgenderNonConforming"},
        exploitation={"methods_of_recruitment": ["Internet"]},
    )
    new = _case(side_a, identity={"alias": "Nouveau", "gender": "Female"}, exploitation={})
    login(client, side_a.user(Role.CASEWORKER))
    page = client.get(f"/dossiers/{new.pk}/").content.decode()
    assert 'value="TransgenderFeminine"' in page and 'value="TransgenderNonConforming"' not in page
    page = client.get(f"/dossiers/{old.pk}/").content.decode()
    assert 'value="TransgenderNonConforming" selected' in page
    form = client.get(f"/dossiers/{new.pk}/exploitation/").content.decode()
    assert 'value="ThroughOnlineSocialNetworks"' in form and 'value="Internet"' not in form
    form = client.get(f"/dossiers/{old.pk}/exploitation/").content.decode()
    assert 'value="Internet" checked' in form
