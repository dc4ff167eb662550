"""The plumbing of the HSDS API: query parameters (GET or a JSON POST body) checked at the edge,
the rate limit, and the responses (the HSDS Page envelope, NDJSON)."""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from arrimage.core.throttling import client_address, rate_hit, retry_after

MAX_PER_PAGE = 200


DEFAULT_PER_PAGE = 50


class BadRequest(Exception):
    pass


def params_of(request: HttpRequest) -> QueryDict | dict[str, Any]:
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except json.JSONDecodeError:
                raise BadRequest("the body is not JSON") from None
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            return {k: str(v) if not isinstance(v, str) else v for k, v in body.items()}
        return request.POST
    return request.GET


def int_param(params: Any, name: str, default: int, lower: int, upper: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None
    return max(lower, min(upper, value))


def bool_param(params: Any, name: str) -> bool:
    return str(params.get(name, "")).lower() in {"1", "true", "yes"}


def uuid_param(params: Any, name: str) -> UUID | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return UUID(str(raw))
    except ValueError:
        raise BadRequest(f"{name} must be a UUID") from None


def modified_after_param(params: Any) -> datetime | None:
    raw = params.get("modified_after")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("modified_after must be an ISO 8601 date and time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def hsds_endpoint(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Public, CORS-open, and limited per client address (``ARRIMAGE_RATES["hsds"]``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        wait = rate_hit(scope="hsds", client=client_address(request))
        if wait is not None:
            response: HttpResponseBase = JsonResponse(
                {"error": f"too many requests: retry after {wait} seconds"}, status=429
            )
            response["Retry-After"] = retry_after(wait)
        else:
            try:
                response = view(request, *args, **kwargs)
            except BadRequest as error:
                response = JsonResponse({"error": str(error)}, status=400)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return login_not_required(csrf_exempt(require_http_methods(["GET", "POST"])(wrapped)))


def page_response(
    request: HttpRequest,
    items: list[Any] | QuerySet[Any],
    render: Callable[[list[Any]], list[dict[str, Any]]],
) -> HttpResponseBase:
    params = params_of(request)
    if params.get("format") == "ndjson":
        return ndjson_response(items, render)
    if params.get("format") not in (None, "", "json"):
        raise BadRequest("format must be json or ndjson")
    per_page = int_param(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    total = len(items) if isinstance(items, list) else items.count()
    pages = max(1, -(-total // per_page))
    number = int_param(params, "page", 1, 1, 10**9)
    start = (number - 1) * per_page
    contents = render(list(items[start : start + per_page]))
    return JsonResponse(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= pages,
            "empty": total == 0,
            "contents": contents,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def ndjson_response(
    items: list[Any] | QuerySet[Any], render: Callable[[list[Any]], list[dict[str, Any]]]
) -> HttpResponseBase:
    def lines() -> Iterator[bytes]:
        batch: list[Any] = []
        source = items if isinstance(items, list) else items.iterator(chunk_size=500)
        for item in source:
            batch.append(item)
            if len(batch) == 500:
                yield from (
                    json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in render(batch)
                )
                batch = []
        yield from (json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in render(batch))

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")
