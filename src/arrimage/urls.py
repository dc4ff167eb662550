from django.urls import include, path

from arrimage.api import api_urls
from arrimage.metrics import metrics_view

urlpatterns = [
    path("api/", api_urls()),
    path("metrics", metrics_view, name="metrics"),
    path("", include("arrimage.core.urls")),
    path("", include("arrimage.home.urls")),
    path("compte/", include("arrimage.accounts.urls")),
    path("coalitions/", include("arrimage.coalition.urls")),
    path("repertoire/", include("arrimage.directory.urls")),
    path("hsds/", include("arrimage.directory.hsds_urls")),
    path("dossiers/", include("arrimage.cases.urls")),
    path("ententes/", include("arrimage.privacy.agreement_urls")),
    path("confidentialite/", include("arrimage.law25.urls")),
    path("tendances/", include("arrimage.trends.urls")),
    path("orientation/", include("arrimage.orientation.urls")),
    path("depistage/", include("arrimage.screening.urls")),
]

handler400 = "arrimage.core.views.error_400"
handler403 = "arrimage.core.views.error_403"
handler404 = "arrimage.core.views.error_404"
handler500 = "arrimage.core.views.error_500"
