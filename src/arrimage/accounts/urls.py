from django.contrib.auth.decorators import login_not_required
from django.urls import path

from arrimage.accounts import views
from arrimage.accounts.middleware import two_factor_exempt

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("connexion/code/", views.login_code_view, name="login_code"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("langue/", views.language_view, name="language"),
    path("profil/", views.profile_view, name="profile"),
    path(
        "mot-de-passe/",
        two_factor_exempt(views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "mot-de-passe/oublie/",
        login_not_required(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        login_not_required(views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        login_not_required(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        login_not_required(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("double-authentification/", views.two_factor_view, name="two_factor"),
    path("double-authentification/activer/", views.two_factor_enrol_view, name="two_factor_enrol"),
    path("double-authentification/codes/", views.recovery_codes_view, name="recovery_codes"),
    path(
        "double-authentification/desactiver/",
        views.two_factor_disable_view,
        name="two_factor_disable",
    ),
    path("organisation/", views.organisation_switch_view, name="organisation_switch"),
    path("membres/", views.members_view, name="members"),
    path("membres/<int:membership_id>/role/", views.member_role_view, name="member_role"),
    path("membres/<int:membership_id>/retirer/", views.member_remove_view, name="member_remove"),
]
