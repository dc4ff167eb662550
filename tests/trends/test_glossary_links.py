"""Trends pages link the forms of exploitation to the glossary (coalition's template tags)."""

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.trends.models import Release
from tests.conftest import login, run_queued_tasks
from tests.trends.conftest import cases_with_consent

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


def test_the_trends_page_links_to_the_glossary(client, side_a):
    login(client, side_a.user(Role.COORDINATOR))
    page = client.get("/tendances/").content.decode()
    assert 'href="/glossaire/traite/"' in page
    assert 'href="/glossaire/exploitation-sexuelle/"' in page
    assert 'href="/glossaire/travail-force/"' in page


def test_the_gap_report_links_each_form_of_exploitation(client, side_a, side_b, partner, coalition):
    cases_with_consent(side_a, partner.organisation, 12)
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        "/tendances/publier/",
        {"coalition_id": str(coalition.pk), "year": YEAR, "method": "suppression"},
    )
    assert response.status_code == 302
    run_queued_tasks()
    release = Release.objects.get()
    page = client.get(f"/tendances/diffusions/{release.pk}/").content.decode()
    section = page[page.index('id="t-exploitation_quarter"') :]
    section = section[: section.index("</section>")]
    assert 'href="/glossaire/exploitation-sexuelle/"' in section
    assert 'href="/glossaire/travail-force/"' in section
