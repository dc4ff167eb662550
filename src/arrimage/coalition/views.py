from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arrimage.coalition import selectors


def coalition_list_view(request: HttpRequest) -> HttpResponse:
    coalitions = selectors.coalitions_visible(membership=request.membership)  # type: ignore[attr-defined]
    return render(
        request,
        "coalition/coalition_list.html",
        {
            "coalitions": coalitions.order_by("level", "name"),
        },
    )


def coalition_detail_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    coalition = selectors.coalition_get(membership=membership, coalition_id=coalition_id)
    visible = selectors.coalitions_visible(membership=membership)
    return render(
        request,
        "coalition/coalition_detail.html",
        {
            "coalition": coalition,
            "organisations": selectors.coalition_organisations(coalition=coalition),
            "children": visible.filter(parent=coalition).order_by("name"),
        },
    )
