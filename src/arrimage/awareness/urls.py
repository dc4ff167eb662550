from django.urls import path

from arrimage.awareness import advocacy_views, views

app_name = "awareness"

urlpatterns = [
    path("aide/", views.help_view, name="help"),
    path("aide/coalitions/<uuid:coalition_id>/contacts/", views.contacts_view, name="contacts"),
    path("sensibilisation/", views.material_list_view, name="materials"),
    path(
        "sensibilisation/coalitions/<uuid:coalition_id>/nouveau/",
        views.material_create_view,
        name="material_create",
    ),
    path(
        "sensibilisation/<uuid:material_id>/",
        views.material_detail_view,
        name="material_detail",
    ),
    path(
        "sensibilisation/<uuid:material_id>/versions/",
        views.version_add_view,
        name="version_add",
    ),
    path(
        "sensibilisation/<uuid:material_id>/versions/<uuid:version_id>/",
        views.version_file_view,
        name="version_file",
    ),
    path("plaidoyer/", advocacy_views.brief_list_view, name="briefs"),
    path("plaidoyer/nouveau/", advocacy_views.brief_create_view, name="brief_create"),
    path("plaidoyer/<uuid:brief_id>/", advocacy_views.brief_detail_view, name="brief_detail"),
    path("plaidoyer/<uuid:brief_id>/pdf/", advocacy_views.brief_pdf_view, name="brief_pdf"),
]
