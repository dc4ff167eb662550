"""Screenings under the retention schedule (Law 25), with organisations A and B holding
identical data, B keeping its records longer: when a person is anonymised, the answers of the
screenings attached to them go (the indicator codes the statistics count stay, sealed, and
nobody sees them); a screening left halfway goes entirely; a screening never attached to a
case is deleted once unchanged for the retention time; the dry run says so and writes
nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import services as case_services
from arrimage.cases import vocabularies as v
from arrimage.cases.models import Case, Person
from arrimage.core import crypto
from arrimage.core.models import AuditEvent
from arrimage.law25 import retention
from arrimage.law25.retention import retention_override_set, retention_run
from arrimage.screening import services
from arrimage.screening.models import Screening
from arrimage.screening.questions import question_next
from arrimage.screening.selectors import screening_indicators_of_persons
from tests.conftest import login
from tests.screening.conftest import membership
from tests.trends.conftest import statistics_consent

pytestmark = pytest.mark.django_db


def _close_long_ago(side, case: Case, days: int) -> None:
    case_services.case_status_change(
        actor_membership=membership(side), case_id=case.pk, status=v.CaseStatus.CLOSED
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days))


def _answers(screening: Screening) -> dict:
    return json.loads(crypto.open_field(screening, "answers_sealed"))


def _finish(side, screening: Screening) -> None:
    """Answer "no" to every question left."""
    while True:
        answers = _answers(Screening.objects.get(pk=screening.pk))
        question = question_next(screening.form, answers)
        if question is None:
            return
        services.screening_answer(
            actor=membership(side), screening_id=screening.pk, question=question.code, answer="no"
        )


@pytest.fixture
def due(sworld):
    """Both organisations' cases closed and their unattached screenings unchanged for longer
    than the retention time; B keeps its records 20 days longer, so only A's are due. A also
    has a screening of the case left halfway."""
    days = retention.retention_default_days()
    for side, screening in ((sworld.a, sworld.attached_a), (sworld.b, sworld.attached_b)):
        _finish(side, screening)
    _close_long_ago(sworld.a, sworld.case_a, days + 10)
    _close_long_ago(sworld.b, sworld.case_b, days + 10)
    Screening.objects.filter(pk__in=[sworld.loose_a.pk, sworld.loose_b.pk]).update(
        updated_at=timezone.now() - timedelta(days=days + 10)
    )
    retention_override_set(actor=membership(sworld.b, Role.ORGANISATION_ADMIN), days=days + 20)
    partial = services.screening_start(
        actor=membership(sworld.a), form="long", case_id=sworld.case_a.pk
    )
    services.screening_answer(
        actor=membership(sworld.a), screening_id=partial.pk, question="safe_now", answer="yes"
    )
    return partial


def test_the_dry_run_counts_the_unattached_screenings_and_writes_nothing(client, sworld, due):
    stored = {s.pk: (bytes(s.answers_sealed), s.updated_at) for s in Screening.objects.all()}
    events = AuditEvent.objects.count()

    report = retention.retention_preview()

    assert report.anonymised["screening"] == 1
    assert report.by_organisation[("screening", sworld.a.organisation.pk)] == 1
    assert ("screening", sworld.b.organisation.pk) not in report.by_organisation
    login(client, sworld.a.user(Role.ORGANISATION_ADMIN))
    page = client.get("/confidentialite/organisation/conservation/").content.decode()
    assert "1 dépistage jamais rattaché à un dossier serait supprimé." in page
    client.logout()
    login(client, sworld.b.user(Role.ORGANISATION_ADMIN))
    page_b = client.get("/confidentialite/organisation/conservation/").content.decode()
    assert "0 dépistage jamais rattaché à un dossier serait supprimé." in page_b
    assert {
        s.pk: (bytes(s.answers_sealed), s.updated_at) for s in Screening.objects.all()
    } == stored
    assert AuditEvent.objects.exclude(action__in=["login", "logout"]).count() == events


def test_anonymising_a_person_takes_their_screening_answers(client, sworld, due):
    attached_a = Screening.objects.get(pk=sworld.attached_a.pk)
    answers_b = bytes(Screening.objects.get(pk=sworld.attached_b.pk).answers_sealed)
    loose_b = bytes(Screening.objects.get(pk=sworld.loose_b.pk).answers_sealed)
    shown = {"ilo_wages", "ilo_documents", "ilo_deception"}  # the fixture's "yes" answers
    assert _answers(attached_a)["papers_kept"] == "yes"

    report = retention_run()

    assert report.anonymised == {"case": 1, "screening": 1}
    assert Person.objects.get(pk=sworld.case_a.person_id).is_anonymised
    kept = Screening.objects.get(pk=attached_a.pk)
    assert kept.is_anonymised and kept.answers_sealed is None and kept.started_by_id is None
    assert set(json.loads(crypto.open_field(kept, "indicators_sealed"))) == shown
    assert not Screening.objects.filter(pk=due.pk).exists(), "left halfway: erased"
    assert not Screening.objects.filter(pk=sworld.loose_a.pk).exists(), "unattached: deleted"
    assert bytes(Screening.objects.get(pk=sworld.attached_b.pk).answers_sealed) == answers_b
    assert bytes(Screening.objects.get(pk=sworld.loose_b.pk).answers_sealed) == loose_b
    assert AuditEvent.objects.filter(
        action="retention_anonymised", target_type="screening", target_id=str(sworld.loose_a.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action="screening_anonymised", target_id=str(attached_a.pk)
    ).exists()

    # Nobody sees the anonymised screening any more; B's identical one is still there.
    login(client, sworld.a.user(Role.CASEWORKER))
    assert client.get(f"/depistage/{kept.pk}/resultat/").status_code == 404
    assert client.get(f"/api/screenings/{kept.pk}").status_code == 404
    listed = client.get(f"/depistage/?dossier={sworld.case_a.pk}").content.decode()
    assert str(kept.pk) not in listed
    client.logout()
    login(client, sworld.b.user(Role.CASEWORKER))
    assert client.get(f"/depistage/{sworld.attached_b.pk}/resultat/").status_code == 200

    # The statistics still count its indicators, under the person's consent.
    statistics_consent(sworld.case_a, sworld.partner.organisation)
    counted = screening_indicators_of_persons(
        person_ids=[sworld.case_a.person_id], at=timezone.now()
    )
    assert counted == {sworld.case_a.person_id: frozenset(shown)}

    # A second run finds nothing left to do.
    assert retention_run().anonymised == {"case": 0, "screening": 0}
