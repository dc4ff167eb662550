from django.urls import include, path

from arrimage.api import api_urls
from arrimage.coalition import urls as coalition_urls
from arrimage.coalition_pages import coalition_urls as coalition_pages_urls
from arrimage.metrics import metrics_view
from arrimage.orientation import urls as orientation_urls
from arrimage.trends.unmet_views import unmet_needs_view

# The page of unmet needs reads with trends' suppression, so trends serves it; coordinators
# find it among orientation's pages, at the address it always had.
orientation_patterns = [
    *orientation_urls.urlpatterns,
    path("besoins-non-combles/", unmet_needs_view, name="unmet_needs"),
]

# A coalition's page and its life compose accounts and the coalition's texts: coalition_pages
# serves them, in the coalition namespace, under /coalitions/ with the list.
coalition_patterns = [*coalition_urls.urlpatterns, *coalition_pages_urls.urlpatterns]

urlpatterns = [
    path("api/", api_urls()),
    path("metrics", metrics_view, name="metrics"),
    path("", include("arrimage.core.urls")),
    path("", include("arrimage.home.urls")),
    path("compte/", include("arrimage.accounts.urls")),
    path("coalitions/", include((coalition_patterns, coalition_urls.app_name))),
    path("repertoire/", include("arrimage.directory.urls")),
    path("hsds/", include("arrimage.directory.hsds_urls")),
    path("dossiers/", include("arrimage.cases.urls")),
    path("ententes/", include("arrimage.coalition_pages.urls")),
    path("glossaire/", include("arrimage.coalition_pages.glossary_urls")),
    path("mandats/", include("arrimage.coalition_pages.mandate_urls")),
    path("confidentialite/", include("arrimage.law25.urls")),
    path("tendances/", include("arrimage.trends.urls")),
    path("orientation/", include((orientation_patterns, orientation_urls.app_name))),
    path("depistage/", include("arrimage.screening.urls")),
    path("concertations/", include("arrimage.conferences.urls")),
    path("", include("arrimage.awareness.urls")),
]

handler400 = "arrimage.core.views.error_400"
handler403 = "arrimage.core.views.error_403"
handler404 = "arrimage.core.views.error_404"
handler500 = "arrimage.core.views.error_500"
