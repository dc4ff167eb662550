"""Words for the organisation's audit log (``/confidentialite/journal/``): every action, the
kind of thing it touched and the details an event carries, in the reader's language. Events
store codes and ids only (``core/audit.py``); this is where they become sentences. An action
without a label here would show its code: ``tests/law25/test_audit_labels.py`` finds every
action the code records and fails on one that has none."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from arrimage.accounts.models import Role
from arrimage.coalition.models import OrganisationType
from arrimage.law25.incidents_models import RiskLevel
from arrimage.orientation.models import HoldStatus, ReferralStatus
from arrimage.privacy.categories import Category, Purpose

AUDIT_ACTION_LABELS: dict[str, Any] = {
    "login": pgettext_lazy("audit action", "Logged in"),
    "logout": pgettext_lazy("audit action", "Logged out"),
    "login_failed": pgettext_lazy("audit action", "Failed login"),
    "password_changed": pgettext_lazy("audit action", "Password changed"),
    "password_reset": pgettext_lazy("audit action", "Password reset"),
    "profile_changed": pgettext_lazy("audit action", "Profile changed"),
    "organisation_switched": pgettext_lazy("audit action", "Now acting for the organisation"),
    "membership_added": pgettext_lazy("audit action", "Member added"),
    "membership_changed": pgettext_lazy("audit action", "Member's role changed"),
    "glossary_definition_changed": pgettext_lazy("audit action", "Glossary definition changed"),
    "organisation_mandate_changed": pgettext_lazy("audit action", "Organisation's mandate changed"),
    "membership_removed": pgettext_lazy("audit action", "Member removed"),
    "user_disabled": pgettext_lazy("audit action", "Account disabled"),
    "user_enabled": pgettext_lazy("audit action", "Account enabled again"),
    "two_factor_enabled": pgettext_lazy("audit action", "Two-factor login turned on"),
    "two_factor_disabled": pgettext_lazy("audit action", "Two-factor login turned off"),
    "two_factor_enrolment_failed": pgettext_lazy(
        "audit action", "Two-factor login: setting up failed"
    ),
    "recovery_code_used": pgettext_lazy("audit action", "Recovery code used"),
    "recovery_codes_regenerated": pgettext_lazy("audit action", "Recovery codes replaced"),
    "organisation_created": pgettext_lazy("audit action", "Organisation created"),
    "coalition_member_added": pgettext_lazy("audit action", "Joined a coalition"),
    "sharing_agreement_changed": pgettext_lazy("audit action", "Sharing agreement changed"),
    "sharing_agreement_signed": pgettext_lazy("audit action", "Sharing agreement signed"),
    "coalition_text_published": pgettext_lazy("audit action", "Published for the coalition"),
    "training_session_created": pgettext_lazy("audit action", "Training session added"),
    "training_attendance_recorded": pgettext_lazy("audit action", "Training attendance recorded"),
    "consent_recorded": pgettext_lazy("audit action", "Consent recorded"),
    "consent_withdrawn": pgettext_lazy("audit action", "Consent withdrawn"),
    "case_created": pgettext_lazy("audit action", "Case opened"),
    "case_read": pgettext_lazy("audit action", "Case viewed"),
    "case_list_read": pgettext_lazy("audit action", "Cases seen in a list"),
    "case_search": pgettext_lazy("audit action", "Case search"),
    "case_search_index_rebuilt": pgettext_lazy("audit action", "Case search index rebuilt"),
    "citizenship_moved_to_immigration": pgettext_lazy(
        "audit action", "Citizenship moved to the immigration category"
    ),
    "citizenship_moved_to_identity": pgettext_lazy(
        "audit action", "Citizenship moved back to the identity category"
    ),
    "case_matching_read": pgettext_lazy("audit action", "Case needs read to find resources"),
    "case_exported": pgettext_lazy("audit action", "Case exported"),
    "case_anonymised": pgettext_lazy("audit action", "Case anonymised"),
    "cases_exported_htcds": pgettext_lazy("audit action", "Cases exported (HTCDS)"),
    "calendar_read": pgettext_lazy("audit action", "Calendar feed read"),
    "document_read": pgettext_lazy("audit action", "Document opened"),
    "notifications_read": pgettext_lazy("audit action", "Notifications read"),
    "referral_case_read": pgettext_lazy("audit action", "Case read with a referral"),
    "referral_notified": pgettext_lazy("audit action", "Referral notice sent"),
    "screening_started": pgettext_lazy("audit action", "Screening started"),
    "screening_answered": pgettext_lazy("audit action", "Screening answered"),
    "screening_attached": pgettext_lazy("audit action", "Screening attached to a case"),
    "screening_read": pgettext_lazy("audit action", "Screening read"),
    "screening_listed": pgettext_lazy("audit action", "Screenings listed"),
    "screening_exported": pgettext_lazy("audit action", "Screening exported"),
    "screening_anonymised": pgettext_lazy("audit action", "Screening anonymised"),
    "directory_service_created": pgettext_lazy("audit action", "Service added"),
    "directory_service_updated": pgettext_lazy("audit action", "Service changed"),
    "directory_location_created": pgettext_lazy("audit action", "Place added"),
    "directory_location_updated": pgettext_lazy("audit action", "Place changed"),
    "directory_capacity_updated": pgettext_lazy("audit action", "Availability updated"),
    "directory_sharing_set": pgettext_lazy("audit action", "Address sharing changed"),
    "directory_imported": pgettext_lazy("audit action", "Directory imported"),
    "directory_exported": pgettext_lazy("audit action", "Directory exported"),
    "unmet_needs_recorded": pgettext_lazy("audit action", "Unmet need recorded"),
    "unmet_needs_read": pgettext_lazy("audit action", "Unmet needs read"),
    "statistics_projection_refreshed": pgettext_lazy("audit action", "Statistics refreshed"),
    "trends_release_created": pgettext_lazy("audit action", "Statistics released"),
    "trends_release_exported": pgettext_lazy("audit action", "Statistics release exported"),
    "trends_release_imported": pgettext_lazy("audit action", "Statistics release imported"),
    "trends_instance_trusted": pgettext_lazy("audit action", "Other instance trusted"),
    "trends_reported_elsewhere_set": pgettext_lazy(
        "audit action", "Cases reported elsewhere marked"
    ),
    "awareness_material_created": pgettext_lazy("audit action", "Material added"),
    "awareness_material_version_added": pgettext_lazy("audit action", "Material version added"),
    "awareness_contact_added": pgettext_lazy("audit action", "Help-page contact published"),
    "awareness_contact_removed": pgettext_lazy("audit action", "Help-page contact removed"),
    "awareness_brief_created": pgettext_lazy("audit action", "Advocacy brief written"),
    "awareness_brief_updated": pgettext_lazy("audit action", "Advocacy brief changed"),
    "awareness_brief_exported": pgettext_lazy("audit action", "Advocacy brief downloaded"),
    "incident_recorded": pgettext_lazy("audit action", "Incident recorded"),
    "incident_updated": pgettext_lazy("audit action", "Incident updated"),
    "incident_viewed": pgettext_lazy("audit action", "Incident read"),
    "privacy_officer_changed": pgettext_lazy("audit action", "Person in charge changed"),
    "retention_changed": pgettext_lazy("audit action", "Retention time changed"),
    "retention_anonymised": pgettext_lazy("audit action", "Anonymised after retention"),
    "retention_run": pgettext_lazy("audit action", "Retention schedule run"),
    "audit_log_viewed": pgettext_lazy("audit action", "Access log read"),
    "organisation_audit_viewed": pgettext_lazy("audit action", "Audit log read"),
    "person_exported": pgettext_lazy("audit action", "Data exported for the person"),
    "person_export_delivered": pgettext_lazy("audit action", "Export downloaded"),
    "conference_created": pgettext_lazy("audit action", "Conference planned"),
    "conference_item_added": pgettext_lazy("audit action", "Conference agenda item added"),
    "conference_minutes_written": pgettext_lazy("audit action", "Conference minutes written"),
    "conference_action_added": pgettext_lazy("audit action", "Conference action made a task"),
    "conference_read": pgettext_lazy("audit action", "Conference agenda read"),
}

TARGET_LABELS: dict[str, Any] = {
    "awareness_brief": pgettext_lazy("audit target", "Advocacy brief"),
    "awareness_contact": pgettext_lazy("audit target", "Help-page contact"),
    "awareness_material": pgettext_lazy("audit target", "Training or awareness material"),
    "bed_hold": pgettext_lazy("audit target", "Place held"),
    "case": pgettext_lazy("audit target", "Case"),
    "coalition": pgettext_lazy("audit target", "Coalition"),
    "glossary_term": pgettext_lazy("audit target", "Glossary term"),
    "conference": pgettext_lazy("audit target", "Conference"),
    "consent": pgettext_lazy("audit target", "Consent"),
    "directory": pgettext_lazy("audit target", "Directory"),
    "location": pgettext_lazy("audit target", "Place"),
    "membership": pgettext_lazy("audit target", "Member"),
    "organisation": pgettext_lazy("audit target", "Organisation"),
    "person": pgettext_lazy("audit target", "Person"),
    "referral": pgettext_lazy("audit target", "Referral"),
    "retention": pgettext_lazy("audit target", "Retention schedule"),
    "screening": pgettext_lazy("audit target", "Screening"),
    "service": pgettext_lazy("audit target", "Service"),
    "service_capacity": pgettext_lazy("audit target", "Availability"),
    "sharing_agreement": pgettext_lazy("audit target", "Sharing agreement"),
    "totp_device": pgettext_lazy("audit target", "Authenticator app"),
    "training_session": pgettext_lazy("audit target", "Training session"),
    "trends_projection": pgettext_lazy("audit target", "Statistics"),
    "trends_release": pgettext_lazy("audit target", "Statistics release"),
    "unmet_need": pgettext_lazy("audit target", "Unmet need"),
    "user": pgettext_lazy("audit target", "Account"),
}

DETAIL_LABELS: dict[str, Any] = {
    "available": pgettext_lazy("audit detail", "Available"),
    "categories": pgettext_lazy("audit detail", "Categories"),
    "confidential": pgettext_lazy("audit detail", "Confidential address"),
    "count": pgettext_lazy("audit detail", "Number"),
    "created": pgettext_lazy("audit detail", "Added"),
    "updated": pgettext_lazy("audit detail", "Changed"),
    "days": pgettext_lazy("audit detail", "Days"),
    "retention_days": pgettext_lazy("audit detail", "Days kept"),
    "format": pgettext_lazy("audit detail", "Format"),
    "from": pgettext_lazy("audit detail", "Before"),
    "to": pgettext_lazy("audit detail", "After"),
    "role": pgettext_lazy("audit detail", "Role"),
    "purpose": pgettext_lazy("audit detail", "Purpose"),
    "path": pgettext_lazy("audit detail", "Through"),
    "risk_level": pgettext_lazy("audit detail", "Risk"),
    "previous_risk_level": pgettext_lazy("audit detail", "Risk before"),
    "second_factor": pgettext_lazy("audit detail", "Second factor"),
    "source": pgettext_lazy("audit detail", "Source"),
    "stage": pgettext_lazy("audit detail", "Step"),
    "status": pgettext_lazy("audit detail", "Status"),
    "suppressed": pgettext_lazy("audit detail", "Cells withheld"),
    "type": pgettext_lazy("audit detail", "Type"),
    "types": pgettext_lazy("audit detail", "Types"),
    "version": pgettext_lazy("audit detail", "Version"),
    "year": pgettext_lazy("audit detail", "Year"),
    "services": pgettext_lazy("audit detail", "Services"),
    "organisations": pgettext_lazy("audit detail", "Organisations"),
    "persons": pgettext_lazy("audit detail", "Persons"),
    "recipients": pgettext_lazy("audit detail", "Recipients"),
    "remaining": pgettext_lazy("audit detail", "Remaining"),
    "removed": pgettext_lazy("audit detail", "Removed"),
    "cases_read": pgettext_lazy("audit detail", "Cases read"),
    "rules_added": pgettext_lazy("audit detail", "Rules added"),
    "is_reported_elsewhere": pgettext_lazy("audit detail", "Reported elsewhere"),
    "failed_organisations": pgettext_lazy("audit detail", "Organisations that failed"),
    "kind": pgettext_lazy("audit detail", "Kind"),
    "attendees": pgettext_lazy("audit detail", "Attendees"),
}

# Details that are ids: the reader cannot use them, the audit keeps them.
HIDDEN_DETAILS = frozenset(
    {
        "capacity_id",
        "case_id",
        "case_ids",
        "coalition_id",
        "holder_organisation_id",
        "organization_id",
        "person_id",
        "recipient_id",
        "release_id",
        "service_id",
        "session_id",
        "source_release_id",
        "text_id",
        "trusted_instance_id",
        "user_id",
        "url",
    }
)


def _choices(*enums: Any) -> dict[str, str]:
    return {str(value): str(label) for enum in enums for value, label in enum.choices}


def detail_value(key: str, value: object) -> str:
    """One detail's value in words: a role, a category, a purpose, yes or no."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    if key in ("categories", "types") or (key == "purpose" and "," in text):
        names = _choices(Category, Purpose, OrganisationType)
        return ", ".join(names.get(part.strip(), part.strip()) for part in text.split(","))
    names = {
        "role": _choices(Role),
        "from": _choices(Role),
        "to": _choices(Role),
        "purpose": _choices(Purpose),
        "type": _choices(OrganisationType),
        "risk_level": _choices(RiskLevel),
        "previous_risk_level": _choices(RiskLevel),
        "status": _choices(ReferralStatus, HoldStatus),
        # The kinds of a coalition's texts (coalition_pages.models.TextKind, a layer beside).
        "kind": {
            "announcement": pgettext("coalition text", "Announcement"),
            "minutes": pgettext("coalition text", "Meeting minutes"),
            "decision": pgettext("coalition text", "Decision"),
        },
    }.get(key, {})
    return names.get(text, text)


def details_in_words(details: object) -> list[tuple[str, str]]:
    """An event's details as (label, value) pairs, ids left out."""
    if not isinstance(details, dict):
        return []
    return [
        (str(DETAIL_LABELS.get(key, key)), detail_value(key, value))
        for key, value in sorted(details.items())
        if key not in HIDDEN_DETAILS
    ]
