"""Trends: the countable projection of cases, privacy budgets, releases and trusted instances.

``StatisticsRecord`` is the adapter between the case record (issue 4), whose every personal
field is sealed with the lead organisation's key, and counting with SQL: it holds, per case,
only coarse sharing codes (no name, no date of birth, no free text), kept by the owning
organisation. Whether a record is counted is decided at release time, in SQL, from the
person's consents (purpose ``statistics``), so a withdrawal takes effect at the next release.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The columns each of the other released tables groups by, with an index of its own.
# Few columns each, so that the groups stay few (tens of thousands at most) for Python to add
# up; three scans in all, besides the cases cube.
GROUPED_COUNTS: dict[str, tuple[str, ...]] = {
    "immigration": ("month", "trp_delay", "asylum", "humanitarian"),
    "mental": ("mental_health", "health_coverage"),
    "referrals": ("referral_first", "referral_second"),
}


class StatisticsRecord(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=16)
    gender = models.CharField(max_length=16)
    age = models.CharField(max_length=16)
    immigration = models.CharField(max_length=24)
    exploitation = models.PositiveSmallIntegerField(default=0)
    # Immigration and health timelines, in coarse codes (trends.vocabulary).
    trp_delay = models.CharField(max_length=16, default="")
    asylum = models.CharField(max_length=12, default="")
    humanitarian = models.CharField(max_length=12, default="")
    mental_health = models.CharField(max_length=12, default="")
    health_coverage = models.CharField(max_length=12, default="")
    # The case's first two referrals sent, as "need group|outcome|decline reason|response
    # time" codes, when the person's consent covers coordination: two slots bound what one
    # person adds to a referral table, and counting them reads this table only.
    referral_first = models.CharField(max_length=64, default="")
    referral_second = models.CharField(max_length=64, default="")
    # Only a person's first case counts: one person, one contribution.
    is_first_of_person = models.BooleanField(default=True)
    # GBVIMS: "already reported by another member organisation?" Yes: not counted here.
    is_reported_elsewhere = models.BooleanField(default=False)
    source_updated_at = models.DateTimeField()
    # Until when the person's consents for the purpose statistics last (the latest expiry of
    # the active ones), null without one. Brought up to date before every count.
    statistics_consent_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "year"], name="stat_org_year"),
            # The rows whose consent ended since the last refresh, to blank.
            models.Index(fields=["statistics_consent_until"], name="stat_consent_until"),
            # Covers the counting query: filtered on the year, read in GROUP BY order, so
            # SQLite neither visits the table nor sorts (see docs/trends.md, benchmark).
            models.Index(
                fields=[
                    "year",
                    "month",
                    "region",
                    "gender",
                    "age",
                    "immigration",
                    "exploitation",
                    "organisation",
                    "is_first_of_person",
                    "is_reported_elsewhere",
                    "statistics_consent_until",
                ],
                name="stat_cube",
            ),
            # The same for each of the other tables (trends.sources.grouped_counts): read in
            # GROUP BY order, so the count streams through the index without sorting.
            *[
                models.Index(
                    fields=[
                        "year",
                        *grouped,
                        "organisation",
                        "is_first_of_person",
                        "is_reported_elsewhere",
                        "statistics_consent_until",
                    ],
                    name=f"stat_{name}",
                )
                for name, grouped in GROUPED_COUNTS.items()
            ],
        ]

    def __str__(self) -> str:
        return f"statistics of case {self.case_id}"


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
