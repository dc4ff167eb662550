"""Fixtures of the trends tests: cases made through the case services, consents for the
purpose statistics written in each state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases import services as case_services
from arrimage.cases import track_services
from arrimage.cases.models import Case
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentRecord
from tests.conftest import Side, make_side


def member(side: Side, role: str = Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


ALL_STATISTICS = [
    Category.IDENTITY,
    Category.EXPLOITATION,
    Category.IMMIGRATION,
    Category.HEALTH,
    Category.COORDINATION,
]


def statistics_consent(
    case: Case, recipient, *, state: str = "given", categories: list[str] | None = None
) -> ConsentRecord | None:
    if state == "none":
        return None
    now = timezone.now()
    expires = now - timedelta(days=1) if state == "expired" else now + timedelta(days=365)
    return ConsentRecord.objects.create(
        person_id=case.person_id,
        organisation_id=case.lead_organisation_id,
        recipient=recipient,
        categories=ALL_STATISTICS if categories is None else categories,
        purpose=Purpose.STATISTICS,
        method="written",
        recorded_at=now - timedelta(days=400 if state == "expired" else 1),
        expires_at=expires,
        withdrawn_at=now - timedelta(minutes=1) if state == "withdrawn" else None,
    )


def open_case(
    side: Side,
    *,
    gender: str = "Female",
    age_band: str = "25-34",
    sex: tuple[str, ...] = ("Prostitution",),
    labour: tuple[str, ...] = (),
    status: str = "trp_victim",
) -> Case:
    actor = member(side)
    case = case_services.case_create(
        actor_membership=actor,
        identity={"alias": "Personne", "gender": gender, "age_band": age_band},
    )
    if sex or labour:
        track_services.exploitation_update(
            actor_membership=actor,
            case_id=case.pk,
            data={"sex_exploitation_types": list(sex), "labour_exploitation_types": list(labour)},
        )
    track_services.immigration_update(
        actor_membership=actor, case_id=case.pk, data={"status": status}
    )
    return Case.objects.get(pk=case.pk)


def cases_with_consent(side: Side, recipient, n: int, **attributes) -> list[Case]:
    cases = []
    for _ in range(n):
        case = open_case(side, **attributes)
        statistics_consent(case, recipient)
        cases.append(case)
    return cases


@pytest.fixture
def partner(db, coalition) -> Side:
    """Another organisation of the same regional coalition: the recipient named by
    statistics consents (a consent never names the organisation that holds the record)."""
    return make_side("P", coalition=coalition)


@pytest.fixture
def provincial_side(db, coalition) -> Side:
    """An organisation of the provincial coalition, parent of the regional one."""
    return make_side("Prov", region_code="QC-03", coalition=coalition.parent)


@pytest.fixture
def national_side(db, coalition) -> Side:
    return make_side("Nat", region_code="QC-03", coalition=coalition.parent.parent)


@pytest.fixture
def estrie(db, side_b) -> Coalition:
    return Coalition.objects.get(name="Estrie")


@pytest.fixture
def other_regional(db, coalition) -> Coalition:
    return Coalition.objects.create(
        name="Capitale-Nationale",
        level=CoalitionLevel.REGIONAL,
        parent=coalition.parent,
        province="QC",
        region=Region.objects.get(code="QC-03"),
    )
