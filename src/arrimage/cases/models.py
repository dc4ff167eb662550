"""Persons, cases and everything recorded about them.

Every personal field belongs to exactly one data category (``FIELD_CATEGORIES`` on each model).
Free text and every field of a sensitive category are sealed with the lead organisation's data
key, one ciphertext column per category, bound to the row and the column, and declared to the
privacy kernel (:func:`arrimage.privacy.sealing.sealed_field_register`) with its category and
the case or person it belongs to: only a grant for that case opens it. Plain columns hold only
coordination data that the worklist sorts on (status, due dates, urgency) and the category tags
themselves.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrimage.cases import vocabularies as v
from arrimage.cases.references import reference_new
from arrimage.coalition.models import Organisation
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register

# Categories whose columns are sealed. Coordination is sealed too where it is free text.
SENSITIVE_CATEGORIES: frozenset[Category] = frozenset(Category) - {Category.COORDINATION}


class Person(models.Model):
    """The person a case is about. An alias is enough: no legal name is required."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The organisation that recorded the person: the lead organisation of their case. Its data
    # key seals the columns below.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    identity_sealed = models.BinaryField(null=True)
    contact_sealed = models.BinaryField(null=True)
    location_sealed = models.BinaryField(null=True)
    is_anonymised = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "alias": Category.IDENTITY,
        "given_name": Category.IDENTITY,
        "family_name": Category.IDENTITY,
        "year_of_birth": Category.IDENTITY,
        "age_band": Category.IDENTITY,
        "gender": Category.IDENTITY,
        "languages": Category.IDENTITY,
        "phone": Category.CONTACT,
        "email": Category.CONTACT,
        "safe_contact_instructions": Category.CONTACT,
        "city": Category.LOCATION,
        "accommodation": Category.LOCATION,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {
        Category.IDENTITY: "identity_sealed",
        Category.CONTACT: "contact_sealed",
        Category.LOCATION: "location_sealed",
    }

    def __str__(self) -> str:
        return f"Person {self.pk}"


class PersonSearchToken(models.Model):
    """The blind index of case search (``cases/search_index.py``): one row per keyed hash of a
    normalised prefix of a word of the person's alias or names, under the key of the person's
    organisation. No plaintext: a token is an integer that reveals nothing without the key."""

    pk = models.CompositePrimaryKey("token", "person")
    token = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"Search token of {self.person_id}"


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("lead organisation"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=v.CaseStatus.choices, default=v.CaseStatus.ACTIVE
    )
    # What workers read, write and type (``cases/references.py``): unique, drawn at random.
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=reference_new, editable=False
    )
    # Set when the person is detained: urgent for the lead organisation. The reason stays in
    # the immigration category.
    is_urgent = models.BooleanField(default=False)
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned worker"),
    )
    legal_sealed = models.BinaryField(null=True)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "status": Category.COORDINATION,
        "assigned_worker": Category.COORDINATION,
        "opened_at": Category.COORDINATION,
        "closed_at": Category.COORDINATION,
        "police_report_filed": Category.LEGAL,
        "proceedings": Category.LEGAL,
        "lawyer": Category.LEGAL,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.LEGAL: "legal_sealed"}

    class Meta:
        indexes = [
            models.Index(
                fields=["lead_organisation", "-is_urgent", "-updated_at"], name="case_worklist"
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"


class CaseOwned(models.Model):
    """A record of a case, sealed with the key of the case's lead organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


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


class Exploitation(CaseOwned):
    """Exploitation information (HTCDS 2.0). Optional, never required to get help."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="exploitation")
    exploitation_sealed = models.BinaryField(null=True)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "sex_exploitation_types": Category.EXPLOITATION,
        "labour_exploitation_types": Category.EXPLOITATION,
        "methods_of_control": Category.EXPLOITATION,
        "methods_of_recruitment": Category.EXPLOITATION,
        "trafficking_status": Category.EXPLOITATION,
        "status_decided_by": Category.EXPLOITATION,
        "status_decided_on": Category.EXPLOITATION,
        "details": Category.EXPLOITATION,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.EXPLOITATION: "exploitation_sealed"}

    def __str__(self) -> str:
        return f"Exploitation {self.pk}"


class ImmigrationTrack(CaseOwned):
    """The immigration category of a case, the person's citizenship included: a foreign
    citizenship on a trafficking case is a proxy of immigration status (``docs/policy.md``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="immigration")
    immigration_sealed = models.BinaryField(null=True)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "citizenship": Category.IMMIGRATION,
        "status": Category.IMMIGRATION,
        "trp_issued_on": Category.IMMIGRATION,
        "trp_expires_on": Category.IMMIGRATION,
        "trp_renewal_due_on": Category.IMMIGRATION,
        "asylum_claim": Category.IMMIGRATION,
        "humanitarian_application": Category.IMMIGRATION,
        "ifhp_covered_until": Category.IMMIGRATION,
        "legal_representative": Category.IMMIGRATION,
        "is_detained": Category.IMMIGRATION,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.IMMIGRATION: "immigration_sealed"}

    def __str__(self) -> str:
        return f"ImmigrationTrack {self.pk}"


class HealthFollowUp(CaseOwned):
    """A mental-health (or health) referral or appointment, with its coverage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="health_follow_ups")
    health_sealed = models.BinaryField()
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "kind": Category.HEALTH,
        "service": Category.HEALTH,
        "scheduled_on": Category.HEALTH,
        "coverage": Category.HEALTH,
        "status": Category.HEALTH,
        "details": Category.HEALTH,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.HEALTH: "health_sealed"}

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"HealthFollowUp {self.pk}"


