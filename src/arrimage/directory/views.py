"""Directory pages: public search and service pages, availability for service staff, adding
and editing an organisation's services and places, import and export, and the
confidential-address sharing setting."""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arrimage.coalition.models import Coalition
from arrimage.core.errors import NotFound
from arrimage.directory import exchange_tasks, geo, selectors
from arrimage.directory.exchange_apply import ImportFailed, bundle_apply
from arrimage.directory.exchange_guard import InputRefused, RowError, zip_check
from arrimage.directory.exchange_read import read_upload
from arrimage.directory.forms import (
    CapacityForm,
    ImportForm,
    LocationForm,
    SearchForm,
    ServiceForm,
    SharingForm,
)
from arrimage.directory.locations import location_create, location_update
from arrimage.directory.models import (
    DirectoryOrganization,
    DirectorySharing,
    Location,
    Service,
    ServiceStatus,
)
from arrimage.directory.presentation import (
    age_label,
    freshness,
    glance,
    is_stale,
    language_label,
    term_label,
    unit_label,
)
from arrimage.directory.query import search_params_parse
from arrimage.directory.search import RANK_LIMIT, directory_search
from arrimage.directory.service_panels import service_panels
from arrimage.directory.services import (
    CAPACITY_ROLES,
    EDIT_ROLES,
    SHARING_ROLES,
    capacity_update,
    service_create,
    service_update,
    sharing_set,
)
from arrimage.directory.taxonomy import CATEGORIES, CATEGORY_CODES, LANGUAGES

EXCHANGE_ROLES = exchange_tasks.EXCHANGE_ROLES
MAX_UPLOAD = 20 * 1024 * 1024


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


def _search(request: HttpRequest) -> tuple[SearchForm, Any]:
    form = SearchForm(request.GET or None, language=get_language() or "fr")
    page = (
        directory_search(actor=_membership(request), params=form.params())
        if form.is_bound and form.is_valid()
        else None
    )
    return form, page


def _search_examples() -> list[tuple[str, str]]:
    """Searches to start from, as a worker would type them: (label, query string)."""
    examples = [
        _("women's shelter"),
        _("immigration lawyer"),
        _("psychologist"),
        _("food bank Laval"),
        "H2X",
    ]
    return [(example, urlencode({"q": example})) for example in examples]


def _search_categories() -> list[tuple[str, str]]:
    return [(term_label(term.code), urlencode({"category": term.code})) for term in CATEGORIES]


def _blank_message(page: Any, typed: str) -> str:
    """What an empty or unsearchable box gets told (the page and the JSON answer)."""
    if page.nothing_to_search:
        return _(
            "“%(text)s” holds no word to search for. Type a need, a kind of service, a "
            "place or a postal code, or choose a filter."
        ) % {"text": typed.strip()[:60]}
    return _(
        "Type what you are looking for: a need, a kind of service, a place or a postal code, "
        "or choose a filter."
    )


@login_not_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """The directory search page. Public: results carry no confidential data."""
    form, page = _search(request)
    query = request.GET.copy()
    query.pop("page", None)
    blank = page is not None and page.is_blank
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "page": page,
            "results": [(hit, glance(hit)) for hit in page.hits] if page else [],
            "query": query.urlencode(),
            "rank_limit": RANK_LIMIT,
            "blank_message": _blank_message(page, request.GET.get("q", "")) if blank else "",
            "examples": _search_examples(),
            "categories": _search_categories(),
        },
    )


@login_not_required
@require_GET
def search_json_view(request: HttpRequest) -> JsonResponse:
    """The same search as JSON (public fields only). An empty box without a filter, or one
    with nothing to search in it, gets a 400 that says what to type."""
    params, errors = search_params_parse(request.GET)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    page = directory_search(actor=_membership(request), params=params)
    if page.is_blank:
        return JsonResponse(
            {
                "errors": {"q": _blank_message(page, params.q)},
                "examples": [example for example, _query in _search_examples()],
                "categories": sorted(CATEGORY_CODES),
            },
            status=400,
        )
    return JsonResponse(
        {
            "total": page.total,
            "total_is_lower_bound": page.is_broad,
            "page": page.page,
            "has_next": page.has_next,
            "place": page.place,
            "ignored": page.ignored,
            "corrections": [{"typed": t, "read_as": r} for t, r in page.corrections],
            "nothing_to_search": page.nothing_to_search,
            "partial": page.partial,
            "results": [
                {
                    "id": str(hit.service_id),
                    "name_fr": hit.name_fr,
                    "name_en": hit.name_en,
                    "available": hit.available,
                    "updated": hit.capacity_updated.isoformat() if hit.capacity_updated else None,
                    "stale": hit.is_stale,
                    **hit.summary,
                }
                for hit in page.hits
            ],
        }
    )


