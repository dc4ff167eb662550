from django.urls import path

from arrimage.trends import views

app_name = "trends"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("publier/", views.release_create_view, name="release_create"),
    path("cumuler/", views.rollup_create_view, name="rollup_create"),
    path("diffusions/<uuid:release_id>/", views.release_detail_view, name="release_detail"),
    path("diffusions/<uuid:release_id>/rapport.pdf", views.release_pdf_view, name="release_pdf"),
    path("diffusions/<uuid:release_id>/rapport.xlsx", views.release_xlsx_view, name="release_xlsx"),
    path("diffusions/<uuid:release_id>/tableaux.csv", views.release_csv_view, name="release_csv"),
    path(
        "diffusions/<uuid:release_id>/paquet.json",
        views.release_bundle_view,
        name="release_bundle",
    ),
    path("importer/", views.bundle_import_view, name="bundle_import"),
    path("instances/", views.trusted_add_view, name="trusted_add"),
    path("reponses/", views.answers_view, name="answers"),
    path("reponses/<uuid:case_id>/", views.answer_set_view, name="answer_set"),
    path("export-htcds.csv", views.htcds_export_view, name="htcds_export"),
    path("export-htcds-complements.csv", views.htcds_extra_view, name="htcds_extra"),
]
