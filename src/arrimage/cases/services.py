"""Writes on cases. Keyword-only, validated, atomic, audited (hash-chained log and the case's
access log). The acting organisation is always the membership's; a write into a category the
actor may not read is refused as ``NotFound`` and changes nothing.

Interfaces used by other parts of Arrimage (Law 25 retention):

- :func:`case_anonymise` — strips every identifying field of a closed case and keeps what the
  statistics count (status, dates, gender, age band, exploitation picklists).
"""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases import search_index
from arrimage.cases import validation as check
from arrimage.cases import vocabularies as v
from arrimage.cases.access import (
    CaseGrant,
    access_record,
    case_grant,
    case_grants,
    case_subject,
)
from arrimage.cases.models import (
    Case,
    Document,
    Exploitation,
    Goal,
    HealthFollowUp,
    ImmigrationTrack,
    Need,
    Note,
    Person,
    Plan,
    Task,
)
from arrimage.cases.references import REFERENCE_ATTEMPTS, reference_new
from arrimage.cases.sealing import (
    category_data,
    category_write,
    open_bytes,
    open_text,
    seal_bytes,
    seal_text,
)
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import anonymisation_grant
from arrimage.privacy.policy import categories_role_may_write, may_share_with

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
PERMIT_RENEWAL_LEAD = timedelta(days=90)


def _write_grant(
    actor_membership: Membership | None, case_id: UUID | str, category: Category
) -> CaseGrant:
    """The case, locked, if the actor may read (hence write) the category; else NotFound."""
    return case_grant(
        actor_membership=actor_membership, case_id=case_id, require=category, for_update=True
    )


def _actor(actor_membership: Membership | None) -> Membership:
    if actor_membership is None:
        raise NotFound
    return actor_membership


def _touch(case: Case) -> None:
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)


def _record(
    actor_membership: Membership | None, grant: CaseGrant, action: str, category: Category
) -> None:
    access_record(
        actor_membership=actor_membership,
        grants=[grant],
        action=action,
        path="write",
        categories=[category],
    )


def _category(value: object) -> Category:
    if str(value) not in Category.values:
        raise ValidationError(
            _("Choose a category of information from the list."), code="invalid_category"
        )
    return Category(str(value))


# Cases and persons --------------------------------------------------------------------------


def case_create(
    *,
    actor_membership: Membership | None,
    identity: dict[str, Any],
    contact: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
) -> Case:
    """Open a case for a new person, led by the acting organisation. The actor's role must
    read identity and coordination."""
    if actor_membership is None:
        raise NotFound
    if not {Category.IDENTITY, Category.COORDINATION} <= categories_role_may_write(
        actor_membership.role
    ):
        raise NotFound
    identity_data = check.identity(identity)
    contact_data = check.contact(contact or {})
    location_data = check.location(location or {})
    organisation = actor_membership.organisation
    if location_data and not may_share_with(
        organisation_type=organisation.type, category=Category.LOCATION
    ):
        location_data = {}
    with transaction.atomic():
        person = Person(organisation=organisation)
        category_write(person, Category.IDENTITY, identity_data)
        if contact_data:
            category_write(person, Category.CONTACT, contact_data)
        if location_data:
            category_write(person, Category.LOCATION, location_data)
        person.save()
        search_index.person_index(person, identity_data)
        case = _case_insert(
            Case(
                person=person,
                lead_organisation=organisation,
                assigned_worker_id=actor_membership.user_id,
            )
        )
        Plan.objects.create(case=case, owner_organisation=organisation)
        grant = case_grants(actor_membership=actor_membership, cases=[case])[0]
        access_record(
            actor_membership=actor_membership,
            grants=[grant],
            action="case_created",
            path="write",
            categories=[Category.IDENTITY, Category.COORDINATION],
        )
    return case


def _case_insert(case: Case) -> Case:
    """Insert a new case; if its random reference is taken (``cases/references.py``), draw
    another, a few times at most."""
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            return case
        except IntegrityError:
            if (
                attempt == REFERENCE_ATTEMPTS - 1
                or not Case.objects.filter(reference=case.reference).exists()
            ):
                raise
            case.reference = reference_new()
    raise AssertionError("unreachable")


