"""Closed-loop referrals: consent checked on the server at sending, the recipient sees exactly
the shared categories the policy still allows, the state machine (property-tested), expiry,
reminders and notifications without personal data. Two organisations with identical data."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrimage.accounts.models import Role
from arrimage.core.errors import NotFound
from arrimage.orientation.models import (
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceResponseStats,
)
from arrimage.orientation.referral_expiry import referral_expire, referrals_expire_due
from arrimage.orientation.referral_list_selectors import referrals_for
from arrimage.orientation.referral_rules import (
    RECIPIENT,
    RESPONSE_HOURS,
    SENDER,
    SYSTEM,
    TRANSITIONS,
    default_response_hours,
    shareable_categories,
)
from arrimage.orientation.referral_selectors import referral_get
from arrimage.orientation.referrals import (
    referral_create_and_send,
    referral_draft_create,
    referral_remind_task,
    referral_send,
    referral_transition,
)
from arrimage.orientation.response_indicators import service_response_indicator
from arrimage.orientation.tasks import referral_access_lapses, referrals_expire
from arrimage.privacy.consent import consent_withdraw
from tests.conftest import make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db

SHARED = ["coordination", "identity", "immigration"]


@pytest.fixture
def world(coalition, side_a, side_b):
    """Sides A and B, each with an identical case; a shelter in A's coalition with a service;
    an agreement allowing referrals; the person of A's case consented to the shelter."""
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        terms=("housing_emergency",),
        capacities=(("bed", 2, 5, timedelta(hours=1)),),
    )
    cases = {"a": open_case(side_a), "b": open_case(side_b)}
    consent = consent_to(
        cases["a"], shelter.organisation, ["identity", "contact", "coordination", "immigration"]
    )
    return {"shelter": shelter, "service": service, "cases": cases, "consent": consent}


def send(world, side_a, categories=SHARED, **kwargs) -> Referral:
    return referral_create_and_send(
        actor=membership(side_a),
        case_id=world["cases"]["a"].pk,
        service_id=world["service"].pk,
        categories=categories,
        need="emergency_housing",
        **kwargs,
    )


def test_an_emergency_need_expects_the_shortest_response_time_by_default(world, side_a):
    referral = send(world, side_a)
    assert referral.need == "emergency_housing"
    assert referral.response_hours == min(RESPONSE_HOURS) == 4
    assert referral.response_due_at == referral.sent_at + timedelta(hours=4)
    assert default_response_hours("legal") == 48
    assert default_response_hours("legal", urgent=True) == 4


def staff(world):
    return membership(world["shelter"], Role.SERVICE_STAFF)


def test_sending_without_consent_is_refused_and_writes_nothing(world, side_a, side_b):
    # Side B's identical case has no consent naming the shelter.
    with pytest.raises(ValidationError) as error:
        referral_create_and_send(
            actor=membership(side_b),
            case_id=world["cases"]["b"].pk,
            service_id=world["service"].pk,
            categories=SHARED,
        )
    assert error.value.code == "no_consent"
    assert not Referral.objects.exists()
    assert not ReferralEvent.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="referral_notify_task").exists()


def test_a_coordination_consent_does_not_allow_a_referral(world, side_a):
    consent_withdraw(
        actor_membership=membership(side_a),
        consent_id=world["consent"].pk,
        person=world["cases"]["a"].person,
    )
    consent_to(
        world["cases"]["a"], world["shelter"].organisation, ["identity"], purpose="coordination"
    )
    with pytest.raises(ValidationError) as error:
        send(world, side_a, categories=["identity"])
    assert error.value.code == "no_consent"
    assert not Referral.objects.exists()


def test_only_categories_consent_agreement_and_firewall_allow_can_be_chosen(world, side_a):
    draft = referral_draft_create(
        actor=membership(side_a), case_id=world["cases"]["a"].pk, service_id=world["service"].pk
    )
    with pytest.raises(ValidationError) as error:
        referral_send(
            actor=membership(side_a), referral_id=draft.pk, categories=["identity", "health"]
        )
    assert error.value.code == "category_refused"
    draft.refresh_from_db()
    assert (draft.status, draft.shared_categories) == ("draft", [])


def test_an_other_organisations_case_cannot_be_referred(world, side_a, side_b):
    with pytest.raises(NotFound):
        referral_draft_create(
            actor=membership(side_b), case_id=world["cases"]["a"].pk, service_id=world["service"].pk
        )
    assert not Referral.objects.exists()


