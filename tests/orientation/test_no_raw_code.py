"""No raw code reaches a page (issue 13, item 3): the guided intake, step by step, the referral
as its sender sees it, and the referral as the receiving shelter sees it, with a gender,
languages, a citizenship and an immigration track shared, in French and in English. Every
piece of visible text (text between tags, split at commas, middle dots and the like) is
checked against every code of the vocabularies that reach these pages; a code whose name in
that language is the code itself (English "Male") is not a raw code there."""

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from arrimage.accounts.models import Role
from arrimage.cases import vocabularies as v
from arrimage.cases.countries import _rows as country_rows
from arrimage.cases.immigration_health_vocabularies import ApplicationStatus, ImmigrationStatus
from arrimage.cases.services import person_update
from arrimage.cases.track_services import immigration_update
from arrimage.directory.taxonomy import LANGUAGES
from arrimage.orientation.intake_forms import URGENCY_LABELS
from arrimage.orientation.models import Referral, ReferralStatus
from arrimage.orientation.needs import GENDERS, NEED_LABELS
from arrimage.orientation.referrals import referral_create_and_send
from arrimage.privacy.categories import Category
from arrimage.privacy.models import ConsentMethod
from tests.orientation import test_intake
from tests.orientation.conftest import consent_to, membership, open_case
from tests.orientation.test_intake import URL, WHO, hidden, send_data, step_of

pytestmark = pytest.mark.django_db
world = test_intake.world  # the fixture

SEPARATORS = re.compile(r"[,·;:()\n|—–/]")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.pieces += [p.strip() for p in SEPARATORS.split(data) if p.strip()]


def _vocabularies() -> dict[str, str]:
    """Every code that may reach these pages, with its name in the active language."""
    codes: dict[str, str] = {}
    for choices in (
        v.Gender,
        v.AgeBand,
        ImmigrationStatus,
        ApplicationStatus,
        v.NeedType,
        v.Urgency,
        ReferralStatus,
        Category,
        ConsentMethod,
    ):
        codes.update({str(value): str(label) for value, label in choices.choices})
    english = translation.get_language().startswith("en")
    codes.update({c: names[1] if english else names[0] for c, names in LANGUAGES.items()})
    codes.update({c: names[0] if english else names[1] for c, names in country_rows().items()})
    codes.update({c: str(names[0]) for c, names in GENDERS.items()})
    codes.update({c: str(label) for c, label in NEED_LABELS.items()})
    codes.update({c: str(label) for c, label in URGENCY_LABELS.items()})
    return {code: name for code, name in codes.items() if code != name}


def assert_no_raw_code(html: str, where: str) -> None:
    parser = _Text()
    parser.feed(html)
    language = re.search(r'<html lang="(\w+)', html)
    assert language is not None
    with translation.override("en" if language.group(1) == "en" else "fr-ca"):
        codes = _vocabularies()
    raw = sorted({p for p in parser.pieces if p in codes or SNAKE.fullmatch(p)})
    assert not raw, f"{where}: raw codes on the page: {raw}"


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_no_raw_code_on_the_intake_nor_on_either_side_of_the_referral(
    client,
    world,
    side_a,
    language,
):
    shelter = world["shelter"]
    for user in (side_a.user("caseworker"), shelter.user("service_staff")):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    client.cookies["arrimage_language"] = language
    client.force_login(side_a.user("caseworker"))
    page = client.get(URL)
    assert_no_raw_code(page.content.decode(), "who")
    token = hidden(page.content.decode())["token"][0]
    data = {"token": token, "step": "who", "go": "next", **WHO, "gender": "woman"}
    data["languages"] = ["es", "fr"]
    html = client.post(URL, data).content.decode()
    assert step_of(html) == "needs"
    assert_no_raw_code(html, "needs")
    data.update(step="needs", needs=["emergency_housing"], urgency_emergency_housing="high")
    html = client.post(URL, data).content.decode()
    assert step_of(html) == "options"
    assert_no_raw_code(html, "options")
    data.update(step="options", choose=f"emergency_housing|{world['near'].pk}")
    html = client.post(URL, data).content.decode()
    assert step_of(html) == "consent"
    assert_no_raw_code(html, "consent")
    sent = client.post(
        URL,
        send_data(
            token,
            world["near"],
            gender="woman",
            languages=["es", "fr"],
            categories=["identity", "coordination"],
        ),
    )
    assert sent.status_code == 302
    referral = Referral.objects.get()

    # The caseworker adds what the shelter will need to know; the shelter reads it by name.
    actor = membership(side_a, Role.CASEWORKER)
    person_update(
        actor_membership=actor,
        case_id=referral.case_id,
        category="identity",
        data={
            "alias": "Rosa",
            "gender": "Female",
            "languages": ["es", "fr"],
        },
    )
    assert_no_raw_code(client.get(sent["Location"]).content.decode(), "sender's referral")

    client.force_login(shelter.user("service_staff"))
    html = client.get(sent["Location"]).content.decode()
    assert ("espagnol" if language == "fr-ca" else "Spanish") in html
    assert_no_raw_code(html, "shelter's referral")


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_shelter_reads_a_shared_immigration_track_by_name(client, world, side_a, language):
    case = open_case(side_a, immigration_status="asylum_claimant")
    actor = membership(side_a, Role.CASEWORKER)
    immigration_update(
        actor_membership=actor,
        case_id=case.pk,
        data={
            "citizenship": ["CM"],
            "status": "asylum_claimant",
            "asylum_claim": "filed",
            "is_detained": False,
            "trp_issued_on": "2026-01-15",
            "trp_expires_on": "2026-07-15",
        },
    )
    categories = ["identity", "coordination", "immigration"]
    consent_to(case, world["shelter"].organisation, categories)
    referral = referral_create_and_send(
        actor=actor,
        case_id=case.pk,
        service_id=world["near"].pk,
        categories=categories,
        need="emergency_housing",
    )
    client.cookies["arrimage_language"] = language
    # The shelter's caseworker: service staff do not read immigration.
    client.force_login(world["shelter"].user("caseworker"))
    html = client.get(reverse("orientation:referral_detail", args=[referral.pk])).content.decode()
    with translation.override(language):
        assert escape(str(ImmigrationStatus.ASYLUM_CLAIMANT.label)) in html
    # The citizenship is immigration (docs/policy.md), shown by the country's name.
    assert ("Cameroun" if language == "fr-ca" else "Cameroon") in html
    assert "2026-07-15" not in html
    assert_no_raw_code(html, "shelter's referral with immigration")
