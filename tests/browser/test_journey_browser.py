"""The front-line journey (DESIGN.md, issue 13) in Chromium, on a 360 x 740 phone and on a
desktop, in French and in English: from the caseworker's home page to a referral sent with a
place held, counting every click, tick and submit (typing is not counted); the shelter
accepts through a confirmation; the caseworker sees the answer on the home page. axe-core
(``axe-playwright-python``, which ships ``axe.min.js``: nothing is downloaded) checks every
page of the journey for serious or critical violations. The French phone run saves the
screenshots that docs/journey.md shows."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from arrimage.accounts.models import Role
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.orientation.models import BedHold, HoldStatus, Referral
from arrimage.privacy.models import ConsentRecord
from tests.browser.conftest import (
    DEFAULT_TIMEOUT_MS,
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    browser_login,
)
from tests.conftest import PASSWORD, make_side
from tests.orientation.conftest import agreement_for_referrals, make_service, membership

pytestmark = pytest.mark.browser

MAX_INTERACTIONS = 8
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
AXE = Axe()
WORDS = {
    "fr": {
        "new": "Nouvelle personne",
        "continue": "Continuer",
        "options": "Voir les options",
        "spanish": "espagnol",
        "housing": "Hébergement ce soir",
        "need_error": "Choisissez au moins un besoin.",
        "back": "Retour",
    },
    "en": {
        "new": "New person",
        "continue": "Continue",
        "options": "See the options",
        "spanish": "Spanish",
        "housing": "Housing tonight",
        "need_error": "Choose at least one need.",
        "back": "Back",
    },
}
RAW_CODES = ("Female", "Male", "TransgenderNonConforming", "es", "fr", "emergency_housing")


class Counter:
    """Every interaction of the user: a click, a tick or a submit."""

    def __init__(self) -> None:
        self.count = 0
        self.log: list[str] = []

    def click(self, locator: Locator, what: str) -> None:
        locator.click()
        self.count += 1
        self.log.append(what)

    def check(self, locator: Locator, what: str) -> None:
        locator.check()
        self.count += 1
        self.log.append(what)


def axe_clean(page: Page, where: str) -> None:
    results = AXE.run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, f"{where}: {serious}"


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shoot(page: Page, name: str, save: bool) -> None:
    if save:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)


@pytest.fixture
def contexts() -> Iterator[list[BrowserContext]]:
    """The browser contexts a test opens, closed when it ends, pass or fail."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def new_page(
    browser: Browser,
    live_server: Any,
    contexts: list[BrowserContext],
    *,
    phone: bool,
    language: str,
) -> Page:
    options: dict[str, Any] = {"viewport": PHONE_VIEWPORT if phone else DESKTOP_VIEWPORT}
    if phone:
        options.update(is_mobile=True, has_touch=True, device_scale_factor=1)
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA" if language == "fr" else "en-CA",
        timezone_id="America/Toronto",
        **options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    contexts.append(context)
    return context.new_page()


def the_world(language: str = "fr") -> dict[str, Any]:
    """A caseworker's organisation and a shelter in one coalition, with an agreement for
    referrals; two equivalent shelters, 0 and 46 km from Montréal. Everyone reads in
    ``language``."""
    coalition = Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    side = make_side("A", coalition=coalition)
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge du Plateau",
        name_en="Plateau Shelter",
        terms=("housing_emergency", "gender_women", "safety_staff_24_7"),
        languages=("fr", "es"),
        capacities=(("bed", 2, 6, timedelta(hours=1)),),
    )
    make_service(
        shelter.organisation,
        name_fr="Refuge de Saint-Jérôme",
        name_en="Saint-Jérôme Shelter",
        terms=("housing_emergency", "gender_women", "safety_staff_24_7"),
        languages=("fr", "es"),
        municipality="saint-jerome",
        capacities=(("bed", 6, 6, timedelta(hours=1)),),
    )
    for member in (*side.users.values(), *shelter.users.values()):
        member.preferred_language = "en" if language == "en" else "fr-ca"
        member.save(update_fields=["preferred_language"])
    return {"side": side, "shelter": shelter, "service": service}