def test_sent_referral_notifies_without_personal_data(world, side_a):
    referral = send(world, side_a, note="Arrivée prévue ce soir", response_hours=48)
    assert referral.status == ReferralStatus.SENT
    assert referral.shared_categories == sorted(SHARED)
    assert referral.response_due_at == referral.sent_at + timedelta(hours=48)
    queued = DBTaskResult.objects.get(task_path__endswith="referral_notify_task")
    assert queued.args_kwargs == {"args": [], "kwargs": {"referral_id": str(referral.pk)}}
    reminder = DBTaskResult.objects.get(task_path__endswith="referral_remind_task")
    assert reminder.run_after == referral.response_due_at - timedelta(hours=12)
    queued.task.call(**queued.args_kwargs["kwargs"])
    (message,) = mail.outbox
    assert message.to == sorted(
        ["organisation_admin.refuge@example.org", "service_staff.refuge@example.org"]
    )
    assert message.subject == "Nouvelle référence à traiter / New referral"
    assert message.body == (
        f"Nouvelle référence à traiter. / New referral to answer.\n\n"
        f"/orientation/references/{referral.pk}/\n"
    )
    assert "Alias" not in message.body and "Refuge Arrimage" not in message.body


def test_recipient_sees_exactly_the_shared_categories_role_permitting(world, side_a, side_b):
    referral = send(world, side_a, categories=["identity", "coordination"])
    view = referral_get(actor=staff(world), referral_id=referral.pk)
    assert view.side == RECIPIENT
    assert view.visible == ["coordination", "identity"]
    assert view.case["person"]["alias"] == "Alias Organisation A"
    assert "contact" not in view.case["person"] and "phone" not in view.case["person"]
    assert "immigration" not in view.case and "legal" not in view.case
    assert view.moves == ["accepted", "declined", "waitlisted"]
    # Immigration shared, but service staff's role does not read it: still not shown.
    second = send(world, side_a, categories=["identity", "immigration"])
    view = referral_get(actor=staff(world), referral_id=second.pk)
    assert view.visible == ["identity"]
    assert "immigration" not in view.case
    caseworker_view = referral_get(actor=membership(world["shelter"]), referral_id=second.pk)
    assert caseworker_view.visible == ["identity", "immigration"]
    assert caseworker_view.case["immigration"]["status"] == "no_status"


@pytest.mark.parametrize("role", list(Role))
def test_the_other_side_with_identical_data_sees_nothing(world, side_a, side_b, role):
    referral = send(world, side_a)
    with pytest.raises(NotFound):
        referral_get(actor=membership(side_b, role), referral_id=referral.pk)
    assert referrals_for(actor=membership(side_b, role), box="in") == []
    assert referrals_for(actor=membership(side_b, role), box="out") == []
    with pytest.raises(NotFound):
        referral_transition(
            actor=membership(side_b, role), referral_id=referral.pk, to_status="cancelled"
        )
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_consent_withdrawn_after_sending_removes_access_at_the_next_request(world, side_a):
    referral = send(world, side_a, categories=["identity", "coordination"])
    view = referral_get(actor=staff(world), referral_id=referral.pk)
    assert view.case["person"]["alias"] == "Alias Organisation A"
    consent_withdraw(
        actor_membership=membership(side_a),
        consent_id=world["consent"].pk,
        person=world["cases"]["a"].person,
    )
    view = referral_get(actor=staff(world), referral_id=referral.pk)
    assert view.visible == []
    assert view.case is None
    assert not ReferralEvent.objects.filter(kind="access_lapsed").exists(), "reads never write"
    referral_access_lapses.call()  # the scheduled task notes it on the timeline
    view = referral_get(actor=staff(world), referral_id=referral.pk)
    lapsed = [e for e in view.timeline if e["kind"] == "access_lapsed"]
    assert len(lapsed) == 1
    assert lapsed[0]["reason"] == "" and lapsed[0]["note"] == ""
    # Recorded once, seen by the sender too; the referral itself goes on.
    referral_access_lapses.call()
    assert ReferralEvent.objects.filter(referral=referral, kind="access_lapsed").count() == 1
    sender_view = referral_get(actor=membership(side_a), referral_id=referral.pk)
    assert [e["kind"] for e in sender_view.timeline][-1] == "access_lapsed"


