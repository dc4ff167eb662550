"""Who may reach each URL. The test suite walks every URL pattern: one missing here fails it.

- ``PUBLIC``: anyone, on purpose (the view is marked ``login_not_required``).
- ``AUTHENTICATED``: any logged-in user; pages show only the acting organisation's data.
- ``ORGANISATION_ADMIN``: administrators of the acting organisation, for that organisation only.
- ``COALITION_MEMBER``: users whose acting organisation belongs to the coalition or one below it.
- ``API``: the JSON API; it authenticates each request itself and answers 401 without a session.
"""

from enum import StrEnum


class Access(StrEnum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    ORGANISATION_ADMIN = "organisation_admin"
    COALITION_MEMBER = "coalition_member"
    API = "api"


URL_POLICY: dict[str, Access] = {
    "core:welcome": Access.PUBLIC,
    "core:health": Access.PUBLIC,
    "core:home": Access.AUTHENTICATED,
    "accounts:login": Access.PUBLIC,
    "accounts:login_code": Access.PUBLIC,
    "accounts:language": Access.PUBLIC,
    "accounts:password_reset": Access.PUBLIC,
    "accounts:password_reset_done": Access.PUBLIC,
    "accounts:password_reset_confirm": Access.PUBLIC,
    "accounts:password_reset_complete": Access.PUBLIC,
    "accounts:logout": Access.AUTHENTICATED,
    "accounts:profile": Access.AUTHENTICATED,
    "accounts:password_change": Access.AUTHENTICATED,
    "accounts:two_factor": Access.AUTHENTICATED,
    "accounts:two_factor_enrol": Access.AUTHENTICATED,
    "accounts:recovery_codes": Access.AUTHENTICATED,
    "accounts:two_factor_disable": Access.AUTHENTICATED,
    "accounts:organisation_switch": Access.AUTHENTICATED,
    "accounts:members": Access.ORGANISATION_ADMIN,
    "accounts:member_role": Access.ORGANISATION_ADMIN,
    "accounts:member_remove": Access.ORGANISATION_ADMIN,
    "coalition:list": Access.AUTHENTICATED,
    # The API answers 401 itself (session auth with CSRF, two-factor where required).
    "api:api-root": Access.API,
    # The API's description is public on purpose: it carries no data.
    "api:openapi-json": Access.PUBLIC,
    "api:openapi-view": Access.PUBLIC,
    "api:me": Access.API,
    "coalition:detail": Access.COALITION_MEMBER,
}
