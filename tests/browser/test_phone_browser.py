"""A phone at a shelter door, 360 x 740 (issue 13, item 5), measured in Chromium: the header
takes at most 120 px, also for a worker of two organisations (the organisation switch) and
with the demonstration banner (banner and header together at most 120 px); every menu item
can be reached (scrolled to, on screen, tappable) and the current page is marked
(``aria-current``); the referrals list keeps its filters behind one button; the feedback after
a submit is on screen. axe checks the pages changed."""

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from arrimage.accounts.models import Membership, Role, User
from arrimage.cases.services import case_create
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from tests.browser.conftest import browser_login
from tests.browser.test_journey_browser import axe_clean, contexts, new_page, the_world
from tests.conftest import PASSWORD, make_side
from tests.orientation.conftest import make_service, membership

pytestmark = pytest.mark.browser
__all__ = ["contexts"]  # the fixture

MAX_HEADER = 120
MAX_BANNER = 32
HOUR = timedelta(hours=1)
PHONE_HEIGHT = 740
PHONE_WIDTH = 360


def height(page: Page, selector: str) -> float:
    return float(page.locator(selector).evaluate("e => e.getBoundingClientRect().height"))


def header_fits(page: Page) -> None:
    header = height(page, ".site-header")
    assert header <= MAX_HEADER, f"the header takes {header} px of {PHONE_HEIGHT}"


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


SWITCH_WORDS = {
    "fr": {"cases": "Dossiers", "acting_for": "J'agis pour", "now": "Vous agissez maintenant pour"},
    "en": {"cases": "Cases", "acting_for": "Acting for", "now": "You now act for"},
}


def worker_of_two_organisations(language: str, labels: tuple[str, str] = ("A", "B")) -> User:
    """A caseworker of organisation A, also a caseworker of organisation B; the two hold
    identical data, one case each, told apart by the alias."""
    coalition = Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    sides = {label: make_side(label, coalition=coalition) for label in labels}
    for label, side in sides.items():
        case_create(actor_membership=membership(side), identity={"alias": f"Personne {label}"})
    first, second = (sides[label] for label in labels)
    worker = first.user("caseworker")
    Membership.objects.create(user=worker, organisation=second.organisation, role=Role.CASEWORKER)
    worker.preferred_language = "en" if language == "en" else "fr-ca"
    worker.save(update_fields=["preferred_language"])
    return worker


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_worker_of_two_organisations_switches_from_a_phone(
    browser: Browser, live_server: Any, contexts: list[BrowserContext], language: str
) -> None:
    words = SWITCH_WORDS[language]
    worker = worker_of_two_organisations(language)
    page = new_page(browser, live_server, contexts, phone=True, language=language)
    browser_login(page, live_server, worker.email, PASSWORD)
    page.goto("/dossiers/")
    header_fits(page)
    assert current(page) == [words["cases"]]
    every_menu_item_reachable(page)
    main = page.locator("main")
    expect(main.get_by_text("Personne A")).to_be_visible()
    expect(main.get_by_text("Personne B")).to_have_count(0)

    # The switch names the organisation acted for; two taps act for the other one.
    switch = page.locator(".site-header .org-switch summary")
    expect(switch).to_have_accessible_name(re.compile(f"^{words['acting_for']} Organisation A "))
    box = switch.bounding_box()
    assert box is not None and box["y"] + box["height"] <= MAX_HEADER, box
    switch.tap()
    choice = page.locator(".org-switch").get_by_role("button", name="Organisation B")
    expect(choice).to_be_visible()
    axe_clean(page, "organisation switch open on a phone")
    choice.tap()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{live_server.url}/dossiers/")
    expect(page.locator(".messages")).to_contain_text(f"{words['now']} Organisation B")
    expect(main.get_by_text("Personne B")).to_be_visible()
    expect(main.get_by_text("Personne A")).to_have_count(0)
    expect(switch).to_have_accessible_name(re.compile(f"^{words['acting_for']} Organisation B "))
    header_fits(page)
    assert current(page) == [words["cases"]]
    every_menu_item_reachable(page)
    axe_clean(page, "worklist after the switch on a phone")


def test_a_worker_of_two_organisations_switches_on_a_desktop(
    browser: Browser, live_server: Any, contexts: list[BrowserContext]
) -> None:
    worker = worker_of_two_organisations("fr")
    page = new_page(browser, live_server, contexts, phone=False, language="fr")
    browser_login(page, live_server, worker.email, PASSWORD)
    page.goto("/dossiers/")
    # On a desktop the name, the switch and the account buttons share a row, the menu has the
    # next one: no taller than a one-organisation worker's header.
    assert height(page, ".site-header") <= MAX_HEADER
    switch = page.locator(".site-header .org-switch summary")
    expect(switch).to_be_visible()
    expect(switch).to_contain_text("J'agis pour Organisation A")
    switch_box, tools_box = switch.bounding_box(), page.locator(".header-tools").bounding_box()
    assert switch_box is not None and tools_box is not None
    assert abs(switch_box["y"] - tools_box["y"]) < 10, (switch_box, tools_box)
    switch.click()
    axe_clean(page, "organisation switch open on a desktop")
    page.locator(".org-switch").get_by_role("button", name="Organisation B").click()
    page.wait_for_load_state()
    expect(page.locator("main").get_by_text("Personne B")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_demonstration_banner_and_the_header_fit_in_120_px_on_a_phone(
    browser: Browser,
    live_server: Any,
    contexts: list[BrowserContext],
    settings: Any,
    language: str,
) -> None:
    """The banner is one short line (the rest is on the login page): banner and header
    together stay within the 120 px a header may take, anonymous and signed in."""
    settings.ARRIMAGE_DEMO_BANNER = True
    worker = worker_of_two_organisations(language)
    page = new_page(browser, live_server, contexts, phone=True, language=language)
    for path in ("/", "/compte/connexion/"):
        page.goto(path)
        banner, header = height(page, ".demo-banner"), height(page, ".site-header")
        assert banner <= MAX_BANNER and banner + header <= MAX_HEADER, (path, banner, header)
    fictitious = "fictifs" if language == "fr" else "fictitious"
    expect(page.locator("main .message.warning")).to_contain_text(fictitious)
    browser_login(page, live_server, worker.email, PASSWORD)
    page.goto("/dossiers/")
    banner, header = height(page, ".demo-banner"), height(page, ".site-header")
    assert banner <= MAX_BANNER and banner + header <= MAX_HEADER, (banner, header)
    expect(page.locator(".demo-banner")).to_contain_text(
        "fictives" if language == "fr" else "fictitious"
    )
    axe_clean(page, "demonstration banner on a phone")
