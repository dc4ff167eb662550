"""Quick exit on public pages (issue 13, item 6): on every public page a "Quitter ce site"
button, and the Esc key, replace the page and its history entry with a neutral weather site,
so that "Back" does not return to Arrimage. The neutral site is answered by the test (no
network): our code fetches nothing, the browser only goes there."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.test_journey_browser import axe_clean
from tests.directory.conftest import directory_org, service_make

pytestmark = pytest.mark.browser

NEUTRAL = {"fr": "https://meteo.gc.ca/", "en": "https://weather.gc.ca/"}


def _neutral(page: Page) -> None:
    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<title>Météo</title>Météo")

    page.route("https://meteo.gc.ca/**", answer)
    page.route("https://weather.gc.ca/**", answer)


def _public_pages() -> list[str]:
    service = service_make(directory_org(None, "Maison Publique"), name_fr="Hébergement public")
    return [
        "/",
        "/compte/connexion/",
        "/repertoire/?q=hebergement",
        f"/repertoire/services/{service.pk}/",
        "/confidentialite/",
        "/aide/",
    ]


def _left(page: Page, live_server: Any, language: str) -> None:
    expect(page).to_have_url(NEUTRAL[language])
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(live_server.url), page.url


@pytest.mark.parametrize("how", ["button", "escape"])
def test_every_public_page_leaves_at_once_and_back_does_not_return(
    phone_page: Page, live_server: Any, how: str
) -> None:
    _neutral(phone_page)
    for path in _public_pages():
        phone_page.goto("about:blank")
        phone_page.goto(path)
        exit_link = phone_page.locator("#quick-exit")
        expect(exit_link).to_be_visible()
        expect(exit_link).to_contain_text("Quitter ce site")
        box = exit_link.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 740, (path, box)
        if how == "button":
            axe_clean(phone_page, path)
            exit_link.tap()
        else:
            phone_page.keyboard.press("Escape")
        _left(phone_page, live_server, "fr")


def test_the_exit_speaks_english_and_leaves_for_the_english_weather(
    page: Page, live_server: Any
) -> None:
    _neutral(page)
    page.context.add_cookies([{"name": "arrimage_language", "value": "en", "url": live_server.url}])
    page.goto("about:blank")
    page.goto("/repertoire/")
    expect(page.locator("#quick-exit")).to_contain_text("Leave this site")
    page.keyboard.press("Escape")
    _left(page, live_server, "en")


def test_the_exit_never_covers_the_footer_on_a_phone(phone_page: Page, live_server: Any) -> None:
    """Scrolled to the bottom, the last line of the footer (the privacy link) is above the
    button that stays on screen."""
    for width, path in [(w, p) for w in (320, 360) for p in _public_pages()]:
        phone_page.set_viewport_size({"width": width, "height": 740})
        phone_page.goto(path)
        phone_page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        phone_page.wait_for_function(
            "Math.ceil(window.scrollY + window.innerHeight) >= "
            "document.documentElement.scrollHeight - 1"
        )
        exit_box = phone_page.locator("#quick-exit").bounding_box()
        for line in (".site-footer p:first-child", ".site-footer p:last-child"):
            box = phone_page.locator(line).bounding_box()
            assert exit_box is not None and box is not None
            assert box["y"] + box["height"] <= exit_box["y"], (width, path, line, box, exit_box)


def test_back_after_the_exit_skips_every_page_of_the_site(
    phone_page: Page, live_server: Any
) -> None:
    """A visitor reads several public pages, then leaves: Back does not bring back any of
    them, because a link followed inside the site replaces the page instead of adding one."""
    _neutral(phone_page)
    service_make(directory_org(None, "Maison Publique"), name_fr="Hébergement public")
    phone_page.goto("about:blank")
    phone_page.goto("/")
    phone_page.locator("main a[href^='/repertoire/']").first.tap()
    expect(phone_page).to_have_url(re.compile(r"/repertoire/"))
    phone_page.locator("main input[name=q]").first.fill("hebergement")
    phone_page.locator("main input[name=q]").first.press("Enter")
    expect(phone_page).to_have_url(re.compile(r"q=hebergement"))
    phone_page.locator("#quick-exit").tap()
    expect(phone_page).to_have_url(NEUTRAL["fr"])
    phone_page.go_back()
    phone_page.wait_for_load_state()
    assert phone_page.url == "about:blank", phone_page.url
