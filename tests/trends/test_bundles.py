"""Signed bundles: another instance imports and verifies them; a tampered or untrusted bundle
is refused with a clear, translated message and nothing is written."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.trends import federation, services, signing
from arrimage.trends.models import Release
from tests.conftest import login
from tests.trends.conftest import cases_with_consent, member

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


@pytest.fixture
def bundle(side_a, partner, coalition) -> bytes:
    cases_with_consent(side_a, partner.organisation, 8)
    release = services.release_create(
        actor=member(side_a, Role.COORDINATOR),
        coalition_id=coalition.pk,
        year=YEAR,
        method="suppression",
    )
    return signing.bundle(
        release.content, signature=release.signature, public_key=release.signer_public_key
    )


def _trust(side, coalition, key=None):
    federation.trusted_instance_add(
        actor=member(side, Role.COORDINATOR),
        coalition_id=coalition.pk,
        name="Instance du Québec",
        public_key=key or signing.public_key_hex(),
    )


def test_a_trusted_bundle_is_verified_and_imported(bundle, side_b, estrie):
    _trust(side_b, estrie)
    imported = federation.bundle_import(
        actor=member(side_b, Role.COORDINATOR), coalition_id=estrie.pk, data=bundle
    )
    original = json.loads(bundle)["payload"]
    assert imported.content == original
    assert imported.recipient == estrie
    assert imported.origin == "imported"
    with pytest.raises(signing.BundleRefused) as again:
        federation.bundle_import(
            actor=member(side_b, Role.COORDINATOR), coalition_id=estrie.pk, data=bundle
        )
    assert again.value.code == "duplicate"


@pytest.mark.parametrize("change", ["figure", "year", "coalition", "signature"])
def test_a_tampered_bundle_is_refused(bundle, side_b, estrie, change):
    _trust(side_b, estrie)
    document = json.loads(bundle)
    if change == "figure":
        document["payload"]["tables"][0]["cells"][-1][-1]["v"] += 1
    elif change == "year":
        document["payload"]["year"] -= 1
    elif change == "coalition":
        document["payload"]["coalition"]["name"] = "Autre"
    else:
        document["signature"] = "00" * 64
    before = Release.objects.count()
    with pytest.raises(signing.BundleRefused) as refused:
        federation.bundle_import(
            actor=member(side_b, Role.COORDINATOR),
            coalition_id=estrie.pk,
            data=json.dumps(document).encode(),
        )
    assert refused.value.code == "signature"
    assert Release.objects.count() == before


def test_a_bundle_resigned_by_an_unknown_key_is_refused(bundle, side_b, estrie):
    _trust(side_b, estrie)
    document = json.loads(bundle)
    document["payload"]["tables"][0]["cells"][-1][-1]["v"] = 999
    forger = Ed25519PrivateKey.generate()
    document["signature"] = forger.sign(signing.canonical_json(document["payload"])).hex()
    document["public_key"] = signing.public_key_hex(forger)
    with pytest.raises(signing.BundleRefused) as refused:
        federation.bundle_import(
            actor=member(side_b, Role.COORDINATOR),
            coalition_id=estrie.pk,
            data=json.dumps(document).encode(),
        )
    assert refused.value.code == "untrusted"


def test_the_page_refuses_a_tampered_bundle_in_french(client, bundle, side_b, estrie):
    _trust(side_b, estrie)
    document = json.loads(bundle)
    document["payload"]["year"] -= 1
    login(client, side_b.user(Role.COORDINATOR))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/tendances/importer/",
        {
            "coalition_id": str(estrie.pk),
            "bundle": SimpleUploadedFile("paquet.json", json.dumps(document).encode()),
        },
    )
    assert response.status_code == 400
    from django.utils import translation

    from arrimage.trends.federation import bundle_error_message

    with translation.override("fr-ca"):
        expected = bundle_error_message("signature")
    assert expected in response.content.decode()
    assert not Release.objects.filter(recipient=estrie).exists()
