from django.urls import path

from arrimage.cases import (
    case_views,
    consent_views,
    record_views,
    track_views,
    worklist_views,
)

app_name = "cases"

urlpatterns = [
    path("", worklist_views.worklist_view, name="worklist"),
    path("nouveau/", case_views.case_create_view, name="create"),
    path("recherche/", worklist_views.search_view, name="search"),
    path("rappels/", worklist_views.notifications_view, name="notifications"),
    path("calendrier/", worklist_views.calendar_view, name="calendar"),
    path("calendrier/<str:token>.ics", worklist_views.calendar_feed_view, name="calendar_feed"),
    path("<uuid:case_id>/", case_views.case_detail_view, name="detail"),
    path("<uuid:case_id>/statut/", case_views.status_view, name="status"),
    path(
        "<uuid:case_id>/personne/<str:category>/", case_views.person_edit_view, name="person_edit"
    ),
    path("<uuid:case_id>/juridique/", case_views.legal_edit_view, name="legal_edit"),
    path("<uuid:case_id>/notes/", record_views.note_add_view, name="note_add"),
    path("<uuid:case_id>/taches/", record_views.task_add_view, name="task_add"),
    path(
        "<uuid:case_id>/taches/<uuid:task_id>/fait/", record_views.task_done_view, name="task_done"
    ),
    path("<uuid:case_id>/besoins/", record_views.need_add_view, name="need_add"),
    path(
        "<uuid:case_id>/besoins/<uuid:need_id>/", record_views.need_status_view, name="need_status"
    ),
    path("<uuid:case_id>/plan/", record_views.goal_add_view, name="goal_add"),
    path("<uuid:case_id>/documents/", record_views.document_add_view, name="document_add"),
    path(
        "<uuid:case_id>/documents/<uuid:document_id>/",
        record_views.document_download_view,
        name="document_download",
    ),
    path(
        "<uuid:case_id>/exploitation/", track_views.exploitation_edit_view, name="exploitation_edit"
    ),
    path("<uuid:case_id>/immigration/", track_views.immigration_edit_view, name="immigration_edit"),
    path("<uuid:case_id>/sante/", track_views.health_add_view, name="health_add"),
    path("<uuid:case_id>/consentements/", consent_views.consents_view, name="consents"),
    path(
        "<uuid:case_id>/consentements/<uuid:consent_id>/retrait/",
        consent_views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "<uuid:case_id>/consentements/resume/",
        consent_views.consent_summary_view,
        name="consent_summary",
    ),
    path("<uuid:case_id>/journal/", case_views.access_log_view, name="access_log"),
    path("<uuid:case_id>/export/", case_views.export_view, name="export"),
]
