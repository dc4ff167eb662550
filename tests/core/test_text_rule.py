"""The rule for text (core/text.py): where it applies, and the last safety net behind it."""

import importlib
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction

import arrimage
from arrimage.api import api
from arrimage.coalition.models import Organisation, Region
from arrimage.core import crypto, text
from arrimage.core.text import (
    CHECKED_FORM_FIELDS,
    PATTERN,
    UnstorableText,
    refused_character,
    storable_check,
    text_check,
)

ALLOWED = [
    "",
    "Rosa",
    "ligne\nligne\r\n\tfin",
    "é à ç « » 😀 \u200d \u200f العربية 中文",  # joiner, right-to-left mark
    "\\udc00 typed",
]
# The bidirectional embeddings, overrides and isolates reorder the text on screen (spoofing).
BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "abc\u202eFDP.exe",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
REFUSED = ["\x00", "a\x07", "\x1b[31m", "\x7f", "\x85", "\x9f", "\ud800", "x\udfff", *BIDI]


@pytest.mark.parametrize("value", ALLOWED)
def test_the_rule_keeps_text_and_line_breaks(value):
    assert refused_character(value) is None
    storable_check(value, where="test")


@pytest.mark.parametrize("value", REFUSED)
def test_the_rule_refuses_control_characters_and_surrogates(value):
    assert refused_character(value) is not None


@pytest.mark.parametrize("value", BIDI)
def test_a_bidirectional_control_is_refused_with_the_translated_message_and_by_the_pattern(value):
    with pytest.raises(ValidationError) as refused:
        text_check(value, label="Le titre", max_length=200)
    assert "Le titre contient un caractère non permis (U+2" in refused.value.messages[0]
    assert re.fullmatch(PATTERN, value) is None  # the OpenAPI pattern says the same
    assert re.fullmatch(PATTERN, "é \u200e \u200f") is not None


def _arrimage_modules() -> None:
    for module in pkgutil.walk_packages(arrimage.__path__, "arrimage."):
        if ".migrations" in module.name or module.name in {"arrimage.wsgi"}:
            continue
        importlib.import_module(module.name)


def _subclasses(base: type) -> set[type]:
    found = set()
    for cls in base.__subclasses__():
        found.add(cls)
        found |= _subclasses(cls)
    return found


def test_every_text_field_of_every_form_applies_the_rule():
    _arrimage_modules()
    forms_seen = [
        cls for cls in _subclasses(forms.BaseForm) if cls.__module__.startswith("arrimage.")
    ]
    assert len(forms_seen) >= 15
    unchecked = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms_seen
        for name, field in form.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField)  # parsed as a UUID or refused
        and not (isinstance(field, CHECKED_FORM_FIELDS) and field.max_length)
    ]
    assert not unchecked


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _strings(schema: dict[str, Any], components: dict[str, Any], path: str, seen: set[str]):
    """Every plain string (no format) and every array in a request schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return
        seen = seen | {name}
    schema = _resolve(schema, components)
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        yield from _strings(option, components, path, seen)
    if schema.get("type") == "string" and "format" not in schema and "enum" not in schema:
        yield path, schema
    if schema.get("type") == "array":
        yield path, schema
        yield from _strings(schema.get("items", {}), components, path + "[]", seen)
    for name, prop in schema.get("properties", {}).items():
        yield from _strings(prop, components, f"{path}.{name}", seen)


def test_every_text_the_api_accepts_applies_the_rule_and_has_a_limit():
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    inputs = 0
    unchecked = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found = []
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                found += list(_strings(body["schema"], components, "body", set()))
            for parameter in operation.get("parameters", []):
                found += list(_strings(parameter["schema"], components, parameter["name"], set()))
            inputs += len(found)
            for where, item in found:
                if item.get("type") == "array":
                    if "maxItems" not in item:
                        unchecked.append(f"{method} {path} {where}: no maxItems")
                elif item.get("pattern") != PATTERN or "maxLength" not in item:
                    unchecked.append(f"{method} {path} {where}: not checked")
    assert inputs >= 30
    # The search of cases reads its text as a query string (no surrogate can come through
    # one) and cuts it at 100 characters; the last safety net refuses a NUL in it.
    assert [u for u in unchecked if "/api/cases/search" not in u] == []


# The last safety net --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["a\x00b", "a\udc00b"])
def test_the_database_refuses_a_nul_or_a_surrogate_and_writes_nothing(name):
    before = Organisation.objects.count()
    with pytest.raises(UnstorableText), transaction.atomic():
        Organisation.objects.create(name=name, type="community", region=Region.objects.first())
    assert Organisation.objects.count() == before


def test_the_database_refuses_an_escaped_lone_surrogate_in_json_but_not_an_emoji(coalition):
    """SQLite keeps a JSONField as text with escapes; PostgreSQL gets psycopg's Jsonb."""
    from arrimage.directory.models import DirectorySharing

    for bad in (["\udc00x"], {"\x00": 1}):
        with pytest.raises(UnstorableText), transaction.atomic():
            DirectorySharing.objects.create(coalition=coalition, confidential_address_types=bad)
    fine = ["😀", "\\udc00 written out"]
    DirectorySharing.objects.create(coalition=coalition, confidential_address_types=fine)
    assert DirectorySharing.objects.get().confidential_address_types == fine


@pytest.mark.django_db
def test_the_guard_wraps_every_connection():
    connection.ensure_connection()
    assert text.database_guard in connection.execute_wrappers
    assert connection.execute_wrappers.count(text.database_guard) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("plaintext", ["a\udc00", '{"alias": "\\udc00x"}'])
def test_the_encryption_refuses_what_could_not_be_opened_and_shown(plaintext):
    with pytest.raises(UnstorableText):
        crypto.encrypt(plaintext, table="t", row_id=1, field="f", organisation_id=None)
    for fine in ('{"alias": "😀"}', "a\x00b"):  # a NUL is harmless inside a ciphertext
        sealed = crypto.encrypt(fine, table="t", row_id=1, field="f", organisation_id=None)
        assert crypto.decrypt(sealed, table="t", row_id=1, field="f", organisation_id=None) == fine


@pytest.mark.django_db
def test_a_text_past_every_check_answers_400_and_writes_nothing(client, side_a, monkeypatch):
    """Were every check forgotten, the safety net still answers 400, not 500, and writes
    nothing; the worklist still answers."""
    from arrimage.cases.models import Case
    from tests.conftest import login

    monkeypatch.setattr(text, "refused_character", lambda value: None)
    login(client, side_a.user("caseworker"))
    before = Case.objects.count()
    # Past the schema and the service, the surrogate reaches the encryption.
    response = client.post(
        "/api/cases/", '{"alias": "Rosa\\udc00"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "caractère qui ne peut pas être enregistré" in response.json()["detail"]
    assert Case.objects.count() == before
    # Past the schema, the NUL reaches a query on a text column.
    response = client.post(
        "/api/orientation/holds",
        '{"service_id": "00000000-0000-0000-0000-000000000000", "unit": "bed\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert client.get("/dossiers/").status_code == 200
