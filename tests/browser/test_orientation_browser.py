"""Orientation in Chromium at a 360 px phone screen: the needs form, its options, holding a
bed, sending the referral; then shelter staff accept it; then the sender sees it accepted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from arrimage.accounts.models import Role
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.orientation.models import BedHold, Referral
from tests.browser.conftest import PHONE_VIEWPORT, browser_login
from tests.conftest import PASSWORD, make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_needs_to_hold_to_referral_then_accepted(
    phone_page: Page, browser: Browser, live_server
) -> None:
    coalition = Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    side = make_side("A", coalition=coalition)
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side, Role.COORDINATOR))
    make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        name_en="Arrimage Shelter",
        terms=("housing_emergency", "gender_women", "status_none"),
        languages=("fr", "es"),
        capacities=(("bed", 2, 6, timedelta(hours=1)),),
    )
    case = open_case(side)
    consent_to(case, shelter.organisation, ["identity", "coordination"])

    page = phone_page
    browser_login(page, live_server, side.user("caseworker").email, PASSWORD)
    page.goto(reverse("orientation:match"))
    _no_sideways_scroll(page)
    form = page.locator("#needs-form")
    form.locator("input[name=needs][value=emergency_housing]").check()
    form.locator("select[name=gender]").select_option("woman")
    form.locator("select[name=status]").select_option("none")
    form.locator("input[name=municipality]").fill("Montréal")
    form.locator("button[type=submit]").click()

    option = page.locator("li.option").filter(has_text="Refuge Arrimage")
    expect(option).to_be_visible()
    expect(option.locator('[data-code="status_none"]')).to_be_visible()
    _no_sideways_scroll(page)
    option.locator("form[action$='/reservations/nouvelle/'] button").click()

    # The bed is held; choose the case, then what to share, and send.
    page.locator("select[name=case]").select_option(str(case.pk))
    page.locator("main form button[type=submit]").click()
    page.locator("input[name=categories][value=identity]").check()
    page.locator("input[name=categories][value=coordination]").check()
    _no_sideways_scroll(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#referral-status")).to_have_attribute("data-status", "sent")
    referral = Referral.objects.get()
    assert referral.hold_id == BedHold.objects.get().pk
    detail = reverse("orientation:referral_detail", args=[referral.pk])

    # Shelter staff, on their own phone, accept it.
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA",
        timezone_id="America/Toronto",
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
    )
    try:
        staff = context.new_page()
        browser_login(staff, live_server, shelter.user("service_staff").email, PASSWORD)
        staff.goto(reverse("orientation:referrals"))
        staff.locator(f"a[href='{detail}']").click()
        expect(staff.locator("main")).to_contain_text("Alias Organisation A")
        _no_sideways_scroll(staff)
        staff.locator("button[data-move=accepted]").click()
        staff.locator("#confirm-move").click()
        expect(staff.locator("#referral-status")).to_have_attribute("data-status", "accepted")
    finally:
        context.close()

    # The sender sees it accepted, on the shared timeline too.
    page.goto(detail)
    expect(page.locator("#referral-status")).to_have_attribute("data-status", "accepted")
    expect(page.locator("ol.timeline li")).to_have_count(3)
