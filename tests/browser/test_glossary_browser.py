"""The glossary on a 360 px phone: a coordinator goes from the coalitions page to a term, writes
the organisation's definition, and reads it beside the legal texts and a partner's definition,
the columns stacked; on a desktop the same columns sit side by side. axe-core finds nothing
serious or critical."""

import itertools
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from arrimage.accounts.models import Role
from arrimage.coalition.glossary import glossary_definition_save
from arrimage.coalition.models import Coalition, CoalitionLevel, GlossaryTerm, Region
from tests.browser.conftest import browser_login
from tests.browser.test_journey_browser import axe_clean, no_sideways_scroll
from tests.conftest import PASSWORD, make_side

pytestmark = pytest.mark.browser


def _boxes(page: Page) -> list[dict[str, float]]:
    cards = page.locator(".glossary-columns > .card")
    return [cards.nth(i).bounding_box() for i in range(cards.count())]  # type: ignore[misc]


def _world():
    coalition = Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    side = make_side("A", coalition=coalition)
    partner = make_side("Refuge", org_type="shelter", coalition=coalition)
    glossary_definition_save(
        organisation=partner.organisation,
        term=GlossaryTerm.objects.get(slug="traite"),
        definition="Recrutée, déplacée ou hébergée pour être exploitée.",
        preferred_words="survivante",
        actor_id=None,
    )
    return side


def test_a_coordinator_writes_a_definition_on_a_phone(phone_page: Page, live_server: Any):
    side = _world()
    page = phone_page
    browser_login(page, live_server, side.user(Role.COORDINATOR).email, PASSWORD)
    page.goto(f"{live_server.url}/coalitions/")
    page.locator("#glossary-link").click()
    page.get_by_role("link", name="Traite des personnes").click()
    expect(page.get_by_role("heading", name="Ce que dit le droit")).to_be_visible()
    page.locator("#edit-definition").click()
    page.get_by_label("Les mots que nous employons").fill("personne concernée")
    page.get_by_label("Notre définition").fill("Dès que des indicateurs sont présents.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La définition de votre organisme est enregistrée.")).to_be_visible()
    expect(page.get_by_text("Dès que des indicateurs sont présents.", exact=True)).to_be_visible()
    expect(page.get_by_text("Recrutée, déplacée ou hébergée")).to_be_visible()
    boxes = _boxes(page)
    assert len(boxes) == 3
    for above, below in itertools.pairwise(boxes):
        assert below["y"] >= above["y"] + above["height"], boxes  # stacked
        assert below["x"] == above["x"]
    no_sideways_scroll(page)
    axe_clean(page, "glossary term, phone")


def test_the_columns_sit_side_by_side_on_a_desktop(page: Page, live_server: Any):
    side = _world()
    browser_login(page, live_server, side.user(Role.CASEWORKER).email, PASSWORD)
    page.goto(f"{live_server.url}/glossaire/traite/")
    boxes = _boxes(page)
    assert len(boxes) == 2
    assert boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1
    assert boxes[1]["y"] == boxes[0]["y"]
    link = page.get_by_role("link", name="Code criminel, art. 279.01 et 279.011")
    expect(link).to_have_attribute(
        "href", "https://laws-lois.justice.gc.ca/fra/lois/C-46/article-279.01.html"
    )
    axe_clean(page, "glossary term, desktop")
