"""Writes on a case's plan: notes, tasks, needs and goals, each tagged with the category it is
about. Keyword-only, validated, atomic, audited; a write into a category the actor may not
read is refused as ``NotFound`` and changes nothing."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases import validation as check
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant, case_grant
from arrimage.cases.models import Goal, Need, Note, Plan, Task
from arrimage.cases.sealing import seal_text
from arrimage.cases.writing import (
    acting_membership,
    case_touch,
    category_of,
    write_grant,
    write_record,
)
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category


def note_add(
    *, actor_membership: Membership | None, case_id: UUID | str, category: str, body: str
) -> Note:
    """Add a note tagged with one category; the actor must read that category."""
    cat = category_of(category)
    cleaned = check.text(body, label=_("The note"), maximum=check.MAX_NOTE, required=True)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, cat)
        note = Note(
            case=grant.case,
            category=cat,
            owner_organisation_id=grant.case.lead_organisation_id,
            author_id=acting_membership(actor_membership).user_id,
            author_organisation_id=acting_membership(actor_membership).organisation_id,
        )
        seal_text(note, "body_sealed", cleaned)
        note.save()
        case_touch(grant.case)
        write_record(actor_membership, grant, "note_added", cat)  # type: ignore[arg-type]
    return note


def _assignee_id(
    actor_membership: Membership | None, grant: CaseGrant, assignee_id: UUID | str | None
) -> UUID | None:
    if actor_membership is None:
        raise NotFound
    if assignee_id in (None, ""):
        return None
    try:
        wanted = UUID(str(assignee_id))
    except ValueError as error:
        raise ValidationError(
            _("Choose the person responsible from the list."), code="invalid_assignee"
        ) from error
    allowed = Membership.objects.filter(
        user_id=wanted,
        organisation_id__in={actor_membership.organisation_id, grant.case.lead_organisation_id},
    ).exists()
    if not allowed:
        raise ValidationError(
            _("Choose the person responsible from the list."), code="invalid_assignee"
        )
    return wanted


def task_add(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    title: str,
    due_on: object,
    category: str = Category.COORDINATION,
    assignee_id: UUID | str | None = None,
    kind: str = v.TaskKind.MANUAL,
) -> Task:
    cat = category_of(category)
    cleaned = check.text(title, label=_("The task"), maximum=check.MAX_SHORT, required=True)
    due = check.parse_date(
        due_on, label=_("The due date"), past_years=1, future_years=5, required=True
    )
    assert due is not None  # required=True
    kind = check.choice(kind, v.TaskKind, label=_("the kind of task"), required=True)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, cat)
        task = Task(
            case=grant.case,
            category=cat,
            kind=kind,
            due_on=due,
            owner_organisation_id=grant.case.lead_organisation_id,
            assignee_id=_assignee_id(actor_membership, grant, assignee_id),
        )  # type: ignore[arg-type]
        seal_text(task, "title_sealed", cleaned)
        task.save()
        case_touch(grant.case)
        write_record(actor_membership, grant, "task_added", cat)  # type: ignore[arg-type]
    return task


def task_complete(
    *, actor_membership: Membership | None, case_id: UUID | str, task_id: UUID | str
) -> Task:
    with transaction.atomic():
        grant = case_grant(actor_membership=actor_membership, case_id=case_id, for_update=True)
        try:
            task = Task.objects.get(pk=UUID(str(task_id)), case=grant.case)
        except (ValueError, Task.DoesNotExist) as error:
            raise NotFound from error
        if not grant.may(task.category):
            raise NotFound
        task.status = v.TaskStatus.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
        case_touch(grant.case)
        write_record(
            actor_membership,
            grant,
            "task_completed",  # type: ignore[arg-type]
            Category(task.category),
        )
    return task


def need_add(
    *, actor_membership: Membership | None, case_id: UUID | str, need_type: str, urgency: str
) -> Need:
    cleaned_type = check.choice(need_type, v.NeedType, label=_("the need"), required=True)
    cleaned_urgency = check.choice(urgency, v.Urgency, label=_("the urgency"), required=True)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.COORDINATION)
        if cleaned_type not in Need.readable_types(grant.readable):
            raise NotFound
        need = Need.objects.create(
            case=grant.case,
            need_type=cleaned_type,
            urgency=cleaned_urgency,
            owner_organisation_id=grant.case.lead_organisation_id,
        )
        case_touch(grant.case)
        write_record(actor_membership, grant, "need_added", Category.COORDINATION)  # type: ignore[arg-type]
    return need


def need_set_status(
    *, actor_membership: Membership | None, case_id: UUID | str, need_id: UUID | str, status: str
) -> Need:
    cleaned = check.choice(status, v.NeedStatus, label=_("the status"), required=True)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.COORDINATION)
        try:
            need = Need.objects.get(
                pk=UUID(str(need_id)),
                case=grant.case,
                need_type__in=Need.readable_types(grant.readable),
            )
        except (ValueError, Need.DoesNotExist) as error:
            raise NotFound from error
        need.status = cleaned
        need.save(update_fields=["status"])
        case_touch(grant.case)
        write_record(actor_membership, grant, "need_updated", Category.COORDINATION)  # type: ignore[arg-type]
    return need


def goal_add(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    text: str,
    target_on: object = None,
    category: str = Category.COORDINATION,
) -> Goal:
    """Add a goal to the plan, tagged (like a note) with the category of what it is about;
    the actor must read that category."""
    cat = category_of(category)
    cleaned = check.text(text, label=_("The goal"), maximum=check.MAX_TEXT, required=True)
    target = check.parse_date(target_on, label=_("The target date"), past_years=0, future_years=5)
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, cat)
        plan, _created = Plan.objects.get_or_create(
            case=grant.case,
            defaults={"owner_organisation_id": grant.case.lead_organisation_id},
        )
        goal = Goal(
            plan=plan,
            category=cat,
            target_on=target,
            owner_organisation_id=grant.case.lead_organisation_id,
        )
        seal_text(goal, "text_sealed", cleaned)
        goal.save()
        case_touch(grant.case)
        write_record(actor_membership, grant, "goal_added", cat)  # type: ignore[arg-type]
    return goal
