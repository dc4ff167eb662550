"""The JSON API (django-ninja, OpenAPI 3.1) at ``/api/``.

Each part of Arrimage adds its router here. Authentication is the browser session with its CSRF
token; a user whose role requires two-factor must have passed it in this session. The acting
organisation comes from the session, never from the request body.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import SessionAuth

from arrimage.accounts.services import user_requires_two_factor


class ArrimageSessionAuth(SessionAuth):
    """django-ninja's session auth, plus the two-factor rule and an acting organisation."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if not user:
            return None
        if (
            settings.ARRIMAGE_REQUIRE_TWO_FACTOR
            and user_requires_two_factor(user)
            and not user.is_verified()
        ):
            return None
        return user


api = NinjaAPI(
    title="Arrimage API",
    version="1",
    description=(
        "JSON API of Arrimage. Every personal field passes the policy of the acting "
        "organisation; denied and missing both answer 404."
    ),
    urls_namespace="api",
    auth=ArrimageSessionAuth(),
    docs_url="/docs",
)

from arrimage.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/accounts/", accounts_router)

from arrimage.cases.api import router as cases_router  # noqa: E402

api.add_router("/cases/", cases_router)

from arrimage.directory.api import router as directory_router  # noqa: E402

api.add_router("/directory/", directory_router)

from arrimage.orientation.api import router as orientation_router  # noqa: E402

api.add_router("/orientation/", orientation_router)


def api_urls() -> list[Any]:
    """The API's URL patterns. Each is public to the login middleware on purpose: the API
    answers 401 itself rather than redirecting to the login page."""
    from django.contrib.auth.decorators import login_not_required

    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = login_not_required(pattern.callback)
    return (patterns, app_name, namespace)  # type: ignore[return-value]
