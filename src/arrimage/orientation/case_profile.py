"""A needs profile built from a case: only the case data the acting user may see (the one
policy function, through :func:`arrimage.cases.access.case_grant`), and the read is audited in
the case's access log."""

from uuid import UUID

from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases.access import access_record, case_grant
from arrimage.cases.models import Exploitation, ImmigrationTrack, Need
from arrimage.cases.sealing import category_data
from arrimage.cases.vocabularies import NeedStatus
from arrimage.directory import geo
from arrimage.orientation.needs import NeedsProfile
from arrimage.privacy.categories import Category

GENDER_FROM_CASE = {
    "Female": "woman",
    "Male": "man",
    "TransgenderFeminine": "trans_nonbinary",
    "TransgenderMasculine": "trans_nonbinary",
    "NonConforming": "trans_nonbinary",
    "TransgenderNonConforming": "trans_nonbinary",
}
STATUS_FROM_CASE = {
    "citizen": "citizen",
    "permanent_resident": "permanent_resident",
    "trp_victim": "trp",
    "work_permit": "temporary_permit",
    "study_permit": "temporary_permit",
    "asylum_claimant": "asylum",
    "no_status": "none",
}
NEED_FROM_CASE = {
    "housing": "emergency_housing",
    "immigration": "immigration_legal",
    "mental_health": "mental_health",
    "health": "physical_health",
    "legal": "legal",
    "income": "income",
    "employment": "employment",
    "language": "language",
}
AGE_FROM_BAND = {"0-17": 17, "18-24": 18, "25-34": 25, "35-44": 35, "45-59": 45, "60+": 60}


def profile_from_case(*, actor: Membership | None, case_id: UUID | str) -> NeedsProfile:
    """What the actor may read of the case, as a needs profile. Categories the actor may not
    read stay empty (no filter), so nothing unreadable can leak through the options."""
    grant = case_grant(actor_membership=actor, case_id=case_id)
    assert actor is not None  # case_grant raises NotFound without one
    case = grant.case
    used: list[Category] = []
    gender, status, exploitation, municipality = "", "", "", ""
    age: int | None = None
    languages: tuple[str, ...] = ()
    if grant.may(Category.IDENTITY):
        identity = category_data(grant, case.person, Category.IDENTITY)
        gender = GENDER_FROM_CASE.get(str(identity.get("gender") or ""), "")
        year = identity.get("year_of_birth")
        if year:
            age = max(0, timezone.localdate().year - int(year))
        else:
            age = AGE_FROM_BAND.get(str(identity.get("age_band") or ""))
        languages = tuple(str(code) for code in identity.get("languages") or ())
        used.append(Category.IDENTITY)
    if grant.may(Category.LOCATION) and case.person.location_sealed:
        city = str(category_data(grant, case.person, Category.LOCATION).get("city") or "")
        if city and geo.municipality_find(city):
            municipality = city
        used.append(Category.LOCATION)
    if grant.may(Category.IMMIGRATION):
        track = ImmigrationTrack.objects.filter(case=case).first()
        if track is not None and track.immigration_sealed:
            status = STATUS_FROM_CASE.get(
                str(category_data(grant, track, Category.IMMIGRATION).get("status") or ""), ""
            )
        used.append(Category.IMMIGRATION)
    if grant.may(Category.EXPLOITATION):
        record = Exploitation.objects.filter(case=case).first()
        if record is not None and record.exploitation_sealed:
            data = category_data(grant, record, Category.EXPLOITATION)
            if data.get("sex_exploitation_types"):
                exploitation = "sexual"
            elif data.get("labour_exploitation_types"):
                exploitation = "labour"
        used.append(Category.EXPLOITATION)
    needs: list[str] = []
    if grant.may(Category.COORDINATION):
        for need_type in (
            Need.objects.filter(case=case, need_type__in=Need.readable_types(grant.readable))
            .exclude(status=NeedStatus.MET)
            .values_list("need_type", flat=True)
        ):
            mapped = NEED_FROM_CASE.get(need_type)
            if mapped and mapped not in needs:
                needs.append(mapped)
        used.append(Category.COORDINATION)
    access_record(
        actor_membership=actor,
        grants=[grant],
        action="case_matching_read",
        path="orientation",
        categories=used,
    )
    region = ""
    if municipality:
        found = geo.municipality_find(municipality)
        region = found.region_code if found else ""
    return NeedsProfile(
        needs=tuple(needs),
        gender=gender,
        age=age,
        languages=languages,
        status=status,
        exploitation=exploitation,
        municipality=municipality,
        region=region,
    )
