"""The short screening on a 360 px phone, in French and in English: started from the home
page, stopped halfway and resumed from the home page, answered to the end with the four
answers, and a result with indicators and next steps, never a verdict. The counter says what
is left under skip logic, and the menu marks "Screening" as the current part. axe-core finds
nothing serious or critical on any page."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from tests.browser.conftest import PHONE_VIEWPORT, browser_login
from tests.browser.test_journey_browser import axe_clean, no_sideways_scroll
from tests.conftest import PASSWORD, make_side
from tests.screening.test_screening_flow import VERDICT

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {
        "yes": "Oui",
        "no": "Non",
        "unknown": "Ne sait pas",
        "declined": "Préfère ne pas répondre",
        "result": "Résultat du dépistage",
        "documents": "Papiers d'identité confisqués",
        "step": "Aider à récupérer ou à remplacer les papiers d'identité.",
        "first": "Avez-vous peur pour votre sécurité",
        "count": "Question 1 · de 9 à 14 questions restantes, selon les réponses",
        "menu": "Dépistage",
    },
    "en": {
        "yes": "Yes",
        "no": "No",
        "unknown": "Does not know",
        "declined": "Prefers not to answer",
        "result": "Screening result",
        "documents": "Identity documents kept by someone else",
        "step": "Help to get identity documents back or replaced.",
        "first": "Are you afraid right now for your safety",
        "count": "Question 1 · 9 to 14 questions left, depending on the answers",
        "menu": "Screening",
    },
}
# The answers given, by question; every other question is answered "no".
GIVEN = {
    "has_worked": "yes",
    "pay_kept": "unknown",
    "owe_money": "declined",
    "papers_kept": "yes",
}


def _answer_current(page: Page, words: dict[str, str]) -> str:
    code = page.locator("input[name=question]").get_attribute("value") or ""
    answer = GIVEN.get(code, "no")
    page.get_by_label(words[answer], exact=True).check()
    page.locator("#answer-save").click()
    page.wait_for_load_state()
    return code


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_short_screening_on_a_phone(phone_page: Page, live_server: Any, language) -> None:
    page = phone_page
    assert page.viewport_size == PHONE_VIEWPORT
    coalition = Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    side = make_side("A", coalition=coalition)
    worker = side.user("caseworker")
    worker.preferred_language = "en" if language == "en" else "fr-ca"
    worker.save(update_fields=["preferred_language"])
    words = WORDS[language]

    browser_login(page, live_server, worker.email, PASSWORD)
    page.locator("#screening-start").click()
    axe_clean(page, "screening: start")
    no_sideways_scroll(page)
    page.locator("#start-short").click()
    expect(page).to_have_url(re.compile(r"/depistage/[0-9a-f-]{36}/$"))
    screening_url = page.url
    expect(page.locator("legend")).to_contain_text(words["first"])
    # The counter under skip logic: what is left, at least and at most; the menu entry.
    expect(page.locator("#question-count")).to_contain_text(words["count"])
    expect(page.locator("#nav-screening")).to_have_text(words["menu"])
    expect(page.locator("#nav-screening")).to_have_attribute("aria-current", "page")
    axe_clean(page, "screening: first question")
    no_sideways_scroll(page)

    asked = [_answer_current(page, words) for _ in range(3)]
    assert asked == ["safe_now", "has_worked", "work_different"]

    # Stopped halfway: the home page offers to resume it, at the next question.
    page.goto("/tableau/")
    page.locator(f'#screenings a[href="{screening_url.removeprefix(live_server.url)}"]').click()
    expect(page.locator("input[name=question]")).to_have_value("pay_kept")

    while "/resultat/" not in page.url:
        asked.append(_answer_current(page, words))
        assert len(asked) <= 15, asked
    assert 10 <= len(asked) <= 15

    expect(page.get_by_role("heading", level=1)).to_contain_text(words["result"])
    expect(page.locator('[data-indicator="ilo_documents"]')).to_contain_text(words["documents"])
    expect(page.locator('[data-step="documents_help"]')).to_have_text(words["step"])
    expect(page.locator("#find-services")).to_be_visible()
    axe_clean(page, "screening: result")
    no_sideways_scroll(page)
    text = page.locator("main").inner_text()
    assert VERDICT.search(text) is None, VERDICT.search(text)