@pytest.mark.parametrize(
    ("phone", "language"),
    [(True, "fr"), (True, "en"), (False, "fr"), (False, "en")],
    ids=["phone-fr", "phone-en", "desktop-fr", "desktop-en"],
)
def test_home_to_a_sent_referral_with_a_held_place_in_eight_interactions(
    browser: Browser, live_server: Any, contexts: list[BrowserContext], phone: bool, language: str
) -> None:
    world = the_world(language)
    words = WORDS[language]
    save = phone and language == "fr"
    page = new_page(browser, live_server, contexts, phone=phone, language=language)
    browser_login(page, live_server, world["side"].user("caseworker").email, PASSWORD)
    expect(page.locator("#new-person")).to_be_visible()
    axe_clean(page, "caseworker home")
    shoot(page, "1-home", save)
    me = Counter()

    me.click(page.locator("#new-person"), "Nouvelle personne")
    expect(page.locator("#intake input[name=alias]")).to_be_visible()
    page.locator("#intake input[name=alias]").fill("Rosa")
    me.check(page.get_by_label(words["spanish"], exact=True), "espagnol")
    axe_clean(page, "intake: who")
    if phone:
        no_sideways_scroll(page)
    shoot(page, "2-who", save)
    me.click(page.get_by_role("button", name=words["continue"]), "Continuer")

    me.check(page.get_by_label(words["housing"], exact=True), "Hébergement ce soir")
    axe_clean(page, "intake: needs")
    shoot(page, "3-needs", save)
    me.click(page.get_by_role("button", name=words["options"]), "Voir les options")

    first = page.locator("li.option").first
    expect(first).to_contain_text("Plateau")
    expect(first.locator('[data-code="distance"]')).to_be_visible()
    axe_clean(page, "intake: options")
    if phone:
        no_sideways_scroll(page)
    shoot(page, "4-options", save)
    me.click(first.locator("button[name=choose]"), "Choisir")

    consent = page.locator('details[data-language="es"]')
    expect(consent).to_have_attribute("open", "")
    expect(consent).to_contain_text("Puede decir que no, y le seguiremos ayudando igual.")
    axe_clean(page, "intake: consent")
    if phone:
        no_sideways_scroll(page)
    shoot(page, "5-consent", save)
    me.check(page.locator("#id_consent_given"), "La personne consent")
    me.click(page.locator("button.send"), "Réserver et envoyer")

    expect(page.locator("#referral-status")).to_have_attribute("data-status", "sent")
    assert me.count <= MAX_INTERACTIONS, me.log
    referral = Referral.objects.get()
    hold = BedHold.objects.get()
    assert referral.hold_id == hold.pk and hold.status == HoldStatus.ACTIVE
    assert referral.service_id == world["service"].pk and referral.response_hours == 4
    assert ConsentRecord.objects.get().recipient_id == world["shelter"].organisation.pk
    axe_clean(page, "referral sent")
    shoot(page, "6-sent", save)

    # The shelter answers from its home page, through a confirmation.
    staff = new_page(browser, live_server, contexts, phone=phone, language=language)
    browser_login(staff, live_server, world["shelter"].user("service_staff").email, PASSWORD)
    item = staff.locator(f'#to-answer li[data-referral="{referral.pk}"]')
    expect(item).to_be_visible()
    axe_clean(staff, "shelter home")
    shoot(staff, "7-shelter-home", save)
    item.locator("a").click()
    # Read the referral page once it is there, not the home page it leaves.
    staff.wait_for_url(f"**/orientation/references/{referral.pk}/")
    expect(staff.locator("#referral-status")).to_be_visible()
    expect(staff.locator("main dd").first).to_be_visible()
    values = [text.strip() for text in staff.locator("main dd").all_inner_texts()]
    assert "Rosa" in values
    assert words["spanish"] in values
    assert not set(values) & set(RAW_CODES), values
    axe_clean(staff, "shelter referral")
    shoot(staff, "8-shelter-referral", save)
    staff.locator("button[data-move=accepted]").click()
    expect(staff.locator("#confirm-move")).to_be_visible()
    axe_clean(staff, "confirmation")
    shoot(staff, "9-confirm", save)
    staff.locator("#confirm-move").click()
    expect(staff.locator("#referral-status")).to_have_attribute("data-status", "accepted")
    hold.refresh_from_db()
    assert hold.status == HoldStatus.ACCEPTED

    # The caseworker sees the answer on the home page.
    page.goto("/tableau/")
    outcome = page.locator(f'#outcomes li[data-referral="{referral.pk}"]')
    expect(outcome.locator("[data-status]")).to_have_attribute("data-status", "accepted")
    axe_clean(page, "caseworker home with the answer")
    shoot(page, "10-outcome", save)


def test_a_validation_error_in_the_middle_of_the_intake_loses_nothing(
    browser: Browser, live_server: Any, contexts: list[BrowserContext]
) -> None:
    world = the_world()
    words = WORDS["fr"]
    page = new_page(browser, live_server, contexts, phone=True, language="fr")
    browser_login(page, live_server, world["side"].user("caseworker").email, PASSWORD)
    page.locator("#new-person").click()
    page.locator("#intake input[name=alias]").fill("Rosa")
    page.get_by_label(words["spanish"], exact=True).check()
    page.locator("#intake input[name=municipality]").fill("Laval")
    page.get_by_role("button", name=words["continue"]).click()
    # No need ticked: the step says so, and what was entered before is still there.
    page.get_by_role("button", name=words["options"]).click()
    expect(page.locator("#intake .errorlist")).to_contain_text(words["need_error"])
    axe_clean(page, "intake: needs with an error")
    page.get_by_label(words["housing"], exact=True).check()
    page.get_by_role("button", name=words["back"]).click()
    expect(page.locator("#intake input[name=alias]")).to_have_value("Rosa")
    expect(page.locator("#intake input[name=municipality]")).to_have_value("Laval")
    expect(page.get_by_label(words["spanish"], exact=True)).to_be_checked()
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.get_by_label(words["housing"], exact=True)).to_be_checked()
    assert not Referral.objects.exists()