def person_update(
    *, actor_membership: Membership | None, case_id: UUID | str, category: str, data: dict[str, Any]
) -> Person:
    """Replace the identity, contact or location fields of the case's person."""
    cat = _category(category)
    validators = {
        Category.IDENTITY: check.identity,
        Category.CONTACT: check.contact,
        Category.LOCATION: check.location,
    }
    if cat not in validators:
        raise ValidationError(
            _("Choose a category of information from the list."), code="invalid_category"
        )
    cleaned = validators[cat](data)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, cat)
        person = grant.case.person
        category_write(person, cat, cleaned)
        column = Person.SEALED_COLUMNS[cat]
        Person.objects.filter(pk=person.pk).update(**{column: getattr(person, column)})
        if cat == Category.IDENTITY:
            search_index.person_index(person, cleaned)
        _touch(grant.case)
        _record(actor_membership, grant, "person_updated", cat)  # type: ignore[arg-type]
    return person


def case_status_change(
    *, actor_membership: Membership | None, case_id: UUID | str, status: str
) -> Case:
    cleaned = check.choice(status, v.CaseStatus, label=_("the status"), required=True)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.COORDINATION)
        if not grant.is_lead:
            raise NotFound
        case = grant.case
        case.status = cleaned
        case.closed_at = (
            timezone.now()
            if cleaned in (v.CaseStatus.CLOSED, v.CaseStatus.CLOSED_REFERRED)
            else None
        )
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "closed_at", "updated_at"])
        _record(
            actor_membership,
            grant,
            "case_status_changed",  # type: ignore[arg-type]
            Category.COORDINATION,
        )
    return case


def legal_update(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> Case:
    cleaned = {
        "police_report_filed": bool(data.get("police_report_filed")),
        "proceedings": check.text(
            data.get("proceedings"), label=_("Proceedings"), maximum=check.MAX_TEXT
        ),
        "lawyer": check.text(data.get("lawyer"), label=_("Lawyer"), maximum=200),
    }
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.LEGAL)
        case = grant.case
        category_write(case, Category.LEGAL, cleaned)
        Case.objects.filter(pk=case.pk).update(legal_sealed=case.legal_sealed)
        _touch(case)
        _record(actor_membership, grant, "legal_updated", Category.LEGAL)  # type: ignore[arg-type]
    return case


# Notes, tasks, needs, plan, documents -----------------------------------------------------------


def note_add(
    *, actor_membership: Membership | None, case_id: UUID | str, category: str, body: str
) -> Note:
    """Add a note tagged with one category; the actor must read that category."""
    cat = _category(category)
    cleaned = check.text(body, label=_("The note"), maximum=check.MAX_NOTE, required=True)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, cat)
        note = Note(
            case=grant.case,
            category=cat,
            owner_organisation_id=grant.case.lead_organisation_id,
            author_id=_actor(actor_membership).user_id,
            author_organisation_id=_actor(actor_membership).organisation_id,
        )
        seal_text(note, "body_sealed", cleaned)
        note.save()
        _touch(grant.case)
        _record(actor_membership, grant, "note_added", cat)  # type: ignore[arg-type]
    return note


def _assignee_id(
    actor_membership: Membership | None, grant: CaseGrant, assignee_id: UUID | str | None
) -> UUID | None:
    if actor_membership is None:
        raise NotFound
    if assignee_id in (None, ""):
        return None
    try:
        wanted = UUID(str(assignee_id))
    except ValueError as error:
        raise ValidationError(
            _("Choose the person responsible from the list."), code="invalid_assignee"
        ) from error
    allowed = Membership.objects.filter(
        user_id=wanted,
        organisation_id__in={actor_membership.organisation_id, grant.case.lead_organisation_id},
    ).exists()
    if not allowed:
        raise ValidationError(
            _("Choose the person responsible from the list."), code="invalid_assignee"
        )
    return wanted


