"""The directory: an HSDS 3.0 profile (docs/hsds-profile.md).

Every HSDS object has a UUID id, so imports upsert by id. Names and descriptions are kept in
French and English. Eligibility and categories are HSDS attributes pointing at the two
bilingual taxonomies of :mod:`arrimage.directory.taxonomy`. ``ServiceCapacity`` follows HSDS
3.1's ``service_capacity``; ``Location.is_confidential`` is the profile's confidentiality flag.

The models live by concept in this package's modules; Django and the rest of the code
import them from here.
"""

from arrimage.directory.models.base import (
    EXTENT_MAX,
    TEXT_MAX,
    CapacityUnit,
    HsdsObject,
    LocationType,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    text_limit,
)
from arrimage.directory.models.capacity import CapacityChange, ServiceCapacity
from arrimage.directory.models.details import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Funding,
    Language,
    OrganizationIdentifier,
    Phone,
    RequiredDocument,
    Schedule,
    ServiceArea,
)
from arrimage.directory.models.metadata import (
    Attribute,
    Metadata,
    MetaTableDescription,
    UnresolvedReference,
)
from arrimage.directory.models.search import SearchEntry, SearchTerm
from arrimage.directory.models.services import (
    DirectoryOrganization,
    DirectorySharing,
    Location,
    Program,
    Service,
    ServiceAtLocation,
)

__all__ = [
    "EXTENT_MAX",
    "TEXT_MAX",
    "Accessibility",
    "Address",
    "Attribute",
    "CapacityChange",
    "CapacityUnit",
    "Contact",
    "CostOption",
    "DirectoryOrganization",
    "DirectorySharing",
    "Funding",
    "HsdsObject",
    "Language",
    "Location",
    "LocationType",
    "MetaTableDescription",
    "Metadata",
    "OrganizationIdentifier",
    "Phone",
    "Program",
    "RequiredDocument",
    "Schedule",
    "SearchEntry",
    "SearchTerm",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceCapacity",
    "ServiceStatus",
    "Taxonomy",
    "TaxonomyTerm",
    "UnresolvedReference",
    "text_limit",
]
