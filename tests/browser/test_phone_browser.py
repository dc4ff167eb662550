"""A phone at a shelter door, 360 x 740 (issue 13, item 5), measured in Chromium: the header
takes at most 120 px; every menu item can be reached (scrolled to, on screen, tappable) and
the current page is marked (``aria-current``); the referrals list keeps its filters behind
one button; the feedback after a submit is on screen. axe checks the pages changed."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import browser_login
from tests.browser.test_journey_browser import axe_clean, contexts, new_page, the_world
from tests.conftest import PASSWORD
from tests.orientation.conftest import make_service

pytestmark = pytest.mark.browser
__all__ = ["contexts"]  # the fixture

MAX_HEADER = 120
HOUR = timedelta(hours=1)
PHONE_HEIGHT = 740
PHONE_WIDTH = 360


def header_fits(page: Page) -> None:
    height = page.locator(".site-header").evaluate("e => e.getBoundingClientRect().height")
    assert height <= MAX_HEADER, f"the header takes {height} px of {PHONE_HEIGHT}"


def every_menu_item_reachable(page: Page) -> list[str]:
    links = page.locator(".main-nav a")
    assert links.count() >= 5
    names = []
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box is not None
        name = link.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (name, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT, (name, box)
        link.click(trial=True)
        names.append(name)
    return names


def current(page: Page) -> list[str]:
    return page.locator('.main-nav a[aria-current="page"]').all_inner_texts()


def on_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE_HEIGHT, (selector, box)


def test_caseworker_menu_header_and_referral_filters_on_a_phone(
    browser: Browser, live_server: Any, contexts: list[BrowserContext]
) -> None:
    world = the_world()
    page = new_page(browser, live_server, contexts, phone=True, language="fr")
    browser_login(page, live_server, world["side"].user("caseworker").email, PASSWORD)
    page.goto("/tableau/")
    header_fits(page)
    assert current(page) == ["Accueil"]
    names = every_menu_item_reachable(page)
    assert "Orientation" in names and "Mon profil" in names

    page.goto("/orientation/references/")
    header_fits(page)
    assert current(page) == ["Orientation"]
    status = page.locator("select[name=status]")
    expect(status).to_be_hidden()  # behind the one "Filtrer" button
    page.locator("details.filters > summary").tap()
    expect(status).to_be_visible()
    # Nothing sent yet: the empty state says what to do next.
    expect(page.locator(".empty-state a[href='/orientation/accueil/']")).to_be_visible()
    axe_clean(page, "referrals on a phone")


def test_feedback_after_a_submit_is_on_screen(
    browser: Browser, live_server: Any, contexts: list[BrowserContext]
) -> None:
    world = the_world()
    # A shelter with several places: the one changed is far down the page.
    for number in range(5):
        make_service(
            world["shelter"].organisation,
            name_fr=f"Maison {number}",
            capacities=(("room", 1, 3, timedelta(hours=2)), ("family_unit", 1, 2, HOUR)),
        )
    page = new_page(browser, live_server, contexts, phone=True, language="fr")
    browser_login(page, live_server, world["shelter"].user("service_staff").email, PASSWORD)
    page.goto("/repertoire/disponibilites/")
    header_fits(page)
    last = page.locator("section.capacity-card").last
    last.locator("button", has_text="+1").tap()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    on_screen(page, ".messages")
    axe_clean(page, "availability after a submit")
