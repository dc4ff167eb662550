"""What the pages of cases share: the reader's membership, the labels of codes, a write
with its message, a link into the case page."""

from collections.abc import Callable
from functools import cache
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
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
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentMethod


def request_membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


@cache
def page_labels() -> dict[str, dict[str, Any]]:
    """The labels of the codes a page shows, built once: every label is a lazy translation,
    rendered in the language of each request. Read only."""
    return {
        "status": dict(v.CaseStatus.choices),
        "gender": dict(v.Gender.choices),
        "age_band": dict(v.AgeBand.choices),
        "need": dict(v.NeedType.choices),
        "urgency": dict(v.Urgency.choices),
        "need_status": dict(v.NeedStatus.choices),
        "goal_status": dict(v.GoalStatus.choices),
        "task_status": dict(v.TaskStatus.choices),
        "trafficking": dict(TraffickingStatus.choices),
        "decided_by": dict(StatusDecidedBy.choices),
        "sex": dict(SexExploitationType.choices),
        "labour": dict(LabourExploitationType.choices),
        "control": dict(MethodOfControl.choices),
        "recruitment": dict(MethodOfRecruitment.choices),
        "immigration": dict(ImmigrationStatus.choices),
        "application": dict(ApplicationStatus.choices),
        "coverage": dict(Coverage.choices),
        "follow_up": dict(FollowUpKind.choices),
        "follow_up_status": dict(FollowUpStatus.choices),
        "category": dict(Category.choices),
        "purpose": dict(Purpose.choices),
        "method": dict(ConsentMethod.choices),
        "action": {
            "case_created": _("case opened"),
            "person_updated": _("person updated"),
            "note_added": _("note added"),
            "task_added": _("task added"),
            "task_completed": _("task done"),
            "need_added": _("need added"),
            "need_updated": _("need updated"),
            "goal_added": _("goal added"),
            "document_added": _("document added"),
            "exploitation_updated": _("exploitation information updated"),
            "immigration_updated": _("immigration track updated"),
            "health_follow_up_added": _("health follow-up added"),
            "legal_updated": _("legal information updated"),
            "case_status_changed": _("status changed"),
            "case_read": _("case viewed"),
            "case_list_read": _("seen in a worklist"),
            "case_search": _("found by a search"),
            "case_exported": _("case exported"),
            "person_exported": _("person exported"),
            "notifications_read": _("seen in notifications"),
            "calendar_read": _("due date in a calendar feed"),
            "document_read": _("document opened"),
            "case_matching_read": _("needs read to find resources"),
            "referral_case_read": _("read with a referral"),
            "screening_started": _("screening started"),
            "screening_answered": _("screening answered"),
            "screening_attached": _("screening attached"),
            "screening_read": _("screening read"),
            "screening_listed": _("screening seen in a list"),
            "screening_exported": _("screening exported"),
            "conference_created": _("conference planned on the case"),
            "conference_read": _("seen in a conference agenda"),
            "conference_item_added": _("conference agenda item added"),
            "conference_minutes_written": _("conference minutes written"),
        },
        # How the access came: the page, the API, an export... (CaseAccess.path).
        "access_path": {
            "page": _("case page"),
            "api": _("API"),
            "export": _("export"),
            "home": _("home page"),
            "icalendar": _("calendar feed"),
            "list": _("list of cases"),
            "orientation": _("orientation"),
            "result": _("search results"),
            "service": _("automatic processing"),
            "write": _("change"),
            "conference": _("conference agenda"),
        },
    }


def run_service(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """Run a write; show its translated message. Returns whether it succeeded."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def case_url(case_id: UUID, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case_id]) + (f"#{anchor}" if anchor else "")
