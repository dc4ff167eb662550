"""Reads of conferences, for one participant at a time (:mod:`arrimage.conferences.access`).

The agenda is built item by item from the policy: an item appears only if its category is
readable for the participant, and is then numbered among the items shown. Reading the agenda
of a case conference is a read of the case: audited in the hash-chained log and the case's
access log (``conference_read``, with the categories shown).
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases.access import access_record
from arrimage.cases.models import Task
from arrimage.cases.sealing import open_text
from arrimage.conferences.access import ConferenceAccess, conference_access, item_content
from arrimage.conferences.models import ActionItem, Conference, Participant
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category


def conference_list(*, actor_membership: Membership | None) -> dict[str, list[Conference]]:
    """The conferences the acting membership takes part in: to come, then past. Their titles,
    times and places carry no personal data."""
    if actor_membership is None:
        raise NotFound
    conferences = list(
        Conference.objects.filter(participants__membership=actor_membership)
        .select_related("organiser_organisation")
        .order_by("starts_at", "pk")
    )
    now = timezone.now()
    return {
        "upcoming": [c for c in conferences if c.ends_at >= now],
        "past": [c for c in reversed(conferences) if c.ends_at < now],
    }


def conferences_soon(*, actor_membership: Membership | None, days: int = 7) -> list[Conference]:
    """The conferences the acting membership takes part in that start within ``days`` (or
    are under way), for the home page. Titles and times only: no personal data."""
    if actor_membership is None:
        raise NotFound
    now = timezone.now()
    return list(
        Conference.objects.filter(
            participants__membership=actor_membership,
            ends_at__gte=now,
            starts_at__lte=now + timedelta(days=days),
        )
        .select_related("organiser_organisation")
        .order_by("starts_at", "pk")[:10]
    )


def _action_views(access: ConferenceAccess, actions: list[ActionItem]) -> list[dict[str, Any]]:
    grant = access.case_grant
    views = []
    for action in actions:
        task: Task = action.task
        if grant is None or not grant.may(task.category):
            continue
        views.append(
            {
                "title": open_text(grant, task, "title_sealed"),
                "due_on": task.due_on,
                "status": task.status,
                "assignee": task.assignee.full_name if task.assignee else "",
            }
        )
    return views


def conference_get(
    *, actor_membership: Membership | None, conference_id: UUID | str
) -> dict[str, Any]:
    """The conference as the participant may read it: its own fields, the participants, and
    the agenda items of readable categories, with minutes, decisions and actions."""
    access = conference_access(actor_membership=actor_membership, conference_id=conference_id)
    conference = access.conference
    items = [item for item in conference.items.all() if access.may(item.category)]
    actions: dict[UUID, list[ActionItem]] = {}
    for action in ActionItem.objects.filter(item__in=items).select_related(
        "task__assignee", "task__case"
    ):
        actions.setdefault(action.item_id, []).append(action)
    agenda: list[dict[str, Any]] = []
    for number, item in enumerate(items, start=1):
        item.conference = conference
        agenda.append(
            {
                "id": item.pk,
                "number": number,
                "category": item.category,
                **item_content(access, item),
                "actions": _action_views(access, actions.get(item.pk, [])),
            }
        )
    participants = list(
        Participant.objects.filter(conference=conference)
        .select_related("membership__user", "membership__organisation")
        .order_by("membership__organisation__name", "membership__user__full_name")
    )
    grant = access.case_grant
    if grant is not None:
        shown = {Category(item["category"]) for item in agenda} | {Category.COORDINATION}
        access_record(
            actor_membership=access.membership,
            grants=[grant],
            action="conference_read",
            path="conference",
            categories=sorted(shown & grant.readable),
        )
    return {
        "conference": conference,
        "access": access,
        "agenda": agenda,
        "participants": participants,
        # The case is named only to those it exists for (its grant reads something).
        "case": {"id": grant.case.pk, "reference": grant.case.reference} if grant else None,
        "is_on_case": conference.case_id is not None,
        "writable_categories": [(c, label) for c, label in Category.choices if access.may(c)],
        "assignees": [
            p.membership
            for p in participants
            if p.membership.organisation_id
            in {
                access.membership.organisation_id,
                getattr(conference.case, "lead_organisation_id", None),
            }
        ],
    }


def conference_invitation(
    *, actor_membership: Membership | None, conference_id: UUID | str
) -> Conference:
    """The conference for its invitation: participants only; nothing of the case is read."""
    return conference_access(
        actor_membership=actor_membership, conference_id=conference_id
    ).conference
