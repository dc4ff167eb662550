"""Reads of cases. Each takes the acting membership first, applies the policy through
:mod:`arrimage.cases.access`, audits what it returns, and returns plain view-models (dicts)
that simply lack every field the reader may not read. This module reads one case (and builds
the view-models the other reads share); ``worklist_selectors.py``, ``reminder_selectors.py``,
``export_selectors.py`` and ``search.py`` read lists.
"""

from collections import defaultdict
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, access_record, case_grant
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
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import may_read_access_log, reader_of

PERSON_CATEGORIES = (Category.IDENTITY, Category.CONTACT, Category.LOCATION)
CLOSED_STATUSES = (v.CaseStatus.CLOSED, v.CaseStatus.CLOSED_REFERRED)

# What a list reads of a case and its relations: the person's identity at most (the other
# sealed columns stay in the rows), the lead organisation's name and type, the worker's name.
LIST_FIELDS = (
    "id",
    "person_id",
    "lead_organisation_id",
    "status",
    "reference",
    "is_urgent",
    "assigned_worker_id",
    "opened_at",
    "updated_at",
    "closed_at",
    "person__id",
    "person__organisation_id",
    "person__identity_sealed",
    "person__is_anonymised",
    "lead_organisation__id",
    "lead_organisation__name",
    "lead_organisation__type",
    "assigned_worker__id",
    "assigned_worker__full_name",
)

# What is read of a task (``selectors.task_view``).
TASK_FIELDS = (
    "id",
    "owner_organisation_id",
    "case_id",
    "category",
    "kind",
    "title_sealed",
    "due_on",
    "status",
    "assignee_id",
    "assignee__id",
    "assignee__full_name",
)


def person_view(grant: CaseGrant) -> dict[str, Any]:
    person = grant.case.person
    view: dict[str, Any] = {"id": str(person.pk)}
    for category in PERSON_CATEGORIES:
        if grant.may(category):
            view.update(category_data(grant, person, category))
    return view


def _display_name(person_view: dict[str, Any], case: Case) -> str:
    return person_view.get("alias") or person_view.get("given_name") or case.reference


def task_view(grant: CaseGrant, task: Task) -> dict[str, Any]:
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


def case_header(grant: CaseGrant, person: dict[str, Any]) -> dict[str, Any]:
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
    person = person_view(grant)
    view = case_header(grant, person)
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
            ).only("id", "need_type", "urgency", "status", "created_at")
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
        for g in Goal.objects.filter(plan__case=case, category__in=readable)
        .select_related("plan")
        .only(
            "id",
            "owner_organisation_id",
            "category",
            "text_sealed",
            "status",
            "target_on",
            "plan__id",
            "plan__case_id",
        )
    ]
    view["tasks"] = [
        task_view(grant, t)
        for t in Task.objects.filter(case=case, category__in=readable)
        .select_related("assignee")
        .only(*TASK_FIELDS)
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
        for n in Note.objects.filter(case=case, category__in=readable)
        .select_related("author", "author_organisation")
        .only(
            "id",
            "owner_organisation_id",
            "case_id",
            "category",
            "body_sealed",
            "created_at",
            "author__id",
            "author__full_name",
            "author_organisation__id",
            "author_organisation__name",
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


# Access log and helpers --------------------------------------------------------------------


def case_access_log(
    *, actor_membership: Membership | None, case_id: UUID | str
) -> tuple[Case, QuerySet[CaseAccess]]:
    """Who saw or changed what on this case, and when: for the lead organisation only, in the
    roles the policy names (``may_read_access_log``: its administrator included, who reads no
    category of the case). The log holds no personal data of the person. Every entry, newest
    first: the page shows it by pages."""
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
    entries = CaseAccess.objects.filter(case_id=case.pk).select_related("actor", "organisation")
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
