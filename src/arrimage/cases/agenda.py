"""What a caseworker must act on soon, for the home page: tasks due, immigration dates and
consents about to end. Each item passes the one policy function (the case grant, by the
item's own category), and the read is written to each case's access log.

An immigration date is an open task of the immigration category (a permit's renewal date
becomes one, ``services.immigration_update``): only readers of immigration see it, so it never
reaches police, border enforcement or prosecution, not even as a count.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, access_record
from arrimage.cases.models import Case, Task
from arrimage.cases.selectors import task_view
from arrimage.cases.worklist_selectors import visible_grants
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import categories_member_reads

TASK_HORIZON = timedelta(days=7)
IMMIGRATION_HORIZON = timedelta(days=30)
CONSENT_HORIZON = timedelta(days=30)
SHOWN = 10


@dataclass
class CaseAgenda:
    tasks_due: list[dict[str, Any]]
    immigration_dates: list[dict[str, Any]]
    consents_expiring: list[dict[str, Any]]


def case_agenda(*, actor_membership: Membership | None) -> CaseAgenda:
    """The acting user's open tasks (theirs or nobody's) overdue or due within 7 days, the
    immigration dates of the next 30 days, and the consents recorded by the organisation that
    end within 30 days, on the cases it may see. Audited (``notifications_read``)."""
    if actor_membership is None:
        raise NotFound
    actor = actor_membership
    today = timezone.localdate()
    grants, _more = visible_grants(actor_membership=actor, limit=500, include_closed=False)
    by_case = {g.case.pk: g for g in grants}
    tasks_due: list[dict[str, Any]] = []
    immigration: list[dict[str, Any]] = []
    shown: dict[Category, dict[Any, CaseGrant]] = {}
    if by_case:
        tasks = (
            Task.objects.filter(
                case_id__in=list(by_case),
                status=v.TaskStatus.OPEN,
                due_on__lte=today + IMMIGRATION_HORIZON,
            )
            .filter(Q(assignee_id=actor.user_id) | Q(assignee__isnull=True))
            .select_related("assignee")
            .order_by("due_on")
        )
        for task in tasks:
            grant = by_case[task.case_id]
            category = Category(task.category)
            if not grant.may(category):
                continue
            is_immigration = category == Category.IMMIGRATION
            if not is_immigration and task.due_on > today + TASK_HORIZON:
                continue
            target = immigration if is_immigration else tasks_due
            if len(target) >= SHOWN:
                continue
            item = task_view(grant, task)
            item.update(case_id=str(task.case_id), case_reference=grant.case.reference)
            target.append(item)
            shown.setdefault(category, {})[grant.case.pk] = grant
    consents = _consents_expiring(actor, today)
    for category, cases in shown.items():
        access_record(
            actor_membership=actor,
            grants=list(cases.values()),
            action="notifications_read",
            path="home",
            categories=[category],
        )
    return CaseAgenda(
        tasks_due=tasks_due, immigration_dates=immigration, consents_expiring=consents
    )


def _consents_expiring(actor: Membership, today: Any) -> list[dict[str, Any]]:
    """Consents the organisation recorded that end within 30 days, for those who record
    them; only consents all of whose categories the reader may read."""
    readable = categories_member_reads(actor)
    if Category.IDENTITY not in readable:
        return []
    now = timezone.now()
    records = list(
        ConsentRecord.objects.filter(
            organisation_id=actor.organisation_id,
            withdrawn_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + CONSENT_HORIZON,
        )
        .select_related("recipient")
        .order_by("expires_at")[:50]
    )
    records = [r for r in records if all(Category(c) in readable for c in r.categories)]
    cases = {
        case.person_id: case
        for case in Case.objects.filter(
            lead_organisation_id=actor.organisation_id,
            person_id__in=[r.person_id for r in records],
        )
    }
    items = []
    for record in records:
        case = cases.get(record.person_id)
        if case is None:
            continue
        items.append(
            {
                "case_id": str(case.pk),
                "case_reference": case.reference,
                "recipient": record.recipient.name,
                "expires_at": record.expires_at,
            }
        )
    return items[:SHOWN]
