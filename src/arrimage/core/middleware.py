from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """No cache keeps a page, so that neither the browser's history nor a shared device keeps a
    trace of it (Back after the quick exit shows nothing):

    - everything a logged-in user (or one half-way through a two-factor login) receives, since
      it may carry personal data;
    - every HTML page, for anyone: a visit to the help page or the directory is itself telling.

    Static files (served before this middleware by WhiteNoise) and the public data an anonymous
    visitor reads as JSON (the HSDS API) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = (user is not None and user.is_authenticated) or bool(
            request.session.get("pending_user_id")
        )
        if signed_in or _is_html(response):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"
