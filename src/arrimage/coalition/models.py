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
    # The mandate, in three parts (docs/coalition.md). ``mandate`` is what the organisation
    # does: the free text it had before the mandate was split keeps its place there.
    mandate = models.TextField(_("what we do"), blank=True)
    mandate_excludes = models.TextField(_("what we do not do"), blank=True)
    mandate_sharing_limits = models.TextField(_("our limits on sharing information"), blank=True)
    coalitions = models.ManyToManyField(
        Coalition, through="CoalitionMembership", related_name="organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_mandate(self) -> bool:
        return bool(self.mandate or self.mandate_excludes or self.mandate_sharing_limits)


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


def _in_language(french: str, english: str) -> str:
    """The text in the interface's language, or the other one when it is missing."""
    if (get_language() or "fr").startswith("en"):
        return english or french
    return french or english


class GlossaryTerm(models.Model):
    """A word the coalition's members define differently (``data/glossary.json``)."""

    slug = models.SlugField(max_length=64, unique=True)
    name_fr = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    note_fr = models.TextField(blank=True)
    note_en = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_fr, self.name_en)

    @property
    def note(self) -> str:
        return _in_language(self.note_fr, self.note_en)


class LegalText(models.Model):
    """A legal provision that bears on a term: its citation, a summary in our own words and
    the official text's address, in French and English."""

    term = models.ForeignKey(GlossaryTerm, on_delete=models.CASCADE, related_name="legal_texts")
    key = models.SlugField(max_length=64)
    citation_fr = models.CharField(max_length=200)
    citation_en = models.CharField(max_length=200)
    summary_fr = models.TextField()
    summary_en = models.TextField()
    url_fr = models.URLField(max_length=300)
    url_en = models.URLField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["term", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["term", "key"], name="legal_text_unique_key")
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        return _in_language(self.citation_fr, self.citation_en)

    @property
    def summary(self) -> str:
        return _in_language(self.summary_fr, self.summary_en)

    @property
    def url(self) -> str:
        return _in_language(self.url_fr, self.url_en)


class OrganisationDefinition(models.Model):
    """A member organisation's own definition of a term and the words it prefers, written by
    its administrators or coordinators, in the language they choose."""

    term = models.ForeignKey(GlossaryTerm, on_delete=models.CASCADE, related_name="definitions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="glossary_definitions"
    )
    definition = models.TextField(_("our definition"), blank=True)
    preferred_words = models.CharField(_("the words we use"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "organisation"], name="organisation_definition_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.term}"
