"""An organisation's own cases in HTCDS 2.0 columns (``standards/htcds-2.0``), for its own use
or a data collaborative.

Only cases the acting organisation leads are exported, and each column only where the policy
(:func:`arrimage.privacy.policy.readable_categories`, through ``cases.access.case_grants``)
lets the actor's role read its category; the export is written to each case's access log and
to the audit chain.
"""

import csv
import io

from arrimage.accounts.models import Membership
from arrimage.cases.access import access_record, case_grants
from arrimage.cases.models import Case, Exploitation, ImmigrationTrack
from arrimage.cases.sealing import category_data
from arrimage.cases.vocabularies import MethodOfControl
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category

TRAFFICKING_STATUS = {"PossibleVictim": "Possible", "ActualVictim": "Actual", "NotAVictim": "Not"}
CONTROL_COLUMNS = [f"MethodsOfControl{code}" for code in MethodOfControl.values]

COLUMNS: list[tuple[str, Category]] = [
    ("cas_CaseId", Category.COORDINATION),
    ("cas_Status", Category.COORDINATION),
    ("cas_OpenDate", Category.COORDINATION),
    ("cas_CloseDate", Category.COORDINATION),
    ("prs_Gender", Category.IDENTITY),
    ("prs_YearOfBirth", Category.IDENTITY),
    ("prs_AgeBand", Category.IDENTITY),
    ("prs_Citizenship", Category.IDENTITY),
    ("TraffickingStatus", Category.EXPLOITATION),
    ("vic_TypeOfSexExploitation", Category.EXPLOITATION),
    ("vic_TypeOfLabourExploitation", Category.EXPLOITATION),
    ("vic_MethodOfRecruitment", Category.EXPLOITATION),
    *[(name, Category.EXPLOITATION) for name in CONTROL_COLUMNS],
    ("ImmigrationStatus", Category.IMMIGRATION),
]


def htcds_cases_csv(*, actor: Membership | None) -> str:
    """The CSV text. Raises ``NotFound`` for an actor without an organisation."""
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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _category in COLUMNS])
    for grant in grants:
        case = grant.case
        row: dict[str, str] = {}
        if grant.may(Category.COORDINATION):
            row["cas_CaseId"] = case.reference
            row["cas_Status"] = case.status
            row["cas_OpenDate"] = case.opened_at.date().isoformat()
            row["cas_CloseDate"] = case.closed_at.date().isoformat() if case.closed_at else ""
        if grant.may(Category.IDENTITY) and case.person.identity_sealed:
            identity = category_data(grant, case.person, Category.IDENTITY)
            row["prs_Gender"] = str(identity.get("gender", ""))
            row["prs_YearOfBirth"] = str(identity.get("year_of_birth") or "")
            row["prs_AgeBand"] = str(identity.get("age_band", ""))
            row["prs_Citizenship"] = ";".join(identity.get("citizenship") or [])
        record = exploitation.get(case.pk)
        if grant.may(Category.EXPLOITATION) and record and record.exploitation_sealed:
            data = category_data(grant, record, Category.EXPLOITATION)
            row["TraffickingStatus"] = TRAFFICKING_STATUS.get(
                str(data.get("trafficking_status", "")), ""
            )
            row["vic_TypeOfSexExploitation"] = ";".join(data.get("sex_exploitation_types") or [])
            row["vic_TypeOfLabourExploitation"] = ";".join(
                data.get("labour_exploitation_types") or []
            )
            row["vic_MethodOfRecruitment"] = ";".join(data.get("methods_of_recruitment") or [])
            controls = set(data.get("methods_of_control") or [])
            for code in MethodOfControl.values:
                row[f"MethodsOfControl{code}"] = "true" if code in controls else "false"
        track = immigration.get(case.pk)
        if grant.may(Category.IMMIGRATION) and track and track.immigration_sealed:
            row["ImmigrationStatus"] = str(
                category_data(grant, track, Category.IMMIGRATION).get("status", "")
            )
        writer.writerow([row.get(name, "") for name, _category in COLUMNS])
    if grants:
        access_record(
            actor_membership=actor, grants=grants, action="cases_exported_htcds", path="export"
        )
    return buffer.getvalue()