def task_add(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    title: str,
    due_on: object,
    category: str = Category.COORDINATION,
    assignee_id: UUID | str | None = None,
    kind: str = v.TaskKind.MANUAL,
) -> Task:
    cat = _category(category)
    cleaned = check.text(title, label=_("The task"), maximum=check.MAX_SHORT, required=True)
    due = check.parse_date(
        due_on, label=_("The due date"), past_years=1, future_years=5, required=True
    )
    assert due is not None  # required=True
    kind = check.choice(kind, v.TaskKind, label=_("the kind of task"), required=True)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, cat)
        task = Task(
            case=grant.case,
            category=cat,
            kind=kind,
            due_on=due,
            owner_organisation_id=grant.case.lead_organisation_id,
            assignee_id=_assignee_id(actor_membership, grant, assignee_id),
        )  # type: ignore[arg-type]
        seal_text(task, "title_sealed", cleaned)
        task.save()
        _touch(grant.case)
        _record(actor_membership, grant, "task_added", cat)  # type: ignore[arg-type]
    return task


def task_complete(
    *, actor_membership: Membership | None, case_id: UUID | str, task_id: UUID | str
) -> Task:
    with transaction.atomic():
        grant = case_grant(actor_membership=actor_membership, case_id=case_id, for_update=True)
        try:
            task = Task.objects.get(pk=UUID(str(task_id)), case=grant.case)
        except (ValueError, Task.DoesNotExist) as error:
            raise NotFound from error
        if not grant.may(task.category):
            raise NotFound
        task.status = v.TaskStatus.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
        _touch(grant.case)
        _record(
            actor_membership,
            grant,
            "task_completed",  # type: ignore[arg-type]
            Category(task.category),
        )
    return task


def need_add(
    *, actor_membership: Membership | None, case_id: UUID | str, need_type: str, urgency: str
) -> Need:
    cleaned_type = check.choice(need_type, v.NeedType, label=_("the need"), required=True)
    cleaned_urgency = check.choice(urgency, v.Urgency, label=_("the urgency"), required=True)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.COORDINATION)
        if cleaned_type not in Need.readable_types(grant.readable):
            raise NotFound
        need = Need.objects.create(
            case=grant.case,
            need_type=cleaned_type,
            urgency=cleaned_urgency,
            owner_organisation_id=grant.case.lead_organisation_id,
        )
        _touch(grant.case)
        _record(actor_membership, grant, "need_added", Category.COORDINATION)  # type: ignore[arg-type]
    return need


def need_set_status(
    *, actor_membership: Membership | None, case_id: UUID | str, need_id: UUID | str, status: str
) -> Need:
    cleaned = check.choice(status, v.NeedStatus, label=_("the status"), required=True)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.COORDINATION)
        try:
            need = Need.objects.get(
                pk=UUID(str(need_id)),
                case=grant.case,
                need_type__in=Need.readable_types(grant.readable),
            )
        except (ValueError, Need.DoesNotExist) as error:
            raise NotFound from error
        need.status = cleaned
        need.save(update_fields=["status"])
        _touch(grant.case)
        _record(actor_membership, grant, "need_updated", Category.COORDINATION)  # type: ignore[arg-type]
    return need


def goal_add(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    text: str,
    target_on: object = None,
    category: str = Category.COORDINATION,
) -> Goal:
    """Add a goal to the plan, tagged (like a note) with the category of what it is about;
    the actor must read that category."""
    cat = _category(category)
    cleaned = check.text(text, label=_("The goal"), maximum=check.MAX_TEXT, required=True)
    target = check.parse_date(target_on, label=_("The target date"), past_years=0, future_years=5)
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, cat)
        plan, _created = Plan.objects.get_or_create(
            case=grant.case,
            defaults={"owner_organisation_id": grant.case.lead_organisation_id},
        )
        goal = Goal(
            plan=plan,
            category=cat,
            target_on=target,
            owner_organisation_id=grant.case.lead_organisation_id,
        )
        seal_text(goal, "text_sealed", cleaned)
        goal.save()
        _touch(grant.case)
        _record(actor_membership, grant, "goal_added", cat)  # type: ignore[arg-type]
    return goal


