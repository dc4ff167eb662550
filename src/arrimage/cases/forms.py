"""Turning submitted forms into the dicts the services take. Validation is the services'."""

from typing import Any

from django.http import QueryDict

LIST_FIELDS = {
    "languages",
    "citizenship",
    "sex_exploitation_types",
    "labour_exploitation_types",
    "methods_of_control",
    "methods_of_recruitment",
    "categories",
}


def form_data(post: QueryDict, fields: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in fields:
        if name in LIST_FIELDS:
            values = post.getlist(name)
            if len(values) == 1 and "," in values[0]:
                values = [part.strip() for part in values[0].split(",")]
            data[name] = [value for value in values if value]
        else:
            data[name] = post.get(name, "")
    return data


IDENTITY_FIELDS = [
    "alias",
    "given_name",
    "family_name",
    "year_of_birth",
    "age_band",
    "gender",
    "languages",
]
CONTACT_FIELDS = ["phone", "email", "safe_contact_instructions"]
LOCATION_FIELDS = ["city", "accommodation"]
EXPLOITATION_FIELDS = [
    "sex_exploitation_types",
    "labour_exploitation_types",
    "methods_of_control",
    "methods_of_recruitment",
    "trafficking_status",
    "status_decided_by",
    "status_decided_on",
    "details",
]
IMMIGRATION_FIELDS = [
    "citizenship",
    "status",
    "trp_issued_on",
    "trp_expires_on",
    "trp_renewal_due_on",
    "asylum_claim",
    "humanitarian_application",
    "ifhp_covered_until",
    "legal_representative",
    "is_detained",
]
HEALTH_FIELDS = ["kind", "service", "scheduled_on", "coverage", "status", "details", "follow_up_on"]
LEGAL_FIELDS = ["police_report_filed", "proceedings", "lawyer"]
PERSON_FIELDS = {
    "identity": IDENTITY_FIELDS,
    "contact": CONTACT_FIELDS,
    "location": LOCATION_FIELDS,
}
