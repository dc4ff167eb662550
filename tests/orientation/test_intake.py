"""The guided intake (issue 13): one URL, through HTTP as a caseworker uses it; and its service,
with its bad input: a missing consent, a place taken meanwhile, a double submit."""

import re
from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from arrimage.accounts.models import Role
from arrimage.cases.models import Case, Need, Person
from arrimage.directory.models import ServiceCapacity
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.intake import IntakeChoice, IntakePerson, intake_send
from arrimage.orientation.models import BedHold, HoldStatus, IntakeSubmission, Referral
from arrimage.privacy.models import ConsentRecord
from tests.conftest import make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    database_for_threads,  # noqa: F401  (fixture)
    make_service,
    membership,
    run_in_threads,
    thread_query,
)

URL = "/orientation/accueil/"
H = timedelta(hours=1)


@pytest.fixture
def world(db, coalition, side_a):
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    other = make_side("Maison", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    near = make_service(
        shelter.organisation,
        name_fr="Refuge du Plateau",
        terms=("housing_emergency", "gender_women", "safety_staff_24_7"),
        languages=("fr", "es"),
        capacities=(("bed", 1, 6, H),),
    )
    next_one = make_service(
        other.organisation,
        name_fr="Maison de Longueuil",
        terms=("housing_emergency", "gender_women", "safety_staff_24_7"),
        languages=("fr", "es"),
        municipality="longueuil",
        capacities=(("bed", 3, 6, H),),
    )
    return {"shelter": shelter, "other": other, "near": near, "next": next_one}


def nothing_written() -> bool:
    return not (
        Case.objects.exists()
        or Person.objects.exists()
        or ConsentRecord.objects.exists()
        or BedHold.objects.exists()
        or Referral.objects.exists()
        or IntakeSubmission.objects.exists()
    )


def hidden(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html):
        found.setdefault(name, []).append(value)
    return found


def step_of(html: str) -> str:
    return hidden(html)["step"][0]


WHO = {"alias": "Rosa", "languages": ["es"], "region": "QC-06", "municipality": "Montréal"}


def start(client) -> str:
    page = client.get(URL)
    assert page.status_code == 200
    return hidden(page.content.decode())["token"][0]


def to_consent(client, world, token: str, service=None) -> str:
    data = {"token": token, "step": "who", "go": "next", **WHO}
    page = client.post(URL, data)
    assert step_of(page.content.decode()) == "needs"
    data.update(step="needs", needs=["emergency_housing"], urgency_emergency_housing="high")
    page = client.post(URL, data)
    html = page.content.decode()
    assert step_of(html) == "options"
    service = service or world["near"]
    assert f'value="emergency_housing|{service.pk}"' in html
    data.update(step="options", choose=f"emergency_housing|{service.pk}")
    page = client.post(URL, data)
    html = page.content.decode()
    assert step_of(html) == "consent"
    return html


def send_data(token: str, service, **extra) -> dict:
    data = {
        "token": token,
        "step": "consent",
        "go": "send",
        **WHO,
        "needs": ["emergency_housing"],
        "urgency_emergency_housing": "high",
        "service": str(service.pk),
        "need": "emergency_housing",
        "categories": ["identity", "coordination"],
        "method": "verbal",
        "response_hours": "4",
        "consent_given": "on",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_from_who_to_a_sent_referral_with_a_held_place(client, world, side_a):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    html = to_consent(client, world, token)
    # The consent step: pre-filled with what the service needs, read aloud in Spanish first.
    assert 'name="categories" value="identity" checked' in html
    assert 'name="categories" value="coordination" checked' in html
    assert 'name="categories" value="location"' in html
    assert 'name="categories" value="location" checked' not in html
    assert '<details open lang="es" data-language="es">' in html
    assert "Nos gustaría enviar una solicitud a Organisation Refuge para usted." in html
    assert "Puede decir que no, y le seguiremos ayudando igual." in html
    assert 'value="4" selected' in html  # housing tonight: the shortest response time
    assert nothing_written()

    page = client.post(URL, send_data(token, world["near"]))
    referral = Referral.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse("orientation:referral_detail", args=[referral.pk])
    assert referral.status == "sent" and referral.need == "emergency_housing"
    assert referral.response_hours == 4
    assert sorted(referral.shared_categories) == ["coordination", "identity"]
    hold = BedHold.objects.get()
    assert referral.hold_id == hold.pk and hold.status == HoldStatus.ACTIVE
    assert ServiceCapacity.objects.get(service=world["near"]).available == 0
    consent = ConsentRecord.objects.get()
    assert consent.recipient_id == world["shelter"].organisation.pk
    assert sorted(consent.categories) == ["coordination", "identity"]
    assert consent.purpose == "referral" and consent.method == "verbal"
    assert consent.recorded_at <= hold.created_at
    case = Case.objects.get()
    assert case.lead_organisation_id == side_a.organisation.pk
    assert list(Need.objects.filter(case=case).values_list("need_type", "urgency")) == [
        ("housing", "high")
    ]


def test_a_missing_consent_blocks_the_hold_says_what_to_do_and_writes_nothing(
    client, world, side_a
):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    to_consent(client, world, token)
    page = client.post(URL, send_data(token, world["near"], consent_given=None))
    assert page.status_code == 400
    html = page.content.decode()
    assert "Lisez le texte à la personne" in html
    assert "aucune place n’est réservée et rien n’est envoyé" in html
    assert step_of(html) == "consent"
    assert hidden(html)["alias"] == ["Rosa"]  # nothing entered is lost
    assert nothing_written()
    assert ServiceCapacity.objects.get(service=world["near"]).available == 1


def test_the_service_rejects_a_missing_consent_before_anything(world, side_a):
    with pytest.raises(ValidationError) as error:
        intake_send(
            actor=membership(side_a),
            token=uuid4(),
            person=IntakePerson(alias="Rosa"),
            choice=IntakeChoice(
                service_id=world["near"].pk,
                need="emergency_housing",
                categories=("identity",),
                method="verbal",
                consent_given=False,
                needs={"emergency_housing": "high"},
            ),
        )
    assert error.value.code == "no_consent"
    assert nothing_written()


def test_a_place_taken_meanwhile_gives_the_next_option_with_nothing_half_sent(
    client, world, side_a, side_b
):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    to_consent(client, world, token)
    # Another caseworker takes the last bed while the consent is read.
    bed_hold_create(actor=membership(side_b), service_id=world["near"].pk, unit="bed")
    page = client.post(URL, send_data(token, world["near"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Refuge du Plateau n’a plus de place libre : rien n’a été envoyé ni enregistré." in (
        html.replace("\u00a0", " ")
    )
    assert "Maison de Longueuil" in html and step_of(html) == "consent"
    assert hidden(html)["service"] == [str(world["next"].pk)]
    assert 'name="consent_given" value="on" id="id_consent_given">' in html  # asked again
    assert (Case.objects.count(), ConsentRecord.objects.count(), Referral.objects.count()) == (
        0,
        0,
        0,
    )
    assert BedHold.objects.count() == 1  # only the other caseworker's

    page = client.post(URL, send_data(token, world["next"]))
    referral = Referral.objects.get()
    assert referral.service_id == world["next"].pk and referral.hold is not None
    assert ConsentRecord.objects.get().recipient_id == world["other"].organisation.pk


def test_a_double_submit_creates_one_referral(client, world, side_a):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    to_consent(client, world, token)
    first = client.post(URL, send_data(token, world["near"]))
    second = client.post(URL, send_data(token, world["near"]))
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1
    assert (Case.objects.count(), ConsentRecord.objects.count(), BedHold.objects.count()) == (
        1,
        1,
        1,
    )


def test_the_same_token_in_another_organisation_is_not_found(client, world, side_a, side_b):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    to_consent(client, world, token)
    client.post(URL, send_data(token, world["near"]))
    with pytest.raises(Exception) as error:
        intake_send(
            actor=membership(side_b),
            token=__import__("uuid").UUID(token),
            person=IntakePerson(alias="Rosa"),
            choice=IntakeChoice(
                service_id=world["next"].pk,
                need="emergency_housing",
                categories=("identity",),
                method="verbal",
                consent_given=True,
                needs={"emergency_housing": "high"},
            ),
        )
    assert type(error.value).__name__ == "NotFound"
    assert Referral.objects.count() == 1


def test_a_validation_error_in_the_middle_loses_nothing_and_back_keeps_it(client, world, side_a):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    data = {"token": token, "step": "who", "go": "next", **WHO, "given_name": "Rosa María"}
    client.post(URL, data)
    page = client.post(URL, {**data, "step": "needs"})  # no need chosen
    html = page.content.decode()
    assert page.status_code == 400
    assert "Choisissez au moins un besoin." in html
    assert step_of(html) == "needs"
    kept = hidden(html)
    assert kept["alias"] == ["Rosa"] and kept["languages"] == ["es"]
    assert kept["given_name"] == ["Rosa María"] and kept["municipality"] == ["Montréal"]
    page = client.post(URL, {**data, "step": "needs", "go": "back"})
    html = page.content.decode()
    assert step_of(html) == "who"
    assert 'value="Rosa"' in html and 'value="es" checked' in html
    assert 'value="Rosa María"' in html
    assert nothing_written()


def test_who_needs_an_alias_or_a_name_and_a_known_town(client, world, side_a):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    page = client.post(
        URL,
        {
            "token": token,
            "step": "who",
            "go": "next",
            "region": "QC-06",
            "municipality": "Atlantis",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Indiquez un alias ou un prénom" in html
    assert "Choisissez une ville de la liste" in html
    assert nothing_written()


def test_other_languages_are_marked_interpreter_required(client, world, side_a):
    client.force_login(side_a.user("caseworker"))
    token = start(client)
    data = {"token": token, "step": "options", "go": "next", **WHO, "languages": ["ar"]}
    data.update(needs=["emergency_housing"], choose=f"emergency_housing|{world['near'].pk}")
    html = client.post(URL, data).content.decode()
    assert "arabe : interprète requis" in html.replace("\u00a0", " ")
    assert '<details open lang="fr-CA" data-language="fr">' in html


def test_only_caseworkers_use_the_intake(client, world, side_a):
    for role in (Role.SERVICE_STAFF, Role.COORDINATOR, Role.ANALYST):
        client.force_login(side_a.user(role))
        assert client.get(URL).status_code == 404


@pytest.fixture
def race_ready(database_for_threads):  # noqa: F811
    return database_for_threads


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_make_one_referral(race_ready, world, side_a):
    actor = membership(side_a)
    token = uuid4()
    service_id = world["near"].pk
    race_ready()

    def attempt(_n: int) -> bool:
        return intake_send(
            actor=actor,
            token=token,
            person=IntakePerson(alias="Rosa", languages=("es",)),
            choice=IntakeChoice(
                service_id=service_id,
                need="emergency_housing",
                categories=("identity", "coordination"),
                method="verbal",
                consent_given=True,
                needs={"emergency_housing": "high"},
            ),
        ).is_new

    results, errors = run_in_threads(4, attempt)
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    counts = thread_query(
        lambda: (Referral.objects.count(), Case.objects.count(), BedHold.objects.count())
    )
    assert counts == (1, 1, 1)
    if connection.vendor == "sqlite":
        assert not Referral.objects.exists()
