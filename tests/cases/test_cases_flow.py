"""Cases as workers use them: worklist, immigration track, health follow-up, exploitation,
access log, calendar feed, anonymisation."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.cases import (
    anonymisation,
    reminder_selectors,
    selectors,
    services,
    track_services,
    worklist_selectors,
)
from arrimage.cases.models import CalendarFeed, Case, Note, Person, Task
from arrimage.core.models import AuditEvent
from tests.cases.conftest import consent_for, marker, membership
from tests.conftest import login
from tests.sealed import stored_category

pytestmark = pytest.mark.django_db


def test_detention_makes_the_case_urgent_for_the_lead_organisation_only(world):
    track_services.immigration_update(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        data={"status": "no_status", "is_detained": "1"},
    )
    assert Case.objects.get(pk=world.case_a.pk).is_urgent
    worklist = worklist_selectors.case_list_for_worklist(actor_membership=membership(world.a))
    assert worklist.cases[0]["is_urgent"] is True
    consent_for(world.case_a, world.partner.organisation)
    shared = worklist_selectors.case_list_for_worklist(actor_membership=membership(world.partner))
    assert "is_urgent" not in shared.cases[0]
    items = reminder_selectors.notifications_for(actor_membership=membership(world.a))
    assert items[0] == {
        "kind": "urgent_case",
        "case_id": str(world.case_a.pk),
        "case_reference": world.case_a.reference,
    }
    partner_items = reminder_selectors.notifications_for(actor_membership=membership(world.partner))
    assert all(item["kind"] != "urgent_case" for item in partner_items)


def test_a_permit_renewal_becomes_an_immigration_task(world):
    today = timezone.localdate()
    track_services.immigration_update(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        data={
            "status": "trp_victim",
            "trp_issued_on": today.isoformat(),
            "trp_expires_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    task = Task.objects.get(case=world.case_a, kind="permit_renewal")
    assert task.category == "immigration"
    assert task.due_on == today + timedelta(days=365 - 90)
    track = world.case_a.immigration
    track.refresh_from_db()
    assert stored_category(track, "immigration")["trp_renewal_due_on"] == task.due_on.isoformat()


def test_a_health_follow_up_adds_a_long_term_health_task(world):
    follow_up_on = timezone.localdate() + timedelta(days=180)
    track_services.health_follow_up_add(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        data={
            "kind": "appointment",
            "service": "Clinique communautaire",
            "coverage": "community",
            "follow_up_on": follow_up_on.isoformat(),
        },
    )
    task = Task.objects.get(case=world.case_a, kind="health_follow_up")
    assert (task.category, task.due_on) == ("health", follow_up_on)


def test_exploitation_is_optional_and_the_status_says_who_decided(world):
    from django.core.exceptions import ValidationError

    track_services.exploitation_update(
        actor_membership=membership(world.a), case_id=world.case_a.pk, data={}
    )
    with pytest.raises(ValidationError) as refused:
        track_services.exploitation_update(
            actor_membership=membership(world.a),
            case_id=world.case_a.pk,
            data={"trafficking_status": "PossibleVictim"},
        )
    assert refused.value.code == "decided_by_required"
    track_services.exploitation_update(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        data={
            "trafficking_status": "PossibleVictim",
            "status_decided_by": "person",
            "methods_of_recruitment": ["JobOffer"],
            "sex_exploitation_types": [],
        },
    )
    view = selectors.case_get(actor_membership=membership(world.a), case_id=world.case_a.pk)
    assert view["exploitation"]["trafficking_status"] == "PossibleVictim"
    assert view["exploitation"]["methods_of_recruitment"] == ["JobOffer"]


def test_the_access_log_shows_who_saw_what_to_the_lead_organisation_only(client, world):
    consent_for(world.case_a, world.police.organisation)
    login(client, world.police.user("caseworker"))
    assert client.get(f"/dossiers/{world.case_a.pk}/").status_code == 200
    assert client.get(f"/dossiers/{world.case_a.pk}/journal/").status_code == 404
    client.logout()
    login(client, world.a.user("caseworker"))
    body = client.get(f"/dossiers/{world.case_a.pk}/journal/").content.decode()
    assert world.police.organisation.name in body
    entry = world.case_a.access_log.filter(organisation=world.police.organisation).get()
    assert entry.action == "case_read"
    assert set(entry.categories.split(",")) == {
        "identity",
        "contact",
        "exploitation",
        "legal",
        "coordination",
    }
    event = AuditEvent.objects.filter(
        action="case_read", organisation_id=world.police.organisation.pk
    ).get()
    assert event.target_id == str(world.case_a.pk)


def test_the_worklist_lists_own_and_shared_cases_and_my_tasks(client, world):
    Task.objects.filter(case=world.case_a, category="health").update(
        assignee=world.a.user("caseworker")
    )
    login(client, world.a.user("caseworker"))
    body = client.get("/dossiers/").content.decode()
    assert marker("A", "identity", "alias") in body
    assert marker("A", "health", "task") in body
    assert "mk-b-" not in body
    client.logout()
    login(client, world.partner.user("caseworker"))
    assert marker("A", "identity", "alias") not in client.get("/dossiers/").content.decode()
    consent_for(world.case_a, world.partner.organisation)
    assert marker("A", "identity", "alias") in client.get("/dossiers/").content.decode()


def test_the_calendar_feed_needs_its_token_and_shows_no_detail(client, world):
    Task.objects.filter(case=world.case_a).update(assignee=world.a.user("caseworker"))
    login(client, world.a.user("caseworker"))
    response = client.post("/dossiers/calendrier/")
    url = response.context["feed_url"]
    client.logout()
    feed = client.get(url.replace("http://testserver", ""))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.count("BEGIN:VEVENT") == 8
    assert "mk-" not in body
    assert client.get("/dossiers/calendrier/wrong-token.ics").status_code == 404
    CalendarFeed.objects.update(token_digest=hashlib.sha256(b"other").hexdigest())
    assert client.get(url.replace("http://testserver", "")).status_code == 404


def test_anonymisation_keeps_the_statistics_and_no_identifying_field(world):
    services.case_status_change(
        actor_membership=membership(world.a), case_id=world.case_a.pk, status="Closed"
    )
    anonymisation.case_anonymise(case=world.case_a)
    person = Person.objects.get(pk=world.case_a.person_id)
    identity = stored_category(person, "identity")
    assert identity == {"alias": "", "gender": "Female", "age_band": "35-44"}
    assert "given_name" not in identity and "year_of_birth" not in identity
    assert person.contact_sealed is None and person.location_sealed is None
    assert person.is_anonymised
    assert not Note.objects.filter(case=world.case_a).exists()
    assert Case.objects.filter(pk=world.case_a.pk, status="Closed").exists()
    # The citizenship (immigration) and the status code stay for the statistics.
    immigration = stored_category(world.case_a.immigration, "immigration")
    assert immigration == {"status": "trp_victim", "citizenship": ["MX"]}
    exploitation = stored_category(world.case_a.exploitation, "exploitation")
    assert exploitation["labour_exploitation_types"] == ["Agriculture"]
    assert "details" not in exploitation
    view = selectors.case_get(actor_membership=membership(world.a), case_id=world.case_a.pk)
    text = repr(view)
    assert "mk-a-" not in text
    # B's identical case is untouched.
    assert Note.objects.filter(case=world.case_b).count() == 8
