from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    """Training and public-awareness materials, the public help page with the coalitions'
    contacts, and advocacy briefs built from trends releases."""

    name = "arrimage.awareness"
    label = "awareness"
    verbose_name = _("Awareness and advocacy")
