"""Bad input: a clear, translated message or a 404, and nothing half-written."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from arrimage.cases import document_services, plan_services, services, track_services
from arrimage.cases.models import Case, CaseAccess, Document, ImmigrationTrack, Note, Person, Task
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def _counts():
    return (
        Case.objects.count(),
        Person.objects.count(),
        Note.objects.count(),
        Task.objects.count(),
        Document.objects.count(),
        CaseAccess.objects.filter(path="write").count(),
    )


def test_an_oversized_upload_is_refused_with_a_message(client, world, settings):
    login(client, world.a.user("caseworker"))
    before = _counts()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (document_services.MAX_UPLOAD_BYTES + 10))
    response = client.post(
        f"/dossiers/{world.case_a.pk}/documents/", {"file": big, "category": "legal"}, follow=True
    )
    assert 'class="message error"' in response.content.decode()
    assert "10 MB" in response.content.decode() or "10 Mo" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    "content,name",
    [
        (b"MZ\x90\x00 windows executable", "invoice.pdf"),
        (b"<html><script>alert(1)</script>", "photo.png"),
        (b"", "empty.pdf"),
    ],
)
def test_a_wrong_file_type_is_refused(world, content, name):
    from django.core.exceptions import ValidationError

    before = _counts()
    with pytest.raises(ValidationError) as refused:
        document_services.document_add(
            actor_membership=membership(world.a),
            case_id=world.case_a.pk,
            category="legal",
            filename=name,
            content=content,
        )
    assert refused.value.code in {"invalid_type", "empty"}
    assert _counts() == before


@pytest.mark.parametrize("due_on", ["2001-01-01", "2999-12-31", "31/12/2026", "yesterday"])
def test_a_due_date_out_of_range_is_refused(client, world, due_on):
    login(client, world.a.user("caseworker"))
    before = _counts()
    response = client.post(
        f"/dossiers/{world.case_a.pk}/taches/",
        {"title": "Appeler", "due_on": due_on, "category": "coordination"},
        follow=True,
    )
    assert response.status_code == 200
    assert 'class="message error"' in response.content.decode()
    assert _counts() == before
    api = client.post(
        f"/api/cases/{world.case_a.pk}/tasks",
        json.dumps({"title": "Appeler", "due_on": due_on}),
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["detail"]
    assert _counts() == before


def test_permit_dates_in_the_wrong_order_change_nothing(world):
    from django.core.exceptions import ValidationError

    track = ImmigrationTrack.objects.get(case=world.case_a)
    sealed = bytes(track.immigration_sealed)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        track_services.immigration_update(
            actor_membership=membership(world.a),
            case_id=world.case_a.pk,
            data={
                "trp_issued_on": today.isoformat(),
                "trp_expires_on": (today - timedelta(days=3)).isoformat(),
            },
        )
    track.refresh_from_db()
    assert bytes(track.immigration_sealed) == sealed


@pytest.mark.parametrize(
    "url",
    [
        "/dossiers/{b}/",
        "/dossiers/{b}/export/",
        "/dossiers/{b}/journal/",
        "/dossiers/{b}/consentements/",
        "/dossiers/{b}/exploitation/",
        "/dossiers/{b}/immigration/",
        "/api/cases/{b}",
        "/api/cases/{b}/export",
        "/api/cases/{b}/consents",
    ],
)
def test_ids_of_another_organisation_answer_404(client, world, url):
    login(client, world.a.user("caseworker"))
    assert client.get(url.format(b=world.case_b.pk)).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(url.format(b=missing)).status_code == 404


@pytest.mark.parametrize(
    "url,data",
    [
        ("/dossiers/{b}/notes/", {"category": "coordination", "body": "x"}),
        ("/dossiers/{b}/taches/", {"title": "x", "due_on": "2030-01-01"}),
        ("/dossiers/{b}/besoins/", {"need_type": "housing", "urgency": "high"}),
        ("/dossiers/{b}/plan/", {"text": "x"}),
        ("/dossiers/{b}/juridique/", {"proceedings": "x"}),
        ("/dossiers/{b}/statut/", {"status": "Closed"}),
        ("/dossiers/{b}/personne/identity/", {"alias": "x"}),
        ("/dossiers/{b}/sante/", {"kind": "referral", "service": "x", "coverage": "ramq"}),
        ("/dossiers/{b}/consentements/", {"recipient_id": "x"}),
    ],
)
def test_writes_into_another_organisations_case_answer_404_and_change_nothing(
    client, world, url, data
):
    login(client, world.a.user("caseworker"))
    before = _counts()
    case_b = Case.objects.get(pk=world.case_b.pk)
    response = client.post(url.format(b=world.case_b.pk), data)
    assert response.status_code == 404
    assert _counts() == before
    after = Case.objects.get(pk=world.case_b.pk)
    assert (after.status, after.updated_at, bytes(after.legal_sealed)) == (
        case_b.status,
        case_b.updated_at,
        bytes(case_b.legal_sealed),
    )


def test_an_assignee_from_another_organisation_is_refused(world):
    from django.core.exceptions import ValidationError

    before = _counts()
    with pytest.raises(ValidationError):
        plan_services.task_add(
            actor_membership=membership(world.a),
            case_id=world.case_a.pk,
            title="x",
            due_on=timezone.localdate(),
            assignee_id=world.b.user("caseworker").pk,
        )
    assert _counts() == before


@pytest.mark.parametrize(
    "identity,code",
    [
        ({}, "no_name"),
        ({"alias": "x", "year_of_birth": 1800}, "year_out_of_range"),
        ({"alias": "x", "gender": "robot"}, "invalid_choice"),
        ({"alias": "x" * 101}, "too_long"),
    ],
)
def test_a_case_with_bad_identity_is_not_created(world, identity, code):
    from django.core.exceptions import ValidationError

    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.case_create(actor_membership=membership(world.a), identity=identity)
    assert refused.value.code == code
    assert _counts() == before


def test_a_case_with_a_bad_citizenship_is_not_created(world):
    from django.core.exceptions import ValidationError

    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.case_create(
            actor_membership=membership(world.a),
            identity={"alias": "x"},
            immigration={"citizenship": ["ZZ"]},
        )
    assert refused.value.code == "invalid_country"
    assert _counts() == before


def test_a_failure_in_the_middle_of_a_write_keeps_nothing(world, monkeypatch):
    """A crash after the person is saved but before the case: the transaction keeps
    nothing."""
    from arrimage.cases import access

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "access_record", crash)
    before = _counts()
    with pytest.raises(RuntimeError):
        services.case_create(actor_membership=membership(world.a), identity={"alias": "Z"})
    assert _counts() == before
    assert access.access_record is not crash


def test_the_create_page_shows_the_error(client, world):
    login(client, world.a.user("caseworker"))
    response = client.post("/dossiers/nouveau/", {"alias": "", "given_name": ""})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    response = client.post(
        "/dossiers/nouveau/",
        {"alias": "Rosa", "languages": "es, fr", "citizenship": "MX", "gender": "Female"},
    )
    assert response.status_code == 302
