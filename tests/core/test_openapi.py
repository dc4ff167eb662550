"""The OpenAPI description of /api/ is exact (issue 12, D8): unique schema names, and every
answer an operation can give is documented. schemathesis checks the answers themselves against
it (tests/cases/test_api_schemathesis.py)."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router, Schema

from arrimage.api import ArrimageAPI, api
from arrimage.core import throttling


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.fixture(scope="module")
def described() -> dict[str, Any]:
    return api.get_openapi_schema()


def _answer(described, method: str, path: str, status: int) -> dict[str, Any]:
    components = described["components"]["schemas"]
    content = described["paths"][path][method]["responses"][status]["content"]
    return _resolve(content["application/json"]["schema"], components)


def test_a_case_documents_its_own_needs_and_a_match_its_own(described):
    """Two schemas were named NeedOut: the case's needs were described as matching results."""
    components = described["components"]["schemas"]
    case = _answer(described, "get", "/api/cases/{case_id}", 200)
    needs = case["properties"]["needs"]["anyOf"][0]["items"]
    assert set(_resolve(needs, components)["properties"]) == {
        "id",
        "need_type",
        "urgency",
        "status",
        "created_at",
    }
    match = _answer(described, "post", "/api/orientation/match", 200)
    options = _resolve(match["properties"]["needs"]["items"], components)
    assert {"need", "options", "excluded", "unmet_reason"} <= set(options["properties"])


def test_every_operation_documents_the_answers_it_can_give(described):
    missing = []
    operations = 0
    for path, methods in described["paths"].items():
        for method, operation in methods.items():
            operations += 1
            responses = operation["responses"]
            expected = {429}
            if operation.get("security"):
                expected |= {401} | ({403} if method != "get" else set())
            if operation.get("parameters") or operation.get("requestBody"):
                expected.add(422)
            missing += [f"{method} {path} {code}" for code in expected - set(responses)]
            throttled = responses[429]
            assert throttled["headers"]["Retry-After"]["required"] is True
            if 422 in responses and not path.startswith("/api/directory"):
                refused = responses[422]["content"]["application/json"]["schema"]
                assert refused == {"$ref": "#/components/schemas/ValidationErrorOut"}, path
    assert operations >= 27
    assert missing == []


def test_two_schemas_of_one_name_are_refused():
    first, second = Router(), Router()

    def named_thing(fields: dict[str, Any]) -> type[Schema]:
        return type("Thing", (Schema,), {"__annotations__": fields})

    one, other = named_thing({"a": int}), named_thing({"b": str})

    @first.get("/one", response=one)
    def get_one(request):
        return {"a": 1}

    @second.get("/other", response=other)
    def get_other(request):
        return {"b": "x"}

    twice = ArrimageAPI(urls_namespace="twice-named")
    twice.add_router("/first/", first)
    twice.add_router("/second/", second)
    with pytest.raises(ImproperlyConfigured, match="two API schemas are named Thing"):
        twice.get_openapi_schema(path_prefix="")


@pytest.mark.django_db
def test_the_documented_answers_are_the_answers_given(client, side_a, settings, monkeypatch):
    """422, 401 and 429 bodies have the documented shape."""
    import jsonschema

    from tests.conftest import login

    described = api.get_openapi_schema()
    components = described["components"]["schemas"]

    def check(response, method, path) -> None:
        schema = _answer(described, method, path, response.status_code)
        jsonschema.validate(response.json(), {**schema, "components": {"schemas": components}})

    anonymous = client.get("/api/cases/")
    assert anonymous.status_code == 401
    check(anonymous, "get", "/api/cases/")
    login(client, side_a.user("caseworker"))
    refused = client.post("/api/cases/", '{"alias": 5}', content_type="application/json")
    assert refused.status_code == 422
    check(refused, "post", "/api/cases/")
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_000.0)
    settings.ARRIMAGE_RATES = {**settings.ARRIMAGE_RATES, "api_user": "1/hour"}
    client.get("/api/cases/")
    throttled = client.get("/api/cases/")
    assert throttled.status_code == 429
    check(throttled, "get", "/api/cases/")
