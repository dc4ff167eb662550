"""Orientation through HTTP: pages and the JSON API, with two organisations with identical
data. Denied answers 404 and changes nothing."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.orientation.models import BedHold, Referral, UnmetNeed
from arrimage.privacy.consent import consent_withdraw
from tests.conftest import login, make_side
from tests.orientation.conftest import (
    ALL_STATUSES,
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(coalition, side_a, side_b):
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        name_en="Arrimage Shelter",
        terms=(
            "housing_emergency",
            "gender_women",
            "children_accepted",
            "safety_confidential_address",
            *ALL_STATUSES,
        ),
        languages=("fr", "es"),
        confidential=True,
        capacities=(("bed", 1, 5, timedelta(hours=1)),),
    )
    cases = {"a": open_case(side_a), "b": open_case(side_b)}
    consent = consent_to(cases["a"], shelter.organisation, ["identity", "coordination"])
    return {"shelter": shelter, "service": service, "cases": cases, "consent": consent}


NEEDS = {
    "needs": ["emergency_housing", "employment"],
    "gender": "woman",
    "age": "30",
    "languages": ["es"],
    "status": "none",
    "children": "1",
    "must_be_confidential": "on",
    "municipality": "Montréal",
}


def test_needs_form_options_hold_and_referral(client, world, side_a, side_b):
    login(client, side_a.user("caseworker"))
    page = client.get(reverse("orientation:match"))
    assert page.status_code == 200
    assert 'name="needs"' in page.content.decode()
    result = client.post(reverse("orientation:match"), NEEDS)
    html = result.content.decode()
    assert result.status_code == 200
    assert "Refuge Arrimage" in html
    assert 'data-code="confidential"' in html and 'data-code="language_es"' in html
    assert UnmetNeed.objects.filter(need="employment", reason="no_option").count() == 1
    client.post(reverse("orientation:match"), NEEDS)  # a reload is not a second person
    assert UnmetNeed.objects.count() == 1
    # Hold the bed, then send the referral from the case.
    held = client.post(
        reverse("orientation:hold_create"),
        {"service": world["service"].pk, "unit": "bed", "need": "emergency_housing"},
    )
    hold = BedHold.objects.get()
    assert held.status_code == 302 and f"hold={hold.pk}" in held.url
    choose = client.get(held.url)
    assert world["cases"]["a"].reference in choose.content.decode()
    assert world["cases"]["b"].reference not in choose.content.decode()
    form = client.get(held.url + f"&case={world['cases']['a'].pk}")
    options = re.findall(r'name="categories" value="(\w+)"', form.content.decode())
    assert options == ["identity", "coordination"]
    sent = client.post(
        reverse("orientation:referral_create"),
        {
            "service": world["service"].pk,
            "hold": hold.pk,
            "case": world["cases"]["a"].pk,
            "need": "emergency_housing",
            "categories": ["identity"],
            "response_hours": "4",
        },
    )
    referral = Referral.objects.get()
    assert sent.status_code == 302
    assert sent.url == reverse("orientation:referral_detail", args=[referral.pk])
    assert (referral.status, referral.hold_id, referral.shared_categories) == (
        "sent",
        hold.pk,
        ["identity"],
    )


def test_referral_create_refuses_categories_beyond_consent(client, world, side_a):
    login(client, side_a.user("caseworker"))
    response = client.post(
        reverse("orientation:referral_create"),
        {
            "service": world["service"].pk,
            "case": world["cases"]["a"].pk,
            "categories": ["identity", "immigration"],
            "response_hours": "48",
        },
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_referral_page_for_each_side_and_nobody_else(client, world, side_a, side_b):
    login(client, side_a.user("caseworker"))
    client.post(
        reverse("orientation:referral_create"),
        {
            "service": world["service"].pk,
            "case": world["cases"]["a"].pk,
            "categories": ["identity", "coordination"],
            "response_hours": "48",
        },
    )
    referral = Referral.objects.get()
    url = reverse("orientation:referral_detail", args=[referral.pk])
    client.logout()
    login(client, world["shelter"].user("service_staff"))
    page = client.get(url).content.decode()
    assert "Alias Organisation A" in page
    assert 'data-move="accepted"' in page
    assert "Accepter la demande" in page
    transition = reverse("orientation:referral_transition", args=[referral.pk])
    # The first post asks for confirmation and changes nothing.
    asked = client.post(transition, {"to_status": "accepted"})
    assert asked.status_code == 200
    html = asked.content.decode().replace("\u00a0", " ")
    assert "Accepter la demande ?" in html and 'name="confirmed" value="yes"' in html
    assert "Alias Organisation A" not in html
    assert Referral.objects.get().status == "sent"
    accepted = client.post(transition, {"to_status": "accepted", "confirmed": "yes"})
    assert accepted.status_code == 302
    assert Referral.objects.get().status == "accepted"
    for role in Role.values:
        client.logout()
        login(client, side_b.user(role))
        assert client.get(url).status_code == 404
        assert (
            client.post(
                reverse("orientation:referral_transition", args=[referral.pk]),
                {"to_status": "cancelled", "confirmed": "yes"},
            ).status_code
            == 404
        )
        assert (
            "Alias Organisation A"
            not in client.get(reverse("orientation:referrals")).content.decode()
        )
    assert Referral.objects.get().status == "accepted"


def test_withdrawn_consent_page_says_information_is_gone_without_why(client, world, side_a):
    login(client, side_a.user("caseworker"))
    client.post(
        reverse("orientation:referral_create"),
        {
            "service": world["service"].pk,
            "case": world["cases"]["a"].pk,
            "categories": ["identity", "coordination"],
            "response_hours": "48",
        },
    )
    referral = Referral.objects.get()
    consent_withdraw(
        actor_membership=membership(side_a),
        consent_id=world["consent"].pk,
        person=world["cases"]["a"].person,
    )
    client.logout()
    login(client, world["shelter"].user("service_staff"))
    page = client.get(reverse("orientation:referral_detail", args=[referral.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alias Organisation A" not in html
    timeline = html[html.index('id="timeline-title"') :]
    assert 'data-kind="access_lapsed"' in timeline
    lowered = timeline.lower()
    for word in ("consent", "withdraw", "retir", "expir"):
        assert word not in lowered


def test_holds_page_staff_accept(client, world, side_a):
    login(client, side_a.user("caseworker"))
    client.post(reverse("orientation:hold_create"), {"service": world["service"].pk, "unit": "bed"})
    hold = BedHold.objects.get()
    client.logout()
    login(client, world["shelter"].user("service_staff"))
    page = client.get(reverse("orientation:holds")).content.decode()
    assert reverse("orientation:hold_accept", args=[hold.pk]) in page
    client.post(reverse("orientation:hold_accept", args=[hold.pk]))
    assert BedHold.objects.get().status == "accepted"


def test_holds_of_another_organisation_answer_404(client, world, side_a, side_b):
    login(client, side_a.user("caseworker"))
    client.post(reverse("orientation:hold_create"), {"service": world["service"].pk, "unit": "bed"})
    hold = BedHold.objects.get()
    for role in Role.values:
        client.logout()
        login(client, side_b.user(role))
        assert client.post(reverse("orientation:hold_accept", args=[hold.pk])).status_code == 404
        assert client.post(reverse("orientation:hold_release", args=[hold.pk])).status_code == 404
    assert BedHold.objects.get().status == "active"


def test_unmet_needs_for_coordinators_only(client, world, side_a, side_b):
    UnmetNeed.objects.create(
        need="emergency_housing",
        region_code="QC-06",
        age_band="35-49",
        gender="man",
        status_bucket="none",
        reason="no_option",
        recorded_on=timezone.localdate() - timedelta(days=28),
    )
    login(client, side_a.user("coordinator"))
    page = client.get(reverse("orientation:unmet_needs") + "?jours=30")
    assert page.status_code == 200
    assert "Montr" in page.content.decode()
    for role in ("caseworker", "service_staff", "organisation_admin"):
        client.logout()
        login(client, side_b.user(role))
        assert client.get(reverse("orientation:unmet_needs")).status_code == 404


def test_match_from_a_case_uses_only_what_the_user_may_see(client, world, side_a, side_b):
    login(client, side_b.user("caseworker"))
    assert (
        client.get(reverse("orientation:match_case", args=[world["cases"]["a"].pk])).status_code
        == 404
    )
    client.logout()
    login(client, side_a.user("caseworker"))
    page = client.get(reverse("orientation:match_case", args=[world["cases"]["a"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        'value="woman" selected' in html
        or 'value="woman" checked' in html
        or '<option value="woman" selected>' in html
    )


# API ----------------------------------------------------------------------------------------


def test_api_match_hold_refer_and_fhir(client, world, side_a, side_b):
    login(client, side_a.user("caseworker"))
    match = client.post(
        "/api/orientation/match",
        {
            "needs": ["emergency_housing"],
            "gender": "woman",
            "status": "none",
            "children": 1,
            "municipality": "montreal",
            "languages": ["es"],
        },
        content_type="application/json",
    )
    assert match.status_code == 200, match.content
    (need,) = match.json()["needs"]
    assert [o["name"] for o in need["options"]] == ["Refuge Arrimage"]
    codes = [r["code"] for r in need["options"][0]["reasons"]]
    assert codes[:4] == ["distance", "availability", "status_none", "language_es"]
    hold = client.post(
        "/api/orientation/holds",
        {"service_id": str(world["service"].pk)},
        content_type="application/json",
    )
    assert hold.status_code == 201
    again = client.post(
        "/api/orientation/holds",
        {"service_id": str(world["service"].pk)},
        content_type="application/json",
    )
    assert again.status_code == 400
    sent = client.post(
        "/api/orientation/referrals",
        {
            "case_id": str(world["cases"]["a"].pk),
            "service_id": str(world["service"].pk),
            "categories": ["identity"],
            "hold_id": hold.json()["id"],
        },
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    referral_id = sent.json()["id"]
    bundle = client.get(f"/api/orientation/referrals/{referral_id}/fhir").json()
    fhir = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert (fhir["resourceType"], fhir["status"], fhir["intent"]) == ("Task", "requested", "order")
    assert "Alias" not in str(bundle)  # the sender's view: the case reference only
    client.logout()
    login(client, side_b.user("caseworker"))
    assert client.get(f"/api/orientation/referrals/{referral_id}").status_code == 404
    assert client.get(f"/api/orientation/referrals/{referral_id}/fhir").status_code == 404
    assert client.get("/api/orientation/referrals?box=out").json() == []
    client.logout()
    login(client, world["shelter"].user("service_staff"))
    declined = client.post(
        f"/api/orientation/referrals/{referral_id}/transition",
        {"to_status": "declined", "reason": "at_capacity"},
        content_type="application/json",
    )
    assert declined.status_code == 200
    bundle = client.get(f"/api/orientation/referrals/{referral_id}/fhir").json()
    fhir = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert fhir["status"] == "rejected"
    assert fhir["statusReason"]["coding"][0]["code"] == "at_capacity"


def test_api_requires_a_session(client, world):
    assert (
        client.post(
            "/api/orientation/match", {"needs": ["income"]}, content_type="application/json"
        ).status_code
        == 401
    )
    assert client.get("/api/orientation/holds").status_code == 401


def test_openapi_lists_orientation(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/orientation/match" in schema["paths"]
    assert "/api/orientation/referrals/{referral_id}/transition" in schema["paths"]


def test_a_hold_for_a_case_waits_for_the_persons_consent(client, world, side_a):
    """From a case, the page holds no place before the person consented to a referral to the
    service's organisation, and says what to do."""
    case = open_case(side_a)  # this person has consented to nothing
    login(client, side_a.user("caseworker"))
    held = client.post(
        reverse("orientation:hold_create"),
        {"service": world["service"].pk, "unit": "bed", "case": case.pk},
        follow=True,
    )
    assert not BedHold.objects.exists()
    assert held.redirect_chain[-1][0] == reverse("cases:consents", args=[case.pk])
    assert "Aucune place n’est réservée avant le consentement de la personne." in (
        held.content.decode()
    )
    consented = client.post(
        reverse("orientation:hold_create"),
        {"service": world["service"].pk, "unit": "bed", "case": world["cases"]["a"].pk},
    )
    assert consented.status_code == 302 and BedHold.objects.count() == 1
