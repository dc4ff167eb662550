"""Pages of service staff and editors: availability, an organisation's own services, adding
and editing a service."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arrimage.core.errors import NotFound
from arrimage.directory import geo, selectors
from arrimage.directory.forms import (
    CapacityForm,
    ServiceForm,
)
from arrimage.directory.models import (
    Location,
    Service,
    ServiceStatus,
)
from arrimage.directory.presentation import (
    freshness,
    is_stale,
    unit_label,
)
from arrimage.directory.services import (
    CAPACITY_ROLES,
    EDIT_ROLES,
    capacity_update,
    service_create,
    service_update,
)
from arrimage.directory.taxonomy import CATEGORY_CODES, LANGUAGES
from arrimage.directory.view_support import request_membership


def availability_view(request: HttpRequest) -> HttpResponse:
    """Service staff see their own services' capacities and change them in one tap."""
    actor = request_membership(request)
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
    actor = request_membership(request)
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
    actor = request_membership(request)
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
    actor = request_membership(request)
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
    actor = request_membership(request)
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
