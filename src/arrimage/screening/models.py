"""A screening: the answers a person gave to the identification tool.

The answers are exploitation-category data: sealed with the key of the organisation that did
the screening, bound to the row and column, and declared to the privacy kernel
(:func:`arrimage.privacy.sealing.sealed_field_register`); only a grant covering exploitation
for this screening opens them. Plain columns hold what is not about the person's story: which
form, whether every question was asked, the dates, and the case it is attached to.

A screening may start without a case (``case_id`` empty) and be attached later. Screening and
cases sit on one layer and import nothing from each other, so the case is held by its id; the
kernel finds it (:mod:`arrimage.privacy.subjects`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrimage.coalition.models import Organisation
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register
from arrimage.screening.questions import Form


class ScreeningStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("All questions asked")


class Screening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    form = models.CharField(max_length=8, choices=Form.choices)
    status = models.CharField(
        max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.IN_PROGRESS
    )
    case_id = models.UUIDField(null=True, blank=True)
    person_id = models.UUIDField(null=True, blank=True)
    answers_sealed = models.BinaryField(null=True)
    # Set by the retention schedule once the person is anonymised: the answers are erased and
    # only the indicator codes the statistics count are kept, sealed like the answers.
    is_anonymised = models.BooleanField(default=False)
    indicators_sealed = models.BinaryField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["organisation", "-updated_at"], name="screening_org"),
            models.Index(fields=["case_id"], name="screening_case"),
            models.Index(fields=["person_id"], name="screening_person"),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk}"

    @property
    def reference(self) -> str:
        return str(self.id)[:8].upper()


sealed_field_register(
    Screening,
    "answers_sealed",
    category=Category.EXPLOITATION,
    subject=lambda screening: ("screening", str(screening.pk)),
    organisation_field="organisation_id",
)
sealed_field_register(
    Screening,
    "indicators_sealed",
    category=Category.EXPLOITATION,
    subject=lambda screening: ("screening", str(screening.pk)),
    organisation_field="organisation_id",
)
