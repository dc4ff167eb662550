"""Trends: the statistics projection of cases, privacy budgets, releases and trusted instances.

The projection is the adapter between the case record (issue 4), whose every personal field is
sealed with the lead organisation's key, and counting. It holds no code in plaintext:

- ``StatisticsRecord``, one row per case, says only whether the case is counted and where
  (organisation, year), and keeps the case's coarse codes sealed under the statistics key,
  so that the worker can take them back out of the counts when the case or the consent
  changes. A case that is not counted keeps no codes at all, not even sealed.
- ``StatisticsTally``, one row per organisation and year, holds the exact counts of its
  counted cases (every released table's source), sealed under the statistics key.

Only the worker writes them (``projection.statistics_records_refresh``), under the policy with
the purpose statistics; see ``docs/trends.md``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.privacy.sealing import STATISTICS_SCOPE, statistics_field_register


class StatisticsRecord(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    # Only a person's first case counts: one person, one contribution.
    is_first_of_person = models.BooleanField(default=True)
    # GBVIMS: "already reported by another member organisation?" Yes: not counted here.
    is_reported_elsewhere = models.BooleanField(default=False)
    # The case's updated_at when it was last read; null: read it again at the next refresh
    # (the GBVIMS answer changed).
    source_updated_at = models.DateTimeField(null=True, blank=True)
    # Its codes are in the tally of (organisation, year). Nothing else is stored for a case
    # that is not counted (no live statistics consent, not the person's first case, reported
    # by another member).
    counted = models.BooleanField(default=False)
    # The case's coarse codes (JSON padded to a fixed length), sealed under the statistics key.
    codes_sealed = models.BinaryField(default=b"")

    statistics_scope = STATISTICS_SCOPE

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "year", "counted"], name="stat_org_year"),
            models.Index(
                fields=["organisation"],
                condition=models.Q(source_updated_at__isnull=True),
                name="stat_to_read",
            ),
        ]

    def __str__(self) -> str:
        return f"statistics of case {self.case_id}"


class StatisticsTally(models.Model):
    """The exact counts of one organisation's counted cases opened in one year, by every
    dimension a released table needs, sealed under the statistics key. ``records`` (how many
    cases the counts hold) lets the worker see that a case was deleted with its record and
    add the tally up again from the records."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    records = models.PositiveIntegerField(default=0)
    counts_sealed = models.BinaryField(default=b"")

    statistics_scope = STATISTICS_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="tally_unique")
        ]

    def __str__(self) -> str:
        return f"statistics tally of {self.organisation_id} for {self.year}"


statistics_field_register(StatisticsRecord, "codes_sealed")
statistics_field_register(StatisticsTally, "counts_sealed")


class ProjectionState(models.Model):
    """When the projection of an organisation's cases and consents was last brought up to
    date: the next refresh reads only what changed since."""

    organisation = models.OneToOneField(
        "coalition.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"projection of {self.organisation_id} at {self.synced_at}"


class PrivacyBudget(models.Model):
    """The privacy loss (epsilon) a coalition may spend on one reference year."""

    coalition = models.ForeignKey("coalition.Coalition", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    total_epsilon = models.FloatField()
    spent_epsilon = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "year"], name="budget_unique"),
            models.CheckConstraint(
                condition=models.Q(spent_epsilon__lte=models.F("total_epsilon") + 1e-9),
                name="budget_not_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coalition_id} {self.year}: {self.spent_epsilon}/{self.total_epsilon}"


class ReleaseMethod(models.TextChoices):
    PRIVACY = "dp", _("Differential privacy (noise, accuracy stated)")
    SUPPRESSION = "suppression", _("Exact counts with small cells suppressed")
    ROLLUP = "rollup", _("Sum of the releases received from the level below")


class ReleaseOrigin(models.TextChoices):
    LOCAL = "local", pgettext_lazy("release origin", "This instance")
    IMPORTED = "imported", pgettext_lazy("release origin", "Imported bundle")


class ImmutableRelease(Exception):
    """A release is never changed once made."""


class Release(models.Model):
    """A set of protected tables, released by a coalition to the level above. Never edited:
    the same release always shows the same numbers (``content_digest`` proves it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coalition = models.ForeignKey(
        "coalition.Coalition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases_made",
    )
    recipient = models.ForeignKey(
        "coalition.Coalition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases_received",
    )
    coalition_name = models.CharField(max_length=200)
    coalition_level = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=16, choices=ReleaseMethod.choices)
    origin = models.CharField(
        max_length=16, choices=ReleaseOrigin.choices, default=ReleaseOrigin.LOCAL
    )
    epsilon = models.FloatField(default=0.0)
    threshold = models.PositiveSmallIntegerField()
    content = models.JSONField()
    content_digest = models.CharField(max_length=64)
    signer_public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    source_release_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_release_id"], name="release_imported_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coalition_name} {self.year}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ImmutableRelease(str(self.pk))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableRelease(str(self.pk))


class TrustedInstance(models.Model):
    """Another Arrimage instance whose signed bundles a coalition accepts."""

    coalition = models.ForeignKey("coalition.Coalition", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("public key"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "public_key"], name="trusted_key_once")
        ]

    def __str__(self) -> str:
        return self.name
