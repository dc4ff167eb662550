"""How a service answers referrals, as the referral page says it (French and English): with
fewer than three closed referrals, one sentence says there are not enough yet, and neither the
rate nor the mean response time shows; a mean under one hour reads in minutes, never
"0,0 h"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.orientation.models import Referral
from tests.conftest import login, make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db

WORDS = {
    "fr": {
        "not_enough": "Pas encore assez de références pour savoir comment ce service répond.",
        "mean": "Temps de réponse moyen",
        "rate": "Ce service répond à 100\u00a0% des références dans les délais.",
        "minutes": "Temps de réponse moyen\u00a0: 42\u00a0min.",
        "hours": "Temps de réponse moyen\u00a0: 3,5\u00a0h.",
        "seconds": "Temps de réponse moyen\u00a0: moins d’une minute.",
    },
    "en": {
        "not_enough": "Not enough referrals yet to show how this service answers.",
        "mean": "Mean response time",
        "rate": "This service answers 100% of referrals in time.",
        "minutes": "Mean response time: 42 min.",
        "hours": "Mean response time: 3.5 h.",
        "seconds": "Mean response time: under a minute.",
    },
}


@pytest.fixture
def world(coalition, side_a):
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        name_en="Arrimage Shelter",
        terms=("housing_emergency",),
        capacities=(("bed", 1, 5, timedelta(hours=1)),),
    )
    case = open_case(side_a)
    consent_to(case, shelter.organisation, ["identity", "coordination"])
    return {"shelter": shelter, "service": service, "case": case}


def answered_after(client, world, side_a, delay: timedelta) -> Referral:
    """A referral sent by organisation A's caseworker, answered by the shelter ``delay``
    after it was sent; both through HTTP."""
    client.logout()
    login(client, side_a.user("caseworker"))
    client.post(
        reverse("orientation:referral_create"),
        {
            "service": world["service"].pk,
            "case": world["case"].pk,
            "categories": ["identity", "coordination"],
            "response_hours": "48",
        },
    )
    referral = Referral.objects.order_by("-sent_at").first()
    assert referral is not None and referral.sent_at is not None
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - delay)
    client.logout()
    login(client, world["shelter"].user("service_staff"))
    answered = client.post(
        reverse("orientation:referral_transition", args=[referral.pk]),
        {"to_status": "accepted", "confirmed": "yes"},
    )
    assert answered.status_code == 302
    return referral


def indicator_text(client, referral: Referral, language: str) -> str:
    page = client.get(
        reverse("orientation:referral_detail", args=[referral.pk]),
        HTTP_ACCEPT_LANGUAGE="fr-CA" if language == "fr" else "en-CA",
    )
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('<p class="muted" data-response-indicator>')
    return html[start : html.index("</p>", start)].replace("\u202f", "\u00a0")


def set_language(world, language: str) -> None:
    staff = world["shelter"].user("service_staff")
    staff.preferred_language = "en" if language == "en" else "fr-ca"
    staff.save(update_fields=["preferred_language"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_too_few_referrals_show_neither_rate_nor_mean(client, world, side_a, language):
    words = WORDS[language]
    set_language(world, language)
    referral = answered_after(client, world, side_a, timedelta(seconds=20))
    text = indicator_text(client, referral, language)
    assert words["not_enough"] in text
    assert words["mean"] not in text and " h." not in text and "%" not in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_mean_under_an_hour_reads_in_minutes(client, world, side_a, language):
    words = WORDS[language]
    set_language(world, language)
    referrals = [answered_after(client, world, side_a, timedelta(minutes=42)) for _n in range(3)]
    text = indicator_text(client, referrals[-1], language)
    assert words["rate"] in text and words["minutes"] in text, text
    assert words["not_enough"] not in text and "0,0" not in text and "0.0" not in text
    # Three more answered in five hours and one in 7 h 24 min: the mean is
    # (3 x 42 min + 3 x 300 min + 444 min) / 7 = 210 min, 3.5 h.
    for _n in range(3):
        answered_after(client, world, side_a, timedelta(hours=5))
    last = answered_after(client, world, side_a, timedelta(hours=7, minutes=24))
    text = indicator_text(client, last, language)
    assert words["hours"] in text, text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_mean_under_a_minute_says_so(client, world, side_a, language):
    set_language(world, language)
    referrals = [answered_after(client, world, side_a, timedelta(seconds=20)) for _n in range(3)]
    text = indicator_text(client, referrals[-1], language)
    assert WORDS[language]["seconds"] in text, text
    assert " 0 min" not in text and "0,0" not in text and "0.0" not in text
