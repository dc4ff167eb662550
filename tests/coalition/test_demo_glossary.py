"""The demonstration glossary and mandates: the demonstration caseworker reads three partners'
definitions beside the law, and every demonstration organisation has a three-part mandate,
written in French only (an organisation writes in its own language; interface words are
translated, its texts are not)."""

import pytest

from arrimage.accounts import demo
from arrimage.accounts.models import User
from arrimage.coalition.demo import demo_glossary_build
from arrimage.coalition.models import Organisation
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_demo_definitions_side_by_side_and_mandates(client):
    demo.demo_coalition_build()
    mandates, definitions = demo_glossary_build()
    assert mandates == Organisation.objects.count()
    assert definitions == 11
    for organisation in Organisation.objects.all():
        assert organisation.mandate and organisation.mandate_excludes
        assert organisation.mandate_sharing_limits
        for text in (
            organisation.mandate,
            organisation.mandate_excludes,
            organisation.mandate_sharing_limits,
        ):
            assert "\n" not in text and " the " not in text and " and " not in text, text

    worker = User.objects.get(email=f"intervenante@{demo.DEMO_DOMAIN}")
    login(client, worker, demo.DEMO_PASSWORD)
    page = client.get("/glossaire/traite/").content.decode()
    assert page.count("data-organisation=") == 3
    assert "art. 279.01 C.cr." in page
    # Building again changes nothing (the demo command may run on loaded data).
    assert demo_glossary_build() == (mandates, definitions)
