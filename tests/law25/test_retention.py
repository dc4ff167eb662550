"""The retention schedule: closed cases are anonymised once their organisation's retention time
has passed, statistics counts stay intact, no identifying field remains, each is audited."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from arrimage.accounts.models import Membership, Role
from arrimage.cases import plan_services, services, track_services
from arrimage.cases import vocabularies as v
from arrimage.cases.models import (
    Case,
    Document,
    Exploitation,
    Goal,
    HealthFollowUp,
    ImmigrationTrack,
    Need,
    Note,
    Person,
    Task,
)
from arrimage.core import background
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.core.worker import worker_run
from arrimage.law25 import retention
from arrimage.law25.models import RetentionOverride
from arrimage.law25.retention import RetentionIncomplete, retention_override_set, retention_run
from arrimage.privacy.categories import Category
from tests.sealed import stored_category

pytestmark = pytest.mark.django_db

IDENTIFYING_IDENTITY_FIELDS = ("alias", "given_name", "family_name", "year_of_birth", "languages")


def _membership(side, role=Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def _case(side, label: str, *, closed_days_ago: int | None) -> Case:
    """A case with something in every category; closed ``closed_days_ago`` days ago, or open."""
    actor = _membership(side)
    case = services.case_create(
        actor_membership=actor,
        identity={
            "alias": f"Alias {label}",
            "given_name": f"Given {label}",
            "family_name": f"Family {label}",
            "gender": "Female",
            "year_of_birth": 1990,
            "languages": ["es"],
        },
        contact={"phone": "+1 514 555 0100", "safe_contact_instructions": f"Call {label}"},
        location={"city": "Montréal", "accommodation": f"Shelter {label}"},
        immigration={"citizenship": ["MX"]},
    )
    services.legal_update(
        actor_membership=actor, case_id=case.pk, data={"proceedings": f"Complaint {label}"}
    )
    track_services.exploitation_update(
        actor_membership=actor,
        case_id=case.pk,
        data={
            "labour_exploitation_types": ["Agriculture"],
            "methods_of_control": ["WithholdsDocuments"],
            "details": f"Story {label}",
        },
    )
    track_services.immigration_update(
        actor_membership=actor,
        case_id=case.pk,
        data={"status": "trp_victim", "legal_representative": f"Lawyer {label}"},
    )
    track_services.health_follow_up_add(
        actor_membership=actor,
        case_id=case.pk,
        data={"kind": "referral", "service": f"Clinic {label}", "coverage": "ifhp"},
    )
    plan_services.goal_add(actor_membership=actor, case_id=case.pk, text=f"Goal {label}")
    plan_services.need_add(
        actor_membership=actor, case_id=case.pk, need_type="housing", urgency="high"
    )
    plan_services.note_add(
        actor_membership=actor, case_id=case.pk, category="identity", body=f"Note {label}"
    )
    plan_services.task_add(
        actor_membership=actor,
        case_id=case.pk,
        category="coordination",
        title=f"Task {label}",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    if closed_days_ago is not None:
        services.case_status_change(
            actor_membership=actor, case_id=case.pk, status=v.CaseStatus.CLOSED
        )
        Case.objects.filter(pk=case.pk).update(
            closed_at=timezone.now() - timedelta(days=closed_days_ago)
        )
    return Case.objects.select_related("person").get(pk=case.pk)


def _statistics() -> Counter:
    """What the trends part counts: cases by organisation, status, period, gender, age band,
    citizenship, exploitation and immigration codes; needs by type."""
    counts: Counter = Counter()
    for case in Case.objects.select_related("person"):
        identity = stored_category(case.person, Category.IDENTITY)
        exploitation = Exploitation.objects.filter(case=case).first()
        track = ImmigrationTrack.objects.filter(case=case).first()
        exploitation_data = (
            stored_category(exploitation, Category.EXPLOITATION) if exploitation else {}
        )
        counts[
            (
                "case",
                str(case.lead_organisation_id),
                case.status,
                case.opened_at.year,
                identity.get("gender"),
                identity.get("age_band"),
                tuple(exploitation_data.get("labour_exploitation_types") or ()),
                tuple(exploitation_data.get("methods_of_control") or ()),
                (stored_category(track, Category.IMMIGRATION).get("status") if track else None),
                # Citizenship is immigration (docs/policy.md).
                tuple(
                    (
                        stored_category(track, Category.IMMIGRATION).get("citizenship")
                        if track
                        else ()
                    )
                    or ()
                ),
            )
        ] += 1
    for need in Need.objects.all():
        counts[("need", str(need.case.lead_organisation_id), need.need_type)] += 1
    return counts


def _assert_anonymised(case: Case) -> None:
    person = Person.objects.get(pk=case.person_id)
    identity = stored_category(person, Category.IDENTITY)
    assert person.is_anonymised
    assert not any(identity.get(name) for name in IDENTIFYING_IDENTITY_FIELDS), identity
    assert person.contact_sealed is None and person.location_sealed is None
    stored = Case.objects.get(pk=case.pk)
    assert stored.legal_sealed is None and stored.assigned_worker_id is None
    exploitation = stored_category(Exploitation.objects.get(case=case), Category.EXPLOITATION)
    assert "details" not in exploitation
    immigration = stored_category(ImmigrationTrack.objects.get(case=case), Category.IMMIGRATION)
    assert set(immigration) <= {"status", "citizenship"}
    for model in (Note, Document, Task, HealthFollowUp):
        assert not model.objects.filter(case=case).exists(), model.__name__
    assert not Goal.objects.filter(plan__case=case).exists()


def _assert_intact(case: Case, label: str) -> None:
    person = Person.objects.get(pk=case.person_id)
    assert not person.is_anonymised
    assert stored_category(person, Category.IDENTITY)["alias"] == f"Alias {label}"
    assert Note.objects.filter(case=case).exists()


def test_closed_cases_past_retention_are_anonymised_and_statistics_stay(side_a, side_b):
    days = retention.retention_default_days()
    cases = {}
    for side, label in ((side_a, "A"), (side_b, "B")):
        cases[label] = {
            "old": _case(side, f"{label}-old", closed_days_ago=days + 10),
            "recent": _case(side, f"{label}-recent", closed_days_ago=days - 10),
            "open": _case(side, f"{label}-open", closed_days_ago=None),
        }
    before = _statistics()
    case_count = Case.objects.count()

    report = retention_run()

    assert report.anonymised["case"] == 2
    assert _statistics() == before
    assert Case.objects.count() == case_count
    for label in ("A", "B"):
        _assert_anonymised(cases[label]["old"])
        _assert_intact(cases[label]["recent"], f"{label}-recent")
        _assert_intact(cases[label]["open"], f"{label}-open")
    events = AuditEvent.objects.filter(action="retention_anonymised")
    assert sorted((e.target_type, e.target_id, e.organisation_id) for e in events) == sorted(
        ("case", str(cases[label]["old"].pk), side.organisation.pk)
        for side, label in ((side_a, "A"), (side_b, "B"))
    )
    assert all(e.details == {"retention_days": days} for e in events)
    # A second run finds nothing more to do.
    assert retention_run().anonymised["case"] == 0


def test_no_identifying_text_is_left_in_the_database(side_a):
    case = _case(side_a, "Zyxwv", closed_days_ago=retention.retention_default_days() + 1)
    retention_run()
    _assert_anonymised(case)
    # Sealed columns hold no plaintext in any case; the tables that held free text are empty
    # for this case and its person's identity holds no name.
    person = Person.objects.get(pk=case.person_id)
    assert "Zyxwv" not in str(stored_category(person, Category.IDENTITY))


def test_an_organisation_override_keeps_its_cases_longer(side_a, side_b):
    days = retention.retention_default_days()
    old_a = _case(side_a, "A", closed_days_ago=days + 100)
    old_b = _case(side_b, "B", closed_days_ago=days + 100)
    retention_override_set(actor=_membership(side_b, Role.ORGANISATION_ADMIN), days=days + 365)
    retention_run()
    _assert_anonymised(old_a)
    _assert_intact(old_b, "B")


def test_a_person_with_an_open_case_keeps_their_identity(side_a):
    old = _case(side_a, "A", closed_days_ago=retention.retention_default_days() + 5)
    actor = _membership(side_a)
    # A new case for the same person, still open.
    Case.objects.create(
        person=old.person, lead_organisation=side_a.organisation, assigned_worker_id=actor.user_id
    )
    retention_run()
    _assert_intact(old, "A")


def test_retention_override_is_for_organisation_admins_in_range(side_a, side_b):
    for role in (Role.CASEWORKER, Role.COORDINATOR, Role.SERVICE_STAFF, Role.ANALYST):
        with pytest.raises(NotFound):
            retention_override_set(actor=_membership(side_a, role), days=400)
    admin_a = _membership(side_a, Role.ORGANISATION_ADMIN)
    for wrong in (29, 36501):
        with pytest.raises(ValidationError):
            retention_override_set(actor=admin_a, days=wrong)
    assert not RetentionOverride.objects.exists()
    retention_override_set(actor=admin_a, days=400)
    assert RetentionOverride.objects.get().organisation_id == side_a.organisation.pk
    assert retention.retention_days_for(organisation_id=side_a.organisation.pk) == 400
    assert retention.retention_days_for(organisation_id=side_b.organisation.pk) == (
        retention.retention_default_days()
    )
    event = AuditEvent.objects.filter(action="retention_changed").last()
    assert event.organisation_id == side_a.organisation.pk and event.details == {"days": 400}
    retention_override_set(actor=admin_a, days=None)
    assert not RetentionOverride.objects.exists()


# The framework, with anonymisers written for the test. --------------------------------------


@pytest.fixture
def only_anonymisers(monkeypatch):
    """Replace the registry with the test's own anonymisers."""
    background.tasks_discover()
    registry: dict = {}
    monkeypatch.setattr(retention, "ANONYMISERS", registry)
    return registry


