"""Pages of information-sharing agreements: read by the coalition's members, edited by its
coordinators (each save is a new, audited version)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.coalition.models import OrganisationType
from arrimage.core.errors import NotFound
from arrimage.privacy import agreements
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.policy import may_share_with


@require_http_methods(["GET", "POST"])
def agreement_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    membership = getattr(request, "membership", None)
    coalition = agreements.agreement_coalition_get(
        actor_membership=membership, coalition_id=coalition_id
    )
    may_edit = agreements.agreement_may_edit(actor_membership=membership, coalition=coalition)
    purpose = request.GET.get("purpose") or request.POST.get("purpose") or Purpose.COORDINATION
    from_type = request.GET.get("from") or request.POST.get("from") or "community"
    if purpose not in Purpose.values or from_type not in OrganisationType.values:
        raise NotFound
    versions = agreements.agreement_versions(coalition=coalition)
    current = versions[0] if versions else None
    errors: list[str] = []
    if request.method == "POST":
        if not may_edit or membership is None:
            raise NotFound
        rules = set()
        others = current.rule_keys() if current else frozenset()
        # Replace the rules from this organisation type for this purpose; keep the others.
        rules |= {rule for rule in others if (rule[0], rule[3]) != (from_type, purpose)}
        for value in request.POST.getlist("rule"):
            parts = value.split("|")
            if len(parts) != 2:
                errors.append(_("Choose rules from the table."))
                break
            rules.add((from_type, parts[0], parts[1], purpose))
        if not errors:
            try:
                agreements.agreement_version_create(
                    actor_membership=membership,
                    coalition=coalition,
                    rules=rules,
                    summary=request.POST.get("summary", ""),
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("A new version of the agreement is in force."))
                return redirect(f"{request.path}?purpose={purpose}&from={from_type}")
    allowed = current.rule_keys() if current else frozenset()
    types = OrganisationType.choices
    rows = []
    for to_type, to_label in types:
        cells = []
        for category, category_label in Category.choices:
            cells.append(
                {
                    "value": f"{to_type}|{category}",
                    "label": category_label,
                    "checked": (from_type, to_type, category, purpose) in allowed,
                    "firewalled": not may_share_with(organisation_type=to_type, category=category),
                }
            )
        rows.append({"to": to_label, "cells": cells})
    return render(
        request,
        "coalition_pages/agreement.html",
        {
            "coalition": coalition,
            "versions": versions,
            "current": current,
            "may_edit": may_edit,
            "rows": rows,
            "purpose": purpose,
            "from_type": from_type,
            "types": types,
            "from_label": dict(types)[from_type],
            "purposes": Purpose.choices,
            "categories": Category.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