def _sniff(content: bytes) -> str | None:
    for content_type, signatures in UPLOAD_TYPES.items():
        if any(content.startswith(signature) for signature in signatures):
            return content_type
    return None


def document_add(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    category: str,
    filename: str,
    content: bytes,
) -> Document:
    """Store an upload sealed at rest. PDF, JPEG or PNG (checked from the content, not the
    name), 10 MB at most."""
    cat = _category(category)
    name = check.text(filename, label=_("The file name"), maximum=200, required=True)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large: %(size)s MB at most.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = _sniff(content)
    if content_type is None:
        raise ValidationError(_("Only PDF, JPEG and PNG files can be added."), code="invalid_type")
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, cat)
        document = Document(
            case=grant.case,
            category=cat,
            content_type=content_type,
            size=len(content),
            owner_organisation_id=grant.case.lead_organisation_id,
            uploaded_by_id=_actor(actor_membership).user_id,
        )
        seal_text(document, "filename_sealed", name)
        seal_bytes(document, "content_sealed", content)
        document.save()
        _touch(grant.case)
        _record(actor_membership, grant, "document_added", cat)  # type: ignore[arg-type]
    return document


def document_content(
    *, actor_membership: Membership | None, case_id: UUID | str, document_id: UUID | str
) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a document the actor may read. Audited."""
    grant = case_grant(actor_membership=actor_membership, case_id=case_id)
    try:
        document = Document.objects.get(pk=UUID(str(document_id)), case=grant.case)
    except (ValueError, Document.DoesNotExist) as error:
        raise NotFound from error
    if not grant.may(document.category):
        raise NotFound
    access_record(
        actor_membership=actor_membership,
        grants=[grant],  # type: ignore[arg-type]
        action="document_read",
        path="page",
        categories=[Category(document.category)],
    )
    return (
        open_text(grant, document, "filename_sealed"),
        document.content_type,
        open_bytes(grant, document, "content_sealed"),
    )


# Exploitation, immigration, health ----------------------------------------------------------------


def exploitation_update(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> Exploitation:
    """Record exploitation information. Every field is optional: no label is ever required to
    get help. A trafficking status says who decided it."""
    status = check.choice(
        data.get("trafficking_status"), v.TraffickingStatus, label=_("the trafficking status")
    )
    decided_by = check.choice(
        data.get("status_decided_by"), v.StatusDecidedBy, label=_("who decided")
    )
    if status and not decided_by:
        raise ValidationError(
            _("Say who decided the trafficking status."), code="decided_by_required"
        )
    cleaned = {
        "sex_exploitation_types": check.choices(
            data.get("sex_exploitation_types"),
            v.SexExploitationType,
            label=_("the types of exploitation"),
        ),
        "labour_exploitation_types": check.choices(
            data.get("labour_exploitation_types"),
            v.LabourExploitationType,
            label=_("the types of exploitation"),
        ),
        "methods_of_control": check.choices(
            data.get("methods_of_control"), v.MethodOfControl, label=_("the means of control")
        ),
        "methods_of_recruitment": check.choices(
            data.get("methods_of_recruitment"),
            v.MethodOfRecruitment,
            label=_("the methods of recruitment"),
        ),
        "trafficking_status": status,
        "status_decided_by": decided_by if status else "",
        "status_decided_on": check.parse_date(
            data.get("status_decided_on"),
            label=_("The decision date"),
            past_years=30,
            future_years=0,
        )
        if status
        else None,
        "details": check.text(data.get("details"), label=_("Details"), maximum=check.MAX_TEXT),
    }
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.EXPLOITATION)
        record, _created = Exploitation.objects.get_or_create(
            case=grant.case,
            defaults={"owner_organisation_id": grant.case.lead_organisation_id},
        )
        category_write(record, Category.EXPLOITATION, cleaned)
        record.save(update_fields=["exploitation_sealed"])
        _touch(grant.case)
        _record(
            actor_membership,
            grant,
            "exploitation_updated",  # type: ignore[arg-type]
            Category.EXPLOITATION,
        )
    return record


def immigration_update(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> ImmigrationTrack:
    """The immigration track. A temporary resident permit for victims of trafficking gets a
    renewal due date (90 days before it ends unless given) and a permit-renewal task; the
    detention flag makes the case urgent for the lead organisation."""
    issued = check.parse_date(
        data.get("trp_issued_on"), label=_("The permit issue date"), past_years=10, future_years=1
    )
    expires = check.parse_date(
        data.get("trp_expires_on"), label=_("The permit end date"), past_years=10, future_years=5
    )
    if issued and expires and expires <= issued:
        raise ValidationError(_("The permit must end after it was issued."), code="permit_dates")
    renewal = check.parse_date(
        data.get("trp_renewal_due_on"),
        label=_("The renewal due date"),
        past_years=10,
        future_years=5,
    )
    if expires and renewal is None:
        renewal = expires - PERMIT_RENEWAL_LEAD
    cleaned = {
        "status": check.choice(
            data.get("status"), v.ImmigrationStatus, label=_("the immigration status")
        ),
        "trp_issued_on": issued,
        "trp_expires_on": expires,
        "trp_renewal_due_on": renewal,
        "asylum_claim": check.choice(
            data.get("asylum_claim"), v.ApplicationStatus, label=_("the asylum claim")
        ),
        "humanitarian_application": check.choice(
            data.get("humanitarian_application"),
            v.ApplicationStatus,
            label=_("the humanitarian application"),
        ),
        "ifhp_covered_until": check.parse_date(
            data.get("ifhp_covered_until"),
            label=_("The IFHP coverage end"),
            past_years=10,
            future_years=5,
        ),
        "legal_representative": check.text(
            data.get("legal_representative"), label=_("Legal representative"), maximum=200
        ),
        "is_detained": bool(data.get("is_detained")),
    }
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.IMMIGRATION)
        case = grant.case
        track, _created = ImmigrationTrack.objects.get_or_create(
            case=case,
            defaults={"owner_organisation_id": case.lead_organisation_id},
        )
        category_write(track, Category.IMMIGRATION, cleaned)
        track.save(update_fields=["immigration_sealed"])
        if case.is_urgent != cleaned["is_detained"]:
            case.is_urgent = bool(cleaned["is_detained"])
            Case.objects.filter(pk=case.pk).update(is_urgent=case.is_urgent)
        if renewal is not None:
            _permit_task(actor_membership, grant, renewal)  # type: ignore[arg-type]
        _touch(case)
        _record(
            actor_membership,
            grant,
            "immigration_updated",  # type: ignore[arg-type]
            Category.IMMIGRATION,
        )
    return track


def _permit_task(actor_membership: Membership, grant: CaseGrant, due: date) -> None:
    case = grant.case
    task = Task.objects.filter(
        case=case, kind=v.TaskKind.PERMIT_RENEWAL, status=v.TaskStatus.OPEN
    ).first()
    if task is None:
        task = Task(
            case=case,
            category=Category.IMMIGRATION,
            kind=v.TaskKind.PERMIT_RENEWAL,
            owner_organisation_id=case.lead_organisation_id,
            due_on=due,
            assignee_id=case.assigned_worker_id or actor_membership.user_id,
        )
        seal_text(task, "title_sealed", str(_("Renew the temporary resident permit")))
        task.save()
    elif task.due_on != due:
        task.due_on = due
        task.save(update_fields=["due_on"])


def health_follow_up_add(
    *, actor_membership: Membership | None, case_id: UUID | str, data: dict[str, Any]
) -> HealthFollowUp:
    """A mental-health referral or appointment with its coverage; an optional long-term
    follow-up date adds a health task."""
    cleaned = {
        "kind": check.choice(data.get("kind"), v.FollowUpKind, label=_("the kind"), required=True),
        "service": check.text(
            data.get("service"), label=_("The service"), maximum=200, required=True
        ),
        "scheduled_on": check.parse_date(
            data.get("scheduled_on"), label=_("The date"), past_years=2, future_years=2
        ),
        "coverage": check.choice(
            data.get("coverage"), v.Coverage, label=_("the coverage"), required=True
        ),
        "status": check.choice(
            data.get("status") or v.FollowUpStatus.PLANNED, v.FollowUpStatus, label=_("the status")
        ),
        "details": check.text(data.get("details"), label=_("Details"), maximum=check.MAX_TEXT),
    }
    follow_up_on = check.parse_date(
        data.get("follow_up_on"), label=_("The follow-up date"), past_years=0, future_years=5
    )
    with transaction.atomic():
        grant = _write_grant(actor_membership, case_id, Category.HEALTH)
        record = HealthFollowUp(
            case=grant.case, owner_organisation_id=grant.case.lead_organisation_id
        )
        category_write(record, Category.HEALTH, cleaned)
        record.save()
        if follow_up_on is not None:
            task = Task(
                case=grant.case,
                category=Category.HEALTH,
                kind=v.TaskKind.HEALTH_FOLLOW_UP,
                due_on=follow_up_on,
                owner_organisation_id=grant.case.lead_organisation_id,
                assignee_id=_actor(actor_membership).user_id,
            )
            seal_text(
                task,
                "title_sealed",
                str(_("Follow up: %(service)s") % {"service": cleaned["service"]}),
            )
            task.save()
        _touch(grant.case)
        _record(
            actor_membership,
            grant,
            "health_follow_up_added",  # type: ignore[arg-type]
            Category.HEALTH,
        )
    return record


# Retention ------------------------------------------------------------------------------------

STATISTICS_IDENTITY_FIELDS = ("gender", "age_band", "citizenship")
STATISTICS_EXPLOITATION_FIELDS = (
    "sex_exploitation_types",
    "labour_exploitation_types",
    "methods_of_control",
    "methods_of_recruitment",
    "trafficking_status",
)


def case_anonymise(*, case: Case) -> None:
    """Irreversibly anonymise a case for the retention schedule (no actor: the background job).

    Keeps what statistics count: the case row (status, dates, lead organisation), the person's
    gender, age band and citizenship, the exploitation picklists, the immigration status code,
    the needs. Removes everything else: names, alias, year of birth, languages, contact,
    location, legal, free text, notes, documents, goals, tasks, health follow-ups. Consent
    records stay as evidence (they hold no personal field). Audited as ``case_anonymised``.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("person", "lead_organisation")
            .get(pk=case.pk)
        )
        grant = anonymisation_grant(subject=case_subject(case))
        person = case.person
        identity = category_data(grant, person, Category.IDENTITY)
        kept = {k: identity[k] for k in STATISTICS_IDENTITY_FIELDS if k in identity}
        kept["alias"] = ""
        category_write(person, Category.IDENTITY, kept)
        person.contact_sealed = None
        person.location_sealed = None
        person.is_anonymised = True
        person.save(
            update_fields=["identity_sealed", "contact_sealed", "location_sealed", "is_anonymised"]
        )
        search_index.person_erase(person.pk)
        Case.objects.filter(pk=case.pk).update(
            legal_sealed=None, assigned_worker=None, is_urgent=False
        )
        for record in Exploitation.objects.filter(case=case):
            data = category_data(grant, record, Category.EXPLOITATION)
            category_write(
                record,
                Category.EXPLOITATION,
                {k: data[k] for k in STATISTICS_EXPLOITATION_FIELDS if k in data},
            )
            record.save(update_fields=["exploitation_sealed"])
        for track in ImmigrationTrack.objects.filter(case=case):
            data = category_data(grant, track, Category.IMMIGRATION)
            category_write(track, Category.IMMIGRATION, {"status": data.get("status", "")})
            track.save(update_fields=["immigration_sealed"])
        Note.objects.filter(case=case).delete()
        Document.objects.filter(case=case).delete()
        Task.objects.filter(case=case).delete()
        HealthFollowUp.objects.filter(case=case).delete()
        Goal.objects.filter(plan__case=case).delete()
        audit_record(
            action="case_anonymised",
            organisation_id=case.lead_organisation_id,
            target_type="case",
            target_id=case.pk,
        )
