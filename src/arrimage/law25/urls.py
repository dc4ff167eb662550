"""Pages of the Law 25 duties: privacy notice and officers, incident register, audit log,
portability."""

from django.urls import path

from arrimage.law25 import audit_views, incidents_views, officer_views, portability_views

app_name = "law25"

urlpatterns = [
    path("", officer_views.privacy_notice_view, name="privacy_notice"),
    path("organisation/", officer_views.privacy_settings_view, name="privacy_settings"),
    path(
        "organisation/conservation/",
        officer_views.retention_preview_view,
        name="retention_preview",
    ),
    path("journal/", audit_views.audit_organisation_view, name="audit_organisation"),
    path("incidents/", incidents_views.incident_list_view, name="incident_list"),
    path("incidents/nouveau/", incidents_views.incident_create_view, name="incident_create"),
    path(
        "incidents/<uuid:incident_id>/",
        incidents_views.incident_detail_view,
        name="incident_detail",
    ),
    path(
        "incidents/<uuid:incident_id>/modifier/",
        incidents_views.incident_edit_view,
        name="incident_edit",
    ),
    path(
        "personnes/<uuid:person_id>/export.json",
        portability_views.person_export_json_view,
        name="person_export_json",
    ),
    path(
        "personnes/<uuid:person_id>/export.pdf",
        portability_views.person_export_pdf_view,
        name="person_export_pdf",
    ),
]
