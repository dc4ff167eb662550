"""On a phone: a caseworker plans a conference from the case page, invites the police
service, and puts a coordination and an immigration item on the agenda; the police
participant then finds the conference in the menu and sees the coordination item only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from arrimage.accounts.models import Membership, Role
from tests.browser.conftest import browser_login
from tests.cases.conftest import agreement_allowing_all, consent_for, populate
from tests.conftest import PASSWORD, make_side

pytestmark = pytest.mark.browser

IMMIGRATION_ITEM = "Renouvellement du permis de séjour"
COORDINATION_ITEM = "Plan de sortie du refuge"


def test_police_sees_only_the_coordination_item_of_a_conference(
    phone_page: Page, live_server, coalition
) -> None:
    page = phone_page
    side = make_side("A", coalition=coalition)
    police = make_side("Police", org_type="police", coalition=coalition)
    agreement_allowing_all(coalition)
    case = populate(side, "A")
    consent_for(case, police.organisation)
    police_member = Membership.objects.get(organisation=police.organisation, role=Role.CASEWORKER)
    start = timezone.localtime() + timedelta(days=3)

    browser_login(page, live_server, side.user(Role.CASEWORKER).email, PASSWORD)
    page.goto(f"/dossiers/{case.pk}/")
    page.get_by_role("link", name="Planifier une concertation").click()
    page.fill("#title", "Suivi concerté")
    page.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#ends_at", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#place", "Salle 2")
    page.check(f"#p-{police_member.pk}")
    page.get_by_role("button", name="Planifier la concertation").click()
    expect(page).to_have_url(re.compile(r"/concertations/[0-9a-f-]{36}/$"))
    conference_url = page.url
    for category, title in (("coordination", COORDINATION_ITEM), ("immigration", IMMIGRATION_ITEM)):
        page.fill("#item-title", title)
        page.select_option("#item-category", category)
        page.get_by_role("button", name="Ajouter le point").click()
        expect(page.locator("#agenda")).to_contain_text(title)

    page.locator("header").get_by_role("button", name="Se déconnecter").click()
    browser_login(page, live_server, police.user(Role.CASEWORKER).email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Concertations").click()
    page.get_by_role("link", name="Suivi concerté").click()
    assert page.url == conference_url
    expect(page.locator("#agenda")).to_contain_text(COORDINATION_ITEM)
    expect(page.get_by_text(IMMIGRATION_ITEM)).to_have_count(0)
    expect(page.locator("#item-category option[value=immigration]")).to_have_count(0)
