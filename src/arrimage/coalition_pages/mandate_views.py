"""An organisation's mandate: what it does, what it does not do, and its limits on sharing
information. Its administrators and coordinators write it here; partners read it beside the
organisation on the coalition's page, in the directory and in a case's team."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.coalition import glossary
from arrimage.coalition_pages.editors import organisation_editor


@require_http_methods(["GET", "POST"])
def mandate_edit_view(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    membership = getattr(request, "membership", None)
    organisation = organisation_editor(membership=membership, organisation_id=organisation_id)
    fields = list(glossary.MANDATE_LABELS)
    values = {field: getattr(organisation, field) for field in fields}
    errors: list[str] = []
    if request.method == "POST":
        values = {field: str(request.POST.get(field, "")) for field in fields}
        try:
            glossary.organisation_mandate_update(
                organisation=organisation, actor_id=request.user.pk, **values
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Your organisation’s mandate is saved."))
            return redirect("mandates:edit", organisation_id=organisation.pk)
    return render(
        request,
        "coalition_pages/mandate_edit.html",
        {
            "organisation": organisation,
            "rows": [
                {"name": field, "label": glossary.MANDATE_LABELS[field], "value": values[field]}
                for field in fields
            ],
            "errors": errors,
            "maximum": glossary.MANDATE_MAX,
        },
        status=400 if errors else 200,
    )