def _is_confidential(service: Service) -> bool:
    """Offered at a confidential location: its availability is for signed-in members only."""
    return any(sal.location.is_confidential for sal in service.service_at_locations.all())


@login_not_required
@require_GET
def service_view(request: HttpRequest, service_id: UUID) -> HttpResponse:
    actor = _membership(request)
    view = selectors.service_view_get(actor=actor, service_id=service_id)
    service = view.service
    now = timezone.now()
    return render(
        request,
        "directory/service.html",
        {
            "view": view,
            "panels": service_panels(actor=actor, service_id=service.pk),
            "service": service,
            "categories": [term_label(c) for c in view.term_codes if c in CATEGORY_CODES],
            "eligibility": [term_label(c) for c in view.term_codes if c not in CATEGORY_CODES],
            "accepts_no_status": "status_none" in view.term_codes,
            "ages": age_label(service.minimum_age, service.maximum_age),
            "languages": [language_label(x.code) for x in service.languages.all()],
            "capacities": [
                {
                    "capacity": c,
                    "unit": unit_label(c.unit),
                    "freshness": freshness(c.updated, now),
                    "stale": is_stale(c.updated, now),
                }
                for c in service.capacities.all()
            ]
            if actor is not None or not _is_confidential(service)
            else [],
            "availability_for_members": actor is None and _is_confidential(service),
            "may_edit": view.is_own and actor.role in EDIT_ROLES,
        },
    )


def availability_view(request: HttpRequest) -> HttpResponse:
    """Service staff see their own services' capacities and change them in one tap."""
    actor = _membership(request)
    if actor is None or actor.role not in CAPACITY_ROLES:
        raise NotFound
    capacities = list(selectors.capacities_for_staff(actor=actor))
    history = selectors.capacity_history(actor=actor, capacity_ids=[c.pk for c in capacities])
    now = timezone.now()
    return render(
        request,
        "directory/availability.html",
        {
            "rows": [
                {
                    "capacity": c,
                    "unit": unit_label(c.unit),
                    "freshness": freshness(c.updated, now),
                    "stale": is_stale(c.updated, now),
                    "history": history.get(c.pk, []),
                }
                for c in capacities
            ],
        },
    )


@require_POST
def availability_update_view(request: HttpRequest, capacity_id: UUID) -> HttpResponse:
    actor = _membership(request)
    if actor is None or actor.role not in CAPACITY_ROLES:
        raise NotFound
    form = CapacityForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("directory:availability")
    action = form.cleaned_data["action"]
    try:
        capacity = capacity_update(
            actor=actor,
            capacity_id=capacity_id,
            delta={"plus": 1, "minus": -1}.get(action),
            available=form.cleaned_data["available"] if action == "set" else None,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("%(service)s: %(available)s %(unit)s available.")
            % {
                "service": capacity.service.name,
                "available": capacity.available,
                "unit": unit_label(capacity.unit).lower(),
            },
        )
    return redirect(reverse("directory:availability") + f"#capacity-{capacity_id}")


def _service_initial(service: Service, codes: list[str]) -> dict[str, Any]:
    """The service form's values for an existing service."""
    phone = service.phones.filter(location__isnull=True).order_by("id").first()
    schedule = (
        service.schedules.filter(location__isnull=True, service_at_location__isnull=True)
        .order_by("id")
        .first()
    )
    return {
        "name_fr": service.name_fr,
        "name_en": service.name_en,
        "description_fr": service.description_fr,
        "description_en": service.description_en,
        "status": service.status,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "categories": [c for c in codes if c in CATEGORY_CODES],
        "eligibility": [c for c in codes if c not in CATEGORY_CODES],
        "languages": sorted({x.code for x in service.languages.all() if x.code in LANGUAGES}),
        "hours": schedule.description if schedule else "",
        "phone": phone.number if phone else "",
        "email": service.email,
        "url": service.url,
    }


@require_http_methods(["GET", "POST"])
def service_edit_view(request: HttpRequest, service_id: UUID) -> HttpResponse:
    actor = _membership(request)
    service = selectors.service_for_edit(actor=actor, service_id=service_id)
    language = get_language() or "fr"
    codes = selectors.service_view_get(actor=actor, service_id=service_id).term_codes
    if request.method == "POST":
        form = ServiceForm(request.POST, language=language)
        if form.is_valid():
            try:
                service_update(actor=actor, service_id=service.pk, fields=form.fields_value())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The service is saved."))
                return redirect("directory:service", service_id=service.pk)
    else:
        form = ServiceForm(language=language, initial=_service_initial(service, codes))
    return render(
        request,
        "directory/service_edit.html",
        {
            "form": form,
            "title": _("Edit the service"),
            "cancel_url": reverse("directory:service", args=[service.pk]),
        },
    )


