"""The JSON API (django-ninja, OpenAPI 3.1) at ``/api/``.

Each part of Arrimage adds its router here. Authentication is the browser session with its CSRF
token; a user whose role requires two-factor must have passed it in this session. The acting
organisation comes from the session, never from the request body.

Answers every operation may give besides its own, documented on each by ``ArrimageAPI``:
401 without a session, 403 when the CSRF token is missing on a write, 400 for a body that is not
JSON, 422 when a parameter or a field is refused (a translated message naming each field) and
429 when the client called too often (``Retry-After`` says when to come back). Every error
answer has the shape of ``ErrorOut``.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import SessionAuth

from arrimage.accounts.services import user_requires_two_factor
from arrimage.core.schemas import ErrorOut, ValidationErrorOut
from arrimage.core.text import UnstorableText, character_message, too_long_message
from arrimage.core.throttling import RateThrottle, client_address, rate_hit, retry_after


class ArrimageSessionAuth(SessionAuth):
    """django-ninja's session auth, plus the two-factor rule and an acting organisation.
    Calls without a session are throttled per address here, before they answer 401."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if not user or (
            settings.ARRIMAGE_REQUIRE_TWO_FACTOR
            and user_requires_two_factor(user)
            and not user.is_verified()
        ):
            wait = rate_hit(scope="api_anonymous", client=client_address(request))
            if wait is not None:
                raise Throttled(wait=wait)
            return None
        return user


# Error answers ----------------------------------------------------------------------------------


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    """The field of a pydantic error, as the client wrote it: ``("body", "payload", "alias")``
    is ``alias``; ``("query", "q")`` is ``q``."""
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body":
        parts = parts[1:]
        if not parts:
            return _("The request body")
    return ".".join(parts) or str(loc[0] if loc else "")


def _field_message(error: dict[str, Any]) -> str:
    field = _field(error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "text_character":
        return character_message(field, chr(int(ctx["character"][2:], 16)))
    if kind in {"text_too_long", "string_too_long"}:
        return too_long_message(field, ctx["max_length"])
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: _("%(field)s is required.") % {"field": field},
        "too_long": lambda: (
            _("%(field)s has too many items: at most %(maximum)s.")
            % {"field": field, "maximum": ctx.get("max_length")}
        ),
        "greater_than_equal": lambda: (
            _("%(field)s must be at least %(limit)s.") % {"field": field, "limit": ctx.get("ge")}
        ),
        "greater_than": lambda: (
            _("%(field)s must be more than %(limit)s.") % {"field": field, "limit": ctx.get("gt")}
        ),
        "less_than_equal": lambda: (
            _("%(field)s must be at most %(limit)s.") % {"field": field, "limit": ctx.get("le")}
        ),
        "less_than": lambda: (
            _("%(field)s must be less than %(limit)s.") % {"field": field, "limit": ctx.get("lt")}
        ),
    }
    if kind in messages:
        return messages[kind]()
    if kind.startswith("int_"):
        return _("%(field)s must be a whole number.") % {"field": field}
    if kind.startswith("uuid_"):
        return _("%(field)s is not a valid identifier.") % {"field": field}
    if kind.startswith(("date_", "datetime_")):
        return _("%(field)s is not a date: use the form YYYY-MM-DD.") % {"field": field}
    if kind.startswith("bool_"):
        return _("%(field)s must be true or false.") % {"field": field}
    return _("%(field)s is not valid.") % {"field": field}


def validation_error_answer(
    request: HttpRequest, exc: NinjaValidationError, api: NinjaAPI
) -> HttpResponse:
    fields = [
        {"field": _field(error.get("loc", ())), "message": _field_message(error)}
        for error in exc.errors
    ]
    messages = [item["message"] for item in fields] or [_("The request is not valid.")]
    return api.create_response(
        request, {"detail": messages[0], "errors": messages, "fields": fields}, status=422
    )


_HTTP_MESSAGES: dict[str, Callable[[], str]] = {
    "Cannot parse request body": lambda: _("The request body is not valid JSON."),
    "Unauthorized": lambda: _("Log in first: this API uses the session of the web pages."),
    "CSRF check Failed": lambda: _("The CSRF token is missing or wrong: send X-CSRFToken."),
    "Too many requests.": lambda: _("Too many requests: wait before trying again."),
}


