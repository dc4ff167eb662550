"""Who is in charge of the protection of personal information in each organisation (Law 25,
s. 3.1 of the private-sector act), and how long each organisation keeps closed cases.

Defined here and imported by ``law25/models.py``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivacyOfficer(models.Model):
    """Published on the public privacy page: a work title and a work contact, not a home."""

    organisation = models.OneToOneField(
        "coalition.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="privacy_officer",
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "privacy_privacyofficer"  # created by the privacy app
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"