def _editor(request: HttpRequest) -> Any:
    """The acting membership if it may add and edit its organisation's services, else 404."""
    actor = _membership(request)
    if actor is None or actor.role not in EDIT_ROLES:
        raise NotFound
    return actor


@require_GET
def own_services_view(request: HttpRequest) -> HttpResponse:
    """The organisation's directory entries: their services and places, to add and edit."""
    actor = _editor(request)
    organizations = selectors.organizations_owned(actor=actor).prefetch_related(
        "services", Prefetch("locations", queryset=Location.objects.select_related("region"))
    )
    return render(
        request,
        "directory/own_services.html",
        {
            "organizations": [
                {
                    "organization": organization,
                    "services": sorted(organization.services.all(), key=lambda s: s.name.lower()),
                    "locations": [
                        (location, geo.municipality_get(location.municipality_code))
                        for location in organization.locations.all()
                    ],
                }
                for organization in organizations
            ],
        },
    )


@require_GET
def service_add_view(request: HttpRequest) -> HttpResponse:
    """ "Add a service" from the directory: straight to the form when the organisation has one
    directory entry, else to the list of its entries."""
    actor = _editor(request)
    organizations = list(
        selectors.organizations_owned(actor=actor).values_list("pk", flat=True)[:2]
    )
    if len(organizations) == 1:
        return redirect("directory:service_create", organization_id=organizations[0])
    return redirect("directory:own_services")


