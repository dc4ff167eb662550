"""Law 25 portability: the person's export holds the screenings attached to their case, in
words, for a reader the policy allows; never another organisation's identical person's, and
nothing for an enforcement body."""

import json

import pytest

from arrimage.accounts.models import Role
from tests.cases.conftest import consent_for
from tests.conftest import login
from tests.law25.test_portability import _pdf_text

pytestmark = pytest.mark.django_db


def _export(client, case, extension: str):
    return client.get(f"/confidentialite/personnes/{case.person_id}/export.{extension}")


def test_the_persons_export_holds_their_screenings(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    response = _export(client, sworld.case_a, "json")
    assert response.status_code == 200
    [screening] = json.loads(response.content)["screenings"]
    assert screening["reference"] == sworld.attached_a.reference
    assert {"question": screening["answers"][-1]["question"], "answer": "Oui"} == screening[
        "answers"
    ][-1]
    assert "Papiers d'identité confisqués" in screening["indicators"]
    assert screening["next_steps"]
    text = response.content.decode()
    assert sworld.attached_b.reference not in text and sworld.loose_a.reference not in text
    pdf = " ".join(_pdf_text(_export(client, sworld.case_a, "pdf").content).split())
    assert "Dépistages" in pdf and "Papiers d'identité confisqués" in pdf


def test_an_enforcement_body_exports_no_screening(client, sworld):
    consent_for(sworld.case_a, sworld.police.organisation, state="given")
    login(client, sworld.police.user(Role.CASEWORKER))
    response = _export(client, sworld.case_a, "json")
    if response.status_code == 200:
        assert json.loads(response.content)["screenings"] == []
        assert sworld.attached_a.reference not in response.content.decode()
    else:
        assert response.status_code == 404
