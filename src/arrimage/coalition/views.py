from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arrimage.coalition import selectors
from arrimage.coalition.models import Coalition


def _as_tree(coalitions: list[Coalition]) -> list[tuple[Coalition, int]]:
    """The coalitions depth first, each level under the one above it, with its depth."""
    ids = {c.pk for c in coalitions}
    children: dict[object, list[Coalition]] = {}
    for coalition in coalitions:
        parent = coalition.parent_id if coalition.parent_id in ids else None
        children.setdefault(parent, []).append(coalition)
    ordered: list[tuple[Coalition, int]] = []
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        coalition, depth = stack.pop()
        ordered.append((coalition, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(coalition.pk, [])))
    return ordered


def coalition_list_view(request: HttpRequest) -> HttpResponse:
    coalitions = selectors.coalitions_visible(membership=request.membership)  # type: ignore[attr-defined]
    return render(
        request,
        "coalition/coalition_list.html",
        {"tree": _as_tree(list(coalitions.order_by("name")))},
    )
