"""An organisation's audit log, for its administrators (``/confidentialite/journal/``): the
events of the acting organisation, newest first, never an event of another organisation.

Events carry ids only; :func:`audit_events_for_organisation` turns the actors into names of the
organisation's members. Each reading of the log is itself audited. (A case's access log, who
saw which categories of one case, is the cases part's: ``cases/case_views.py``, ``CaseAccess``.)
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

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.law25.audit_labels import AUDIT_ACTION_LABELS, TARGET_LABELS, details_in_words

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditLine:
    event_id: int  # the event's place among all events (chains interleave)
    occurred_at: datetime
    action: str
    action_label: str
    actor_name: str
    organisation_name: str
    target_type: str
    target_label: str
    target_id: str
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    older_before: int | None  # pass as ``before`` for the next page, if there is one


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
            target_label=str(TARGET_LABELS.get(event.target_type, event.target_type)),
            target_id=event.target_id,
            details=details_in_words(event.details),
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
