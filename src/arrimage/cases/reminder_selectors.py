"""Reminders for the acting user (tasks due, urgent cases) and the due dates of the user's
calendar feed, over every case the organisation may see, each item shown only if its category
is readable. Audited."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, access_record, case_grants
from arrimage.cases.models import Case, Task
from arrimage.cases.selectors import CLOSED_STATUSES, task_view
from arrimage.cases.worklist_selectors import shared_person_ids
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import reader_of, reads_in_own_records

CALENDAR_PAST_DAYS = 30


def notifications_for(
    *, actor_membership: Membership | None, path: str = "notification"
) -> list[dict[str, Any]]:
    """Reminders for the acting user: open tasks overdue or due within 7 days, assigned to the
    user or to nobody, on open cases the organisation may see (its own and those shared with
    it by a consent), each shown only if its category is readable; and, first, the urgent
    cases it leads, for readers of immigration. Over every case, not a window of the newest:
    the queries select the due tasks and the urgent cases themselves. Audited."""
    if actor_membership is None:
        raise NotFound
    organisation_id = actor_membership.organisation_id
    horizon = timezone.localdate() + timedelta(days=7)
    visible = Q(case__lead_organisation_id=organisation_id) | Q(
        case__person_id__in=shared_person_ids(actor_membership)
    )
    tasks = list(
        Task.objects.filter(visible, status=v.TaskStatus.OPEN, due_on__lte=horizon)
        .filter(Q(assignee__isnull=True) | Q(assignee_id=actor_membership.user_id))
        .exclude(case__status__in=CLOSED_STATUSES)
        .select_related("assignee", "case__lead_organisation", "case__person")
        .order_by("due_on", "pk")
    )
    urgent: list[Case] = []
    if reads_in_own_records(reader=reader_of(actor_membership), category=Category.IMMIGRATION):
        urgent = list(
            Case.objects.filter(lead_organisation_id=organisation_id, is_urgent=True)
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("lead_organisation", "person")
            .order_by("-updated_at", "pk")
        )
    cases = {t.case_id: t.case for t in tasks} | {c.pk: c for c in urgent}
    grants = {
        g.case.pk: g
        for g in case_grants(actor_membership=actor_membership, cases=list(cases.values()))
    }
    items: list[dict[str, Any]] = []
    shown: list[CaseGrant] = []
    for case in urgent:
        grant = grants[case.pk]
        if grant.is_lead and grant.may(Category.COORDINATION) and grant.may(Category.IMMIGRATION):
            items.append(
                {"kind": "urgent_case", "case_id": str(case.pk), "case_reference": case.reference}
            )
            shown.append(grant)
    for task in tasks:
        grant = grants[task.case_id]
        if not grant.may(task.category):
            continue
        item = task_view(grant, task)
        item.update(kind="task_due", case_id=str(task.case_id), case_reference=grant.case.reference)
        items.append(item)
        shown.append(grant)
    access_record(
        actor_membership=actor_membership,
        grants=list({g.case.pk: g for g in shown}.values()),
        action="notifications_read",
        path=path,
    )
    return items


def calendar_due_dates(*, membership: Membership) -> list[tuple[UUID, date, UUID]]:
    """(task id, due date, case id) of the open tasks assigned to the user, on cases the
    organisation may see, whose category the membership may read. No text at all.

    The feed is one user's and is bounded by time, not by a count: every open task due from
    ``CALENDAR_PAST_DAYS`` days ago on, however far ahead. An older overdue task leaves the
    calendar (the worklist and the reminders still show it); a count would instead drop the
    latest dates of a full calendar without a word."""
    since = timezone.localdate() - timedelta(days=CALENDAR_PAST_DAYS)
    tasks = list(
        Task.objects.filter(
            assignee_id=membership.user_id, status=v.TaskStatus.OPEN, due_on__gte=since
        )
        .select_related("case__lead_organisation", "case__person")
        .order_by("due_on", "pk")
    )
    cases = list({t.case_id: t.case for t in tasks}.values())
    grants = {g.case.pk: g for g in case_grants(actor_membership=membership, cases=cases)}
    due = []
    for task in tasks:
        if grants[task.case_id].may(task.category):
            due.append((task.pk, task.due_on, task.case_id))
    access_record(
        actor_membership=membership,
        grants=[grants[c] for c in {d[2] for d in due}],
        action="calendar_read",
        path="icalendar",
        categories=[Category.COORDINATION],
    )
    return due