def test_enforcement_sends_in_and_receives_only_what_firewall_and_consent_allow(
    world, coalition, police_side, side_a
):
    # Police open a case and refer the person to the shelter, with the person's consent.
    police_case = open_case(police_side, immigration_status=None)
    consent_to(police_case, world["shelter"].organisation, ["identity", "coordination"])
    sent = referral_create_and_send(
        actor=membership(police_side),
        case_id=police_case.pk,
        service_id=world["service"].pk,
        categories=["identity", "coordination"],
    )
    assert sent.status == "sent"
    # A police service receives referrals: immigration can never be chosen, even with consent
    # to the rest; the consent service refuses firewalled categories at creation already.
    police_service = make_service(
        police_side.organisation, name_fr="Unité d'enquête", terms=("legal_criminal",)
    )
    case = world["cases"]["a"]
    consent_to(case, police_side.organisation, ["identity", "legal"])
    allowed = shareable_categories(
        case_lead=case.lead_organisation,
        person_id=case.person_id,
        recipient=police_side.organisation,
        at=timezone.now(),
    )
    assert allowed.categories == {"identity", "legal"}
    with pytest.raises(ValidationError):
        consent_to(case, police_side.organisation, ["immigration"])
    with pytest.raises(ValidationError) as error:
        send({**world, "service": police_service}, side_a, categories=["identity", "immigration"])
    assert error.value.code == "category_refused"
    referral = send({**world, "service": police_service}, side_a, categories=["identity"])
    view = referral_get(actor=membership(police_side), referral_id=referral.pk)
    assert view.visible == ["identity"]
    assert "immigration" not in view.case and "location" not in view.case


def test_unanswered_referral_expires_and_counts_against_the_response_rate(world, side_a):
    referral = send(world, side_a)
    assert referrals_expire_due() == 0
    Referral.objects.filter(pk=referral.pk).update(
        response_due_at=timezone.now() - timedelta(minutes=1)
    )
    referrals_expire.call()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    stats = ServiceResponseStats.objects.get(service=world["service"])
    assert (stats.sent, stats.answered, stats.expired) == (1, 0, 1)
    with pytest.raises(ValidationError):
        referral_transition(actor=staff(world), referral_id=referral.pk, to_status="accepted")


def test_reading_does_not_expire_but_answering_late_does(world, side_a):
    referral = send(world, side_a)
    Referral.objects.filter(pk=referral.pk).update(
        response_due_at=timezone.now() - timedelta(minutes=1)
    )
    for reader in (membership(side_a), staff(world)):
        view = referral_get(actor=reader, referral_id=referral.pk)
        assert view.referral.status == ReferralStatus.SENT, "reads never write"
    assert referrals_for(actor=staff(world), box="in")[0].status == ReferralStatus.SENT
    # The recipient answers before the scheduled task ran: too late, and it expires now.
    with pytest.raises(ValidationError):
        referral_transition(actor=staff(world), referral_id=referral.pk, to_status="accepted")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.EXPIRED
    assert ServiceResponseStats.objects.get(service=world["service"]).expired == 1


def test_reminder_goes_once_before_the_response_time_ends(world, side_a):
    referral = send(world, side_a)
    referral_remind_task.call(referral_id=str(referral.pk))
    referral_remind_task.call(referral_id=str(referral.pk))
    assert len(mail.outbox) == 1
    assert "Alias" not in mail.outbox[0].body
    assert ReferralEvent.objects.filter(referral=referral, kind="reminder").count() == 1


def test_answer_updates_the_response_indicator(world, side_a):
    for _n in range(3):
        referral = send(world, side_a)
        referral_transition(actor=staff(world), referral_id=referral.pk, to_status="accepted")
    indicator = service_response_indicator(actor=membership(side_a), service_id=world["service"].pk)
    assert (indicator.sent, indicator.answered, indicator.rate) == (3, 3, 1.0)
    assert indicator.mean_response is not None


def test_decline_needs_a_reason_and_keeps_its_note(world, side_a):
    referral = send(world, side_a)
    with pytest.raises(ValidationError):
        referral_transition(actor=staff(world), referral_id=referral.pk, to_status="declined")
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    referral_transition(
        actor=staff(world),
        referral_id=referral.pk,
        to_status="declined",
        reason="at_capacity",
        note="Complet ce soir",
    )
    view = referral_get(actor=membership(side_a), referral_id=referral.pk)
    last = view.timeline[-1]
    assert (last["to_status"], last["reason"], last["note"]) == (
        "declined",
        "at_capacity",
        "Complet ce soir",
    )
    assert view.referral.decline_reason == "at_capacity"
    sealed = ReferralEvent.objects.get(pk=last["id"]).note_sealed
    assert b"Complet" not in bytes(sealed)


# The state machine, property-tested --------------------------------------------------------

STATUSES = [s for s in ReferralStatus.values if s not in ("draft", "sent")]
REASONS = {"declined": "other", "not_completed": "other"}
moves = st.lists(
    st.tuples(st.sampled_from(STATUSES), st.sampled_from([SENDER, RECIPIENT, SYSTEM])),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=moves)