@require_http_methods(["GET", "POST"])
def service_create_view(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    actor = _membership(request)
    organization = selectors.organization_for_edit(actor=actor, organization_id=organization_id)
    language = get_language() or "fr"
    if request.method == "POST":
        form = ServiceForm(request.POST, language=language)
        if form.is_valid():
            try:
                service = service_create(
                    actor=actor, organization_id=organization.pk, fields=form.fields_value()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The service is added. Now add the place where it is offered.")
                )
                return redirect("directory:service", service_id=service.pk)
    else:
        form = ServiceForm(
            language=language,
            initial={"status": ServiceStatus.ACTIVE, "languages": ["fr"]},
        )
    return render(
        request,
        "directory/service_edit.html",
        {
            "form": form,
            "title": _("Add a service"),
            "organization": organization,
            "cancel_url": reverse("directory:own_services"),
        },
    )


def _location_form_page(
    request: HttpRequest,
    *,
    actor: Any,
    organization: DirectoryOrganization,
    location: Location | None,
) -> HttpResponse:
    """The location form, for a new location (``location`` None) or an existing one."""
    services = [
        (str(s.pk), s.name)
        for s in sorted(organization.services.all(), key=lambda s: s.name.lower())
    ]
    back: UUID | None = None
    try:
        back = UUID(request.GET.get("service", ""))
    except ValueError:
        back = None
    if back is not None and str(back) not in {pk for pk, _name in services}:
        back = None
    if request.method == "POST":
        form = LocationForm(request.POST, services=services)
        if form.is_valid():
            try:
                if location is None:
                    location = location_create(
                        actor=actor, organization_id=organization.pk, fields=form.fields_value()
                    )
                    messages.success(request, _("The place is added."))
                else:
                    location = location_update(
                        actor=actor, location_id=location.pk, fields=form.fields_value()
                    )
                    messages.success(request, _("The place is saved."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if back is not None:
                    return redirect("directory:service", service_id=back)
                return redirect(reverse("directory:own_services") + f"#location-{location.pk}")
    elif location is None:
        form = LocationForm(services=services, initial={"services": [str(back)] if back else []})
    else:
        address = location.addresses.all()[0] if location.addresses.all() else None
        accessibility = location.accessibility.all()[0] if location.accessibility.all() else None
        intake = next((p for p in location.phones.all() if p.service_id is None), None)
        form = LocationForm(
            services=services,
            initial={
                "name": location.name,
                "address_1": address.address_1 if address else "",
                "address_2": address.address_2 if address else "",
                "city": address.city if address else "",
                "postal_code": address.postal_code if address else "",
                "is_confidential": location.is_confidential,
                "phone": intake.number if intake else "",
                "accessibility": accessibility.description if accessibility else "",
                "transportation": location.transportation,
                "description": location.description,
                "services": [str(sal.service_id) for sal in location.service_at_locations.all()],
            },
        )
    return render(
        request,
        "directory/location_edit.html",
        {
            "form": form,
            "title": _("Add a place") if location is None else _("Edit the place"),
            "organization": organization,
            "municipalities": sorted(m.name for m in geo.municipalities().values()),
            "cancel_url": reverse("directory:service", args=[back])
            if back
            else reverse("directory:own_services"),
        },
    )


@require_http_methods(["GET", "POST"])
def location_create_view(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    actor = _membership(request)
    organization = selectors.organization_for_edit(actor=actor, organization_id=organization_id)
    return _location_form_page(request, actor=actor, organization=organization, location=None)


@require_http_methods(["GET", "POST"])
def location_edit_view(request: HttpRequest, location_id: UUID) -> HttpResponse:
    actor = _membership(request)
    location = selectors.location_for_edit(actor=actor, location_id=location_id)
    assert location.organization is not None  # locations_owned: owned through it
    return _location_form_page(
        request, actor=actor, organization=location.organization, location=location
    )


def _exchange_actor(request: HttpRequest) -> Any:
    actor = _membership(request)
    if actor is None or actor.role not in EXCHANGE_ROLES:
        raise NotFound
    return actor


@require_http_methods(["GET", "POST"])
def exchange_view(request: HttpRequest) -> HttpResponse:
    """Import (admins and coordinators, into their own organisation) and export."""
    actor = _exchange_actor(request)
    report = None
    problems: list[Any] = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise ImportFailed(
                    [
                        RowError(
                            upload.name,
                            0,
                            "",
                            _("the file is larger than %(limit)s MB")
                            % {"limit": MAX_UPLOAD // (1024 * 1024)},
                        )
                    ]
                )
            if upload.size > exchange_tasks.LARGE_IMPORT:
                # A large file is imported by the worker; its page shows the progress. An
                # archive refused by its declared sizes is refused here, inflating nothing.
                content = upload.read()
                if upload.name.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
                    try:
                        zip_check(upload.name, content)
                    except InputRefused as refusal:
                        raise ImportFailed([refusal.error]) from None
                task_id = exchange_tasks.directory_import_request(
                    actor=actor,
                    name=upload.name,
                    content=content,
                    dry_run=form.cleaned_data["dry_run"],
                    language=get_language() or "fr-ca",
                )
                return redirect("core:task", task_id=task_id)
            bundle = read_upload(upload.name, upload.read())
            report = bundle_apply(
                bundle=bundle, actor=actor, dry_run=form.cleaned_data["dry_run"], source="web"
            )
        except ImportFailed as failure:
            problems = failure.errors[:200]
            count = len(failure.errors)
            messages.error(
                request,
                ngettext(
                    "Nothing was imported: %(count)s problem found.",
                    "Nothing was imported: %(count)s problems found.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.success(
                request,
                _(
                    "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(skipped)s skipped."
                )
                % {
                    "created": sum(report.created.values()),
                    "updated": sum(report.updated.values()),
                    "unchanged": sum(report.unchanged.values()),
                    "skipped": sum(report.skipped.values()),
                },
            )
    return render(
        request,
        "directory/exchange.html",
        {
            "form": form,
            "report": report,
            "report_notes": [
                (_("Skipped, and why"), report.skips[:200] if report else []),
                (_("Warnings"), report.warnings[:200] if report else []),
            ],
            "problems": problems,
        },
    )


@require_POST
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """Queue the export; its page shows the progress, then the file."""
    task_id = exchange_tasks.directory_export_request(
        actor=_exchange_actor(request),
        fmt=fmt,
        base_url=request.build_absolute_uri("/"),
        language=get_language() or "fr-ca",
    )
    return redirect("core:task", task_id=task_id)


@require_http_methods(["GET", "POST"])
def sharing_view(request: HttpRequest) -> HttpResponse:
    """Coordinators set, per coalition, who sees members' confidential addresses."""
    actor = _membership(request)
    if actor is None or actor.role not in SHARING_ROLES:
        raise NotFound
    coalitions = list(
        Coalition.objects.filter(organisations=actor.organisation_id).order_by("name")
    )
    current = {
        s.coalition_id: s.confidential_address_types
        for s in DirectorySharing.objects.filter(coalition__in=coalitions)
    }
    if request.method == "POST":
        form = SharingForm(request.POST)
        try:
            coalition_id = UUID(request.POST.get("coalition", ""))
        except ValueError:
            raise NotFound from None
        if form.is_valid():
            try:
                sharing_set(
                    actor=actor, coalition_id=coalition_id, types=form.cleaned_data["types"]
                )
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, _("The setting is saved."))
            return redirect("directory:sharing")
    rows = [
        (c, SharingForm(initial={"types": current.get(c.pk, [])}, auto_id=f"c{i}_%s"))
        for i, c in enumerate(coalitions)
    ]
    return render(request, "directory/sharing.html", {"rows": rows})