class CaseAccess(models.Model):
    """The access log of a case: who saw or changed which categories, when, by which path.
    Visible to the lead organisation. Ids and codes only."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    path = models.CharField(max_length=16)
    categories = models.CharField(max_length=160, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-occurred_at"], name="case_access_case"),
            # The recent changes of the listed cases (the worklist): reads, which every page
            # adds, are not read again.
            models.Index(fields=["case", "path", "-occurred_at"], name="case_access_path"),
        ]

    def __str__(self) -> str:
        return f"CaseAccess {self.pk}"


class CalendarFeed(models.Model):
    """A secret feed address for one user acting for one organisation. Only the token's
    SHA-256 digest is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"CalendarFeed {self.pk}"


def _row_category(row: models.Model) -> Category:
    return Category(row.category)  # type: ignore[attr-defined]


def _of_person(row: models.Model) -> tuple[str, str]:
    return ("person", str(row.pk))


def _of_case(row: models.Model) -> tuple[str, str]:
    return ("case", str(row.case_id))  # type: ignore[attr-defined]


def _of_goal(row: models.Model) -> tuple[str, str]:
    return ("case", str(row.plan.case_id))  # type: ignore[attr-defined]


for _column, _category in Person.SEALED_COLUMNS.items():
    sealed_field_register(
        Person,
        _category,
        category=_column,
        subject=_of_person,
        organisation_field="organisation_id",
    )
sealed_field_register(
    Case,
    "legal_sealed",
    category=Category.LEGAL,
    subject=lambda case: ("case", str(case.pk)),
    organisation_field="lead_organisation_id",
)
for _model, _field, _subject in (
    (Goal, "text_sealed", _of_goal),
    (Task, "title_sealed", _of_case),
    (Note, "body_sealed", _of_case),
    (Document, "filename_sealed", _of_case),
    (Document, "content_sealed", _of_case),
):
    sealed_field_register(
        _model,
        _field,
        category=_row_category,
        subject=_subject,
        organisation_field="owner_organisation_id",
    )
for _sealed_model in (Exploitation, ImmigrationTrack, HealthFollowUp):
    for _category, _field in _sealed_model.SEALED_COLUMNS.items():
        sealed_field_register(
            _sealed_model,
            _field,
            category=_category,
            subject=_of_case,
            organisation_field="owner_organisation_id",
        )
