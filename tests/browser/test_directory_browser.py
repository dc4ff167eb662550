"""The directory on a 360 px phone: a caseworker searches and opens a service; service staff
update availability in one tap. No sideways scrolling on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from arrimage.coalition.models import Region
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from tests.browser.conftest import browser_login
from tests.conftest import PASSWORD, make_side

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths == {"page": 360, "viewport": 360}, f"{page.url} scrolls sideways: {widths}"


def _shelter(owner) -> tuple[Service, ServiceCapacity]:
    org = DirectoryOrganization.objects.create(
        owner=owner, name="Maison Aurore (démo)", description_fr="Hébergement"
    )
    service = Service.objects.create(
        organization=org,
        name_fr="Hébergement d'urgence pour femmes",
        name_en="Emergency shelter for women",
        description_fr="Maison sécuritaire.",
        minimum_age=18,
    )
    location = Location.objects.create(
        organization=org,
        name="Maison Aurore",
        is_confidential=True,
        municipality_code="laval",
        region=Region.objects.get(code="QC-13"),
    )
    Phone.objects.create(location=location, number="450-555-0142", description="Accueil")
    ServiceAtLocation.objects.create(service=service, location=location)
    for code in ("housing_emergency", "gender_women", "status_none"):
        Attribute.objects.create(
            link_entity="service",
            link_id=service.pk,
            taxonomy_term=TaxonomyTerm.objects.get(code=code, taxonomy__isnull=False),
        )
    capacity = ServiceCapacity.objects.create(
        service=service,
        unit="bed",
        available=2,
        maximum=10,
        updated=timezone.now() - timedelta(hours=3),
    )
    search_entries_refresh(service_ids=[service.pk])
    return service, capacity


def test_caseworker_searches_and_staff_update_availability_on_a_phone(
    phone_page: Page, browser, live_server
) -> None:
    side = make_side("A", org_type="shelter")
    _service, capacity = _shelter(side.organisation)
    page = phone_page

    # A caseworker searches, on a phone, and opens the service.
    browser_login(page, live_server, side.user("caseworker").email, PASSWORD)
    page.goto("/repertoire/")
    _no_sideways_scroll(page)
    page.get_by_role("searchbox").fill("hebergement")
    page.get_by_role("search").get_by_role("button").first.click()
    result = page.locator("ol.results li").first
    expect(result).to_contain_text("Hébergement d'urgence pour femmes")
    expect(result).to_contain_text("3 h")  # availability, with its freshness
    _no_sideways_scroll(page)
    result.get_by_role("link", name="Hébergement d'urgence pour femmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hébergement d'urgence pour femmes")
    expect(page.get_by_role("link", name="450-555-0142")).to_be_visible()
    _no_sideways_scroll(page)

    # Service staff of the shelter add a bed in one tap, then set the count.
    staff_context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    staff = staff_context.new_page()
    try:
        browser_login(staff, live_server, side.user("service_staff").email, PASSWORD)
        staff.goto("/repertoire/disponibilites/")
        _no_sideways_scroll(staff)
        card = staff.locator(f"#capacity-{capacity.pk}")
        expect(card.locator(".count")).to_have_text("2")
        card.locator("button", has_text="+1").tap()
        expect(staff.locator(f"#capacity-{capacity.pk} .count")).to_have_text("3")
        staff.locator(f"#capacity-{capacity.pk} input[name=available]").fill("0")
        staff.locator(f"#capacity-{capacity.pk} form.set-form button").tap()
        expect(staff.locator(f"#capacity-{capacity.pk} .count")).to_have_text("0")
        _no_sideways_scroll(staff)
    finally:
        staff_context.close()
    capacity.refresh_from_db()
    assert capacity.available == 0

    # The caseworker's search shows the new figure.
    page.goto("/repertoire/?q=hebergement")
    expect(page.locator("ol.results li").first).to_contain_text("0")


def test_staff_add_a_service_and_its_place_on_a_phone(phone_page: Page, live_server) -> None:
    """The service and place forms fit a 360 px screen; the new service is then found."""
    side = make_side("A", org_type="shelter")
    DirectoryOrganization.objects.create(owner=side.organisation, name="Maison Aurore (démo)")
    page = phone_page
    browser_login(page, live_server, side.user("organisation_admin").email, PASSWORD)
    page.goto("/repertoire/")
    # By its address: the wording is translated at the end ("Ajouter un service").
    page.locator("main a[href='/repertoire/services/ajouter/']").click()
    expect(page.locator("form.edit-form")).to_be_visible()
    _no_sideways_scroll(page)
    page.locator("input[name=name_fr]").fill("Refuge Boréal")
    page.locator("input[name=categories][value=housing_emergency]").check()
    page.locator("input[name=eligibility][value=gender_women]").check()
    page.locator("input[name=phone]").fill("450-555-0143")
    page.locator("form.edit-form button[type=submit]").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refuge Boréal")
    _no_sideways_scroll(page)

    page.locator("main a.button[href*='/lieux/ajouter/']").click()
    expect(page.locator("form.edit-form")).to_be_visible()
    _no_sideways_scroll(page)
    page.locator("input[name=name]").fill("Maison Boréale")
    page.locator("input[name=address_1]").fill("9 rue du Nord")
    page.locator("input[name=city]").fill("Laval")
    page.locator("input[name=postal_code]").fill("H7N 1A1")
    page.locator("input[name=is_confidential]").check()
    page.locator("input[name=phone]").fill("450-555-0144")
    page.locator("form.edit-form button[type=submit]").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refuge Boréal")
    expect(page.get_by_role("link", name="450-555-0144")).to_be_visible()
    _no_sideways_scroll(page)

    page.goto("/repertoire/?q=boreal&region=QC-13")
    expect(page.locator("ol.results li").first).to_contain_text("Refuge Boréal")
    assert Service.objects.get(name_fr="Refuge Boréal").service_at_locations.count() == 1
