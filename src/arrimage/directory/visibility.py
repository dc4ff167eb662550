"""Who sees a confidential location's address and coordinates.

The firewall comes first: enforcement bodies never see it, not even for a location their own
organisation owns (a confidential address is location, which never reaches them). Then only
members of the owning organisation, and members of organisations that share a coalition with it
whose directory-sharing setting names their organisation type. Everyone else, the public pages
and the HSDS feed included, sees the municipality or region and the intake phone only.
"""

from uuid import UUID

from arrimage.accounts.models import Membership
from arrimage.coalition.models import Coalition
from arrimage.directory.models import DirectorySharing, Location
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import may_share_with

LOCATION = Category.LOCATION


def location_owner_id(location: Location) -> UUID | None:
    if location.organization_id is not None and location.organization is not None:
        return location.organization.owner_id
    sal = location.service_at_locations.select_related("service__organization").first()
    return sal.service.organization.owner_id if sal else None


def shared_with(*, owner_id: UUID, membership: Membership) -> bool:
    """The coalitions both belong to, through a setting that names the reader's type."""
    if not may_share_with(organisation_type=membership.organisation.type, category=LOCATION):
        return False
    coalitions = Coalition.objects.filter(organisations=owner_id).filter(
        organisations=membership.organisation_id
    )
    for types in DirectorySharing.objects.filter(coalition__in=coalitions).values_list(
        "confidential_address_types", flat=True
    ):
        if membership.organisation.type in (types or []):
            return True
    return False


def address_visible(*, membership: Membership | None, location: Location) -> bool:
    if not location.is_confidential:
        return True
    if membership is None:
        return False
    # The firewall before any owner rule.
    if not may_share_with(organisation_type=membership.organisation.type, category=LOCATION):
        return False
    owner_id = location_owner_id(location)
    if owner_id is None:
        return False
    if membership.organisation_id == owner_id:
        return True
    return shared_with(owner_id=owner_id, membership=membership)
