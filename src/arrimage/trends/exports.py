"""An organisation's own cases in HTCDS 2.0 (``standards/htcds-2.0``), for its own use or a
data collaborative: two CSV files with the same rows in the same order.

- :func:`htcds_cases_csv`: HTCDS fields only, with HTCDS 2.0 field names and value names
  (``cases.vocabularies.HTCDS_*``). A multi-select field joins its values with ``;``.
- :func:`htcds_extra_csv`: what Arrimage records beyond HTCDS (the case reference, dates,
  year of birth, age band, immigration status, the kinds of labour), and the recorded codes
  HTCDS 2.0 has no exact value for.

Unknown is never written as false: a means of control is ``true`` when it was recorded and
left empty otherwise (not recorded is not "not observed"); a value without an exact HTCDS
match is left empty. Only cases the acting organisation leads are exported, and each column
only where the policy (:func:`arrimage.privacy.policy.readable_categories`, through
``cases.access.case_grants``) lets the actor's role read its category; the export is written
to each case's access log and to the audit chain.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, access_record, case_grants
from arrimage.cases.exploitation_vocabularies import (
    HTCDS_DECIDED_BY,
    HTCDS_FORCED_LABOUR_INDUSTRY,
    HTCDS_RECRUITMENT,
    HTCDS_TRAFFICKING_STATUS,
    MethodOfControl,
    htcds_exploitation,
)
from arrimage.cases.models import Case, Exploitation, ImmigrationTrack
from arrimage.cases.sealing import category_data
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category

CONTROL_COLUMNS = [f"MethodsOfControl{code}" for code in MethodOfControl.values]
SEPARATOR = ";"

# HTCDS 2.0 fields, in the order of the standard's survey form.
COLUMNS: list[tuple[str, Category]] = [
    ("prs_Gender", Category.IDENTITY),
    ("prs_Citizenship", Category.IMMIGRATION),
    ("vic_MethodOfRecruitment", Category.EXPLOITATION),
    ("vic_TraffickingStatus", Category.EXPLOITATION),
    ("vic_TraffickingStatusDecisionMakingOrg", Category.EXPLOITATION),
    *[(name, Category.EXPLOITATION) for name in CONTROL_COLUMNS],
    ("vic_TypeOfExploitation", Category.EXPLOITATION),
    ("vic_ForcedLabourIndustry", Category.EXPLOITATION),
    ("vic_TypeOfSexExploitation", Category.EXPLOITATION),
    ("cas_Status", Category.COORDINATION),
]
# Arrimage's own columns; ``row`` is the row of the same case in the HTCDS file.
EXTRA_COLUMNS: list[tuple[str, Category]] = [
    ("row", Category.COORDINATION),
    ("case_reference", Category.COORDINATION),
    ("case_opened_on", Category.COORDINATION),
    ("case_closed_on", Category.COORDINATION),
    ("year_of_birth", Category.IDENTITY),
    ("age_band", Category.IDENTITY),
    ("gender_without_htcds_match", Category.IDENTITY),
    ("labour_exploitation_types", Category.EXPLOITATION),
    ("recruitment_without_htcds_match", Category.EXPLOITATION),
    ("status_decided_by", Category.EXPLOITATION),
    ("status_decided_on", Category.EXPLOITATION),
    ("immigration_status", Category.IMMIGRATION),
]


@dataclass
class _Case:
    grant: CaseGrant
    identity: dict[str, Any]
    exploitation: dict[str, Any] | None
    immigration: dict[str, Any] | None


def _join(values: list[str]) -> str:
    return SEPARATOR.join(dict.fromkeys(v for v in values if v))


def _mapped(codes: list[str], table: dict[str, str]) -> tuple[list[str], list[str]]:
    """(the HTCDS values, the recorded codes without one)."""
    return [table[c] for c in codes if c in table], [c for c in codes if c not in table]


def _htcds_row(case: _Case) -> dict[str, str]:
    grant, row = case.grant, {}
    if grant.may(Category.COORDINATION):
        row["cas_Status"] = case.grant.case.status
    if case.identity:
        row["prs_Gender"] = v.HTCDS_GENDER.get(str(case.identity.get("gender", "")), "")
    if case.immigration is not None:
        # Citizenship is immigration (docs/policy.md): filled only where the grant holds it.
        row["prs_Citizenship"] = _join(list(case.immigration.get("citizenship") or []))
    data = case.exploitation
    if data is not None:
        status = str(data.get("trafficking_status", ""))
        row["vic_TraffickingStatus"] = HTCDS_TRAFFICKING_STATUS.get(status, "")
        if status:
            decided_by = str(data.get("status_decided_by", ""))
            row["vic_TraffickingStatusDecisionMakingOrg"] = HTCDS_DECIDED_BY.get(decided_by, "")
        recruitments = list(data.get("methods_of_recruitment") or [])
        row["vic_MethodOfRecruitment"] = _join(_mapped(recruitments, HTCDS_RECRUITMENT)[0])
        for code in data.get("methods_of_control") or []:
            row[f"MethodsOfControl{code}"] = "true"
        sex = list(data.get("sex_exploitation_types") or [])
        labour = list(data.get("labour_exploitation_types") or [])
        row["vic_TypeOfExploitation"] = _join(
            htcds_exploitation(sex_types=sex, labour_types=labour)
        )
        industries, _left = _mapped(labour, HTCDS_FORCED_LABOUR_INDUSTRY)
        row["vic_ForcedLabourIndustry"] = _join(industries)
        row["vic_TypeOfSexExploitation"] = _join(sex)
    return row


def _extra_row(case: _Case) -> dict[str, str]:
    grant, row = case.grant, {}
    if grant.may(Category.COORDINATION):
        row["case_reference"] = grant.case.reference
        row["case_opened_on"] = grant.case.opened_at.date().isoformat()
        row["case_closed_on"] = (
            grant.case.closed_at.date().isoformat() if grant.case.closed_at else ""
        )
    if case.identity:
        row["year_of_birth"] = str(case.identity.get("year_of_birth") or "")
        row["age_band"] = str(case.identity.get("age_band", ""))
        gender = str(case.identity.get("gender", ""))
        row["gender_without_htcds_match"] = "" if gender in v.HTCDS_GENDER else gender
    data = case.exploitation
    if data is not None:
        row["labour_exploitation_types"] = _join(list(data.get("labour_exploitation_types") or []))
        _found, left = _mapped(list(data.get("methods_of_recruitment") or []), HTCDS_RECRUITMENT)
        row["recruitment_without_htcds_match"] = _join(left)
        row["status_decided_by"] = str(data.get("status_decided_by", ""))
        row["status_decided_on"] = str(data.get("status_decided_on") or "")
    if case.immigration is not None:
        row["immigration_status"] = str(case.immigration.get("status", ""))
    return row


def _cases(actor: Membership | None) -> list[_Case]:
    if actor is None:
        raise NotFound
    cases = list(
        Case.objects.filter(lead_organisation_id=actor.organisation_id)
        .select_related("lead_organisation", "person")
        .order_by("opened_at", "pk")
    )
    grants = [g for g in case_grants(actor_membership=actor, cases=cases) if g.readable]
    exploitation = {
        e.case_id: e for e in Exploitation.objects.filter(case_id__in=[g.case.pk for g in grants])
    }
    immigration = {
        t.case_id: t
        for t in ImmigrationTrack.objects.filter(case_id__in=[g.case.pk for g in grants])
    }
    found = []
    for grant in grants:
        case = grant.case
        identity: dict[str, Any] = {}
        if grant.may(Category.IDENTITY) and case.person.identity_sealed:
            identity = category_data(grant, case.person, Category.IDENTITY)
        record = exploitation.get(case.pk)
        exploitation_data = None
        if grant.may(Category.EXPLOITATION) and record and record.exploitation_sealed:
            exploitation_data = category_data(grant, record, Category.EXPLOITATION)
        track = immigration.get(case.pk)
        immigration_data = None
        if grant.may(Category.IMMIGRATION) and track and track.immigration_sealed:
            immigration_data = category_data(grant, track, Category.IMMIGRATION)
        found.append(_Case(grant, identity, exploitation_data, immigration_data))
    return found


def _csv(
    actor: Membership | None,
    columns: list[tuple[str, Category]],
    row_of: Callable[[_Case], dict[str, str]],
    *,
    action: str,
) -> str:
    cases = _cases(actor)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _category in columns])
    for number, case in enumerate(cases, start=1):
        row = row_of(case) | {"row": str(number)}
        # A column only where the role may read its category, whatever the row holds.
        writer.writerow(
            [row.get(name, "") if case.grant.may(category) else "" for name, category in columns]
        )
    if cases:
        assert actor is not None
        access_record(
            actor_membership=actor, grants=[c.grant for c in cases], action=action, path="export"
        )
    return buffer.getvalue()


def htcds_cases_csv(*, actor: Membership | None) -> str:
    """The HTCDS file. Raises ``NotFound`` for an actor without an organisation."""
    return _csv(actor, COLUMNS, _htcds_row, action="cases_exported_htcds")


def htcds_extra_csv(*, actor: Membership | None) -> str:
    """Arrimage's columns beyond HTCDS, row for row with :func:`htcds_cases_csv`."""
    return _csv(actor, EXTRA_COLUMNS, _extra_row, action="cases_exported_htcds")
