"""The caseworker's worklist: the cases the acting organisation may see (its own and those shared
with it by a consent), urgent and recently updated first, with the user's tasks due and the
recent events on the listed cases. Policy applied, audited."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, access_record, case_grants
from arrimage.cases.models import Case, CaseAccess, Task
from arrimage.cases.sealing import category_data
from arrimage.cases.selectors import (
    CLOSED_STATUSES,
    LIST_FIELDS,
    TASK_FIELDS,
    case_header,
    task_view,
)
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consents_active_for_recipient
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import reader_of, reads_in_own_records

WRITE_ACTIONS = frozenset(
    {
        "case_created",
        "person_updated",
        "note_added",
        "task_added",
        "task_completed",
        "need_added",
        "need_updated",
        "goal_added",
        "document_added",
        "exploitation_updated",
        "immigration_updated",
        "health_follow_up_added",
        "legal_updated",
        "case_status_changed",
    }
)


EVENT_CATEGORY_SEPARATOR = ","


@dataclass
class Worklist:
    cases: list[dict[str, Any]]
    tasks_due: list[dict[str, Any]]
    events: list[dict[str, Any]]
    page: int
    has_next: bool
    total_own: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def shared_person_ids(membership: Membership) -> QuerySet[ConsentRecord, Any]:
    """The persons whose active consent names the organisation, as a subquery: the shared
    cases are found in one query."""
    return consents_active_for_recipient(
        recipient_id=membership.organisation_id,
        purpose=Purpose.COORDINATION,
        at=timezone.now(),
    ).values("person_id")


def _listed(case_ids: list[UUID]) -> dict[UUID, Case]:
    """The cases of a list, with what a list reads of them, in one query."""
    return (
        Case.objects.select_related("lead_organisation", "person", "assigned_worker")
        .only(*LIST_FIELDS)
        .in_bulk(case_ids)
    )


def visible_grants(
    *,
    actor_membership: Membership,
    limit: int,
    offset: int = 0,
    include_closed: bool = True,
) -> tuple[list[CaseGrant], bool]:
    """The cases the acting organisation may see, urgent and recently updated first: its own
    (from the worklist index) and those shared with it by a consent. Returns the grants and
    whether more exist.

    The order comes first, from the sort keys alone (no row is built); then only the cases of
    the window (and one more, to say whether more exist) are read and granted. A case the
    grant makes unreadable is skipped and the next ones are read in its place."""
    wanted = offset + limit + 1
    own_id = actor_membership.organisation_id
    cases = Case.objects.all()
    if not include_closed:
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    # Urgent first only for readers of immigration: the order would tell the others.
    urgent_first = reads_in_own_records(
        reader=reader_of(actor_membership), category=Category.IMMIGRATION
    )
    order = ("-is_urgent", "-updated_at") if urgent_first else ("-updated_at",)
    keys = ("pk", "is_urgent", "updated_at")
    own = cases.filter(lead_organisation_id=own_id).order_by(*order).values_list(*keys)[:wanted]
    shared = (
        cases.filter(person_id__in=shared_person_ids(actor_membership))
        .exclude(lead_organisation_id=own_id)
        .order_by("-updated_at")
        .values_list(*keys)[:wanted]
    )
    candidates = [
        pk
        for _first, _newest, pk in sorted(
            [
                (not (urgent_first and urgent), -updated.timestamp(), pk)
                for pk, urgent, updated in own
            ]
            + [(True, -updated.timestamp(), pk) for pk, _urgent, updated in shared]
        )
    ]
    grants: list[CaseGrant] = []
    start = 0
    while start < len(candidates) and len(grants) < wanted:
        batch = candidates[start : start + wanted - len(grants)]
        start += len(batch)
        listed = _listed(batch)
        found = [listed[pk] for pk in batch if pk in listed]
        grants.extend(
            g for g in case_grants(actor_membership=actor_membership, cases=found) if g.readable
        )
    window = grants[offset : offset + limit]
    return window, len(grants) > offset + limit


def _summary(grant: CaseGrant, next_task: Task | None) -> dict[str, Any]:
    person: dict[str, Any] = {}
    if grant.may(Category.IDENTITY):
        person = {
            k: val
            for k, val in category_data(grant, grant.case.person, Category.IDENTITY).items()
            if k in ("alias", "given_name")
        }
    view = case_header(grant, person)
    if grant.may(Category.COORDINATION):
        view["assigned_worker"] = (
            grant.case.assigned_worker.full_name if grant.case.assigned_worker else None
        )
    view["next_task"] = task_view(grant, next_task) if next_task else None
    return view


def case_list_for_worklist(
    *,
    actor_membership: Membership | None,
    page: int = 1,
    page_size: int = 25,
    path: str = "page",
) -> Worklist:
    """The acting organisation's worklist: cases (urgent first), the user's tasks due in the
    next 14 days or overdue, and recent events on the listed cases. Audited."""
    if actor_membership is None:
        raise NotFound
    page = page_number(page)
    grants, has_next = visible_grants(
        actor_membership=actor_membership, limit=page_size, offset=(page - 1) * page_size
    )
    by_case = {g.case.pk: g for g in grants}
    next_tasks: dict[UUID, Task] = {}
    if by_case:
        for task in (
            Task.objects.filter(case_id__in=list(by_case), status=v.TaskStatus.OPEN)
            .select_related("assignee")
            .only(*TASK_FIELDS)
            .order_by("due_on")
        ):
            if task.case_id not in next_tasks and by_case[task.case_id].may(task.category):
                next_tasks[task.case_id] = task
    summaries = [_summary(g, next_tasks.get(g.case.pk)) for g in grants]

    horizon = timezone.localdate() + timedelta(days=14)
    mine = list(
        Task.objects.filter(
            assignee_id=actor_membership.user_id, status=v.TaskStatus.OPEN, due_on__lte=horizon
        )
        .select_related("case__lead_organisation", "assignee")
        .only(
            *TASK_FIELDS,
            "case__id",
            "case__person_id",
            "case__reference",
            "case__lead_organisation__id",
            "case__lead_organisation__type",
        )
        .order_by("due_on")[:20]
    )
    task_grants = dict(by_case)
    missing = [
        case
        for case_id, case in {t.case_id: t.case for t in mine}.items()
        if case_id not in task_grants
    ]
    if missing:
        task_grants.update(
            (g.case.pk, g) for g in case_grants(actor_membership=actor_membership, cases=missing)
        )
    tasks_due = []
    for task in mine:
        grant = task_grants.get(task.case_id)
        if grant is not None and grant.may(task.category):
            item = task_view(grant, task)
            item["case_id"] = str(task.case_id)
            item["case_reference"] = task.case.reference
            tasks_due.append(item)

    events = []
    if by_case:
        for entry in (
            # Writes are logged with the path "write" (cases/writing.py): the index on the path
            # reads them alone, not the reads that every page adds to the log.
            CaseAccess.objects.filter(
                case_id__in=list(by_case), path="write", action__in=WRITE_ACTIONS
            )
            .select_related("organisation")
            .only("case_id", "action", "categories", "occurred_at", "organisation__name")
            .order_by("-occurred_at")[:15]
        ):
            grant = by_case[entry.case_id]
            codes = [c for c in entry.categories.split(EVENT_CATEGORY_SEPARATOR) if c]
            if codes and all(grant.may(c) for c in codes):
                events.append(
                    {
                        "case_id": str(entry.case_id),
                        "case_reference": grant.case.reference,
                        "action": entry.action,
                        "categories": codes,
                        "organisation": entry.organisation.name if entry.organisation else "",
                        "occurred_at": entry.occurred_at,
                    }
                )
    access_record(
        actor_membership=actor_membership,
        grants=grants,
        action="case_list_read",
        path=path,
        categories=[Category.IDENTITY, Category.COORDINATION],
    )
    return Worklist(
        cases=summaries, tasks_due=tasks_due, events=events, page=page, has_next=has_next
    )
