"""A coalition's life: its announcements, meeting minutes and decisions; its training sessions
and who attended them; and which member organisations signed its information-sharing
agreement. Coalition-level texts only: no personal data of the persons served here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.core.text import NAME, NOTE


class TextKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", pgettext_lazy("coalition text", "Announcement")
    MINUTES = "minutes", pgettext_lazy("coalition text", "Meeting minutes")
    DECISION = "decision", pgettext_lazy("coalition text", "Decision")


class CoalitionText(models.Model):
    """An announcement, the minutes of a meeting or a decision, written by a coordinator of
    the coalition. Never edited: a decision that changes an earlier one is a new decision
    that names it. Decisions are numbered within their coalition (1, 2, 3...)."""

    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="texts"
    )
    kind = models.CharField(max_length=16, choices=TextKind.choices)
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=NAME)
    body = models.TextField(_("text"), max_length=NOTE)
    # The meeting's date for minutes, the date of the decision for a decision; for an
    # announcement, the day it was published.
    happened_on = models.DateField(_("date"))
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces decision"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        indexes = [models.Index(fields=["coalition", "kind", "-happened_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "kind", "number"], name="coalition_text_number"
            )
        ]

    def __str__(self) -> str:
        return f"CoalitionText {self.pk}"


class TrainingSession(models.Model):
    """A training the coalition gives to its members' staff."""

    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="training_sessions"
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=NAME)
    trainer = models.CharField(_("trainer"), max_length=NAME)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "topic"]

    def __str__(self) -> str:
        return f"TrainingSession {self.pk}"


class TrainingAttendance(models.Model):
    """One person attended a session, for one of the coalition's member organisations."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_attendance_once")
        ]

    def __str__(self) -> str:
        return f"TrainingAttendance {self.pk}"


class AgreementSignature(models.Model):
    """A member organisation signed one version of its coalition's information-sharing
    agreement (its administrator did, for it). A new version needs a new signature."""

    agreement = models.ForeignKey(
        "privacy.SharingAgreement", on_delete=models.CASCADE, related_name="signatures"
    )
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreement_signed_once"
            )
        ]

    def __str__(self) -> str:
        return f"AgreementSignature {self.pk}"
