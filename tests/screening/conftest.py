"""Fixtures of the screening tests: organisations A and B with identical data (a case, a
screening attached to it and one not attached, with the same answers), a partner and the three
enforcement bodies in A's coalition, and an agreement allowing every flow the firewall
permits."""

from dataclasses import dataclass

import pytest

from arrimage.accounts.models import Membership, Role
from arrimage.cases import services as case_services
from arrimage.cases.models import Case
from arrimage.screening import services
from arrimage.screening.models import Screening
from tests.cases.conftest import agreement_allowing_all
from tests.conftest import Side, make_side

# A short screening with indicators of labour exploitation: work, unpaid, papers kept.
ANSWERS = {
    "safe_now": "no",
    "has_worked": "yes",
    "work_different": "yes",
    "pay_kept": "yes",
    "long_hours": "unknown",
    "owe_money": "declined",
    "papers_kept": "yes",
}


def membership(side: Side, role: str = Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def screening_answer_all(actor: Membership, screening: Screening, answers: dict[str, str]) -> None:
    for question, answer in answers.items():
        services.screening_answer(
            actor=actor, screening_id=screening.pk, question=question, answer=answer
        )


def case_open(side: Side, alias: str) -> Case:
    case = case_services.case_create(
        actor_membership=membership(side), identity={"alias": alias, "gender": "Female"}
    )
    return Case.objects.select_related("lead_organisation", "person").get(pk=case.pk)


@dataclass
class ScreeningWorld:
    a: Side
    b: Side
    partner: Side
    police: Side
    border: Side
    prosecution: Side
    case_a: Case
    case_b: Case
    attached_a: Screening
    attached_b: Screening
    loose_a: Screening
    loose_b: Screening

    @property
    def enforcement(self) -> list[Side]:
        return [self.police, self.border, self.prosecution]


def _populate(side: Side, label: str) -> tuple[Case, Screening, Screening]:
    actor = membership(side)
    case = case_open(side, f"Personne {label}")
    attached = services.screening_start(actor=actor, form="short", case_id=case.pk)
    screening_answer_all(actor, attached, ANSWERS)
    loose = services.screening_start(actor=actor, form="long")
    screening_answer_all(actor, loose, {"safe_now": "yes", "has_worked": "no"})
    return case, attached, loose


@pytest.fixture
def sworld(side_a, side_b, police_side, coalition) -> ScreeningWorld:
    partner = make_side("Partner", coalition=coalition)
    border = make_side("Border", org_type="border_enforcement", coalition=coalition)
    prosecution = make_side("Prosecution", org_type="prosecution", coalition=coalition)
    agreement_allowing_all(coalition)
    case_a, attached_a, loose_a = _populate(side_a, "A")
    case_b, attached_b, loose_b = _populate(side_b, "B")
    return ScreeningWorld(
        a=side_a,
        b=side_b,
        partner=partner,
        police=police_side,
        border=border,
        prosecution=prosecution,
        case_a=case_a,
        case_b=case_b,
        attached_a=Screening.objects.get(pk=attached_a.pk),
        attached_b=Screening.objects.get(pk=attached_b.pk),
        loose_a=Screening.objects.get(pk=loose_a.pk),
        loose_b=Screening.objects.get(pk=loose_b.pk),
    )
