"""Case conferences: a meeting on one case or on a theme, its participants (members of the
coalition's organisations), its agenda items with their minutes and decisions, and the action
items that became case tasks.

An agenda item carries one data category, like a case note. On a case conference its content
(title, minutes, decision) is about the person: it is sealed with the key of the case's lead
organisation and declared to the privacy kernel with the item's category and the case, so only
a grant for that case covering that category opens it (the same path as a note's body). On a
theme conference nothing is about one person and the content is kept as plain text.

The conference's own title, time, place and link are what the invitation (.ics) carries: the
organiser writes a neutral theme there, never the person's alias, name or the case reference.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrimage.accounts.models import Membership
from arrimage.cases.models import Case, Task
from arrimage.coalition.models import Coalition, Organisation
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register


class Conference(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coalition = models.ForeignKey(Coalition, on_delete=models.PROTECT, related_name="+")
    organiser_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # None: a conference on a theme. A case conference goes with its case (anonymisation
    # deletes what was written about the person, so the conference goes too).
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return f"Conference {self.pk}"

    @property
    def is_on_case(self) -> bool:
        return self.case_id is not None


class Participant(models.Model):
    """A member of an organisation of the coalition, invited as that membership: the agenda
    is read with that organisation's grant."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants"
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "membership"], name="conference_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Participant {self.pk}"


class AgendaItem(models.Model):
    """One point of the agenda, tagged with one category. ``content_sealed`` (a case
    conference) or ``content`` (a theme) holds its title, minutes and decision."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="items")
    # The organisation whose key seals the content: the case's lead organisation.
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(
        max_length=16, choices=Category.choices, default=Category.COORDINATION
    )
    position = models.PositiveIntegerField(default=0)
    content_sealed = models.BinaryField(null=True)
    content = models.JSONField(default=dict, blank=True)
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {}  # every field: the row's category

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return f"AgendaItem {self.pk}"


class ActionItem(models.Model):
    """An action decided on an agenda item: a task of the case, in the item's category."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"ActionItem {self.pk}"


def _item_category(row: models.Model) -> Category:
    return Category(row.category)  # type: ignore[attr-defined]


def _item_case(row: models.Model) -> tuple[str, str]:
    return ("case", str(row.conference.case_id))  # type: ignore[attr-defined]


sealed_field_register(
    AgendaItem,
    "content_sealed",
    category=_item_category,
    subject=_item_case,
    organisation_field="owner_organisation_id",
)
