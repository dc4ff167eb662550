"""Quick exit on public pages (issue 13, item 6): on every public page a "Quitter ce site"
button, and the Esc key, replace the page and its history entry with a neutral weather site,
so that "Back" does not return to Arrimage. The neutral site is answered by the test (no
network): our code fetches nothing, the browser only goes there."""

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
