from typing import Protocol
from uuid import UUID

from django.db.models import QuerySet

from arrimage.coalition.models import Coalition, Organisation
from arrimage.core.errors import NotFound


class Member(Protocol):
    """Who asks: anything acting for an organisation (``accounts.models.Membership``)."""

    organisation_id: UUID


def coalitions_visible(*, membership: Member | None) -> QuerySet[Coalition]:
    """The coalitions the acting organisation belongs to, and the levels above them."""
    if membership is None:
        return Coalition.objects.none()
    ids: set[UUID] = set()
    frontier = set(
        Coalition.objects.filter(organisations=membership.organisation_id).values_list(
            "id", flat=True
        )
    )
    while frontier:
        ids |= frontier
        frontier = (
            set(
                Coalition.objects.filter(id__in=frontier, parent__isnull=False).values_list(
                    "parent_id", flat=True
                )
            )
            - ids
        )
    return Coalition.objects.filter(id__in=ids).select_related("parent", "region")


def coalition_get(*, membership: Member | None, coalition_id: UUID) -> Coalition:
    coalition = coalitions_visible(membership=membership).filter(pk=coalition_id).first()
    if coalition is None:
        raise NotFound
    return coalition


def coalition_organisations(*, coalition: Coalition) -> QuerySet[Organisation]:
    return coalition.organisations.select_related("region").order_by("name")
