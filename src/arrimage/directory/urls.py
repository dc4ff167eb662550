from django.urls import path

from arrimage.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("recherche.json", views.search_json_view, name="search_json"),
    path("services/<uuid:service_id>/", views.service_view, name="service"),
    path("services/<uuid:service_id>/modifier/", views.service_edit_view, name="service_edit"),
    path("services/ajouter/", views.service_add_view, name="service_add"),
    path("mes-services/", views.own_services_view, name="own_services"),
    path(
        "organisations/<uuid:organization_id>/services/ajouter/",
        views.service_create_view,
        name="service_create",
    ),
    path(
        "organisations/<uuid:organization_id>/lieux/ajouter/",
        views.location_create_view,
        name="location_create",
    ),
    path("lieux/<uuid:location_id>/modifier/", views.location_edit_view, name="location_edit"),
    path("disponibilites/", views.availability_view, name="availability"),
    path(
        "disponibilites/<uuid:capacity_id>/",
        views.availability_update_view,
        name="availability_update",
    ),
    path("echange/", views.exchange_view, name="exchange"),
    path("echange/export.<str:fmt>", views.export_view, name="export"),
    path("partage/", views.sharing_view, name="sharing"),
]
