"""Reads of cases. Each takes the acting membership first, applies the policy through
:mod:`arrimage.cases.access`, audits what it returns, and returns plain view-models (dicts)
that simply lack every field the reader may not read.

Interfaces used by other parts of Arrimage (Law 25 portability, retention):

- :func:`person_export_grants` and :func:`person_export_data` — everything about a person
  the actor may read, as JSON-ready data.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, access_record, case_grant, case_grants
from arrimage.cases.models import (
    Case,
    CaseAccess,
    Document,
    Exploitation,
    Goal,
    HealthFollowUp,
    ImmigrationTrack,
    Need,
    Note,
    Person,
    Task,
)
from arrimage.cases.sealing import category_data, open_text
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consents_active_for_recipient, consents_of_person
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import may_read_access_log, reader_of, reads_in_own_records

PERSON_CATEGORIES = (Category.IDENTITY, Category.CONTACT, Category.LOCATION)
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
CLOSED_STATUSES = (v.CaseStatus.CLOSED, v.CaseStatus.CLOSED_REFERRED)


def _person_view(grant: CaseGrant) -> dict[str, Any]:
    person = grant.case.person
    view: dict[str, Any] = {"id": str(person.pk)}
    for category in PERSON_CATEGORIES:
        if grant.may(category):
            view.update(category_data(grant, person, category))
    return view


def _display_name(person_view: dict[str, Any], case: Case) -> str:
    return person_view.get("alias") or person_view.get("given_name") or case.reference


def _task_view(grant: CaseGrant, task: Task) -> dict[str, Any]:
    return {
        "id": str(task.pk),
        "category": task.category,
        "kind": task.kind,
        "title": open_text(grant, task, "title_sealed"),
        "due_on": task.due_on,
        "status": task.status,
        "assignee": task.assignee.full_name if task.assignee_id and task.assignee else None,
        "assignee_id": str(task.assignee_id) if task.assignee_id else None,
        "is_overdue": task.status == v.TaskStatus.OPEN and task.due_on < timezone.localdate(),
    }


def _case_header(grant: CaseGrant, person: dict[str, Any]) -> dict[str, Any]:
    case = grant.case
    view: dict[str, Any] = {
        "id": str(case.pk),
        "reference": case.reference,
        "display_name": _display_name(person, case),
        "lead_organisation": {
            "id": str(case.lead_organisation_id),
            "name": case.lead_organisation.name,
        },
        "is_lead": grant.is_lead,
        "readable_categories": sorted(str(c) for c in grant.readable),
    }
    if grant.may(Category.COORDINATION):
        view["status"] = case.status
        view["opened_at"] = case.opened_at
        view["updated_at"] = case.updated_at
    if grant.is_lead and grant.may(Category.COORDINATION) and grant.may(Category.IMMIGRATION):
        # Urgency comes from the immigration track (detention): it is immigration, for the
        # lead organisation's readers of immigration only.
        view["is_urgent"] = case.is_urgent
    return view


def _complete(model: type, category: Category, data: dict[str, Any]) -> dict[str, Any]:
    """Every field of the category, ``None`` where nothing was recorded."""
    fields = [f for f, c in model.FIELD_CATEGORIES.items() if c == category]  # type: ignore[attr-defined]
    return {name: data.get(name) for name in fields}


def case_view_build(grant: CaseGrant) -> dict[str, Any]:
    """Everything the grant allows about one case. No audit: callers audit."""
    case = grant.case
    person = _person_view(grant)
    view = _case_header(grant, person)
    view["person"] = person
    readable = [str(c) for c in grant.readable]
    if grant.may(Category.COORDINATION):
        view["assigned_worker"] = case.assigned_worker.full_name if case.assigned_worker else None
        view["needs"] = [
            {
                "id": str(n.pk),
                "need_type": n.need_type,
                "urgency": n.urgency,
                "status": n.status,
                "created_at": n.created_at,
            }
            for n in Need.objects.filter(
                case=case, need_type__in=Need.readable_types(grant.readable)
            )
        ]
    if grant.may(Category.LEGAL):
        view["legal"] = _complete(Case, Category.LEGAL, category_data(grant, case, Category.LEGAL))
    if grant.may(Category.EXPLOITATION):
        # From the case's own query when it was loaded with it (case_get), else one query.
        exploitation: Exploitation | None = getattr(case, "exploitation", None)
        view["exploitation"] = _complete(
            Exploitation,
            Category.EXPLOITATION,
            category_data(grant, exploitation, Category.EXPLOITATION) if exploitation else {},
        )
    if grant.may(Category.IMMIGRATION):
        track: ImmigrationTrack | None = getattr(case, "immigration", None)
        view["immigration"] = _complete(
            ImmigrationTrack,
            Category.IMMIGRATION,
            category_data(grant, track, Category.IMMIGRATION) if track else {},
        )
    if grant.may(Category.HEALTH):
        view["health_follow_ups"] = [
            {
                "id": str(h.pk),
                **_complete(
                    HealthFollowUp, Category.HEALTH, category_data(grant, h, Category.HEALTH)
                ),
            }
            for h in HealthFollowUp.objects.filter(case=case)
        ]
    # Goals, like tasks and notes, carry the category of what they are about.
    view["goals"] = [
        {
            "id": str(g.pk),
            "category": g.category,
            "text": open_text(grant, g, "text_sealed"),
            "status": g.status,
            "target_on": g.target_on,
        }
        for g in Goal.objects.filter(plan__case=case, category__in=readable).select_related("plan")
    ]
    view["tasks"] = [
        _task_view(grant, t)
        for t in Task.objects.filter(case=case, category__in=readable).select_related("assignee")
    ]
    view["notes"] = [
        {
            "id": str(n.pk),
            "category": n.category,
            "body": open_text(grant, n, "body_sealed"),
            "author": n.author.full_name if n.author else None,
            "author_organisation": n.author_organisation.name,
            "created_at": n.created_at,
        }
        for n in Note.objects.filter(case=case, category__in=readable).select_related(
            "author", "author_organisation"
        )
    ]
    view["documents"] = [
        {
            "id": str(d.pk),
            "category": d.category,
            "filename": open_text(grant, d, "filename_sealed"),
            "content_type": d.content_type,
            "size": d.size,
            "created_at": d.created_at,
        }
        for d in Document.objects.filter(case=case, category__in=readable).defer("content_sealed")
    ]
    return view


def case_get(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    path: str = "page",
    require: Category | None = None,
) -> dict[str, Any]:
    """One case as the acting organisation may see it; audited in the case's access log.
    ``require``: a page about that category refuses (``NotFound``) before anything is read,
    so a refusal leaves no read in the log."""
    grant = case_grant(
        actor_membership=actor_membership,
        case_id=case_id,
        require=require,
        related=("assigned_worker", "exploitation", "immigration"),
    )
    view = case_view_build(grant)
    access_record(
        actor_membership=actor_membership,
        grants=[grant],  # type: ignore[arg-type]
        action="case_read",
        path=path,
    )
    return view


# Worklist -------------------------------------------------------------------------------------


@dataclass
class Worklist:
    cases: list[dict[str, Any]]
    tasks_due: list[dict[str, Any]]
    events: list[dict[str, Any]]
    page: int
    has_next: bool
    total_own: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _shared_person_ids(membership: Membership) -> QuerySet[ConsentRecord, Any]:
    """The persons whose active consent names the organisation, as a subquery: the shared
    cases are found in one query."""
    return consents_active_for_recipient(
        recipient_id=membership.organisation_id,
        purpose=Purpose.COORDINATION,
        at=timezone.now(),
    ).values("person_id")


def visible_grants(
    *,
    actor_membership: Membership,
    limit: int,
    offset: int = 0,
    include_closed: bool = True,
) -> tuple[list[CaseGrant], bool]:
    """The cases the acting organisation may see, urgent and recently updated first: its own
    (from the worklist index) and those shared with it by a consent. Returns the grants and
    whether more exist."""
    wanted = offset + limit + 1
    base = Case.objects.select_related("lead_organisation", "person", "assigned_worker")
    if not include_closed:
        base = base.exclude(status__in=CLOSED_STATUSES)
    # Urgent first only for readers of immigration: the order would tell the others.
    urgent_first = reads_in_own_records(
        reader=reader_of(actor_membership), category=Category.IMMIGRATION
    )
    order = ("-is_urgent", "-updated_at") if urgent_first else ("-updated_at",)
    own = list(
        base.filter(lead_organisation_id=actor_membership.organisation_id).order_by(*order)[:wanted]
    )
    shared = list(
        base.filter(person_id__in=_shared_person_ids(actor_membership))
        .exclude(lead_organisation_id=actor_membership.organisation_id)
        .order_by("-updated_at")[:wanted]
    )
    merged = sorted(
        own + shared,
        key=lambda c: (
            not (
                urgent_first
                and c.is_urgent
                and c.lead_organisation_id == actor_membership.organisation_id
            ),
            -c.updated_at.timestamp(),
        ),
    )
    grants = [g for g in case_grants(actor_membership=actor_membership, cases=merged) if g.readable]
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
    view = _case_header(grant, person)
    if grant.may(Category.COORDINATION):
        view["assigned_worker"] = (
            grant.case.assigned_worker.full_name if grant.case.assigned_worker else None
        )
    view["next_task"] = _task_view(grant, next_task) if next_task else None
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
            item = _task_view(grant, task)
            item["case_id"] = str(task.case_id)
            item["case_reference"] = task.case.reference
            tasks_due.append(item)

    events = []
    if by_case:
        for entry in (
            CaseAccess.objects.filter(case_id__in=list(by_case), action__in=WRITE_ACTIONS)
            .select_related("organisation")
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


# Export ---------------------------------------------------------------------------------------


def case_export(
    *, actor_membership: Membership | None, case_id: UUID | str, path: str = "export"
) -> dict[str, Any]:
    """The case as a JSON-ready document, with only the readable categories. Audited."""
    grant = case_grant(actor_membership=actor_membership, case_id=case_id)
    view = case_view_build(grant)
    view["exported_at"] = timezone.now()
    view["format"] = "arrimage-case/1"
    access_record(
        actor_membership=actor_membership,
        grants=[grant],  # type: ignore[arg-type]
        action="case_exported",
        path=path,
    )
    return view


def person_export_grants(*, actor: Membership | None, person_id: UUID | str) -> list[CaseGrant]:
    """The actor's grants on each case of the person that it may read something of, oldest
    case first. Missing or unreadable: ``NotFound``."""
    if actor is None:
        raise NotFound
    try:
        person_uuid = UUID(str(person_id))
    except ValueError as error:
        raise NotFound from error
    cases = list(
        Case.objects.select_related("lead_organisation", "person", "assigned_worker")
        .filter(person_id=person_uuid)
        .order_by("opened_at")
    )
    grants = [g for g in case_grants(actor_membership=actor, cases=cases) if g.readable]
    if not grants:
        raise NotFound
    return grants


def _access_log_export(grant: CaseGrant) -> list[dict[str, Any]]:
    """The whole access log of a case, oldest first, for its lead organisation's export."""
    entries = CaseAccess.objects.filter(case_id=grant.case.pk).select_related("organisation")
    return [
        {
            "occurred_at": entry.occurred_at,
            "organisation": entry.organisation.name if entry.organisation else "",
            "action": entry.action,
            "path": entry.path,
            "categories": [c for c in entry.categories.split(",") if c],
        }
        for entry in entries.order_by("occurred_at", "id")
    ]


