from django.urls import path

from arrimage.directory import hsds_views as views

app_name = "hsds"

urlpatterns = [
    path("", views.root_view, name="root"),
    path("openapi.json", views.openapi_view, name="openapi"),
    path("profile/", views.profile_view, name="profile"),
    path("services", views.services_view, name="services"),
    path("services/<uuid:service_id>", views.service_view, name="service"),
    path("organizations", views.organizations_view, name="organizations"),
    path("organizations/<uuid:organization_id>", views.organization_view, name="organization"),
    path("taxonomies", views.taxonomies_view, name="taxonomies"),
    path("taxonomies/<uuid:taxonomy_id>", views.taxonomy_view, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms_view, name="taxonomy_terms"),
    path("taxonomy_terms/<uuid:term_id>", views.taxonomy_term_view, name="taxonomy_term"),
    path("service_at_locations", views.service_at_locations_view, name="service_at_locations"),
    path(
        "service_at_locations/<uuid:sal_id>",
        views.service_at_location_view,
        name="service_at_location",
    ),
]
