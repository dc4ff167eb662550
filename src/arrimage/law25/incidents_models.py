"""The confidentiality-incident register of Quebec's Law 25.

Defined here and imported by ``law25/models.py``. The regulation respecting confidentiality
incidents (CQLR c. A-2.1, r. 3.1, s. 11) lists what the register holds; each item maps to fields
below. The free text is sealed under the organisation's data key: the organisation writes what
the law asks, and nobody outside it can read it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskLevel(models.TextChoices):
    UNDER_ASSESSMENT = "under_assessment", pgettext_lazy("incident risk", "Being assessed")
    NOT_SERIOUS = "not_serious", pgettext_lazy("incident risk", "No risk of serious injury")
    SERIOUS = "serious", pgettext_lazy("incident risk", "Risk of serious injury")


# The keys of the sealed text, one per free-text item of the register.
INCIDENT_TEXT_FIELDS = (
    "information_concerned",  # item 1
    "circumstances",  # item 2
    "risk_sensitivity",  # item 6: the criteria of the assessment
    "risk_consequences",
    "risk_likelihood",
    "public_notice_reason",  # item 7
    "measures",  # item 8
)


class ConfidentialityIncident(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # A short number per organisation, for people to refer to an incident.
    number = models.PositiveIntegerField()
    # Items 1, 2, 6 (criteria), 7 (reason of a public notice) and 8, as sealed JSON.
    text_sealed = models.BinaryField()
    # Item 3: the date or period of the incident.
    occurred_from = models.DateField(_("incident date, or start of the period"))
    occurred_to = models.DateField(_("end of the period"), null=True, blank=True)
    occurred_is_approximate = models.BooleanField(_("the date is approximate"), default=False)
    # Item 4: when the organisation became aware of it.
    aware_from = models.DateField(_("date the organisation became aware, or start of the period"))
    aware_to = models.DateField(_("end of that period"), null=True, blank=True)
    # Item 5: how many persons are concerned.
    persons_concerned = models.PositiveIntegerField(_("number of persons concerned"))
    persons_is_approximate = models.BooleanField(_("the number is approximate"), default=False)
    # Item 6: the assessment.
    risk_level = models.CharField(
        _("risk of serious injury"),
        max_length=20,
        choices=RiskLevel.choices,
        default=RiskLevel.UNDER_ASSESSMENT,
    )
    # Item 7: notices, where there is a risk of serious injury.
    commission_notified_on = models.DateField(
        _("notice sent to the Commission d'accès à l'information on"), null=True, blank=True
    )
    persons_notified_on = models.DateField(
        _("notice sent to the persons concerned on"), null=True, blank=True
    )
    public_notice_on = models.DateField(_("public notice given on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "privacy_confidentialityincident"  # created by the privacy app
        ordering = ["-aware_from", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="incident_number_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(occurred_to__isnull=True)
                | models.Q(occurred_to__gte=models.F("occurred_from")),
                name="incident_occurred_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(aware_to__isnull=True)
                | models.Q(aware_to__gte=models.F("aware_from")),
                name="incident_aware_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


from arrimage.privacy.sealing import organisation_record_register  # noqa: E402

organisation_record_register(
    ConfidentialityIncident, "text_sealed", organisation_field="organisation_id"
)
