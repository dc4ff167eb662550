"""A coalition's life on a 360 px phone, in Chromium: the coordinator adds a training session
and records who attended; the organisation's administrator then finds training ticked on the
onboarding checklist and signs the agreement there. No sideways scrolling; axe finds nothing
serious."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.privacy.agreements import agreement_version_create
from tests.browser.conftest import browser_login
from tests.browser.test_journey_browser import axe_clean, no_sideways_scroll
from tests.conftest import PASSWORD, make_side

pytestmark = pytest.mark.browser


def test_training_attendance_then_checklist_on_a_phone(phone_page: Page, live_server: Any) -> None:
    coalition = Coalition.objects.create(
        name="Table de Montréal",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    side = make_side("A", coalition=coalition)
    coordinator = Membership.objects.get(user=side.user(Role.COORDINATOR))
    agreement_version_create(
        actor_membership=coordinator,
        coalition=coalition,
        rules={("community", "shelter", "identity", "referral")},
    )
    page = phone_page
    browser_login(page, live_server, side.user(Role.COORDINATOR).email, PASSWORD)

    page.goto(f"{live_server.url}/coalitions/")
    page.get_by_role("link", name="Table de Montréal").click()
    page.get_by_role("link", name="Formations").click()
    no_sideways_scroll(page)
    page.get_by_text("Ajouter une séance de formation").click()
    held_on = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page.get_by_label("Date").fill(held_on)
    page.get_by_label("Sujet").fill("Repérer les indicateurs")
    page.get_by_label("Formatrice ou formateur").fill("Clinique X")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Repérer les indicateurs")
    page.get_by_label(side.user(Role.CASEWORKER).full_name).check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présence enregistrée\u00a0: 1 personne.")).to_be_visible()
    no_sideways_scroll(page)
    axe_clean(page, "training session")

    page.context.clear_cookies()
    browser_login(page, live_server, side.user(Role.ORGANISATION_ADMIN).email, PASSWORD)
    page.goto(f"{live_server.url}/coalitions/{coalition.pk}/")
    page.get_by_role("link", name="Accueil des membres").click()
    expect(page.locator('[data-item="training"]')).to_have_attribute("data-done", "yes")
    expect(page.locator('[data-item="agreement"]')).to_have_attribute("data-done", "no")
    no_sideways_scroll(page)
    axe_clean(page, "onboarding")
    page.get_by_role("button", name="Signer la version 1 pour mon organisation").click()
    expect(page.get_by_text("Votre organisation a signé l'entente.")).to_be_visible()
    expect(page.locator('[data-item="agreement"]')).to_have_attribute("data-done", "yes")
