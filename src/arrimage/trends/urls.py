from django.urls import path

from arrimage.trends import answer_views, download_views, federation_views, views

app_name = "trends"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("publier/", views.release_create_view, name="release_create"),
    path("cumuler/", views.rollup_create_view, name="rollup_create"),
    path("diffusions/<uuid:release_id>/", views.release_detail_view, name="release_detail"),
    path(
        "diffusions/<uuid:release_id>/rapport.pdf",
        download_views.release_pdf_view,
        name="release_pdf",
    ),
    path(
        "diffusions/<uuid:release_id>/rapport.xlsx",
        download_views.release_xlsx_view,
        name="release_xlsx",
    ),
    path(
        "diffusions/<uuid:release_id>/tableaux.csv",
        download_views.release_csv_view,
        name="release_csv",
    ),
    path(
        "diffusions/<uuid:release_id>/paquet.json",
        download_views.release_bundle_view,
        name="release_bundle",
    ),
    path("importer/", federation_views.bundle_import_view, name="bundle_import"),
    path("instances/", federation_views.trusted_add_view, name="trusted_add"),
    path("reponses/", answer_views.answers_view, name="answers"),
    path("reponses/<uuid:case_id>/", answer_views.answer_set_view, name="answer_set"),
    path("export-htcds.csv", download_views.htcds_export_view, name="htcds_export"),
    path("export-htcds-complements.csv", download_views.htcds_extra_view, name="htcds_extra"),
]
