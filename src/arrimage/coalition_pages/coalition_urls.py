"""A coalition's pages under /coalitions/<id>/, in the ``coalition`` namespace (composed with
the coalition app's list in arrimage/urls.py)."""

from django.urls import path

from arrimage.coalition_pages import coalition_views, life_views
from arrimage.coalition_pages.models import TextKind

urlpatterns = [
    path("<uuid:coalition_id>/", coalition_views.coalition_detail_view, name="detail"),
    path(
        "<uuid:coalition_id>/annonces/",
        life_views.coalition_texts_view,
        {"kind": TextKind.ANNOUNCEMENT},
        name="announcements",
    ),
    path(
        "<uuid:coalition_id>/comptes-rendus/",
        life_views.coalition_texts_view,
        {"kind": TextKind.MINUTES},
        name="minutes",
    ),
    path(
        "<uuid:coalition_id>/decisions/",
        life_views.coalition_texts_view,
        {"kind": TextKind.DECISION},
        name="decisions",
    ),
    path("<uuid:coalition_id>/formations/", life_views.training_list_view, name="trainings"),
    path(
        "<uuid:coalition_id>/formations/<int:session_id>/",
        life_views.training_detail_view,
        name="training",
    ),
    path(
        "<uuid:coalition_id>/accueil-membres/",
        coalition_views.onboarding_view,
        name="onboarding",
    ),
    path(
        "<uuid:coalition_id>/accueil-membres/signer/",
        coalition_views.agreement_sign_view,
        name="agreement_sign",
    ),
]
