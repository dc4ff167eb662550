from django.urls import path

from arrimage.coalition_pages import glossary_views

app_name = "glossary"

urlpatterns = [
    path("", glossary_views.glossary_list_view, name="list"),
    path("<slug:slug>/", glossary_views.glossary_term_view, name="term"),
    path(
        "<slug:slug>/organisations/<uuid:organisation_id>/",
        glossary_views.glossary_definition_edit_view,
        name="definition_edit",
    ),
]
