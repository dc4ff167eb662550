from django.urls import path

from arrimage.coalition_pages import agreement_views

app_name = "agreements"

urlpatterns = [
    path("<uuid:coalition_id>/", agreement_views.agreement_view, name="detail"),
]
