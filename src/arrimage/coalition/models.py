import uuid

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative region: the 17 of Quebec first, other provinces as they join."""

    code = models.CharField(max_length=16, unique=True)
    province = models.CharField(_("province"), max_length=2)
    name_fr = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)

    class Meta:
        ordering = ["province", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class CoalitionLevel(models.TextChoices):
    LOCAL = "local", pgettext_lazy("coalition level", "Local")
    REGIONAL = "regional", pgettext_lazy("coalition level", "Regional")
    PROVINCIAL = "provincial", pgettext_lazy("coalition level", "Provincial")
    NATIONAL = "national", pgettext_lazy("coalition level", "National")


class Coalition(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=CoalitionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent coalition"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    province = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="coalition_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationType(models.TextChoices):
    COMMUNITY = "community", _("Community organisation")
    SHELTER = "shelter", _("Shelter")
    HEALTH_SOCIAL = "health_social", _("Health and social services")
    LEGAL_AID = "legal_aid", _("Legal aid")
    IMMIGRATION_LEGAL = "immigration_legal", _("Immigration legal services")
    POLICE = "police", _("Police")
    BORDER_ENFORCEMENT = "border_enforcement", _("Border enforcement")
    PROSECUTION = "prosecution", _("Prosecution")
    GOVERNMENT = "government", _("Government")
    RESEARCH = "research", _("Research")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    mandate = models.TextField(_("mandate"), blank=True)
    coalitions = models.ManyToManyField(
        Coalition, through="CoalitionMembership", related_name="organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoalitionMembership(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    joined_on = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "organisation"], name="coalition_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.coalition}"
