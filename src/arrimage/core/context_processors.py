from django.conf import settings
from django.http import HttpRequest


def arrimage(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    memberships = []
    if user is not None and user.is_authenticated:
        if getattr(request, "memberships_user_id", None) == user.pk:
            memberships = request.memberships  # type: ignore[attr-defined]
        else:
            memberships = list(user.memberships.select_related("organisation"))
    return {
        "section": _section(request),
        "is_demo": settings.ARRIMAGE_DEMO_BANNER,
        "two_factor_relaxed": not settings.ARRIMAGE_REQUIRE_TWO_FACTOR,
        "acting_membership": getattr(request, "membership", None),
        "memberships": memberships,
    }


def _section(request: HttpRequest) -> str:
    """The part of the site the page belongs to, for the menu's ``aria-current``: the URL
    namespace, with the organisation's members apart from one's own profile."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "accounts" and (match.url_name or "").startswith("member"):
        return "members"
    return match.namespace or ""
