"""A caseworker opens a case, records a consent for the police service and adds notes; the
demonstration enforcement user then sees the identity note and never the health note."""

import re

import pytest
from playwright.sync_api import Page, expect

from arrimage.accounts import demo
from arrimage.accounts.models import Membership
from arrimage.cases.demo import demo_agreement_build
from tests.browser.conftest import browser_login

pytestmark = pytest.mark.browser

HEALTH_NOTE = "Suivi psychologique au CLSC, prochain rendez-vous jeudi"
IDENTITY_NOTE = "Préfère être appelée Rosa"


def test_the_enforcement_user_never_sees_the_protected_note(page: Page, live_server) -> None:
    demo.demo_coalition_build()
    demo_agreement_build(Membership.objects.get(user__email="coordination@arrimage.example"))
    police = Membership.objects.select_related("organisation").get(
        user__email="police@arrimage.example"
    )

    browser_login(page, live_server, "intervenante@arrimage.example", demo.DEMO_PASSWORD)
    page.goto("/dossiers/nouveau/")
    page.fill("#alias", "Rosa")
    page.select_option("#gender", "Female")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dossiers/[0-9a-f-]{36}/$"))
    case_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa")

    page.goto(case_url + "consentements/")
    page.select_option("#recipient", str(police.organisation_id))
    for category in ("identity", "coordination"):
        page.check(f"input[name=categories][value={category}]")
    page.select_option("#purpose", "coordination")
    page.select_option("#method", "written")
    page.locator("form:has(#recipient) button[type=submit]").click()
    expect(page.locator("table")).to_contain_text(police.organisation.name)

    page.goto(case_url)
    for category, text in (("health", HEALTH_NOTE), ("identity", IDENTITY_NOTE)):
        page.select_option("#note-category", category)
        page.fill("#note-body", text)
        page.locator("form:has(#note-body) button[type=submit]").click()
        expect(page.locator("#notes")).to_contain_text(text)

    page.locator("header").get_by_role("button", name="Se déconnecter").click()
    browser_login(page, live_server, "police@arrimage.example", demo.DEMO_PASSWORD)
    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa")
    expect(page.locator("#notes")).to_contain_text(IDENTITY_NOTE)
    expect(page.get_by_text(HEALTH_NOTE)).to_have_count(0)
    expect(page.locator("#health")).to_have_count(0)
    expect(page.locator("#note-category option[value=health]")).to_have_count(0)