def test_each_organisation_gets_its_cutoff_and_batches(only_anonymisers, side_a, side_b):
    retention_override_set(actor=_membership(side_b, Role.ORGANISATION_ADMIN), days=100)
    calls = []
    remaining = {side_a.organisation.pk: [f"a{n}" for n in range(5)], side_b.organisation.pk: []}

    def anonymise(*, organisation_id, closed_before, limit):
        calls.append((organisation_id, closed_before, limit))
        batch = remaining.get(organisation_id, [])[:limit]
        remaining[organisation_id] = remaining.get(organisation_id, [])[limit:]
        return batch

    retention.register_anonymiser(anonymise, target_type="thing")
    now = timezone.now()
    report = retention_run(now=now, batch_size=2)
    assert report.anonymised == {"thing": 5}
    by_org = {}
    for organisation_id, closed_before, limit in calls:
        by_org.setdefault(organisation_id, []).append(closed_before)
        assert limit == 2
    assert len(by_org[side_a.organisation.pk]) == 3  # 2 + 2 + 1
    assert set(by_org[side_a.organisation.pk]) == {
        now - timedelta(days=retention.retention_default_days())
    }
    assert by_org[side_b.organisation.pk] == [now - timedelta(days=100)]
    assert AuditEvent.objects.filter(action="retention_anonymised").count() == 5


