"""The help page on a 360 px phone: the two numbers to call on the first screen as buttons
that dial, nothing wider than the screen, accessible (axe)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from arrimage.awareness.models import CoalitionContact
from arrimage.coalition.models import Coalition, CoalitionLevel
from tests.browser.test_journey_browser import axe_clean

pytestmark = pytest.mark.browser


def test_the_help_page_fits_a_phone_and_dials(phone_page: Page, live_server: Any) -> None:
    coalition = Coalition.objects.create(name="Table de Montréal", level=CoalitionLevel.REGIONAL)
    CoalitionContact.objects.create(
        coalition=coalition,
        name="Permanence de la table régionale de Montréal",
        phone="514 555-0147",
        email="permanence.table.regionale@example.org",
        hours="Du lundi au vendredi, de 9 h à 17 h",
    )
    phone_page.goto("/")
    phone_page.get_by_role("link", name="Obtenir de l'aide").first.tap()
    expect(phone_page).to_have_url(f"{live_server.url}/aide/")
    calls = (("Appeler le 911", "tel:911"), ("Appeler le 1-833-900-1010", "tel:+18339001010"))
    for name, href in calls:
        button = phone_page.get_by_role("link", name=name)
        expect(button).to_have_attribute("href", href)
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 740, (name, box)
    expect(phone_page.locator('a[href="tel:+15145550147"]')).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    expect(phone_page.locator("#quick-exit")).to_be_visible()
    axe_clean(phone_page, "/aide/")