def person_export_data(*, actor: Membership, grants: list[CaseGrant]) -> dict[str, Any]:
    """Law 25 portability: everything about a person that the actor may read on these cases
    (:func:`person_export_grants`), filtered by the policy, as JSON-ready data (dates are
    ``date``/``datetime`` objects; serialise with ``DjangoJSONEncoder``). ``{"person": {...},
    "cases": [case views], "consents": [...]}``; the lead organisation's case views carry the
    case's access log, and only the lead organisation gets the consents. Audited (action
    ``person_exported``)."""
    views = []
    for grant in grants:
        view = case_view_build(grant)
        if grant.is_lead:
            view["access_log"] = _access_log_export(grant)
        views.append(view)
    person = dict(views[0]["person"])
    consents = []
    if any(g.is_lead for g in grants):
        consents = [
            {
                "id": str(c.pk),
                "recipient": c.recipient.name,
                "categories": c.categories,
                "purpose": c.purpose,
                "method": c.method,
                "recorded_at": c.recorded_at,
                "expires_at": c.expires_at,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in consents_of_person(person=grants[0].case.person)
        ]
    access_record(actor_membership=actor, grants=grants, action="person_exported", path="export")
    return {
        "format": "arrimage-person/1",
        "exported_at": timezone.now(),
        "person": person,
        "cases": views,
        "consents": consents,
    }


# Notifications and calendar ---------------------------------------------------------------


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
        case__person_id__in=_shared_person_ids(actor_membership)
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
        item = _task_view(grant, task)
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
    organisation may see, whose category the membership may read. No text at all."""
    tasks = list(
        Task.objects.filter(assignee_id=membership.user_id, status=v.TaskStatus.OPEN)
        .select_related("case__lead_organisation", "case__person")
        .order_by("due_on")[:500]
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


# Access log and helpers --------------------------------------------------------------------


def case_access_log(
    *, actor_membership: Membership | None, case_id: UUID | str
) -> tuple[Case, list[CaseAccess]]:
    """Who saw or changed what on this case, and when: for the lead organisation only, in the
    roles the policy names (``may_read_access_log``: its administrator included, who reads no
    category of the case). The log holds no personal data of the person."""
    if actor_membership is None:
        raise NotFound
    try:
        pk = UUID(str(case_id))
    except ValueError as error:
        raise NotFound from error
    case = Case.objects.filter(pk=pk).first()
    if case is None or not may_read_access_log(
        reader=reader_of(actor_membership), owner_organisation_id=case.lead_organisation_id
    ):
        raise NotFound
    entries = list(
        CaseAccess.objects.filter(case_id=case.pk).select_related("actor", "organisation")[:500]
    )
    return case, entries


def person_of_case(*, actor_membership: Membership | None, case_id: UUID | str) -> Person:
    grant = case_grant(
        actor_membership=actor_membership, case_id=case_id, require=Category.IDENTITY
    )
    return grant.case.person


def tasks_by_case(tasks: list[Task]) -> dict[UUID, list[Task]]:
    grouped: dict[UUID, list[Task]] = defaultdict(list)
    for task in tasks:
        grouped[task.case_id].append(task)
    return grouped
