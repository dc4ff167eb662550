"""Every URL is either public on purpose or refuses an anonymous visitor, and every URL has an
entry in the policy table (src/arrimage/url_policy.py). A new URL without one fails here."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter

from arrimage.url_policy import URL_POLICY, Access

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    callback: object


def _sample(converter: object) -> str:
    if isinstance(converter, IntConverter):
        return "999999"
    if isinstance(converter, UUIDConverter):
        return str(uuid.UUID(int=0))
    return "sample"


def _routes(
    resolver: URLResolver,
    prefix: str = "",
    namespace: str = "",
    samples: dict[str, str] | None = None,
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        part = str(pattern)
        converters = getattr(pattern, "converters", {})
        values = dict(samples or {})
        values.update({key: _sample(conv) for key, conv in converters.items()})
        if isinstance(entry, URLResolver):
            child_ns = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _routes(entry, prefix + part, child_ns, values)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            url = "/" + prefix + part
            for key, value in values.items():
                for conv in ("int", "uuid", "str", "slug", "path"):
                    url = url.replace(f"<{conv}:{key}>", value)
                url = url.replace(f"<{key}>", value)
            url = url.replace("^", "").replace("$", "")
            yield Route(name, url, entry.callback)


ROUTES = list(_routes(get_resolver()))


def test_every_url_has_a_policy_entry():
    missing = sorted({route.name for route in ROUTES} - set(URL_POLICY))
    assert not missing, f"URLs without an entry in url_policy.URL_POLICY: {missing}"


def test_policy_table_has_no_stale_entries():
    stale = sorted(set(URL_POLICY) - {route.name for route in ROUTES})
    assert not stale, f"entries in URL_POLICY for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_url_is_public_on_purpose_or_refuses_anonymous(client, route):
    access = URL_POLICY.get(route.name)
    assert access is not None, f"{route.name} has no policy entry"
    is_marked_public = getattr(route.callback, "login_required", True) is False
    if access == Access.PUBLIC:
        assert is_marked_public, f"{route.name} is PUBLIC in the table but not login_not_required"
        return
    if access == Access.METRICS:
        for method in ("get", "post"):
            assert getattr(client, method)(route.url).status_code == 404, (route.url, method)
        return
    for method in ("get", "post"):
        response = getattr(client, method)(route.url)
        if access == Access.API:
            assert response.status_code in {401, 404, 405}, (
                route.url,
                method,
                response.status_code,
            )
        else:
            assert not is_marked_public, f"{route.name} is marked public but listed as {access}"
            assert response.status_code == 302, (route.url, method, response.status_code)
            assert response["Location"].startswith("/compte/connexion/")
