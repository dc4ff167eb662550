"""Trends in Chromium: a regional coordinator releases, the provincial level sees the release
and its PDF opens."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from arrimage.accounts.models import Role
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from tests.browser.conftest import browser_login
from tests.conftest import PASSWORD, make_side, run_queued_tasks
from tests.trends.conftest import cases_with_consent

pytestmark = pytest.mark.browser


def test_coordinator_releases_and_the_provincial_level_reads_the_pdf(
    page: Page, browser: Browser, live_server
) -> None:
    national = Coalition.objects.create(name="Réseau national", level=CoalitionLevel.NATIONAL)
    provincial = Coalition.objects.create(
        name="Table provinciale", level=CoalitionLevel.PROVINCIAL, parent=national, province="QC"
    )
    regional = Coalition.objects.create(
        name="Table de Montréal",
        level=CoalitionLevel.REGIONAL,
        parent=provincial,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )
    side = make_side("A", coalition=regional)
    partner = make_side("P", coalition=regional)
    province = make_side("Q", region_code="QC-03", coalition=provincial)
    cases_with_consent(side, partner.organisation, 8)

    browser_login(page, live_server, side.user(Role.COORDINATOR).email, PASSWORD)
    page.goto("/tendances/")
    # The choices first: the accuracy they give is shown before anything is counted.
    choices = page.locator("form[method=get]").filter(has=page.locator("select[name=method]"))
    expect(page.get_by_text("± 7 personnes par case").first).to_be_visible()
    choices.get_by_label("Part du budget de confidentialité à utiliser").select_option("100")
    for section in ("timelines", "referrals"):
        choices.locator(f"input[name=sections][value={section}]").check()
    choices.get_by_role("button", name="Mettre à jour la précision").click()
    expect(page.get_by_text("cette diffusion utilise 100 % du budget", exact=False)).to_be_visible()
    choices = page.locator("form[method=get]").filter(has=page.locator("select[name=method]"))
    choices.locator("select[name=method]").select_option("suppression")
    choices.get_by_role("button", name="Mettre à jour la précision").click()
    expect(page.get_by_text("Comptes exacts", exact=False).first).to_be_visible()
    form = page.locator("form[action$='/tendances/publier/']")
    # The release runs in the background: its page shows a progress bar, and its script
    # brings the result without the user reloading. The worker runs here, in the test;
    # meanwhile the page's polls are held off (the in-memory test database is shared with
    # the live server, and must not serve two threads at once).
    page.route("**/etat/", lambda route: route.abort())
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    expect(page.locator("progress#task-progress")).to_be_visible()
    run_queued_tasks()
    page.unroute("**/etat/")
    page.get_by_role("link", name="Voir le résultat").click(timeout=15000)
    expect(page).to_have_url(re.compile(r"/tendances/diffusions/[0-9a-f-]+/$"))
    release_path = page.url.split(live_server.url)[1]
    expect(page.locator("main table")).to_have_count(10)
    page.get_by_role("link", name="Pourquoi des références ont été refusées, par besoin").click()
    expect(page).to_have_url(re.compile(r"#t-decline_reason_need$"))
    expect(
        page.get_by_role("heading", name="Pourquoi des références ont été refusées, par besoin")
    ).to_be_in_viewport()

    context = browser.new_context(base_url=live_server.url, locale="fr-CA")
    provincial_page = context.new_page()
    try:
        browser_login(provincial_page, live_server, province.user(Role.ANALYST).email, PASSWORD)
        provincial_page.goto("/tendances/")
        provincial_page.locator(f"a[href='{release_path}']").click()
        expect(provincial_page.locator("h1")).to_contain_text("Table de Montréal")
        with provincial_page.expect_download() as download_info:
            provincial_page.locator("a[href$='rapport.pdf']").click()
        saved = Path(download_info.value.path())
        content = saved.read_bytes()
        assert content.startswith(b"%PDF-")
        assert b"/Type /Page" in content or b"/Type/Page" in content
    finally:
        context.close()
