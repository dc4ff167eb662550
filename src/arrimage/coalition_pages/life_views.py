"""Pages of a coalition's announcements, minutes, decisions and training sessions. Members
read them; coordinators write them (access.py); anyone else gets 404."""

from dataclasses import dataclass, field
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from arrimage.coalition_pages import selectors, services
from arrimage.coalition_pages.access import coalition_for_reader, may_coordinate
from arrimage.coalition_pages.forms import CoalitionTextForm, TrainingSessionForm
from arrimage.coalition_pages.models import TextKind
from arrimage.core.errors import NotFound


@dataclass
class AttendanceGroup:
    organisation: str
    count: int = 0
    names: list[str] = field(default_factory=list)


MAX_ID = 2**63

TEXT_PAGES = {
    TextKind.ANNOUNCEMENT: "coalition:announcements",
    TextKind.MINUTES: "coalition:minutes",
    TextKind.DECISION: "coalition:decisions",
}


@require_http_methods(["GET", "POST"])
def coalition_texts_view(request: HttpRequest, coalition_id: UUID, kind: str) -> HttpResponse:
    actor = getattr(request, "membership", None)
    coalition = coalition_for_reader(actor=actor, coalition_id=coalition_id)
    may_write = may_coordinate(actor=actor, coalition=coalition)
    texts = selectors.coalition_texts(coalition=coalition, kind=kind)
    decisions = list(texts) if kind == TextKind.DECISION else []
    form = None
    status = 200
    if request.method == "POST":
        if not may_write or actor is None:
            raise NotFound
        form = CoalitionTextForm(request.POST, kind=kind, decisions=decisions)
        if form.is_valid():
            try:
                services.coalition_text_publish(
                    actor=actor,
                    coalition=coalition,
                    kind=kind,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    happened_on=form.cleaned_data.get("happened_on"),
                    replaces_id=form.cleaned_data.get("replaces"),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Published. Every member organisation can read it."))
                return redirect(TEXT_PAGES[TextKind(kind)], coalition_id=coalition.pk)
        status = 400
    elif may_write:
        form = CoalitionTextForm(
            kind=kind, decisions=decisions, initial={"happened_on": services.today()}
        )
    return render(
        request,
        "coalition_pages/texts.html",
        {
            "coalition": coalition,
            "kind": kind,
            "kind_label": TextKind(kind).label,
            "texts": texts,
            "form": form,
            "may_write": may_write,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def training_list_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    actor = getattr(request, "membership", None)
    coalition = coalition_for_reader(actor=actor, coalition_id=coalition_id)
    may_write = may_coordinate(actor=actor, coalition=coalition)
    form = None
    status = 200
    if request.method == "POST":
        if not may_write or actor is None:
            raise NotFound
        form = TrainingSessionForm(request.POST)
        if form.is_valid():
            try:
                session = services.training_session_create(
                    actor=actor, coalition=coalition, **form.cleaned_data
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Training session added."))
                return redirect(
                    "coalition:training", coalition_id=coalition.pk, session_id=session.pk
                )
        status = 400
    elif may_write:
        form = TrainingSessionForm()
    return render(
        request,
        "coalition_pages/trainings.html",
        {
            "coalition": coalition,
            "sessions": selectors.training_sessions(coalition=coalition),
            "form": form,
            "may_write": may_write,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def training_detail_view(request: HttpRequest, coalition_id: UUID, session_id: int) -> HttpResponse:
    actor = getattr(request, "membership", None)
    coalition = coalition_for_reader(actor=actor, coalition_id=coalition_id)
    session = selectors.training_session_get(coalition=coalition, session_id=session_id)
    if session is None:
        raise NotFound
    may_write = may_coordinate(actor=actor, coalition=coalition)
    errors: list[str] = []
    if request.method == "POST":
        if not may_write or actor is None:
            raise NotFound
        values = request.POST.getlist("attendee")
        # Ids are positive 64-bit integers: anything else was not in the list.
        if not all(
            len(value) <= 19 and value.isascii() and value.isdigit() and 0 < int(value) < MAX_ID
            for value in values
        ):
            errors.append(_("Choose the people from the list."))
        else:
            chosen = [int(value) for value in values]
            try:
                count = services.training_attendance_record(
                    actor=actor, session=session, membership_ids=chosen
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance recorded: %(count)s person.",
                        "Attendance recorded: %(count)s people.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(
                    "coalition:training", coalition_id=coalition.pk, session_id=session.pk
                )
    attendances = list(selectors.training_attendances(session=session))
    attended = {a.user_id for a in attendances}
    # Coordinators see every attendee's name; other members see how many people of each
    # organisation attended, and the names of their own organisation's people.
    groups: dict[object, AttendanceGroup] = {}
    for attendance in attendances:
        group = groups.setdefault(
            attendance.organisation_id, AttendanceGroup(attendance.organisation.name)
        )
        group.count += 1
        if may_write or (actor is not None and actor.organisation_id == attendance.organisation_id):
            group.names.append(attendance.user.full_name)
    candidates = []
    if may_write:
        seen: set[object] = set()
        for membership in selectors.training_candidates(coalition=coalition):
            if membership.user_id in seen:
                continue
            seen.add(membership.user_id)
            candidates.append((membership, membership.user_id in attended))
    return render(
        request,
        "coalition_pages/training.html",
        {
            "coalition": coalition,
            "session": session,
            "groups": list(groups.values()),
            "candidates": candidates,
            "may_write": may_write,
            "is_past": session.held_on <= services.today(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
