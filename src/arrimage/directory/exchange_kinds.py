"""The kinds of HSDS object Arrimage stores: their models in the order of writing, their
references, and the fields read under another name."""

from django.db import models

from arrimage.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganization,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)

# In the order of writing: every object after those it refers to.
MODELS: dict[str, type[models.Model]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": DirectoryOrganization,
    "organization_identifier": OrganizationIdentifier,
    "program": Program,
    "location": Location,
    "address": Address,
    "service": Service,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "language": Language,
    "accessibility": Accessibility,
    "service_area": ServiceArea,
    "cost_option": CostOption,
    "required_document": RequiredDocument,
    "funding": Funding,
    "attribute": Attribute,
    "service_capacity": ServiceCapacity,
    "metadata": Metadata,
    "meta_table_description": MetaTableDescription,
}
ORDER = list(MODELS)
# Foreign keys: HSDS field -> (model field, entity it points at).
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "taxonomy_term": {
        "taxonomy_id": ("taxonomy_id", "taxonomy"),
        "parent_id": ("parent_id", "taxonomy_term"),
    },
    "organization_identifier": {"organization_id": ("organization_id", "organization")},
    "program": {"organization_id": ("organization_id", "organization")},
    "location": {"organization_id": ("organization_id", "organization")},
    "address": {"location_id": ("location_id", "location")},
    "service": {
        "organization_id": ("organization_id", "organization"),
        "program_id": ("program_id", "program"),
    },
    "service_at_location": {
        "service_id": ("service_id", "service"),
        "location_id": ("location_id", "location"),
    },
    "contact": {
        "organization_id": ("organization_id", "organization"),
        "service_id": ("service_id", "service"),
        "service_at_location_id": ("service_at_location_id", "service_at_location"),
        "location_id": ("location_id", "location"),
    },
    "phone": {
        "location_id": ("location_id", "location"),
        "service_id": ("service_id", "service"),
        "organization_id": ("organization_id", "organization"),
        "contact_id": ("contact_id", "contact"),
        "service_at_location_id": ("service_at_location_id", "service_at_location"),
    },
    "schedule": {
        "service_id": ("service_id", "service"),
        "location_id": ("location_id", "location"),
        "service_at_location_id": ("service_at_location_id", "service_at_location"),
    },
    "language": {
        "service_id": ("service_id", "service"),
        "location_id": ("location_id", "location"),
        "phone_id": ("phone_id", "phone"),
    },
    "accessibility": {"location_id": ("location_id", "location")},
    "service_area": {"service_id": ("service_id", "service")},
    "cost_option": {"service_id": ("service_id", "service")},
    "required_document": {"service_id": ("service_id", "service")},
    "funding": {
        "organization_id": ("organization_id", "organization"),
        "service_id": ("service_id", "service"),
    },
    "attribute": {"taxonomy_term_id": ("taxonomy_term_id", "taxonomy_term")},
    "service_capacity": {"service_id": ("service_id", "service")},
}
# Ids that name another object without a foreign key: kept as given, a warning when they
# name nothing known. HSDS field -> the field naming the target's kind, or the kind.
LOOSE_LINKS: dict[str, dict[str, str]] = {
    "attribute": {"link_id": "link_entity"},
    "metadata": {"resource_id": "resource_type"},
    "organization": {"parent_organization_id": "=organization"},
}
# Fields the import never touches: Arrimage's own, not in HSDS.
UNTOUCHED = {"owner", "group", "words"}
# HSDS and profile fields read into a model field of another name, or only derived.
READ_ELSEWHERE: dict[str, set[str]] = {
    "location": {"confidential", "municipality", "municipality_name", "region_code"},
    "taxonomy_term": {"taxonomy"},
}
# Bilingual fields: model field -> (profile extension, plain HSDS field it falls back to).
BILINGUAL: dict[str, dict[str, tuple[str, str | None]]] = {
    "service": {
        "name_fr": ("name_fr", "name"),
        "name_en": ("name_en", None),
        "description_fr": ("description_fr", "description"),
        "description_en": ("description_en", None),
        "eligibility_description_fr": ("eligibility_description_fr", "eligibility_description"),
        "eligibility_description_en": ("eligibility_description_en", None),
    },
    "organization": {
        "description_fr": ("description_fr", "description"),
        "description_en": ("description_en", None),
    },
    "taxonomy_term": {
        "name_fr": ("name_fr", "name"),
        "name_en": ("name_en", None),
        "description_fr": ("description_fr", "description"),
        "description_en": ("description_en", None),
    },
}