def test_one_organisation_failing_does_not_stop_the_others(only_anonymisers, side_a, side_b):
    done = []

    def anonymise(*, organisation_id, closed_before, limit):
        if organisation_id == side_a.organisation.pk:
            done.append("a-half")  # as if it had written, then failed
            raise RuntimeError("broken")
        if organisation_id == side_b.organisation.pk and "b" not in done:
            done.append("b")
            return ["b1"]
        return []

    retention.register_anonymiser(anonymise, target_type="thing")
    with pytest.raises(RetentionIncomplete):
        retention_run()
    events = AuditEvent.objects.filter(action="retention_anonymised")
    assert [(e.organisation_id, e.target_id) for e in events] == [(side_b.organisation.pk, "b1")]
    summary = AuditEvent.objects.get(action="retention_run")
    assert summary.details == {"anonymised_thing": 1, "failed_organisations": 1}


def test_an_anonymiser_that_returns_the_same_records_again_is_stopped(only_anonymisers, side_a):
    def anonymise(*, organisation_id, closed_before, limit):
        return ["same"] * limit if organisation_id == side_a.organisation.pk else []

    retention.register_anonymiser(anonymise, target_type="thing")
    with pytest.raises(RetentionIncomplete):
        retention_run(batch_size=1)


def test_two_anonymisers_for_one_target_type_are_refused(only_anonymisers):
    def first(**kwargs):
        return []

    def second(**kwargs):
        return []

    retention.register_anonymiser(first, target_type="thing")
    retention.register_anonymiser(first, target_type="thing")  # the same one again is fine
    with pytest.raises(ValueError):
        retention.register_anonymiser(second, target_type="thing")