def test_every_allowed_move_works_and_every_other_is_refused_unchanged(world, side_a, sequence):
    referral = send(world, side_a)
    actors = {SENDER: membership(side_a), RECIPIENT: staff(world)}
    state = "sent"
    for to_status, side in sequence:
        allowed = TRANSITIONS.get((state, to_status)) == side
        if side == SYSTEM:
            due = Referral.objects.get(pk=referral.pk).response_due_at
            done = (
                referral_expire(referral_id=referral.pk, now=due + timedelta(seconds=1))
                if to_status == "expired"
                else False
            )
            assert done == allowed
        elif allowed:
            referral_transition(
                actor=actors[side],
                referral_id=referral.pk,
                to_status=to_status,
                reason=REASONS.get(to_status, ""),
            )
        else:
            with pytest.raises(ValidationError):
                referral_transition(
                    actor=actors[side],
                    referral_id=referral.pk,
                    to_status=to_status,
                    reason=REASONS.get(to_status, ""),
                )
        if allowed:
            state = to_status
        stored = Referral.objects.get(pk=referral.pk)
        assert stored.status == state
    statuses = list(
        ReferralEvent.objects.filter(referral=referral, kind="status").values_list(
            "to_status", flat=True
        )
    )
    assert statuses[-1] == state


def test_draft_moves(world, side_a):
    draft = referral_draft_create(
        actor=membership(side_a), case_id=world["cases"]["a"].pk, service_id=world["service"].pk
    )
    # A draft does not exist for the recipient.
    with pytest.raises(NotFound):
        referral_get(actor=staff(world), referral_id=draft.pk)
    with pytest.raises(ValidationError):
        referral_transition(actor=membership(side_a), referral_id=draft.pk, to_status="accepted")
    referral_transition(actor=membership(side_a), referral_id=draft.pk, to_status="cancelled")
    assert Referral.objects.get(pk=draft.pk).status == "cancelled"
    with pytest.raises(ValidationError):
        referral_send(actor=membership(side_a), referral_id=draft.pk, categories=["identity"])


def test_the_held_unit_follows_the_referral(world, side_a):
    from arrimage.directory.models import ServiceCapacity
    from arrimage.orientation.holds import bed_hold_create
    from arrimage.orientation.models import BedHold

    def beds() -> int:
        return ServiceCapacity.objects.get(service=world["service"], unit="bed").available

    first = bed_hold_create(actor=membership(side_a), service_id=world["service"].pk, unit="bed")
    second = bed_hold_create(actor=membership(side_a), service_id=world["service"].pk, unit="bed")
    assert beds() == 0
    accepted = send(world, side_a, hold_id=first.pk)
    referral_transition(actor=staff(world), referral_id=accepted.pk, to_status="accepted")
    assert BedHold.objects.get(pk=first.pk).status == "accepted"
    declined = send(world, side_a, hold_id=second.pk)
    referral_transition(
        actor=staff(world), referral_id=declined.pk, to_status="declined", reason="safety"
    )
    assert BedHold.objects.get(pk=second.pk).status == "released"
    assert beds() == 1
    third = bed_hold_create(actor=membership(side_a), service_id=world["service"].pk, unit="bed")
    expiring = send(world, side_a, hold_id=third.pk)
    referral_expire(referral_id=expiring.pk, now=expiring.response_due_at + timedelta(seconds=1))
    assert BedHold.objects.get(pk=third.pk).status == "expired"
    assert beds() == 1


def test_retention_anonymisation_removes_the_notes_of_the_case_s_referrals(world, side_a):
    """Law 25: anonymising a case leaves no free text of its referrals (issue 11)."""
    from arrimage.cases.models import Case
    from arrimage.cases.services import case_status_change
    from arrimage.law25.retention import retention_run
    from arrimage.orientation.models import ReferralEvent

    referral = send(world, side_a, note="Arrive ce soir, Alias A")
    referral_transition(
        actor=staff(world),
        referral_id=referral.pk,
        to_status="declined",
        reason="at_capacity",
        note="Complet ce soir",
    )
    case = world["cases"]["a"]
    assert ReferralEvent.objects.filter(referral=referral, note_sealed__isnull=False).count() == 2
    case_status_change(actor_membership=membership(side_a), case_id=case.pk, status="Closed")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=4000))
    retention_run()
    assert not ReferralEvent.objects.filter(referral__case=case, note_sealed__isnull=False).exists()
    assert ReferralEvent.objects.filter(referral=referral).count() >= 2  # the timeline stays
