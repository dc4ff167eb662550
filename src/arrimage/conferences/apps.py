from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    """Case conferences: a meeting on one case or on a theme, whose agenda shows each
    participant only what the policy gives them."""

    name = "arrimage.conferences"
    label = "conferences"
    verbose_name = "Conferences"
    default_auto_field = "django.db.models.BigAutoField"
