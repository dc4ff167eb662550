"""The interface shell in Chromium: log in, French first, English on a switch that is
remembered, and a 360 px phone screen with no sideways scrolling and a working skip link."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from arrimage.accounts.models import User
from tests.browser.conftest import browser_login
from tests.conftest import PASSWORD, make_side

# What a French and an English reader see in the header of every page once logged in.
FRENCH_NAV = ["Accueil", "Coalitions", "Membres", "Mon profil"]
ENGLISH_NAV = ["Home", "Coalitions", "Members", "My profile"]


def _assert_interface(
    page: Page, *, nav: list[str], logout: str, switch_to: str, html_lang: str
) -> None:
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    menu = page.locator("header nav")
    for name in nav:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    header = page.locator("header")
    expect(header.get_by_role("button", name=logout, exact=True)).to_be_visible()
    expect(header.get_by_role("button", name=switch_to, exact=True)).to_be_visible()


def _assert_french(page: Page) -> None:
    _assert_interface(
        page, nav=FRENCH_NAV, logout="Se déconnecter", switch_to="English", html_lang="fr-CA"
    )
    expect(page.get_by_text("Home", exact=True)).to_have_count(0)


def _assert_english(page: Page) -> None:
    _assert_interface(
        page, nav=ENGLISH_NAV, logout="Log out", switch_to="Français", html_lang="en-CA"
    )
    expect(page.get_by_text("Accueil", exact=True)).to_have_count(0)


def test_login_then_french_then_english_remembered(page: Page, live_server) -> None:
    side = make_side("A")
    admin = side.user("organisation_admin")

    browser_login(page, live_server, admin.email, PASSWORD)

    # French first: the dashboard greets the user in French.
    expect(page).to_have_url(f"{live_server.url}{reverse('home:home')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour, {admin.full_name}")
    _assert_french(page)

    # The switch turns the same page into English.
    page.locator("header").get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('home:home')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {admin.full_name}")
    _assert_english(page)

    # The next page is in English too.
    page.locator("header nav").get_by_role("link", name="My profile", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('accounts:profile')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    _assert_english(page)

    # The choice belongs to the account: a new browser (no cookie, French Accept-Language)
    # gets English after logging in.
    assert User.objects.get(pk=admin.pk).preferred_language == "en"
    page.context.clear_cookies()
    browser_login(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {admin.full_name}")
    _assert_english(page)

    # And back to French.
    page.locator("header").get_by_role("button", name="Français", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour, {admin.full_name}")
    _assert_french(page)


def _assert_no_horizontal_scroll(page: Page) -> None:
    # On a phone, content wider than the screen also widens the layout viewport: both tell.
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths == {"page": 360, "viewport": 360}, f"{page.url} scrolls sideways: {widths}"


def test_phone_no_horizontal_scroll_and_skip_link(phone_page: Page, live_server) -> None:
    page = phone_page
    side = make_side("Phone")
    admin = side.user("organisation_admin")

    for name in ["core:welcome", "accounts:login", "accounts:password_reset"]:
        page.goto(reverse(name))
        _assert_no_horizontal_scroll(page)

    browser_login(page, live_server, admin.email, PASSWORD)
    for name in [
        "home:home",
        "accounts:profile",
        "accounts:members",
        "accounts:two_factor",
        "coalition:list",
    ]:
        page.goto(reverse(name))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _assert_no_horizontal_scroll(page)

    # The skip link is the first thing the keyboard reaches; it shows itself, and following
    # it moves the focus to the main content.
    page.goto(reverse("home:home"))
    skip = page.locator("a.skip-link")
    expect(skip).to_have_text("Aller au contenu")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
