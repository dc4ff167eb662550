"""What the workers record on a case: needs, the plan and its goals, tasks, notes and
documents. Goals, tasks, notes and documents carry the category of what they are about."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrimage.cases import vocabularies as v
from arrimage.cases.models.cases import Case, CaseOwned, of_case_row
from arrimage.coalition.models import Organisation
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register


class Need(CaseOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    need_type = models.CharField(_("need"), max_length=24, choices=v.NeedType.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=v.Urgency.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=v.NeedStatus.choices, default=v.NeedStatus.OPEN
    )
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "need_type": Category.COORDINATION,
        "urgency": Category.COORDINATION,
        "status": Category.COORDINATION,
    }
    # A health or immigration need says as much as the health or immigration record itself:
    # it belongs to that category, and the firewall keeps it from enforcement.
    TYPE_CATEGORIES: ClassVar[dict[str, Category]] = {
        v.NeedType.HEALTH: Category.HEALTH,
        v.NeedType.MENTAL_HEALTH: Category.HEALTH,
        v.NeedType.IMMIGRATION: Category.IMMIGRATION,
    }

    class Meta:
        ordering = ["status", "created_at"]

    def __str__(self) -> str:
        return f"Need {self.pk}"

    @classmethod
    def category_of(cls, need_type: str) -> Category:
        return cls.TYPE_CATEGORIES.get(need_type, Category.COORDINATION)

    @classmethod
    def readable_types(cls, readable: frozenset[Category]) -> list[str]:
        """The need types a reader with these categories may see and record."""
        if Category.COORDINATION not in readable:
            return []
        return [t for t in v.NeedType.values if cls.category_of(t) in readable]


class Plan(CaseOwned):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {}

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class Goal(CaseOwned):
    """A goal of the plan. Like a note, it is tagged with the category of what it is about:
    "renew the permit" is an immigration goal, "psychiatric follow-up" a health goal, and the
    firewall keeps those from enforcement bodies."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    category = models.CharField(
        max_length=16, choices=Category.choices, default=Category.COORDINATION
    )
    text_sealed = models.BinaryField()
    status = models.CharField(
        max_length=16, choices=v.GoalStatus.choices, default=v.GoalStatus.PLANNED
    )
    target_on = models.DateField(null=True, blank=True)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {}  # every field: the row's category

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class Task(CaseOwned):
    """A task with a due date. Its category is the category of what it is about: a permit
    renewal is an immigration task, a health follow-up a health task."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    category = models.CharField(
        max_length=16, choices=Category.choices, default=Category.COORDINATION
    )
    kind = models.CharField(max_length=20, choices=v.TaskKind.choices, default=v.TaskKind.MANUAL)
    title_sealed = models.BinaryField()
    due_on = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=v.TaskStatus.choices, default=v.TaskStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {}  # every field: the row's category

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["case", "status", "due_on"], name="task_case_due"),
            models.Index(fields=["assignee", "status", "due_on"], name="task_assignee_due"),
        ]

    def __str__(self) -> str:
        return f"Task {self.pk}"


class Note(CaseOwned):
    """A note, tagged with exactly one data category."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    category = models.CharField(max_length=16, choices=Category.choices)
    body_sealed = models.BinaryField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {}  # every field: the row's category

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "category", "-created_at"], name="note_case")]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class Document(CaseOwned):
    """An uploaded file, sealed at rest; tagged with one data category."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(max_length=16, choices=Category.choices)
    filename_sealed = models.BinaryField()
    content_sealed = models.BinaryField()
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {}  # every field: the row's category

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Document {self.pk}"


def _row_category(row: models.Model) -> Category:
    return Category(row.category)  # type: ignore[attr-defined]


def _of_goal(row: models.Model) -> tuple[str, str]:
    return ("case", str(row.plan.case_id))  # type: ignore[attr-defined]


for _model, _field, _subject in (
    (Goal, "text_sealed", _of_goal),
    (Task, "title_sealed", of_case_row),
    (Note, "body_sealed", of_case_row),
    (Document, "filename_sealed", of_case_row),
    (Document, "content_sealed", of_case_row),
):
    sealed_field_register(
        _model,
        _field,
        category=_row_category,
        subject=_subject,
        organisation_field="owner_organisation_id",
    )
