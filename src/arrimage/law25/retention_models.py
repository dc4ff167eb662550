"""An organisation's own retention time for closed cases, when it differs from the instance's
(``ARRIMAGE_RETENTION_DAYS``). Defined here and imported by ``law25/models.py``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MINIMUM_RETENTION_DAYS = 30
MAXIMUM_RETENTION_DAYS = 36500


class RetentionOverride(models.Model):
    organisation = models.OneToOneField(
        "coalition.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="retention_override",
    )
    days = models.PositiveIntegerField(_("days kept after a case is closed"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "privacy_retentionoverride"  # created by the privacy app
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=MINIMUM_RETENTION_DAYS)
                & models.Q(days__lte=MAXIMUM_RETENTION_DAYS),
                name="retention_days_in_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.days)
