from django.urls import path

from arrimage.directory import (
    exchange_views,
    location_views,
    search_views,
    service_views,
)

app_name = "directory"

urlpatterns = [
    path("", search_views.search_view, name="search"),
    path("recherche.json", search_views.search_json_view, name="search_json"),
    path("services/<uuid:service_id>/", search_views.service_view, name="service"),
    path(
        "services/<uuid:service_id>/modifier/", service_views.service_edit_view, name="service_edit"
    ),
    path("services/ajouter/", service_views.service_add_view, name="service_add"),
    path("mes-services/", service_views.own_services_view, name="own_services"),
    path(
        "organisations/<uuid:organization_id>/services/ajouter/",
        service_views.service_create_view,
        name="service_create",
    ),
    path(
        "organisations/<uuid:organization_id>/lieux/ajouter/",
        location_views.location_create_view,
        name="location_create",
    ),
    path(
        "lieux/<uuid:location_id>/modifier/",
        location_views.location_edit_view,
        name="location_edit",
    ),
    path("disponibilites/", service_views.availability_view, name="availability"),
    path(
        "disponibilites/<uuid:capacity_id>/",
        service_views.availability_update_view,
        name="availability_update",
    ),
    path("echange/", exchange_views.exchange_view, name="exchange"),
    path("echange/export.<str:fmt>", exchange_views.export_view, name="export"),
    path("partage/", exchange_views.sharing_view, name="sharing"),
]
