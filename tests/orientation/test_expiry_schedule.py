"""Holds and referrals expire by the worker's periodic jobs, never on a read: a hold past its
end and a referral past its response time stay as they are while pages are read, and the next
worker pass expires both, for each of two organisations with identical data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.core import background
from arrimage.core.worker import worker_run
from arrimage.directory.models import ServiceCapacity
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import BedHold, HoldStatus, Referral, ReferralStatus
from arrimage.orientation.referrals import referral_create_and_send
from tests.conftest import login, make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db


def _overdue(side, label: str):
    home = side.organisation.coalitions.get()
    shelter = make_side(f"Refuge{label}", org_type="shelter", coalition=home)
    agreement_for_referrals(home, membership(side, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr=f"Refuge {label}",
        terms=("housing_emergency",),
        capacities=(("bed", 2, 5, timedelta(hours=1)),),
    )
    case = open_case(side)
    consent_to(case, shelter.organisation, ["identity", "coordination"])
    referred = bed_hold_create(actor=membership(side), service_id=service.pk, unit="bed")
    alone = bed_hold_create(actor=membership(side), service_id=service.pk, unit="bed")
    referral = referral_create_and_send(
        actor=membership(side),
        case_id=case.pk,
        service_id=service.pk,
        categories=["identity", "coordination"],
        hold_id=referred.pk,
    )
    past = timezone.now() - timedelta(minutes=5)
    Referral.objects.filter(pk=referral.pk).update(response_due_at=past)
    BedHold.objects.filter(pk=alone.pk).update(expires_at=past)
    return referral, alone, service, shelter


def test_the_worker_expires_holds_and_referrals_that_pages_only_show(client, side_a, side_b):
    made = {"A": _overdue(side_a, "A"), "B": _overdue(side_b, "B")}
    for side, label in ((side_a, "A"), (side_b, "B")):
        referral, hold, _service, shelter = made[label]
        for user in (side.user(Role.CASEWORKER), shelter.user(Role.SERVICE_STAFF)):
            login(client, user)
            assert client.get(f"/orientation/references/{referral.pk}/").status_code == 200
            assert client.get("/orientation/reservations/").status_code == 200
            assert client.get("/tableau/").status_code == 200
            client.logout()
        assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
        assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.ACTIVE

    background.periodic_schedule_forget()
    stats = worker_run(worker_id="test", once=True)

    assert stats.failed == 0
    for label in ("A", "B"):
        referral, hold, service, _shelter = made[label]
        assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.EXPIRED
        assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.EXPIRED
        # The referral's hold was released with it: both units are free again.
        assert ServiceCapacity.objects.get(service=service, unit="bed").available == 2
