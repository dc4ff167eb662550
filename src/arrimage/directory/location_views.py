"""Adding and editing an organisation's places (addresses, confidential or not)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.directory import geo, selectors
from arrimage.directory.forms import (
    LocationForm,
)
from arrimage.directory.locations import location_create, location_update
from arrimage.directory.models import (
    DirectoryOrganization,
    Location,
)
from arrimage.directory.view_support import request_membership


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
    actor = request_membership(request)
    organization = selectors.organization_for_edit(actor=actor, organization_id=organization_id)
    return _location_form_page(request, actor=actor, organization=organization, location=None)


@require_http_methods(["GET", "POST"])
def location_edit_view(request: HttpRequest, location_id: UUID) -> HttpResponse:
    actor = request_membership(request)
    location = selectors.location_for_edit(actor=actor, location_id=location_id)
    assert location.organization is not None  # locations_owned: owned through it
    return _location_form_page(
        request, actor=actor, organization=location.organization, location=location
    )
