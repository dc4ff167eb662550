from django.urls import path

from arrimage.coalition_pages import mandate_views

app_name = "mandates"

urlpatterns = [
    path("<uuid:organisation_id>/", mandate_views.mandate_edit_view, name="edit"),
]
