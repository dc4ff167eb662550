"""The page of a coalition's information-sharing agreement: read by its members, edited by its
coordinators (each save a new version), refused to another coalition's coordinator."""

import pytest

from arrimage.privacy.models import SharingAgreement
from tests.cases.conftest import build_world
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(side_a, side_b, police_side, coalition):
    return build_world(side_a, side_b, police_side, coalition)


def test_the_agreement_page(client, world, coalition):
    login(client, world.a.user("coordinator"))
    url = f"/ententes/{coalition.pk}/?purpose=coordination&from=community"
    response = client.get(url)
    assert response.status_code == 200
    response = client.post(
        url,
        {
            "purpose": "coordination",
            "from": "community",
            "rule": ["community|identity", "police|contact"],
            "summary": "Moins de partage",
        },
    )
    assert response.status_code == 302
    current = SharingAgreement.objects.filter(coalition=coalition).order_by("-version").first()
    keys = current.rule_keys()
    assert ("community", "community", "identity", "coordination") in keys
    assert ("community", "community", "health", "coordination") not in keys
    # Rules from other organisation types are kept.
    assert ("shelter", "community", "health", "coordination") in keys
    response = client.post(
        url, {"purpose": "coordination", "from": "community", "rule": ["police|health"]}
    )
    assert response.status_code == 400
    client.logout()
    login(client, world.a.user("caseworker"))
    assert client.post(url, {"rule": []}).status_code == 404
    client.logout()
    login(client, world.b.user("coordinator"))
    assert client.get(url).status_code == 404
