from django.urls import path

from arrimage.orientation import intake_views, referral_views, views

app_name = "orientation"

urlpatterns = [
    path("", views.match_view, name="match"),
    path("accueil/", intake_views.intake_view, name="intake"),
    path("dossier/<uuid:case_id>/", views.match_case_view, name="match_case"),
    path("reservations/", views.holds_view, name="holds"),
    path("reservations/nouvelle/", views.hold_create_view, name="hold_create"),
    path("reservations/<uuid:hold_id>/accepter/", views.hold_accept_view, name="hold_accept"),
    path("reservations/<uuid:hold_id>/liberer/", views.hold_release_view, name="hold_release"),
    path("references/", referral_views.referrals_view, name="referrals"),
    path("references/nouvelle/", referral_views.referral_create_view, name="referral_create"),
    path(
        "references/<uuid:referral_id>/",
        referral_views.referral_detail_view,
        name="referral_detail",
    ),
    path(
        "references/<uuid:referral_id>/etat/",
        referral_views.referral_transition_view,
        name="referral_transition",
    ),
]
