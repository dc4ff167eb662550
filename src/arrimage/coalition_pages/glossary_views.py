"""The glossary's pages: the legal texts and the partners' own definitions of each term, side by
side, read by every signed-in user (enforcement bodies too: it is not personal data); each
organisation's administrators and coordinators write their organisation's definition."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.coalition import glossary
from arrimage.coalition_pages.editors import may_edit_organisation, organisation_editor


def glossary_list_view(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    counts = glossary.glossary_definition_counts(membership=membership)
    terms = [(term, counts.get(term.pk, 0)) for term in glossary.glossary_terms()]
    return render(request, "coalition_pages/glossary_list.html", {"terms": terms})


def glossary_term_view(request: HttpRequest, slug: str) -> HttpResponse:
    membership = getattr(request, "membership", None)
    term = glossary.glossary_term_get(slug=slug)
    definitions = glossary.glossary_definitions(membership=membership, term=term)
    may_edit = membership is not None and may_edit_organisation(
        membership=membership, organisation_id=membership.organisation_id
    )
    return render(
        request,
        "coalition_pages/glossary_term.html",
        {
            "term": term,
            "legal_texts": list(term.legal_texts.all()),
            "definitions": definitions,
            "may_edit": may_edit,
            "own_written": any(
                row.organisation_id == getattr(membership, "organisation_id", None)
                for row in definitions
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def glossary_definition_edit_view(
    request: HttpRequest, slug: str, organisation_id: UUID
) -> HttpResponse:
    membership = getattr(request, "membership", None)
    organisation = organisation_editor(membership=membership, organisation_id=organisation_id)
    term = glossary.glossary_term_get(slug=slug)
    current = glossary.glossary_definition_get(term=term, organisation_id=organisation.pk)
    values = {
        "definition": current.definition if current else "",
        "preferred_words": current.preferred_words if current else "",
    }
    errors: list[str] = []
    if request.method == "POST":
        values = {field: str(request.POST.get(field, "")) for field in values}
        try:
            glossary.glossary_definition_save(
                organisation=organisation,
                term=term,
                definition=values["definition"],
                preferred_words=values["preferred_words"],
                actor_id=request.user.pk,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Your organisation’s definition is saved."))
            return redirect("glossary:term", slug=term.slug)
    return render(
        request,
        "coalition_pages/glossary_edit.html",
        {
            "term": term,
            "organisation": organisation,
            "values": values,
            "errors": errors,
            "definition_max": glossary.DEFINITION_MAX,
            "words_max": glossary.WORDS_MAX,
        },
        status=400 if errors else 200,
    )
