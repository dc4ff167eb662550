"""Pages of cases. Thin: each calls a selector or a service with ``request.membership``."""

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.accounts.middleware import two_factor_exempt
from arrimage.accounts.models import Membership
from arrimage.cases import (
    calendar,
    document_services,
    export_selectors,
    plan_services,
    reminder_selectors,
    search,
    selectors,
    services,
    track_services,
    worklist_selectors,
)
from arrimage.cases import vocabularies as v
from arrimage.cases.countries import country_choices
from arrimage.cases.forms import (
    EXPLOITATION_FIELDS,
    HEALTH_FIELDS,
    IDENTITY_FIELDS,
    IMMIGRATION_FIELDS,
    LEGAL_FIELDS,
    PERSON_FIELDS,
    form_data,
)
from arrimage.cases.models import CalendarFeed, Need
from arrimage.cases.validation import parse_date
from arrimage.coalition.glossary import organisations_for_mandates
from arrimage.coalition.models import Organisation
from arrimage.core import text
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.privacy import consent as consent_service
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentMethod
from arrimage.privacy.policy import categories_role_may_write, is_enforcement, may_share_with


def _membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


def _labels() -> dict[str, dict[str, Any]]:
    return {
        "status": dict(v.CaseStatus.choices),
        "gender": dict(v.Gender.choices),
        "age_band": dict(v.AgeBand.choices),
        "need": dict(v.NeedType.choices),
        "urgency": dict(v.Urgency.choices),
        "need_status": dict(v.NeedStatus.choices),
        "goal_status": dict(v.GoalStatus.choices),
        "task_status": dict(v.TaskStatus.choices),
        "trafficking": dict(v.TraffickingStatus.choices),
        "decided_by": dict(v.StatusDecidedBy.choices),
        "sex": dict(v.SexExploitationType.choices),
        "labour": dict(v.LabourExploitationType.choices),
        "control": dict(v.MethodOfControl.choices),
        "recruitment": dict(v.MethodOfRecruitment.choices),
        "immigration": dict(v.ImmigrationStatus.choices),
        "application": dict(v.ApplicationStatus.choices),
        "coverage": dict(v.Coverage.choices),
        "follow_up": dict(v.FollowUpKind.choices),
        "follow_up_status": dict(v.FollowUpStatus.choices),
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


def _service(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """Run a write; show its translated message. Returns whether it succeeded."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def _case_url(case_id: UUID, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


# Worklist, search, notifications --------------------------------------------------------------


def worklist_view(request: HttpRequest) -> HttpResponse:
    worklist = worklist_selectors.case_list_for_worklist(
        actor_membership=_membership(request), page=page_number(request.GET.get("page"))
    )
    return render(request, "cases/worklist.html", {"worklist": worklist, "labels": _labels()})


# Search results live in the session, by a random id in the URL: the terms travel only in a
# POST body, so they reach no URL, no access log and no browser history.
SEARCH_SESSION_KEY = "case_searches"
SEARCH_SECONDS = 15 * 60
SEARCH_KEPT = 5
SEARCH_PAGE_SIZE = 25
SEARCH_QUERY_MAX = 100


def _searches_kept(request: HttpRequest, membership: Membership) -> dict[str, dict[str, Any]]:
    now = timezone.now().timestamp()
    kept = request.session.get(SEARCH_SESSION_KEY, {})
    return {
        sid: held
        for sid, held in kept.items()
        if now - held.get("at", 0) < SEARCH_SECONDS and held.get("membership") == str(membership.pk)
    }


@require_http_methods(["GET", "POST"])
def search_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None:
        raise NotFound
    context: dict[str, Any] = {"labels": _labels(), "held": None, "results": []}
    if request.method == "POST":
        query = request.POST.get("q", "")
        try:
            text.text_check(query, label=_("Search"), max_length=SEARCH_QUERY_MAX)
            if len(query.strip()) < 2:
                raise ValidationError(_("Type at least two characters."), code="too_short")
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "cases/search.html", context, status=400)
        grants, more = search.case_search(actor_membership=membership, query=query)
        kept = _searches_kept(request, membership)
        sid = secrets.token_urlsafe(12)
        kept[sid] = {
            "ids": [str(g.case.pk) for g in grants],
            "more": more,
            "at": timezone.now().timestamp(),
            "membership": str(membership.pk),
        }
        newest = sorted(kept.items(), key=lambda item: item[1]["at"])[-SEARCH_KEPT:]
        request.session[SEARCH_SESSION_KEY] = dict(newest)
        return redirect(f"{reverse('cases:search')}?r={sid}", permanent=False)
    sid = request.GET.get("r", "")
    if sid:
        held = _searches_kept(request, membership).get(sid)
        if held is None:
            context["expired"] = True
        else:
            try:
                page = max(1, int(request.GET.get("page", "1")))
            except ValueError:
                page = 1
            ids = held["ids"]
            pages = max(1, -(-len(ids) // SEARCH_PAGE_SIZE))
            page = min(page, pages)
            start = (page - 1) * SEARCH_PAGE_SIZE
            context["held"] = {
                "sid": sid,
                "count": len(ids),
                "more": held["more"],
                "page": page,
                "pages": pages,
            }
            context["results"] = search.case_search_page(
                actor_membership=membership, case_ids=ids[start : start + SEARCH_PAGE_SIZE]
            )
    return render(request, "cases/search.html", context)


def notifications_view(request: HttpRequest) -> HttpResponse:
    items = reminder_selectors.notifications_for(actor_membership=_membership(request))
    return render(request, "cases/notifications.html", {"items": items, "labels": _labels()})


# Case ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None or not {
        Category.IDENTITY,
        Category.COORDINATION,
    } <= categories_role_may_write(membership.role):
        raise NotFound
    errors: list[str] = []
    if request.method == "POST":
        try:
            case = services.case_create(
                actor_membership=membership,
                identity=form_data(request.POST, IDENTITY_FIELDS),
                contact=form_data(request.POST, PERSON_FIELDS["contact"]),
                location=form_data(request.POST, PERSON_FIELDS["location"]),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The case is open."))
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/case_create.html",
        {
            "errors": errors,
            "values": request.POST,
            "labels": _labels(),
            "genders": v.offered(v.Gender.choices, v.GENDERS_RETIRED),
            "age_bands": v.AgeBand.choices,
            "countries": country_choices(),
            "may_locate": may_share_with(
                organisation_type=membership.organisation.type, category=Category.LOCATION
            ),
        },
        status=400 if errors else 200,
    )


def _next_action(case: dict[str, Any], readable: set[str]) -> dict[str, Any]:
    """What the summary at the top of the case page offers to do next: the open task due
    first, else finding resources for the open needs, else adding a task."""
    open_tasks = [t for t in case.get("tasks", []) if t["status"] == v.TaskStatus.OPEN]
    if open_tasks:
        return {"kind": "task", "task": min(open_tasks, key=lambda t: t["due_on"])}
    open_needs = [
        n
        for n in case.get("needs", [])
        if n["status"] in (v.NeedStatus.OPEN, v.NeedStatus.IN_PROGRESS)
    ]
    if open_needs and "coordination" in readable:
        return {"kind": "needs", "count": len(open_needs)}
    return {"kind": "none"}


def case_detail_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = _membership(request)
    case = selectors.case_get(actor_membership=membership, case_id=case_id, path="page")
    readable = set(case["readable_categories"])
    immigration = case.get("immigration") or {}
    renewal_soon = False
    if immigration.get("trp_renewal_due_on"):
        due = immigration["trp_renewal_due_on"]
        days = (date.fromisoformat(due) - timezone.localdate()).days
        renewal_soon = days <= 60
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "readable": readable,
            "labels": _labels(),
            # Screening answers never reach police, border enforcement or prosecution.
            "screening_offered": "exploitation" in readable
            and membership is not None
            and not is_enforcement(membership.organisation.type),
            "writable_categories": [(c, label) for c, label in Category.choices if c in readable],
            "need_types": [
                (value, label)
                for value, label in v.NeedType.choices
                if value in Need.readable_types(frozenset(Category(c) for c in readable))
            ],
            "urgencies": v.Urgency.choices,
            "genders": v.offered(
                v.Gender.choices,
                v.GENDERS_RETIRED,
                recorded=[(case.get("person") or {}).get("gender")],
            ),
            "case_statuses": v.CaseStatus.choices,
            "coverages": v.Coverage.choices,
            "follow_up_kinds": v.FollowUpKind.choices,
            "ircc": v.IRCC_LINKS,
            "renewal_soon": renewal_soon,
            "next_action": _next_action(case, readable),
            # The case's team as the reader knows it: the lead organisation and the reader's
            # own, each with its mandate (not personal data).
            "team": organisations_for_mandates(
                ids=[UUID(case["lead_organisation"]["id"]), membership.organisation_id]  # type: ignore[union-attr]
            ),
            "members": Membership.objects.filter(organisation_id=membership.organisation_id)  # type: ignore[union-attr]
            .select_related("user")
            .order_by("user__full_name"),
        },
    )


@require_POST
def person_edit_view(request: HttpRequest, case_id: UUID, category: str) -> HttpResponse:
    if category not in PERSON_FIELDS:
        raise NotFound
    _service(
        request,
        lambda: services.person_update(
            actor_membership=_membership(request),
            case_id=case_id,
            category=category,
            data=form_data(request.POST, PERSON_FIELDS[category]),
        ),
        _("Saved."),
    )
    return redirect(_case_url(case_id, "person"))


@require_POST
def status_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: services.case_status_change(
            actor_membership=_membership(request),
            case_id=case_id,
            status=request.POST.get("status", ""),
        ),
        _("Saved."),
    )
    return redirect(_case_url(case_id))


@require_POST
def legal_edit_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: services.legal_update(
            actor_membership=_membership(request),
            case_id=case_id,
            data=form_data(request.POST, LEGAL_FIELDS),
        ),
        _("Saved."),
    )
    return redirect(_case_url(case_id, "legal"))


@require_POST
def note_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: plan_services.note_add(
            actor_membership=_membership(request),
            case_id=case_id,
            category=request.POST.get("category", ""),
            body=request.POST.get("body", ""),
        ),
        _("The note is saved."),
    )
    return redirect(_case_url(case_id, "notes"))


@require_POST
def task_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: plan_services.task_add(
            actor_membership=_membership(request),
            case_id=case_id,
            category=request.POST.get("category", Category.COORDINATION),
            title=request.POST.get("title", ""),
            due_on=request.POST.get("due_on", ""),
            assignee_id=request.POST.get("assignee_id") or None,
        ),
        _("The task is saved."),
    )
    return redirect(_case_url(case_id, "tasks"))


@require_POST
def task_done_view(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: plan_services.task_complete(
            actor_membership=_membership(request), case_id=case_id, task_id=task_id
        ),
        _("The task is done."),
    )
    return redirect(_case_url(case_id, "tasks"))


@require_POST
def need_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: plan_services.need_add(
            actor_membership=_membership(request),
            case_id=case_id,
            need_type=request.POST.get("need_type", ""),
            urgency=request.POST.get("urgency", ""),
        ),
        _("The need is saved."),
    )
    return redirect(_case_url(case_id, "needs"))


@require_POST
def need_status_view(request: HttpRequest, case_id: UUID, need_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: plan_services.need_set_status(
            actor_membership=_membership(request),
            case_id=case_id,
            need_id=need_id,
            status=request.POST.get("status", ""),
        ),
        _("Saved."),
    )
    return redirect(_case_url(case_id, "needs"))


@require_POST
def goal_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: plan_services.goal_add(
            actor_membership=_membership(request),
            case_id=case_id,
            text=request.POST.get("text", ""),
            target_on=request.POST.get("target_on", ""),
            category=request.POST.get("category", Category.COORDINATION),
        ),
        _("The goal is saved."),
    )
    return redirect(_case_url(case_id, "plan"))


@require_POST
def document_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to add."))
        return redirect(_case_url(case_id, "documents"))
    # Never more than one byte past the limit in memory: the service refuses it.
    content = upload.read(document_services.MAX_UPLOAD_BYTES + 1)
    _service(
        request,
        lambda: document_services.document_add(
            actor_membership=_membership(request),
            case_id=case_id,
            category=request.POST.get("category", ""),
            filename=upload.name or "document",
            content=content,
        ),
        _("The document is saved, encrypted."),
    )
    return redirect(_case_url(case_id, "documents"))


def document_download_view(request: HttpRequest, case_id: UUID, document_id: UUID) -> HttpResponse:
    name, content_type, content = document_services.document_content(
        actor_membership=_membership(request), case_id=case_id, document_id=document_id
    )
    response = HttpResponse(content, content_type=content_type)
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


@require_http_methods(["GET", "POST"])
def exploitation_edit_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = _membership(request)
    case = selectors.case_get(
        actor_membership=membership,
        case_id=case_id,
        path="page",
        require=Category.EXPLOITATION,
    )
    if request.method == "POST" and _service(
        request,
        lambda: track_services.exploitation_update(
            actor_membership=membership,
            case_id=case_id,
            data=form_data(request.POST, EXPLOITATION_FIELDS),
        ),
        _("Saved."),
    ):
        return redirect(_case_url(case_id, "exploitation"))
    return render(
        request,
        "cases/exploitation_edit.html",
        {
            "case": case,
            "values": case["exploitation"],
            "labels": _labels(),
            "sex_types": v.SexExploitationType.choices,
            "labour_types": v.LabourExploitationType.choices,
            "controls": v.MethodOfControl.choices,
            "recruitments": v.offered(
                v.MethodOfRecruitment.choices,
                v.RECRUITMENTS_RETIRED,
                recorded=case["exploitation"].get("methods_of_recruitment"),
            ),
            "statuses": v.TraffickingStatus.choices,
            "deciders": v.StatusDecidedBy.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def immigration_edit_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = _membership(request)
    case = selectors.case_get(
        actor_membership=membership,
        case_id=case_id,
        path="page",
        require=Category.IMMIGRATION,
    )
    if request.method == "POST" and _service(
        request,
        lambda: track_services.immigration_update(
            actor_membership=membership,
            case_id=case_id,
            data=form_data(request.POST, IMMIGRATION_FIELDS),
        ),
        _("Saved."),
    ):
        return redirect(_case_url(case_id, "immigration"))
    return render(
        request,
        "cases/immigration_edit.html",
        {
            "case": case,
            "values": case["immigration"],
            "ircc": v.IRCC_LINKS,
            "statuses": v.ImmigrationStatus.choices,
            "applications": v.ApplicationStatus.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def health_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    _service(
        request,
        lambda: track_services.health_follow_up_add(
            actor_membership=_membership(request),
            case_id=case_id,
            data=form_data(request.POST, HEALTH_FIELDS),
        ),
        _("The follow-up is saved."),
    )
    return redirect(_case_url(case_id, "health"))


def access_log_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case, entries = selectors.case_access_log(
        actor_membership=_membership(request), case_id=case_id
    )
    return render(
        request,
        "cases/access_log.html",
        {"case": case, "entries": entries, "labels": _labels()},
    )


def export_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    data = export_selectors.case_export(actor_membership=_membership(request), case_id=case_id)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="case-{data["reference"]}.json"'
    return response


# Consents -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consents_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = _membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    if not consent_service.consent_may_record(actor_membership=membership, person=person):
        raise NotFound
    if request.method == "POST":

        def record() -> None:
            recipient_id = _uuid_or_none(request.POST.get("recipient_id"))
            recipient = (
                Organisation.objects.filter(pk=recipient_id).first() if recipient_id else None
            )
            if recipient is None:
                raise ValidationError(
                    _("Choose the organisation that will receive the information.")
                )
            expires_at = None
            if request.POST.get("expires_on"):
                day = parse_date(
                    request.POST["expires_on"],
                    label=_("The expiry date"),
                    past_years=0,
                    future_years=2,
                    required=True,
                )
                expires_at = timezone.make_aware(datetime.combine(day, time(23, 59)))  # type: ignore[arg-type]
            consent_service.consent_record(
                actor_membership=membership,  # type: ignore[arg-type]
                person=person,
                recipient=recipient,
                categories=request.POST.getlist("categories"),
                purpose=request.POST.get("purpose", ""),
                method=request.POST.get("method", ""),
                expires_at=expires_at,
            )

        if _service(request, record, _("The consent is recorded.")):
            return redirect("cases:consents", case_id)
    consents = consent_service.consents_of_person(person=person)
    now = timezone.now()
    return render(
        request,
        "cases/consents.html",
        {
            "case_id": case_id,
            "consents": [(c, consent_service.consent_state(c, now)) for c in consents],
            "organisations": Organisation.objects.exclude(pk=person.organisation_id).order_by(
                "name"
            ),
            "categories": Category.choices,
            "purposes": Purpose.choices,
            "methods": ConsentMethod.choices,
            "labels": _labels(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _uuid_or_none(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


@require_POST
def consent_withdraw_view(request: HttpRequest, case_id: UUID, consent_id: UUID) -> HttpResponse:
    membership = _membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    consent_service.consent_withdraw(
        actor_membership=membership,  # type: ignore[arg-type]
        consent_id=consent_id,
        person=person,
    )
    messages.success(request, _("The consent is withdrawn. It no longer shares anything."))
    return redirect("cases:consents", case_id)


def consent_summary_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = _membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    if not consent_service.consent_may_record(actor_membership=membership, person=person):
        raise NotFound
    language = "en" if request.GET.get("lang") == "en" else "fr-ca"
    sentences = consent_service.consent_summary(
        consents=consent_service.consents_of_person(person=person), language=language
    )
    return render(
        request,
        "cases/consent_summary.html",
        {
            "case_id": case_id,
            "sentences": sentences,
            "summary_language": "en-CA" if language == "en" else "fr-CA",
        },
    )


# Calendar -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None:
        raise NotFound
    feed_url = None
    if request.method == "POST":
        token = secrets.token_urlsafe(32)
        CalendarFeed.objects.update_or_create(
            membership=membership,
            defaults={
                "token_digest": hashlib.sha256(token.encode()).hexdigest(),
                "created_at": timezone.now(),
            },
        )
        feed_url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[token]))
        messages.success(
            request, _("A new calendar address is ready. Any older address no longer works.")
        )
    return render(
        request,
        "cases/calendar.html",
        {
            "feed_url": feed_url,
            "has_feed": CalendarFeed.objects.filter(membership=membership).exists(),
        },
    )


@login_not_required
@two_factor_exempt
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The user's due dates, with no personal detail: anyone holding the address sees only
    dates and links that need a login."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    feed = (
        CalendarFeed.objects.select_related("membership__organisation", "membership__user")
        .filter(token_digest=digest)
        .first()
    )
    if feed is None or not feed.membership.user.is_active:
        raise NotFound
    due = reminder_selectors.calendar_due_dates(membership=feed.membership)
    body = calendar.ical_feed(
        due,
        link=lambda case_id: request.build_absolute_uri(reverse("cases:detail", args=[case_id])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    return response
