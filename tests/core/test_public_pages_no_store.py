"""Public pages on a shared device (issue 13, item 6): no cache keeps any HTML page, even one
an anonymous visitor sees, so that Back after the quick exit and the browser's cache show
nothing. Static files and the public HSDS API (public data, JSON) stay cacheable.

Every named URL of the URL tree is asked for anonymously, on the objects of two organisations
with identical data (the world of the reads-never-write walk)."""

import pytest
from django.http import HttpResponse

from arrimage.url_policy import URL_POLICY, Access
from tests.core.test_reads_do_not_write import ROUTES, _url, walk_world

pytestmark = pytest.mark.django_db
__all__ = ["walk_world"]  # the fixture

# Pages a visitor reaches without an account, each of which must answer 200 with HTML here.
PUBLIC_PAGES = {
    "core:welcome",
    "accounts:login",
    "accounts:password_reset",
    "awareness:help",
    "awareness:materials",
    "directory:search",
    "directory:service",
    "law25:privacy_notice",
}


def _content_type(response: HttpResponse) -> str:
    return response.get("Content-Type", "").split(";")[0].strip()


def _kept_by_no_cache(response: HttpResponse) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_html_page_an_anonymous_visitor_gets_is_no_store(client, walk_world):
    world, _readers = walk_world
    kept, html_ok = [], set()
    for name, parameters in ROUTES:
        for side in ("a", "b") if parameters else ("a",):
            url = _url(name, parameters, world[side])
            if url is None:
                continue
            response = client.get(url)
            if _content_type(response) != "text/html":
                continue
            if response.status_code == 200:
                html_ok.add(name)
            if not _kept_by_no_cache(response):
                kept.append(
                    f"{url} ({name}, {response.status_code}): {response.get('Cache-Control')}"
                )
    assert not kept, "HTML answers a cache may keep:\n" + "\n".join(kept)
    assert not PUBLIC_PAGES - html_ok, sorted(PUBLIC_PAGES - html_ok)
    assert all(URL_POLICY[name] == Access.PUBLIC for name in html_ok)


def test_the_public_hsds_api_and_static_files_stay_cacheable(client, walk_world):
    world, _readers = walk_world
    hsds = [(name, parameters) for name, parameters in ROUTES if name.startswith("hsds:")]
    json_answers = 0
    for name, parameters in hsds:
        response = client.get(_url(name, parameters, world["a"]))
        assert response.status_code == 200, (name, response.status_code)
        if _content_type(response) == "application/json":
            json_answers += 1
            assert "no-store" not in response.get("Cache-Control", ""), name
    assert json_answers >= 10
    stylesheet = client.get("/static/arrimage/arrimage.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.get("Cache-Control", "")
