"""Orientation: bed holds, referrals with their timeline, service response indicators, and the
anonymised record of unmet needs.

``UnmetNeed`` holds no link to a person, a case, a user or an organisation: only the need, the
region, an age band, a gender, a status bucket, the reason and the date.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.coalition.models import Organisation
from arrimage.directory.presentation import unit_label
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register


class HoldStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("hold status", "Held")
    ACCEPTED = "accepted", pgettext_lazy("hold status", "Accepted: unit occupied")
    RELEASED = "released", pgettext_lazy("hold status", "Released")
    EXPIRED = "expired", pgettext_lazy("hold status", "Expired")


class BedHold(models.Model):
    """One unit (bed, room, family unit) of a service, held for a caseworker's organisation
    until ``expires_at``. Holding takes the unit from the service's available count at once;
    releasing or expiring gives it back; accepting keeps it taken (the unit is occupied)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    capacity = models.ForeignKey(
        "directory.ServiceCapacity", on_delete=models.CASCADE, related_name="holds"
    )
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="holds")
    unit = models.CharField(max_length=20)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="hold_status_expiry"),
            models.Index(fields=["service", "status"], name="hold_service"),
            models.Index(fields=["organisation", "status"], name="hold_organisation"),
        ]

    def __str__(self) -> str:
        return f"hold {self.pk}"

    @property
    def unit_label(self) -> str:

        return unit_label(self.unit)


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral status", "Draft")
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    WAITLISTED = "waitlisted", pgettext_lazy("referral status", "Waitlisted")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral status", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    NOT_COMPLETED = "not_completed", pgettext_lazy("referral status", "Not completed")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("referral status", "Expired: no answer in time")


class DeclineReason(models.TextChoices):
    AT_CAPACITY = "at_capacity", pgettext_lazy("decline reason", "At capacity")
    NOT_ELIGIBLE = "not_eligible", pgettext_lazy("decline reason", "Not eligible")
    SAFETY = "safety", pgettext_lazy("decline reason", "Safety")
    OTHER = "other", pgettext_lazy("decline reason", "Other")


class NotCompletedReason(models.TextChoices):
    PERSON_LEFT = "person_left", pgettext_lazy("not completed", "The person left or stopped")
    UNREACHABLE = "unreachable", pgettext_lazy("not completed", "The person could not be reached")
    SERVICE_ENDED = "service_ended", pgettext_lazy("not completed", "The service ended it")
    OTHER = "other", pgettext_lazy("not completed", "Other")


class Referral(models.Model):
    """A referral of a case to a service, followed to its outcome. The recipient sees the
    ``shared_categories`` of the case, and only while the policy still allows each of them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    need = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    shared_categories = models.JSONField(default=list)
    hold = models.ForeignKey(
        BedHold, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    response_hours = models.PositiveSmallIntegerField(default=48)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    outcome_reason = models.CharField(max_length=16, choices=NotCompletedReason.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(
                fields=["recipient_organisation", "status", "-updated_at"], name="referral_inbox"
            ),
            models.Index(
                fields=["sender_organisation", "status", "-updated_at"], name="referral_outbox"
            ),
            models.Index(fields=["status", "response_due_at"], name="referral_due"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def reference(self) -> str:
        return str(self.id)[:8].upper()


class ReferralEvent(models.Model):
    """One entry of the timeline that sender and recipient share. The note is free text of the
    coordination category, sealed with the key of the case's lead organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=16, blank=True)
    note_sealed = models.BinaryField(null=True)
    # The case's lead organisation, whose data key seals the note.
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    FIELD_CATEGORIES: ClassVar[dict[str, str]] = {"note": "coordination"}

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["referral", "occurred_at"], name="referral_event")]

    def __str__(self) -> str:
        return f"{self.kind} {self.to_status}".strip()


sealed_field_register(
    ReferralEvent,
    "note_sealed",
    category=Category.COORDINATION,
    subject=lambda event: ("case", str(event.referral.case_id)),  # type: ignore[attr-defined]
    organisation_field="owner_organisation_id",
)


class ServiceResponseStats(models.Model):
    """Counts kept as referrals are sent and answered, so that the response indicator of a
    service is one row read (matching reads thousands at once)."""

    service = models.OneToOneField(
        "directory.Service",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="response_stats",
    )
    sent = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_in_time = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    response_seconds = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"response stats {self.service_id}"


class UnmetReason(models.TextChoices):
    NO_OPTION = "no_option", _("No eligible option")
    ALL_FULL = "all_full", _("Every eligible option is full")


class UnmetNeed(models.Model):
    """An anonymised need that matching could not meet. Nothing here points to a person, a
    case, a user or an organisation, and the date has no time of day."""

    need = models.CharField(max_length=32)
    region_code = models.CharField(max_length=16, blank=True)
    age_band = models.CharField(max_length=8)
    gender = models.CharField(max_length=16)
    status_bucket = models.CharField(max_length=16)
    reason = models.CharField(max_length=16, choices=UnmetReason.choices)
    recorded_on = models.DateField()

    class Meta:
        ordering = ["-recorded_on", "need"]
        indexes = [
            models.Index(fields=["recorded_on", "region_code", "need"], name="unmet_need_period")
        ]

    def __str__(self) -> str:
        return f"{self.need} {self.region_code} {self.recorded_on}"


class UnmetNeedMark(models.Model):
    """That an unmet need was recorded today for one subject (a case, or a profile within an
    organisation), so that reloads, retries and polling record it once a day. Only a keyed hash
    of the subject, the need and the day is kept, never the subject itself, and no row outlives
    its day (``unmet_needs_record`` deletes older ones). Nothing links it to an ``UnmetNeed``."""

    digest = models.CharField(max_length=64, primary_key=True)
    recorded_on = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"unmet need mark {self.recorded_on}"


class IntakeSubmission(models.Model):
    """That one guided intake (its ``token``, made when the intake started) was sent, and
    which referral it made. The primary key decides between two submits of the same intake (a
    double tap, a retry after a lost answer): one creates the row and the referral, the other
    finds the row and shows the same referral. No personal data."""

    token = models.UUIDField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"intake {self.token}"
