"""Trends pages between instances: importing a signed bundle from another instance, and
trusting another instance's key."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.core.errors import NotFound
from arrimage.trends import federation, selectors, signing
from arrimage.trends.view_helpers import errors_text, membership_of, uuid_or_404

MAX_BUNDLE_BYTES = 5 * 1024 * 1024


def bundle_import_view(request: HttpRequest) -> HttpResponse:
    actor = membership_of(request)
    coalitions = selectors.coalitions_releasing(actor=actor)
    if not coalitions.exists():
        raise NotFound
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("bundle")
        if upload is None:
            error = _("Choose the bundle file to import.")
        elif upload.size is not None and upload.size > MAX_BUNDLE_BYTES:
            error = _("This file is too large for a release bundle (5 MB at most).")
        else:
            try:
                release = federation.bundle_import(
                    actor=actor,
                    coalition_id=uuid_or_404(request.POST.get("coalition_id")),
                    data=upload.read(),
                )
            except signing.BundleRefused as refused:
                error = federation.bundle_error_message(refused.code)
            else:
                messages.success(request, _("The bundle is verified and imported."))
                return redirect("trends:release_detail", release_id=release.pk)
    return render(
        request,
        "trends/bundle_import.html",
        {"coalitions": coalitions, "error": error},
        status=400 if error else 200,
    )


@require_POST
def trusted_add_view(request: HttpRequest) -> HttpResponse:
    try:
        federation.trusted_instance_add(
            actor=membership_of(request),
            coalition_id=uuid_or_404(request.POST.get("coalition_id")),
            name=str(request.POST.get("name", "")),
            public_key=str(request.POST.get("public_key", "")),
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
    else:
        messages.success(request, _("The instance is trusted: its bundles can be imported."))
    return redirect("trends:index")
