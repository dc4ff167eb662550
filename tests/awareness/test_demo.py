"""The awareness demonstration step: materials for the public and for workers in French and
English, the coalitions' contacts on the help page, one brief on a demo release."""

import pytest

from arrimage.accounts import demo
from arrimage.awareness import demo as awareness_demo
from arrimage.awareness.models import AdvocacyBrief, CoalitionContact, Material, MaterialVersion
from arrimage.trends import demo as trends_demo
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_demo_builds_materials_contacts_and_a_brief(client, monkeypatch):
    monkeypatch.setattr(trends_demo, "HISTORICAL_CASES", 60)
    demo.demo_coalition_build()
    trends_demo.demo_trends_cases_build()
    trends_demo.demo_trends_release()
    made = awareness_demo.demo_awareness_build()
    assert made == {"materials": 2, "contacts": 2, "briefs": 1}
    assert set(Material.objects.values_list("audience", flat=True)) == {"public", "workers"}
    assert {"fr", "en"} <= set(MaterialVersion.objects.values_list("language", flat=True))
    public = Material.objects.get(audience="public")
    leaflet = public.versions.get(language="fr")
    assert bytes(leaflet.content).startswith(b"%PDF-")
    assert client.get(f"/sensibilisation/{public.pk}/versions/{leaflet.pk}/").status_code == 200
    help_page = client.get("/aide/").content.decode()
    for contact in CoalitionContact.objects.all():
        assert contact.name.replace("'", "&#x27;") in help_page
        assert contact.phone_uri in help_page
    brief = AdvocacyBrief.objects.get()
    login(client, awareness_demo.demo_coordinator().user, password=demo.DEMO_PASSWORD)
    pdf = client.get(f"/plaidoyer/{brief.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
