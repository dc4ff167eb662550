from django.urls import path

from arrimage.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.worklist_view, name="worklist"),
    path("nouveau/", views.case_create_view, name="create"),
    path("recherche/", views.search_view, name="search"),
    path("rappels/", views.notifications_view, name="notifications"),
    path("calendrier/", views.calendar_view, name="calendar"),
    path("calendrier/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
    path("<uuid:case_id>/", views.case_detail_view, name="detail"),
    path("<uuid:case_id>/statut/", views.status_view, name="status"),
    path("<uuid:case_id>/personne/<str:category>/", views.person_edit_view, name="person_edit"),
    path("<uuid:case_id>/juridique/", views.legal_edit_view, name="legal_edit"),
    path("<uuid:case_id>/notes/", views.note_add_view, name="note_add"),
    path("<uuid:case_id>/taches/", views.task_add_view, name="task_add"),
    path("<uuid:case_id>/taches/<uuid:task_id>/fait/", views.task_done_view, name="task_done"),
    path("<uuid:case_id>/besoins/", views.need_add_view, name="need_add"),
    path("<uuid:case_id>/besoins/<uuid:need_id>/", views.need_status_view, name="need_status"),
    path("<uuid:case_id>/plan/", views.goal_add_view, name="goal_add"),
    path("<uuid:case_id>/documents/", views.document_add_view, name="document_add"),
    path(
        "<uuid:case_id>/documents/<uuid:document_id>/",
        views.document_download_view,
        name="document_download",
    ),
    path("<uuid:case_id>/exploitation/", views.exploitation_edit_view, name="exploitation_edit"),
    path("<uuid:case_id>/immigration/", views.immigration_edit_view, name="immigration_edit"),
    path("<uuid:case_id>/sante/", views.health_add_view, name="health_add"),
    path("<uuid:case_id>/consentements/", views.consents_view, name="consents"),
    path(
        "<uuid:case_id>/consentements/<uuid:consent_id>/retrait/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "<uuid:case_id>/consentements/resume/", views.consent_summary_view, name="consent_summary"
    ),
    path("<uuid:case_id>/journal/", views.access_log_view, name="access_log"),
    path("<uuid:case_id>/export/", views.export_view, name="export"),
]
