"""The Arrimage HSDS profile, as HSDS profiles are written: JSON merge patches (RFC 7396)
over the HSDS 3.0 schemas. Served at /hsds/profile/ and described in docs/hsds-profile.md."""

from typing import Any

from arrimage.directory.taxonomy import (
    CATEGORY_TAXONOMY,
    ELIGIBILITY_TAXONOMY,
    taxonomy_uuid,
)

_TEXT = {"type": "string"}


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


PROFILE: dict[str, Any] = {
    "name": "arrimage",
    "title": "Arrimage HSDS 3.0 profile",
    "description": (
        "Bilingual (French first) directory of services for trafficked persons. Names and "
        "descriptions in French and English; eligibility and categories as attributes of two "
        "bilingual taxonomies; capacity as in HSDS 3.1 service_capacity; confidential "
        "locations."
    ),
    "hsds_version": "3.0",
    "taxonomies": {
        CATEGORY_TAXONOMY: str(taxonomy_uuid(CATEGORY_TAXONOMY)),
        ELIGIBILITY_TAXONOMY: str(taxonomy_uuid(ELIGIBILITY_TAXONOMY)),
    },
    "schemas": {
        "service.json": {
            "properties": {
                "name": _text("The French name, or the English one when there is no French."),
                "name_fr": _text("Name in French."),
                "name_en": _text("Name in English."),
                "description_fr": _text("Description in French."),
                "description_en": _text("Description in English."),
                "eligibility_description_fr": _text("Eligibility, in French."),
                "eligibility_description_en": _text("Eligibility, in English."),
                "capacities": {
                    "type": "array",
                    "description": "HSDS 3.1 service_capacity: available units of each kind.",
                    "items": {
                        "type": "object",
                        "required": ["id", "service_id", "unit", "available", "updated"],
                        "properties": {
                            "id": {"type": "string", "format": "uuid"},
                            "service_id": {"type": "string", "format": "uuid"},
                            "unit": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string", "format": "uuid"},
                                    "name": {"enum": ["bed", "room", "family_unit"]},
                                    "scheme": _TEXT,
                                    "identifier": _TEXT,
                                },
                            },
                            "available": {"type": "integer", "minimum": 0},
                            "maximum": {"type": "integer", "minimum": 0},
                            "description": _TEXT,
                            "updated": {"type": "string", "format": "date-time"},
                        },
                    },
                },
                "assured_date": _text("Date the information was last confirmed (freshness)."),
            }
        },
        "organization.json": {
            "properties": {
                "description_fr": _text("Description in French."),
                "description_en": _text("Description in English."),
                "last_modified": {"type": "string", "format": "date-time"},
            }
        },
        "location.json": {
            "properties": {
                "confidential": {
                    "type": "boolean",
                    "description": (
                        "The address is confidential. Public outputs then carry no address, "
                        "no coordinates, no description: only the municipality, the region and "
                        "the intake phones."
                    ),
                },
                "municipality": _text("Municipality code (Arrimage's municipalities.csv)."),
                "municipality_name": _text("Municipality name."),
                "region_code": _text("Administrative region, e.g. QC-06."),
            }
        },
        "taxonomy_term.json": {
            "properties": {
                "name_fr": _text("Term in French."),
                "name_en": _text("Term in English."),
                "description_fr": _text("Description in French."),
                "description_en": _text("Description in English."),
            }
        },
    },
    "csv": {
        "extension_columns": {
            "organizations.csv": ["description_fr", "description_en", "last_modified"],
            "services.csv": [
                "name_fr",
                "name_en",
                "description_fr",
                "description_en",
                "eligibility_description_fr",
                "eligibility_description_en",
            ],
            "locations.csv": ["confidential", "municipality", "municipality_name", "region_code"],
            "taxonomy_terms.csv": ["name_fr", "name_en", "description_fr", "description_en"],
        },
        "extension_resources": {
            "service_capacities.csv": [
                "id",
                "service_id",
                "unit",
                "available",
                "maximum",
                "description",
                "updated",
            ],
        },
    },
}
