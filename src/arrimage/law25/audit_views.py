"""An organisation's audit log, for its administrators (``/confidentialite/journal/``): the
events of the acting organisation, newest first, never an event of another organisation.

Events carry ids only; :func:`audit_events_for_organisation` turns the actors into names of the
organisation's members. Each reading of the log is itself audited. (A case's access log, who
saw which categories of one case, is the cases part's: ``cases/views.py``, ``CaseAccess``.)
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent

PAGE_SIZE = 100

AUDIT_ACTION_LABELS: dict[str, Any] = {
    "login": pgettext_lazy("audit action", "Logged in"),
    "logout": pgettext_lazy("audit action", "Logged out"),
    "login_failed": pgettext_lazy("audit action", "Failed login"),
    "profile_changed": pgettext_lazy("audit action", "Profile changed"),
    "membership_added": pgettext_lazy("audit action", "Member added"),
    "membership_changed": pgettext_lazy("audit action", "Member's role changed"),
    "membership_removed": pgettext_lazy("audit action", "Member removed"),
    "two_factor_enabled": pgettext_lazy("audit action", "Two-factor login turned on"),
    "two_factor_disabled": pgettext_lazy("audit action", "Two-factor login turned off"),
    "recovery_code_used": pgettext_lazy("audit action", "Recovery code used"),
    "recovery_codes_regenerated": pgettext_lazy("audit action", "Recovery codes replaced"),
    "organisation_created": pgettext_lazy("audit action", "Organisation created"),
    "coalition_member_added": pgettext_lazy("audit action", "Joined a coalition"),
    "incident_recorded": pgettext_lazy("audit action", "Incident recorded"),
    "incident_updated": pgettext_lazy("audit action", "Incident updated"),
    "incident_viewed": pgettext_lazy("audit action", "Incident read"),
    "privacy_officer_changed": pgettext_lazy("audit action", "Person in charge changed"),
    "retention_changed": pgettext_lazy("audit action", "Retention time changed"),
    "retention_anonymised": pgettext_lazy("audit action", "Anonymised after retention"),
    "audit_log_viewed": pgettext_lazy("audit action", "Access log read"),
    "organisation_audit_viewed": pgettext_lazy("audit action", "Audit log read"),
    "person_exported": pgettext_lazy("audit action", "Data exported for the person"),
    "person_export_delivered": pgettext_lazy("audit action", "Export downloaded"),
    "retention_run": pgettext_lazy("audit action", "Retention schedule run"),
}


@dataclass(frozen=True)
class AuditLine:
    event_id: int  # the event's place among all events (chains interleave)
    occurred_at: datetime
    action: str
    action_label: str
    actor_name: str
    organisation_name: str
    target_type: str
    target_id: str
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    older_before: int | None  # pass as ``before`` for the next page, if there is one


def _details(details: object) -> list[tuple[str, str]]:
    if not isinstance(details, dict):
        return []
    return [
        (str(key), "" if value is None else str(value)) for key, value in sorted(details.items())
    ]


def _page(
    events: Iterable[AuditEvent],
    *,
    actor_names: Mapping[UUID, str],
    fallback_actor: str,
    organisation_names: Mapping[UUID, str],
    limit: int,
) -> AuditPage:
    rows = list(events)
    more = len(rows) > limit
    rows = rows[:limit]
    lines = [
        AuditLine(
            event_id=event.pk,
            occurred_at=event.occurred_at,
            action=event.action,
            action_label=str(AUDIT_ACTION_LABELS.get(event.action, event.action)),
            actor_name=(
                actor_names.get(event.actor_id, fallback_actor)
                if event.actor_id
                else _("Arrimage (automatic)")
            ),
            organisation_name=(
                organisation_names.get(event.organisation_id, "") if event.organisation_id else ""
            ),
            target_type=event.target_type,
            target_id=event.target_id,
            details=_details(event.details),
        )
        for event in rows
    ]
    return AuditPage(lines, rows[-1].pk if more and rows else None)


def _events_before(queryset: Any, before: int | None, limit: int) -> Any:
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    return queryset.order_by("-pk")[: limit + 1]


def audit_events_for_organisation(
    *, actor_membership: Membership | None, before: int | None = None, limit: int = PAGE_SIZE
) -> AuditPage:
    """The acting organisation's events, newest first, for its administrators."""
    if actor_membership is None:
        raise NotFound
    if actor_membership.role != Role.ORGANISATION_ADMIN:
        raise NotFound
    organisation_id = actor_membership.organisation_id
    events = _events_before(
        AuditEvent.objects.filter(Q(organisation_id=organisation_id)), before, limit
    )
    members = dict(
        Membership.objects.filter(organisation_id=organisation_id).values_list(
            "user_id", "user__full_name"
        )
    )
    page = _page(
        events,
        actor_names=members,
        fallback_actor=_("Not a member of your organisation"),
        organisation_names={organisation_id: actor_membership.organisation.name},
        limit=limit,
    )
    audit_record(
        action="organisation_audit_viewed",
        actor_id=actor_membership.user_id,
        organisation_id=organisation_id,
        target_type="organisation",
        target_id=organisation_id,
    )
    return page


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def audit_organisation_view(request: HttpRequest) -> HttpResponse:
    page = audit_events_for_organisation(
        actor_membership=request.membership,  # type: ignore[attr-defined]
        before=_before(request),
    )
    return render(request, "law25/audit_organisation.html", {"audit_page": page})
