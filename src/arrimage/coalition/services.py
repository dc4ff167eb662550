from uuid import UUID

from arrimage.coalition.models import Coalition, CoalitionMembership, Organisation, Region
from arrimage.core.audit import audit_record


def organisation_create(
    *, name: str, type: str, region: Region, mandate: str = "", actor_id: UUID | str | None = None
) -> Organisation:
    organisation = Organisation.objects.create(name=name, type=type, region=region, mandate=mandate)
    audit_record(
        action="organisation_created",
        actor_id=actor_id,
        organisation_id=organisation.pk,
        target_type="organisation",
        target_id=organisation.pk,
        details={"type": type},
    )
    return organisation


def coalition_member_add(
    *, coalition: Coalition, organisation: Organisation, actor_id: UUID | str | None = None
) -> CoalitionMembership:
    membership, _created = CoalitionMembership.objects.get_or_create(
        coalition=coalition, organisation=organisation
    )
    audit_record(
        action="coalition_member_added",
        actor_id=actor_id,
        organisation_id=organisation.pk,
        target_type="coalition",
        target_id=coalition.pk,
    )
    return membership