def http_error_answer(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    translate = _HTTP_MESSAGES.get(exc.message)
    message = translate() if translate else exc.message
    response = api.create_response(
        request, {"detail": message, "errors": [message]}, status=exc.status_code
    )
    if isinstance(exc, Throttled):
        response["Retry-After"] = retry_after(exc.wait)
    return response


def not_found_answer(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    message = _("Not found: it does not exist, or you may not see it.")
    return api.create_response(request, {"detail": message, "errors": [message]}, status=404)


def unstorable_answer(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    message = _("A text contains a character that cannot be saved. Nothing was saved.")
    return api.create_response(request, {"detail": message, "errors": [message]}, status=400)


# The OpenAPI description -----------------------------------------------------------------------


class ExactOpenAPISchema(OpenAPISchema):
    """Two schemas may not share a name: ninja would keep one and describe the other's
    operations with it (issue 12, D8: two ``NeedOut``)."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, schema in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != schema:
                raise ImproperlyConfigured(
                    f"two API schemas are named {name}: give one of them another name"
                )
        super().add_schema_definitions(definitions)


def _error_content(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next call",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


class ArrimageAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = ExactOpenAPISchema(self, path_prefix)
        for model in (ErrorOut, ValidationErrorOut):
            generated = model.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
            )
            schema.add_schema_definitions({**generated.pop("$defs", {}), model.__name__: generated})
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                self._common_answers(method, operation)
        return schema

    @staticmethod
    def _common_answers(method: str, operation: dict[str, Any]) -> None:
        responses = operation["responses"]

        def add(status: int, description: str, schema: str = "ErrorOut", **extra: Any) -> None:
            responses.setdefault(
                status, {"description": description, "content": _error_content(schema), **extra}
            )

        if operation.get("security"):
            add(401, "Not logged in, or two-factor not passed in this session")
            if method != "get":
                add(403, "The CSRF token is missing or wrong")
        if operation.get("requestBody"):
            add(400, "The body is not JSON, or a rule of the service refused it")
        if operation.get("parameters") or operation.get("requestBody"):
            add(422, "A parameter or a field was refused", "ValidationErrorOut")
        add(429, "Too many calls: wait for Retry-After seconds", headers=_RETRY_AFTER)


api = ArrimageAPI(
    title="Arrimage API",
    version="1",
    description=(
        "JSON API of Arrimage. Every personal field passes the policy of the acting "
        "organisation; denied and missing both answer 404. Errors answer with a translated "
        "message naming the field; calls beyond the rate answer 429 with Retry-After."
    ),
    urls_namespace="api",
    auth=ArrimageSessionAuth(),
    throttle=[RateThrottle("api_user")],
    docs_url="/docs",
)
api.add_exception_handler(NinjaValidationError, partial(validation_error_answer, api=api))
api.add_exception_handler(HttpError, partial(http_error_answer, api=api))
api.add_exception_handler(UnstorableText, partial(unstorable_answer, api=api))
api.add_exception_handler(Http404, partial(not_found_answer, api=api))

from arrimage.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/accounts/", accounts_router)

from arrimage.cases.api import router as cases_router  # noqa: E402
from arrimage.cases.consent_api import router as cases_consent_router  # noqa: E402

api.add_router("/cases/", cases_router)
api.add_router("/cases/", cases_consent_router)

from arrimage.directory.api import router as directory_router  # noqa: E402

api.add_router("/directory/", directory_router)

from arrimage.orientation.api import router as orientation_router  # noqa: E402

api.add_router("/orientation/", orientation_router)

# The unmet-needs reading belongs to trends (its suppression), at orientation's address.
from arrimage.trends.unmet_api import router as unmet_router  # noqa: E402

api.add_router("/orientation/", unmet_router)

from arrimage.screening.api import router as screening_router  # noqa: E402

api.add_router("/screenings/", screening_router)


def api_urls() -> list[Any]:
    """The API's URL patterns. Each is public to the login middleware on purpose: the API
    answers 401 itself rather than redirecting to the login page."""
    from django.contrib.auth.decorators import login_not_required

    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = login_not_required(pattern.callback)
    return (patterns, app_name, namespace)  # type: ignore[return-value]
