"""Encrypted columns hold no plaintext: the test reads the raw database."""

import pytest
from django.db import connection

from arrimage.cases import document_services
from arrimage.cases.models import Document, Note, Person
from arrimage.core.crypto import DecryptionError, open_field
from tests.cases.conftest import marker, membership

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"plaintext-inside-the-upload" * 10


def _raw_dump() -> bytes:
    """Every value of every cases table, as stored."""
    dump = b""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith("cases_"):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        dump += bytes(value)
                    elif value is not None:
                        dump += str(value).encode()
    return dump


def test_no_personal_value_is_stored_in_clear(world):
    document_services.document_add(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        category="immigration",
        filename="permit-scan.png",
        content=PNG,
    )
    dump = _raw_dump()
    assert len(dump) > 1000
    for category in (
        "identity",
        "contact",
        "location",
        "immigration",
        "health",
        "exploitation",
        "legal",
        "coordination",
    ):
        for kind in ("note", "task", "goal", "field", "alias"):
            assert marker("A", category, kind).encode() not in dump
    for clear in (
        b"Montr",
        b"+1 514 555 0100",
        b"permit-scan",
        b"plaintext-inside",
        b"WithholdsDocuments",
        b"trp_victim",
        b"Female",
    ):
        assert clear not in dump, clear


def test_a_ciphertext_moved_to_another_row_does_not_open(world):
    note_a = Note.objects.filter(case=world.case_a).first()
    note_b = Note.objects.filter(case=world.case_b).first()
    Note.objects.filter(pk=note_b.pk).update(body_sealed=note_a.body_sealed)
    note_b.refresh_from_db()
    with pytest.raises(DecryptionError):
        open_field(note_b, "body_sealed")


def test_each_organisation_seals_with_its_own_key(world):
    person_a = Person.objects.get(pk=world.case_a.person_id)
    # The same row id and field under the other organisation's key does not open.
    person_a.organisation_id = world.b.organisation.pk
    with pytest.raises(DecryptionError):
        open_field(person_a, "identity_sealed")


def test_documents_are_sealed_and_come_back_whole(client, world):
    from tests.conftest import login

    document = document_services.document_add(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        category="legal",
        filename="report.png",
        content=PNG,
    )
    assert PNG not in bytes(Document.objects.get(pk=document.pk).content_sealed)
    login(client, world.a.user("caseworker"))
    response = client.get(f"/dossiers/{world.case_a.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    client.logout()
    login(client, world.b.user("caseworker"))
    assert client.get(f"/dossiers/{world.case_a.pk}/documents/{document.pk}/").status_code == 404
