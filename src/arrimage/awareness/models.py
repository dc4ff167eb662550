"""Materials (with versions per language), the coalitions' public contacts, advocacy briefs.

None of this is personal data: materials and contacts are written to be shown, and a brief
holds the coordinator's recommendations beside the numbers of a release (anonymised,
suppressed aggregates), which it reads from the release itself and never copies.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audience(models.TextChoices):
    WORKERS = "workers", _("Workers of member organisations")
    PUBLIC = "public", pgettext_lazy("audience", "Public")


class MaterialKind(models.TextChoices):
    TRAINING = "training", _("Training module")
    GUIDE = "guide", _("Practice guide")
    LEAFLET = "leaflet", _("Leaflet")
    POSTER = "poster", _("Poster")
    PRESENTATION = "presentation", _("Presentation")
    VIDEO = "video", _("Video")
    OTHER = "other", pgettext_lazy("material kind", "Other")


class MaterialLanguage(models.TextChoices):
    """The languages a version is written in: French and English first, then the languages
    people who have been trafficked in Canada most often speak."""

    FR = "fr", _("French")
    EN = "en", _("English")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")
    ZH = "zh", _("Chinese")
    TL = "tl", _("Tagalog")
    VI = "vi", _("Vietnamese")
    KO = "ko", _("Korean")
    TH = "th", _("Thai")
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    HT = "ht", _("Haitian Creole")
    IU = "iu", _("Inuktitut")
    CR = "cr", _("Cree")


class Material(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["audience", "title"], name="material_audience")]

    def __str__(self) -> str:
        return self.title

    def language_names(self) -> str:
        """« Français, Anglais »: the languages it has versions in, French and English first
        (reads the prefetched versions)."""
        order = list(MaterialLanguage.values)
        codes = sorted({version.language for version in self.versions.all()}, key=order.index)
        return ", ".join(str(MaterialLanguage(code).label) for code in codes)


class MaterialVersion(models.Model):
    """One version of a material in one language: an uploaded file (kept in the database, as
    case documents are) or a link. Numbered per language: 1, 2, 3..."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=3, choices=MaterialLanguage.choices)
    number = models.PositiveIntegerField(_("version"))
    published_on = models.DateField(_("date of the version"))
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["language", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "language", "number"], name="material_version_unique"
            ),
            # A file or a link, never both, never neither.
            models.CheckConstraint(
                condition=(models.Q(content__isnull=False) & models.Q(link=""))
                | (models.Q(content__isnull=True) & ~models.Q(link="")),
                name="material_version_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material} {self.language} v{self.number}"

    @property
    def is_file(self) -> bool:
        return not self.link


class CoalitionContact(models.Model):
    """A way to reach the coalition that it chooses to publish on the help page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="public_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    hours_en = models.CharField(_("hours in English"), max_length=200, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_uri(self) -> str:
        """``tel:+15145550100``: the digits of the number, with the country code for a
        ten-digit North American number."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if len(digits) == 10:
            digits = "1" + digits
        return f"tel:+{digits}"


class AdvocacyBrief(models.Model):
    """A coalition's recommendations beside the gap report of one release. The figures are
    read from the release each time (a release never changes), so they cannot drift."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="advocacy_briefs"
    )
    release = models.ForeignKey(
        "trends.Release", on_delete=models.PROTECT, related_name="advocacy_briefs"
    )
    title = models.CharField(_("title"), max_length=200)
    recommendations = models.TextField(_("recommendations"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
