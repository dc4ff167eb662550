"""The public help page and the library of materials. Thin: selectors and services decide."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.awareness import selectors, services
from arrimage.awareness.models import Audience, MaterialKind, MaterialLanguage, MaterialVersion
from arrimage.cases.document_services import MAX_UPLOAD_BYTES
from arrimage.core.errors import NotFound

HOTLINE = "1-833-900-1010"
HOTLINE_URI = "tel:+18339001010"


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


def _upload(request: HttpRequest) -> tuple[str | None, bytes | None]:
    upload = request.FILES.get("file")
    if upload is None:
        return None, None
    # Never more than one byte past the limit in memory: the service refuses it.
    return upload.name or "", upload.read(MAX_UPLOAD_BYTES + 1)


def _choices() -> dict[str, Any]:
    return {
        "audiences": Audience.choices,
        "kinds": MaterialKind.choices,
        "languages": MaterialLanguage.choices,
    }


@login_not_required
def help_view(request: HttpRequest) -> HttpResponse:
    """« Obtenir de l'aide »: anonymous, nothing loaded from elsewhere, the quick exit on."""
    contacts = list(selectors.contacts_public())
    by_coalition: dict[str, list[Any]] = {}
    for contact in contacts:
        by_coalition.setdefault(contact.coalition.name, []).append(contact)
    # Leaves no trace on a shared device: the language is a link (``?langue=en``), not a form
    # that would need a CSRF cookie, and no cache keeps the page.
    language = str(request.GET.get("langue", ""))
    if language not in ("fr-ca", "en"):
        language = translation.get_language() or "fr-ca"
    with translation.override(language):
        response = render(
            request,
            "awareness/help.html",
            {
                "hotline": HOTLINE,
                "hotline_uri": HOTLINE_URI,
                "coalitions": sorted(by_coalition.items()),
                "quick_exit": True,
            },
        )
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    return response


@login_not_required
def material_list_view(request: HttpRequest) -> HttpResponse:
    actor = _membership(request)
    materials = selectors.materials_visible(actor=actor).order_by("title")
    audience = request.GET.get("public", "")
    if audience == "1":
        materials = materials.filter(audience=Audience.PUBLIC)
    return render(
        request,
        "awareness/material_list.html",
        {
            # The languages of each material, without the files' bytes.
            "materials": materials.prefetch_related(
                Prefetch("versions", queryset=MaterialVersion.objects.defer("content"))
            )[:300],
            "coordinated": selectors.coalitions_coordinated(actor=actor),
            "section": "awareness",
        },
    )


@require_http_methods(["GET", "POST"])
def material_create_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    actor = _membership(request)
    coalition = selectors.coalition_coordinated_get(actor=actor, coalition_id=coalition_id)
    errors: list[str] = []
    if request.method == "POST":
        filename, content = _upload(request)
        try:
            material = services.material_create(
                actor=actor,
                coalition_id=coalition.pk,
                data=request.POST.dict(),
                filename=filename,
                content=content,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The material is in the library."))
            return redirect("awareness:material_detail", material_id=material.pk)
    return render(
        request,
        "awareness/material_form.html",
        {
            "coalition": coalition,
            "values": request.POST,
            "errors": errors,
            "section": "awareness",
            **_choices(),
        },
        status=400 if errors else 200,
    )


def _material_page(
    request: HttpRequest, material_id: UUID, *, errors: list[str], status: int = 200
) -> HttpResponse:
    actor = _membership(request)
    material = selectors.material_get(actor=actor, material_id=material_id)
    return render(
        request,
        "awareness/material_detail.html",
        {
            "material": material,
            "versions": selectors.material_versions(material=material),
            "may_edit": selectors.material_may_edit(actor=actor, material=material),
            "values": request.POST,
            "errors": errors,
            "section": "awareness",
            **_choices(),
        },
        status=status,
    )


@login_not_required
def material_detail_view(request: HttpRequest, material_id: UUID) -> HttpResponse:
    return _material_page(request, material_id, errors=[])


@require_POST
def version_add_view(request: HttpRequest, material_id: UUID) -> HttpResponse:
    filename, content = _upload(request)
    try:
        services.material_version_add(
            actor=_membership(request),
            material_id=material_id,
            data=request.POST.dict(),
            filename=filename,
            content=content,
        )
    except ValidationError as error:
        return _material_page(request, material_id, errors=error.messages, status=400)
    messages.success(request, _("The new version is in the library."))
    return redirect("awareness:material_detail", material_id=material_id)


@login_not_required
def version_file_view(request: HttpRequest, material_id: UUID, version_id: UUID) -> HttpResponse:
    version = selectors.version_file_get(
        actor=_membership(request), material_id=material_id, version_id=version_id
    )
    content_type = version.content_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(bytes(version.content or b""), content_type=content_type)
    # RFC 6266: an accented name travels as filename*=utf-8''...
    response["Content-Disposition"] = content_disposition_header(True, version.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def contacts_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    actor = _membership(request)
    coalition = selectors.coalition_coordinated_get(actor=actor, coalition_id=coalition_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                services.contact_remove(
                    actor=actor, coalition_id=coalition.pk, contact_id=request.POST["remove"]
                )
                messages.success(request, _("The contact is no longer on the help page."))
            else:
                services.contact_add(
                    actor=actor, coalition_id=coalition.pk, data=request.POST.dict()
                )
                messages.success(request, _("The contact is on the help page."))
        except ValidationError as error:
            errors = error.messages
        except NotFound:
            errors = [_("This contact was already removed.")]
        else:
            return redirect("awareness:contacts", coalition_id=coalition.pk)
    return render(
        request,
        "awareness/contacts.html",
        {
            "coalition": coalition,
            "contacts": coalition.public_contacts.all(),  # type: ignore[attr-defined]
            "values": request.POST if errors else {},
            "errors": errors,
            "section": "awareness",
        },
        status=400 if errors else 200,
    )
