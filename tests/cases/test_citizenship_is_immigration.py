"""A person's citizenship is immigration (docs/policy.md, "Citizenship is immigration"): a
foreign citizenship on a trafficking case is a direct proxy of immigration status, so the
firewall keeps it from police, border enforcement and prosecution whatever the person consented
to. A police unit holding the person's consent to identity sees the alias, never the
citizenship: not on the case page, in the API, the case export, search, the referral page or
its FHIR bundle. The lead organisation's caseworker sees it; a shelter sees it only with
immigration consented. Organisations A and B hold identical cases."""

import json

import pytest

from arrimage.accounts.models import Role
from arrimage.orientation.referrals import referral_create_and_send
from arrimage.privacy.categories import Purpose
from tests.cases.conftest import agreement_allowing_all, membership
from tests.conftest import login, make_side
from tests.orientation.conftest import make_service

pytestmark = pytest.mark.django_db

ALIAS = "Rosalind"
CODE = "IN"
# How the citizenship shows on a page, in French and in English.
SHOWN = ("Inde", "India")
LABEL = ("Citoyenneté", "Citizenship")


def _open_case(client, side) -> str:
    """The lead organisation's caseworker opens the case through the API, citizenship given."""
    login(client, side.user(Role.CASEWORKER))
    response = client.post(
        "/api/cases/",
        {"alias": ALIAS, "gender": "Female", "languages": ["hi"], "citizenship": [CODE]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    client.logout()
    return response.json()["id"]


def _consent(client, side, case_id: str, recipient, categories, purpose) -> None:
    login(client, side.user(Role.CASEWORKER))
    response = client.post(
        f"/api/cases/{case_id}/consents",
        {
            "recipient_id": str(recipient.pk),
            "categories": categories,
            "purpose": purpose,
            "method": "verbal",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    client.logout()


@pytest.fixture
def setting(client, coalition, side_a, side_b, police_side):
    agreement_allowing_all(coalition, purposes=(Purpose.COORDINATION, Purpose.REFERRAL))
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    cases = {"a": _open_case(client, side_a), "b": _open_case(client, side_b)}
    for purpose in (Purpose.COORDINATION, Purpose.REFERRAL):
        _consent(
            client,
            side_a,
            cases["a"],
            police_side.organisation,
            ["identity", "coordination"],
            purpose,
        )
    return {"a": side_a, "b": side_b, "police": police_side, "shelter": shelter, "cases": cases}


def _shows_citizenship(text: str) -> bool:
    return any(word in text for word in SHOWN + LABEL)


def _json_has_citizenship(data: object) -> bool:
    text = json.dumps(data)
    return "citizenship" in text or f'"{CODE}"' in text


def test_police_with_identity_consent_never_see_the_citizenship(client, setting):
    case_a, case_b = setting["cases"]["a"], setting["cases"]["b"]
    police = setting["police"].user(Role.CASEWORKER)
    login(client, police)
    page = client.get(f"/dossiers/{case_a}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert ALIAS in body  # identity was consented, and reaches them
    assert not _shows_citizenship(body)
    detail = client.get(f"/api/cases/{case_a}")
    assert detail.status_code == 200
    assert detail.json()["person"]["alias"] == ALIAS
    assert not _json_has_citizenship(detail.json())
    export = client.get(f"/api/cases/{case_a}/export")
    assert export.status_code in (200, 404)
    assert not _json_has_citizenship(export.json())
    page_export = client.get(f"/dossiers/{case_a}/export/")
    assert page_export.status_code in (200, 404)
    assert not _json_has_citizenship(page_export.content.decode())
    found = client.post("/api/cases/search", {"q": ALIAS}, content_type="application/json")
    assert [c["id"] for c in found.json()] == [case_a]  # never B's identical case
    assert not _json_has_citizenship(found.json())
    searched = client.get("/dossiers/recherche/", {"q": ALIAS})
    assert searched.status_code == 200
    assert not _shows_citizenship(searched.content.decode())
    # B's identical case is not theirs to see at all.
    assert client.get(f"/dossiers/{case_b}/").status_code == 404
    assert client.get(f"/api/cases/{case_b}").status_code == 404


def test_a_referral_to_police_carries_no_citizenship(client, setting):
    service = make_service(
        setting["police"].organisation, name_fr="Unité d'enquête", terms=("legal_criminal",)
    )
    referral = referral_create_and_send(
        actor=membership(setting["a"]),
        case_id=setting["cases"]["a"],
        service_id=service.pk,
        categories=["identity", "coordination"],
        need="legal",
    )
    login(client, setting["police"].user(Role.CASEWORKER))
    page = client.get(f"/orientation/references/{referral.pk}/")
    assert page.status_code == 200
    assert ALIAS in page.content.decode()
    assert not _shows_citizenship(page.content.decode())
    for url in (
        f"/api/orientation/referrals/{referral.pk}",
        f"/api/orientation/referrals/{referral.pk}/fhir",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert ALIAS in json.dumps(response.json()), url
        assert not _json_has_citizenship(response.json()), url


def test_the_lead_caseworker_sees_the_citizenship_in_the_immigration_part(client, setting):
    for side, case_id in (
        (setting["a"], setting["cases"]["a"]),
        (setting["b"], setting["cases"]["b"]),
    ):
        login(client, side.user(Role.CASEWORKER))
        body = client.get(f"/dossiers/{case_id}/").content.decode()
        assert "Inde" in body
        detail = client.get(f"/api/cases/{case_id}").json()
        assert detail["immigration"]["citizenship"] == [CODE]
        assert "citizenship" not in detail["person"]
        export = client.get(f"/api/cases/{case_id}/export").json()
        assert _json_has_citizenship(export)
        client.logout()


@pytest.mark.parametrize(
    ("categories", "sees"),
    [
        (["identity", "coordination", "immigration"], True),
        (["identity", "coordination"], False),
    ],
)
def test_a_shelter_sees_the_citizenship_only_with_immigration(client, setting, categories, sees):
    shelter = setting["shelter"]
    _consent(
        client,
        setting["a"],
        setting["cases"]["a"],
        shelter.organisation,
        categories,
        "coordination",
    )
    login(client, shelter.user(Role.CASEWORKER))
    page = client.get(f"/dossiers/{setting['cases']['a']}/")
    assert page.status_code == 200
    assert ALIAS in page.content.decode()
    assert ("Inde" in page.content.decode()) is sees
    detail = client.get(f"/api/cases/{setting['cases']['a']}").json()
    assert _json_has_citizenship(detail) is sees
    assert client.get(f"/api/cases/{setting['cases']['b']}").status_code == 404
