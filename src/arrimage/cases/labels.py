"""Human names of the fields of a person's record, for pages, exports and PDFs, in the active
language."""

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from arrimage.cases.countries import country_name
from arrimage.cases.exploitation_vocabularies import (
    LabourExploitationType,
    MethodOfControl,
    MethodOfRecruitment,
    SexExploitationType,
    StatusDecidedBy,
    TraffickingStatus,
)
from arrimage.cases.immigration_health_vocabularies import ApplicationStatus, ImmigrationStatus
from arrimage.privacy.categories import Category

FIELD_LABELS: dict[str, Any] = {
    "person": gettext_lazy("Person"),
    "cases": gettext_lazy("Cases"),
    "consents": gettext_lazy("Consents"),
    "alias": gettext_lazy("Alias"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "year_of_birth": gettext_lazy("Year of birth"),
    "age_band": gettext_lazy("Age band"),
    "gender": gettext_lazy("Gender"),
    "languages": gettext_lazy("Languages"),
    "citizenship": gettext_lazy("Citizenship"),
    "phone": gettext_lazy("Telephone"),
    "email": gettext_lazy("Email address"),
    "safe_contact_instructions": gettext_lazy("How to contact safely"),
    "city": gettext_lazy("City"),
    "accommodation": gettext_lazy("Accommodation"),
    "reference": gettext_lazy("Reference"),
    "display_name": gettext_lazy("Name shown"),
    "lead_organisation": gettext_lazy("Lead organisation"),
    "name": gettext_lazy("Name"),
    "status": gettext_lazy("Status"),
    "opened_at": gettext_lazy("Opened"),
    "updated_at": gettext_lazy("Last updated"),
    "closed_at": gettext_lazy("Closed"),
    "is_urgent": gettext_lazy("Urgent"),
    "assigned_worker": gettext_lazy("Worker"),
    "needs": gettext_lazy("Needs"),
    "need_type": gettext_lazy("Need"),
    "urgency": gettext_lazy("Urgency"),
    "created_at": gettext_lazy("Recorded"),
    "goals": gettext_lazy("Plan goals"),
    "text": gettext_lazy("Text"),
    "target_on": gettext_lazy("Target date"),
    "legal": Category.LEGAL.label,
    "exploitation": Category.EXPLOITATION.label,
    "immigration": Category.IMMIGRATION.label,
    "health_follow_ups": gettext_lazy("Health follow-up"),
    "tasks": gettext_lazy("Tasks"),
    "notes": gettext_lazy("Notes"),
    "documents": gettext_lazy("Documents"),
    "category": gettext_lazy("Category"),
    "kind": gettext_lazy("Kind"),
    "title": gettext_lazy("Title"),
    "due_on": gettext_lazy("Due date"),
    "assignee": gettext_lazy("Assigned to"),
    "is_overdue": gettext_lazy("Overdue"),
    "body": gettext_lazy("Note"),
    "author": gettext_lazy("Author"),
    "author_organisation": gettext_lazy("Author's organisation"),
    "filename": gettext_lazy("File name"),
    "content_type": gettext_lazy("File type"),
    "size": gettext_lazy("Size (bytes)"),
    "recipient": gettext_lazy("Recipient organisation"),
    "categories": gettext_lazy("Categories"),
    "purpose": gettext_lazy("Purpose"),
    "method": pgettext_lazy("consent", "How it was given"),
    "recorded_at": pgettext_lazy("consent", "Given on"),
    "expires_at": gettext_lazy("Expires"),
    "withdrawn_at": gettext_lazy("Withdrawn"),
    "sex_exploitation_types": gettext_lazy("Types of sexual exploitation"),
    "labour_exploitation_types": gettext_lazy("Types of labour exploitation"),
    "methods_of_control": gettext_lazy("Means of control"),
    "methods_of_recruitment": gettext_lazy("Means of recruitment"),
    "trafficking_status": gettext_lazy("Trafficking status"),
    "status_decided_by": gettext_lazy("Decided by"),
    "status_decided_on": gettext_lazy("Decided on"),
    "details": gettext_lazy("Details"),
    "trp_issued_on": gettext_lazy("Temporary resident permit issued on"),
    "trp_expires_on": gettext_lazy("Temporary resident permit expires on"),
    "trp_renewal_due_on": gettext_lazy("Renewal due on"),
    "asylum_claim": gettext_lazy("Asylum claim"),
    "humanitarian_application": gettext_lazy("Humanitarian application"),
    "ifhp_covered_until": gettext_lazy("IFHP coverage until"),
    "legal_representative": gettext_lazy("Legal representative"),
    "is_detained": gettext_lazy("Detained"),
    "service": gettext_lazy("Service"),
    "scheduled_on": gettext_lazy("Scheduled on"),
    "coverage": gettext_lazy("Coverage"),
    # Screenings, in the person's export (Law 25).
    "screenings": gettext_lazy("Screenings"),
    "organisation": gettext_lazy("Organisation"),
    "form": pgettext_lazy("screening", "Form"),
    "completed_at": gettext_lazy("All questions asked on"),
    "answers": gettext_lazy("Answers"),
    "question": pgettext_lazy("screening", "Question"),
    "answer": pgettext_lazy("screening", "Answer"),
    "indicators": gettext_lazy("Indicators present"),
    "next_steps": gettext_lazy("Suggested next steps"),
}


def field_label(key: str) -> str:
    """The human name of a field of a case view, in the active language."""
    return _label(key)


def _label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    if label is not None:
        return str(label)
    return key.replace("_", " ").capitalize()


# The coded fields of each section of a case view, with the names of their codes.
SECTION_CHOICES: dict[str, dict[str, Any]] = {
    "immigration": {
        "status": ImmigrationStatus,
        "asylum_claim": ApplicationStatus,
        "humanitarian_application": ApplicationStatus,
    },
    "exploitation": {
        "sex_exploitation_types": SexExploitationType,
        "labour_exploitation_types": LabourExploitationType,
        "methods_of_control": MethodOfControl,
        "methods_of_recruitment": MethodOfRecruitment,
        "trafficking_status": TraffickingStatus,
        "status_decided_by": StatusDecidedBy,
    },
    "legal": {},
}


def _one(choices: Any, value: Any) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" == value[7:8]:
        try:
            return date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if choices is not None:
        return str(dict(choices.choices).get(str(value), value))
    return str(value)


def section_value_label(section: str, key: str, value: Any) -> str:
    """A value of a section of a case view as the reader reads it: codes by their names,
    yes or no, dates written out, lists joined; empty stays empty. No raw code reaches a
    page (issue 13)."""
    if value is None or value == "" or value == []:
        return ""
    if key == "citizenship":
        return ", ".join(country_name(str(code)) for code in value)
    choices = SECTION_CHOICES.get(section, {}).get(key)
    if isinstance(value, list | tuple):
        return ", ".join(_one(choices, item) for item in value)
    return _one(choices, value)
