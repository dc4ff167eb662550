"""Reads of materials, contacts and briefs. Missing and forbidden look the same (404).

- A public material and its versions: anyone, anonymous visitors included.
- A material for workers: members of its coalition or of a coalition below it (the same
  reach as the coalition's page: ``coalition.selectors.coalitions_visible``).
- Writing: coordinators of an organisation that belongs directly to the coalition.
- A brief: whoever reads its release (coordinators and analysts of the releasing or the
  receiving coalition: ``trends.selectors.releases_visible``); only anonymised, suppressed
  aggregates and the coalition's own words are in it.
"""

from uuid import UUID

from django.db.models import Q, QuerySet

from arrimage.accounts.models import Membership, Role
from arrimage.awareness.models import (
    AdvocacyBrief,
    Audience,
    CoalitionContact,
    Material,
    MaterialVersion,
)
from arrimage.coalition.models import Coalition
from arrimage.coalition.selectors import coalitions_visible
from arrimage.core.errors import NotFound
from arrimage.trends.selectors import releases_visible


def _uuid(value: UUID | str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as error:
        raise NotFound from error


def coalitions_coordinated(*, actor: Membership | None) -> QuerySet[Coalition]:
    """The coalitions whose materials, contacts and briefs the actor writes."""
    if actor is None or actor.role != Role.COORDINATOR:
        return Coalition.objects.none()
    return Coalition.objects.filter(organisations=actor.organisation_id).order_by("name")


def coalition_coordinated_get(*, actor: Membership | None, coalition_id: UUID | str) -> Coalition:
    coalition = coalitions_coordinated(actor=actor).filter(pk=_uuid(coalition_id)).first()
    if coalition is None:
        raise NotFound
    return coalition


def materials_visible(*, actor: Membership | None) -> QuerySet[Material]:
    readable = Q(audience=Audience.PUBLIC)
    if actor is not None:
        readable |= Q(coalition__in=coalitions_visible(membership=actor).values("pk"))
    return Material.objects.filter(readable).select_related("coalition")


def material_get(*, actor: Membership | None, material_id: UUID | str) -> Material:
    material = materials_visible(actor=actor).filter(pk=_uuid(material_id)).first()
    if material is None:
        raise NotFound
    return material


def material_may_edit(*, actor: Membership | None, material: Material) -> bool:
    return coalitions_coordinated(actor=actor).filter(pk=material.coalition_id).exists()


def material_versions(*, material: Material) -> QuerySet[MaterialVersion]:
    """Every version, newest first in each language; without the files' bytes."""
    return material.versions.defer("content").order_by("language", "-number")


def version_file_get(
    *, actor: Membership | None, material_id: UUID | str, version_id: UUID | str
) -> MaterialVersion:
    material = material_get(actor=actor, material_id=material_id)
    version = (
        MaterialVersion.objects.filter(
            material=material, pk=_uuid(version_id), content__isnull=False
        )
        .select_related("material")
        .first()
    )
    if version is None:
        raise NotFound
    return version


def contacts_public() -> QuerySet[CoalitionContact]:
    return CoalitionContact.objects.select_related("coalition").order_by(
        "coalition__name", "created_at"
    )


def briefs_visible(*, actor: Membership | None) -> QuerySet[AdvocacyBrief]:
    releases = releases_visible(actor=actor).values("pk")
    return AdvocacyBrief.objects.filter(release__in=releases).select_related("coalition", "release")


def brief_get(*, actor: Membership | None, brief_id: UUID | str) -> AdvocacyBrief:
    brief = briefs_visible(actor=actor).filter(pk=_uuid(brief_id)).first()
    if brief is None:
        raise NotFound
    return brief


def brief_may_edit(*, actor: Membership | None, brief: AdvocacyBrief) -> bool:
    return coalitions_coordinated(actor=actor).filter(pk=brief.coalition_id).exists()
