"""The service's response indicator is shown to members on the directory's service page, and
not to the public."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db

SENTENCE = "Pas encore assez de références pour savoir comment ce service répond."


def test_members_see_the_response_indicator_and_the_public_does_not(client, two_shelters, side_a):
    url = f"/repertoire/services/{two_shelters['b'].pk}/"
    public = client.get(url)
    assert public.status_code == 200
    assert SENTENCE not in public.content.decode()
    login(client, side_a.user("caseworker"))
    assert SENTENCE in client.get(url).content.decode()
