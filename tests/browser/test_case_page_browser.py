"""The case page on a 360 x 740 phone (issue 13, item 5): a summary that stays at the top (the
name, the reference, the next action) and a tab bar to every section; with JavaScript one
section is open at a time, chosen by the address's #fragment, so a saved form comes back to its
section; without JavaScript every section is on the page and the tabs are anchors. The page
height is measured both ways and printed (the page was 5,800 px long before the tabs)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from arrimage.cases import plan_services, services
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, PHONE_VIEWPORT, browser_login
from tests.browser.test_journey_browser import axe_clean, contexts, new_page, no_sideways_scroll
from tests.cases.conftest import membership, populate
from tests.conftest import PASSWORD, make_side

pytestmark = pytest.mark.browser
__all__ = ["contexts"]  # the fixture

FIRST_TASK = "Appeler l'avocate pour le permis"


def _case_with_everything() -> tuple[Any, str]:
    side = make_side("A")
    case = populate(side, "A")
    actor = membership(side)
    plan_services.need_add(
        actor_membership=actor, case_id=case.pk, need_type="housing", urgency="high"
    )
    plan_services.task_add(
        actor_membership=actor,
        case_id=case.pk,
        title=FIRST_TASK,
        due_on=timezone.localdate(),  # due before every task populate() adds (tomorrow)
    )
    return side, f"/dossiers/{case.pk}/"


def _height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def test_the_case_page_opens_one_section_at_a_time_under_a_sticky_summary(
    browser: Browser, live_server: Any, contexts: list[BrowserContext]
) -> None:
    side, url = _case_with_everything()
    page = new_page(browser, live_server, contexts, phone=True, language="fr")
    browser_login(page, live_server, side.user("caseworker").email, PASSWORD)
    page.goto(url)

    summary = page.locator(".case-summary")
    expect(summary.get_by_role("heading", level=1)).to_contain_text("mk-a-identity-alias")
    expect(summary.locator(".next-action")).to_contain_text(FIRST_TASK)
    tabs = summary.get_by_role("navigation", name="Sections du dossier")
    for name in ("Dossier", "Personne", "Besoins", "Tâches", "Notes", "Documents", "Santé"):
        expect(tabs.get_by_role("link", name=name, exact=True)).to_have_count(1)
    # One section open: the first, the case itself.
    expect(page.locator("#overview")).to_be_visible()
    for other in ("#person", "#needs", "#tasks", "#notes", "#documents", "#health"):
        expect(page.locator(other)).to_be_hidden()
    tabbed_height = _height(page)
    no_sideways_scroll(page)
    # The tabs stay on one row that scrolls sideways, so the summary that stays on screen
    # leaves most of the phone to the section (a wrapped tab bar took 228 of 740 px).
    rows = tabs.locator("li").evaluate_all("items => new Set(items.map(i => i.offsetTop)).size")
    assert rows == 1, f"the tabs wrap onto {rows} rows"
    summary_height = summary.evaluate("e => e.getBoundingClientRect().height")
    assert summary_height <= 180, summary_height
    axe_clean(page, "case page on a phone")

    # The Notes tab: only the notes; the tab is marked; the address names the section.
    notes_tab = tabs.get_by_role("link", name="Notes", exact=True)
    notes_tab.tap()
    expect(page).to_have_url(f"{live_server.url}{url}#notes")
    expect(page.locator("#notes")).to_be_visible()
    expect(page.locator("#overview")).to_be_hidden()
    expect(notes_tab).to_have_attribute("aria-current", "true")
    notes_height = _height(page)

    # A note saved comes back to the Notes tab, with the feedback and the note on screen.
    page.select_option("#note-category", "coordination")
    page.fill("#note-body", "Rendez-vous pris au CLSC jeudi")
    page.locator("form:has(#note-body) button[type=submit]").tap()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#notes")).to_be_visible()
    expect(page.locator("#notes")).to_contain_text("Rendez-vous pris au CLSC jeudi")
    expect(page.locator("#tasks")).to_be_hidden()

    # The summary stays at the top when the page scrolls.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    top = page.locator(".case-summary").evaluate("e => e.getBoundingClientRect().top")
    assert top == 0, top

    # Back returns to the previous tab.
    page.go_back()
    page.go_back()
    expect(page.locator("#overview")).to_be_visible()

    # Without JavaScript: every section on the page, the tab bar still reaches them.
    plain = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA",
        timezone_id="America/Toronto",
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    contexts.append(plain)
    plain.set_default_timeout(DEFAULT_TIMEOUT_MS)
    bare = plain.new_page()
    browser_login(bare, live_server, side.user("caseworker").email, PASSWORD)
    bare.goto(url)
    for section in ("#overview", "#person", "#needs", "#tasks", "#notes", "#health"):
        expect(bare.locator(section)).to_be_visible()
    bare.locator(".case-tabs").get_by_role("link", name="Tâches", exact=True).tap()
    expect(bare).to_have_url(f"{live_server.url}{url}#tasks")
    full_height = _height(bare)

    print(
        f"case page at 360 px: {full_height} px with every section (no JavaScript), "
        f"{tabbed_height} px on the first tab, {notes_height} px on the notes tab"
    )
    assert tabbed_height * 3 <= full_height, (tabbed_height, full_height)
    assert notes_height * 2 <= full_height, (notes_height, full_height)


def test_the_summary_offers_the_needs_when_no_task_is_open(
    browser: Browser, live_server: Any, contexts: list[BrowserContext]
) -> None:
    side = make_side("A")
    actor = membership(side)
    case = services.case_create(actor_membership=actor, identity={"alias": "Rosa"})
    page = new_page(browser, live_server, contexts, phone=False, language="fr")
    browser_login(page, live_server, side.user("caseworker").email, PASSWORD)
    page.goto(f"/dossiers/{case.pk}/")
    # Nothing to do yet: the next action is to add a task; on a desktop every section shows.
    expect(page.locator(".next-action a")).to_have_attribute("href", "#tasks")
    expect(page.locator("#notes")).to_be_visible()
    plan_services.need_add(
        actor_membership=actor, case_id=case.pk, need_type="housing", urgency="high"
    )
    page.reload()
    expect(page.locator(".next-action a")).to_have_attribute(
        "href", f"/orientation/dossier/{case.pk}/"
    )
    plan_services.task_add(
        actor_membership=actor,
        case_id=case.pk,
        title="Rappeler le refuge",
        due_on=timezone.localdate() - timedelta(days=1),
    )
    page.reload()
    expect(page.locator(".next-action")).to_contain_text("En retard")
    expect(page.locator(".next-action")).to_contain_text("Rappeler le refuge")
