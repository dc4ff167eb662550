from django.contrib.auth.decorators import login_not_required
from django.urls import path

from arrimage.accounts import login_views, member_views, profile_views, two_factor_views
from arrimage.accounts.middleware import two_factor_exempt

app_name = "accounts"

urlpatterns = [
    path("connexion/", login_views.login_view, name="login"),
    path("connexion/code/", login_views.login_code_view, name="login_code"),
    path("deconnexion/", login_views.logout_view, name="logout"),
    path("langue/", login_views.language_view, name="language"),
    path("profil/", profile_views.profile_view, name="profile"),
    path(
        "mot-de-passe/",
        two_factor_exempt(profile_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "mot-de-passe/oublie/",
        login_not_required(login_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        login_not_required(login_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        login_not_required(login_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        login_not_required(login_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("double-authentification/", two_factor_views.two_factor_view, name="two_factor"),
    path(
        "double-authentification/activer/",
        two_factor_views.two_factor_enrol_view,
        name="two_factor_enrol",
    ),
    path(
        "double-authentification/codes/",
        two_factor_views.recovery_codes_view,
        name="recovery_codes",
    ),
    path(
        "double-authentification/desactiver/",
        two_factor_views.two_factor_disable_view,
        name="two_factor_disable",
    ),
    path("organisation/", profile_views.organisation_switch_view, name="organisation_switch"),
    path("membres/", member_views.members_view, name="members"),
    path("membres/<int:membership_id>/role/", member_views.member_role_view, name="member_role"),
    path(
        "membres/<int:membership_id>/retirer/",
        member_views.member_remove_view,
        name="member_remove",
    ),
]
