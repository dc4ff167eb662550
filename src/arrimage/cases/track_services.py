"""Writes on the tracks of a case: exploitation (HTCDS 2.0 vocabularies), immigration (permit,
asylum, detention, deadlines) and mental-health follow-ups. Each track is its own category."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases import validation as check
from arrimage.cases import vocabularies as v
from arrimage.cases.access import CaseGrant
from arrimage.cases.exploitation_vocabularies import (
    LabourExploitationType,
    MethodOfControl,
    MethodOfRecruitment,
    SexExploitationType,
    StatusDecidedBy,
    TraffickingStatus,
)
from arrimage.cases.immigration_health_vocabularies import (
    ApplicationStatus,
    Coverage,
    FollowUpKind,
    FollowUpStatus,
    ImmigrationStatus,
)
from arrimage.cases.models import Case, Exploitation, HealthFollowUp, ImmigrationTrack, Task
from arrimage.cases.sealing import category_data, category_write, seal_text
from arrimage.cases.writing import acting_membership, case_touch, write_grant, write_record
from arrimage.privacy.categories import Category


def exploitation_update(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> Exploitation:
    """Record exploitation information. Every field is optional: no label is ever required to
    get help. A trafficking status says who decided it."""
    status = check.choice(
        data.get("trafficking_status"), TraffickingStatus, label=_("the trafficking status")
    )
    decided_by = check.choice(
        data.get("status_decided_by"), StatusDecidedBy, label=_("who decided")
    )
    if status and not decided_by:
        raise ValidationError(
            _("Say who decided the trafficking status."), code="decided_by_required"
        )
    cleaned = {
        "sex_exploitation_types": check.choices(
            data.get("sex_exploitation_types"),
            SexExploitationType,
            label=_("the types of exploitation"),
        ),
        "labour_exploitation_types": check.choices(
            data.get("labour_exploitation_types"),
            LabourExploitationType,
            label=_("the types of exploitation"),
        ),
        "methods_of_control": check.choices(
            data.get("methods_of_control"), MethodOfControl, label=_("the means of control")
        ),
        "methods_of_recruitment": check.choices(
            data.get("methods_of_recruitment"),
            MethodOfRecruitment,
            label=_("the methods of recruitment"),
        ),
        "trafficking_status": status,
        "status_decided_by": decided_by if status else "",
        "status_decided_on": check.parse_date(
            data.get("status_decided_on"),
            label=_("The decision date"),
            past_years=30,
            future_years=0,
        )
        if status
        else None,
        "details": check.text(data.get("details"), label=_("Details"), maximum=check.MAX_TEXT),
    }
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.EXPLOITATION)
        record, _created = Exploitation.objects.get_or_create(
            case=grant.case,
            defaults={"owner_organisation_id": grant.case.lead_organisation_id},
        )
        category_write(record, Category.EXPLOITATION, cleaned)
        record.save(update_fields=["exploitation_sealed"])
        case_touch(grant.case)
        write_record(
            actor_membership,
            grant,
            "exploitation_updated",  # type: ignore[arg-type]
            Category.EXPLOITATION,
        )
    return record


def immigration_update(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> ImmigrationTrack:
    """The immigration track, the person's citizenship included (kept as it was when ``data``
    has no ``citizenship``). A temporary resident permit for victims of trafficking gets a
    renewal due date (90 days before it ends unless given) and a permit-renewal task; the
    detention flag makes the case urgent for the lead organisation."""
    issued = check.parse_date(
        data.get("trp_issued_on"), label=_("The permit issue date"), past_years=10, future_years=1
    )
    expires = check.parse_date(
        data.get("trp_expires_on"), label=_("The permit end date"), past_years=10, future_years=5
    )
    if issued and expires and expires <= issued:
        raise ValidationError(_("The permit must end after it was issued."), code="permit_dates")
    renewal = check.parse_date(
        data.get("trp_renewal_due_on"),
        label=_("The renewal due date"),
        past_years=10,
        future_years=5,
    )
    if expires and renewal is None:
        renewal = expires - PERMIT_RENEWAL_LEAD
    citizenship = check.citizenship(data["citizenship"]) if "citizenship" in data else None
    cleaned: dict[str, Any] = {
        "status": check.choice(
            data.get("status"), ImmigrationStatus, label=_("the immigration status")
        ),
        "trp_issued_on": issued,
        "trp_expires_on": expires,
        "trp_renewal_due_on": renewal,
        "asylum_claim": check.choice(
            data.get("asylum_claim"), ApplicationStatus, label=_("the asylum claim")
        ),
        "humanitarian_application": check.choice(
            data.get("humanitarian_application"),
            ApplicationStatus,
            label=_("the humanitarian application"),
        ),
        "ifhp_covered_until": check.parse_date(
            data.get("ifhp_covered_until"),
            label=_("The IFHP coverage end"),
            past_years=10,
            future_years=5,
        ),
        "legal_representative": check.text(
            data.get("legal_representative"), label=_("Legal representative"), maximum=200
        ),
        "is_detained": bool(data.get("is_detained")),
    }
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.IMMIGRATION)
        case = grant.case
        track, _created = ImmigrationTrack.objects.get_or_create(
            case=case,
            defaults={"owner_organisation_id": case.lead_organisation_id},
        )
        if citizenship is None:
            citizenship = category_data(grant, track, Category.IMMIGRATION).get("citizenship")
        if citizenship:
            cleaned["citizenship"] = citizenship
        category_write(track, Category.IMMIGRATION, cleaned)
        track.save(update_fields=["immigration_sealed"])
        if case.is_urgent != cleaned["is_detained"]:
            case.is_urgent = bool(cleaned["is_detained"])
            Case.objects.filter(pk=case.pk).update(is_urgent=case.is_urgent)
        if renewal is not None:
            _permit_task(actor_membership, grant, renewal)  # type: ignore[arg-type]
        case_touch(case)
        write_record(
            actor_membership,
            grant,
            "immigration_updated",  # type: ignore[arg-type]
            Category.IMMIGRATION,
        )
    return track


PERMIT_RENEWAL_LEAD = timedelta(days=90)


def _permit_task(actor_membership: Membership, grant: CaseGrant, due: date) -> None:
    case = grant.case
    task = Task.objects.filter(
        case=case, kind=v.TaskKind.PERMIT_RENEWAL, status=v.TaskStatus.OPEN
    ).first()
    if task is None:
        task = Task(
            case=case,
            category=Category.IMMIGRATION,
            kind=v.TaskKind.PERMIT_RENEWAL,
            owner_organisation_id=case.lead_organisation_id,
            due_on=due,
            assignee_id=case.assigned_worker_id or actor_membership.user_id,
        )
        seal_text(task, "title_sealed", str(_("Renew the temporary resident permit")))
        task.save()
    elif task.due_on != due:
        task.due_on = due
        task.save(update_fields=["due_on"])


def health_follow_up_add(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> HealthFollowUp:
    """A mental-health referral or appointment with its coverage; an optional long-term
    follow-up date adds a health task."""
    cleaned = {
        "kind": check.choice(data.get("kind"), FollowUpKind, label=_("the kind"), required=True),
        "service": check.text(
            data.get("service"), label=_("The service"), maximum=200, required=True
        ),
        "scheduled_on": check.parse_date(
            data.get("scheduled_on"), label=_("The date"), past_years=2, future_years=2
        ),
        "coverage": check.choice(
            data.get("coverage"), Coverage, label=_("the coverage"), required=True
        ),
        "status": check.choice(
            data.get("status") or FollowUpStatus.PLANNED, FollowUpStatus, label=_("the status")
        ),
        "details": check.text(data.get("details"), label=_("Details"), maximum=check.MAX_TEXT),
    }
    follow_up_on = check.parse_date(
        data.get("follow_up_on"), label=_("The follow-up date"), past_years=0, future_years=5
    )
    with transaction.atomic():
        grant = write_grant(actor_membership, case_id, Category.HEALTH)
        record = HealthFollowUp(
            case=grant.case, owner_organisation_id=grant.case.lead_organisation_id
        )
        category_write(record, Category.HEALTH, cleaned)
        record.save()
        if follow_up_on is not None:
            task = Task(
                case=grant.case,
                category=Category.HEALTH,
                kind=v.TaskKind.HEALTH_FOLLOW_UP,
                due_on=follow_up_on,
                owner_organisation_id=grant.case.lead_organisation_id,
                assignee_id=acting_membership(actor_membership).user_id,
            )
            seal_text(
                task,
                "title_sealed",
                str(_("Follow up: %(service)s") % {"service": cleaned["service"]}),
            )
            task.save()
        case_touch(grant.case)
        write_record(
            actor_membership,
            grant,
            "health_follow_up_added",  # type: ignore[arg-type]
            Category.HEALTH,
        )
    return record
