"""Anonymisation leaves no free text of the case behind: not in the case's own records (notes,
documents and their files, tasks, goals, health follow-ups, free fields), not in its referrals
(the notes of their shared timelines), not in its case conferences (agenda items, minutes,
decisions), not anywhere else in the database.

The scan reads every row of every table, opens every sealed column with the cipher itself, and
looks for the strings written into side A's case. Side B holds an identical case that stays
open: its strings are still found, which proves that the scan sees sealed text."""

import base64
import binascii
import contextlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import document_services, services
from arrimage.cases import vocabularies as v
from arrimage.cases.models import Case, Document, Note, Task
from arrimage.core import crypto
from arrimage.law25.retention import retention_run
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import ReferralEvent
from arrimage.orientation.referrals import referral_create_and_send, referral_transition
from tests.cases.conftest import membership, populate
from tests.conferences.conftest import case_conference
from tests.conftest import make_side
from tests.orientation.conftest import agreement_for_referrals, consent_to, make_service

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n"


def _fill(side, label: str, service, shelter) -> Case:
    """A case with free text everywhere a user can type it, and a referral with a hold whose
    timeline has a note at every step."""
    case = populate(side, label)
    actor = membership(side)
    document_services.document_add(
        actor_membership=actor,
        case_id=case.pk,
        category="identity",
        filename=f"mk-{label.lower()}-document-name.pdf",
        content=PDF + f"mk-{label.lower()}-document-content".encode(),
    )
    consent_to(case, shelter.organisation, ["identity", "coordination"])
    hold = bed_hold_create(actor=actor, service_id=service.pk, unit="bed")
    referral = referral_create_and_send(
        actor=actor,
        case_id=case.pk,
        service_id=service.pk,
        categories=["identity", "coordination"],
        need="emergency_housing",
        hold_id=hold.pk,
        note=f"mk-{label.lower()}-referral-sent",
    )
    referral_transition(
        actor=membership(shelter, Role.SERVICE_STAFF),
        referral_id=referral.pk,
        to_status="accepted",
        note=f"mk-{label.lower()}-referral-accepted",
    )
    case_conference(side, case, label, categories=["coordination", "health"])
    return case


def _texts(row, field) -> list[str]:
    """What a column holds, as text: sealed columns opened with the cipher (and a sealed file
    decoded)."""
    value = getattr(row, field.attname)
    if value is None:
        return []
    if isinstance(value, bytes | memoryview):
        value = bytes(value)
        try:
            plaintext = crypto.open_field(row, field.attname)
        except LookupError:
            return [value.decode("latin-1")]
        texts = [plaintext]
        with contextlib.suppress(binascii.Error, ValueError):
            texts.append(base64.b64decode(plaintext, validate=True).decode("latin-1"))
        return texts
    return [str(value)]


def _found(prefix: str) -> list[str]:
    """Every place in the database where a string starting with ``prefix`` is kept."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields]
        for row in model._default_manager.all():
            for field in fields:
                if any(prefix in text for text in _texts(row, field)):
                    found.append(f"{model._meta.label}.{field.name} ({row.pk})")
    return found


def test_anonymisation_leaves_no_free_text_of_the_case_or_its_referrals(
    coalition, side_a, side_b, settings
):
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        terms=("housing_emergency",),
        capacities=(("bed", 4, 5, timedelta(hours=1)),),
    )
    coalition_b = side_b.organisation.coalitions.get()
    shelter_b = make_side("Refuge B", org_type="shelter", coalition=coalition_b)
    service_b = make_service(
        shelter_b.organisation,
        name_fr="Refuge B",
        terms=("housing_emergency",),
        capacities=(("bed", 4, 5, timedelta(hours=1)),),
    )
    agreement_for_referrals(coalition_b, membership(side_b, Role.COORDINATOR))
    case_a = _fill(side_a, "A", service, shelter)
    _fill(side_b, "B", service_b, shelter_b)
    # Everything was written, on both sides, and the scan sees it through the seals.
    before = _found("mk-a-")
    assert any(".Note." in place for place in before)
    assert any(".Document.content_sealed" in place for place in before)
    assert any(".ReferralEvent.note_sealed" in place for place in before)
    assert any(".AgendaItem.content_sealed" in place for place in before)
    assert len(_found("mk-b-")) == len(before)

    services.case_status_change(
        actor_membership=membership(side_a), case_id=case_a.pk, status=v.CaseStatus.CLOSED
    )
    Case.objects.filter(pk=case_a.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.ARRIMAGE_RETENTION_DAYS + 1)
    )
    report = retention_run()

    assert report.anonymised["case"] == 1
    assert _found("mk-a-") == []
    # The other organisation's identical, open case is untouched.
    assert len(_found("mk-b-")) == len(before)
    assert not Note.objects.filter(case=case_a).exists()
    assert not Document.objects.filter(case=case_a).exists()
    assert not Task.objects.filter(case=case_a).exists()
    # The referral's timeline keeps its steps (statuses, dates), without their notes.
    events = ReferralEvent.objects.filter(referral__case=case_a)
    assert events.count() == 3
    assert not events.filter(note_sealed__isnull=False).exists()
