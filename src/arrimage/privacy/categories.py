"""The personal-data categories of DESIGN.md. Every personal field belongs to exactly one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details")
    LOCATION = "location", _("Where the person stays")
    IMMIGRATION = "immigration", _("Immigration")
    HEALTH = "health", _("Health")
    EXPLOITATION = "exploitation", _("Exploitation")
    LEGAL = "legal", _("Legal proceedings")
    COORDINATION = "coordination", _("Coordination")


class Purpose(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    COORDINATION = "coordination", _("Coordination")
    STATISTICS = "statistics", _("Statistics")