def test_the_worker_runs_retention_daily(side_a):
    background.tasks_discover()
    job = background.PERIODIC["arrimage.law25.tasks.retention_anonymise"]
    assert job.every == timedelta(days=1)
    assert retention.ANONYMISERS["case"].anonymise is not None
    old = _case(side_a, "A", closed_days_ago=retention.retention_default_days() + 1)
    background.periodic_schedule_forget()
    stats = worker_run(worker_id="test", once=True)
    assert stats.failed == 0
    assert DBTaskResult.objects.filter(task_path=job.name, status="SUCCESSFUL").exists()
    _assert_anonymised(old)


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"cases", "core", "law25", "orientation", "privacy"}
    }


def test_the_dry_run_reports_what_a_run_would_do_and_writes_nothing(side_a, side_b):
    from io import StringIO

    from django.core.management import call_command

    days = retention.retention_default_days()
    old = {
        "A": _case(side_a, "A-old", closed_days_ago=days + 10),
        "B": _case(side_b, "B-old", closed_days_ago=days + 10),
    }
    _case(side_a, "A-recent", closed_days_ago=days - 10)
    rows = _row_counts()
    sealed = {
        case.pk: bytes(Person.objects.get(pk=case.person_id).identity_sealed)
        for case in old.values()
    }

    report = retention.retention_preview()

    assert report.anonymised == {"case": 2, "screening": 0}
    assert report.by_organisation == {
        ("case", side_a.organisation.pk): 1,
        ("case", side_b.organisation.pk): 1,
    }
    out = StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    assert "2" in out.getvalue()
    assert _row_counts() == rows
    for case in old.values():
        assert bytes(Person.objects.get(pk=case.person_id).identity_sealed) == sealed[case.pk]
    _assert_intact(old["A"], "A-old")
    # The real run then does what the dry run said.
    assert retention_run().anonymised == report.anonymised


def test_the_retention_command_runs_the_schedule(side_a):
    from io import StringIO

    from django.core.management import call_command

    case = _case(side_a, "Cmd", closed_days_ago=retention.retention_default_days() + 1)
    out = StringIO()
    call_command("retention_run", stdout=out)
    _assert_anonymised(case)


def test_the_dry_run_page_shows_the_organisation_what_would_be_done_and_writes_nothing(
    client, side_a, side_b
):
    from tests.conftest import login

    days = retention.retention_default_days()
    old = {
        "A": _case(side_a, "A-old", closed_days_ago=days + 10),
        "B": _case(side_b, "B-old", closed_days_ago=days + 10),
    }
    _case(side_a, "A-recent", closed_days_ago=days - 10)
    _case(side_b, "B-recent", closed_days_ago=days - 10)
    # B keeps its cases longer: its old case is not due yet.
    retention_override_set(actor=_membership(side_b, Role.ORGANISATION_ADMIN), days=days + 20)
    rows = _row_counts()
    # Logging in and out is audited; reading the page is not.
    sessions = ["login", "logout"]
    events = AuditEvent.objects.exclude(action__in=sessions).count()

    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    page = client.get("/confidentialite/organisation/conservation/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 dossier serait anonymisé" in html
    assert f"{days}\u00a0jours" in html or f"{days} jours" in html
    client.logout()
    login(client, side_b.user(Role.ORGANISATION_ADMIN))
    html_b = client.get("/confidentialite/organisation/conservation/").content.decode()
    assert "0 dossier serait anonymisé" in html_b
    client.logout()
    for role in (Role.CASEWORKER, Role.COORDINATOR, Role.ANALYST, Role.SERVICE_STAFF):
        login(client, side_a.user(role))
        assert client.get("/confidentialite/organisation/conservation/").status_code == 404
        client.logout()

    rows["core.AuditEvent"] = AuditEvent.objects.count()
    assert _row_counts() == rows
    assert AuditEvent.objects.exclude(action__in=sessions).count() == events
    _assert_intact(old["A"], "A-old")
    _assert_intact(old["B"], "B-old")
    assert retention_run().anonymised == {"case": 1, "screening": 0}
