"""Writes on conferences. Keyword-only, validated, atomic, audited. The acting organisation is
always the membership's. Only participants write, and only in the categories they read: on a
case conference the case's grant must cover the item's category (one writes what one reads,
as for a case note); refused writes are ``NotFound`` and change nothing.

Action items become case tasks through :func:`arrimage.cases.services.task_add`, in the
category of their agenda item: an action decided on an immigration item is an immigration task.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases import validation as check
from arrimage.cases.access import access_record, case_grant
from arrimage.cases.plan_services import task_add
from arrimage.coalition.models import Coalition
from arrimage.conferences.access import (
    ConferenceAccess,
    conference_access,
    item_content,
    item_content_write,
)
from arrimage.conferences.case_details import no_case_details
from arrimage.conferences.models import ActionItem, AgendaItem, Conference, Participant
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import member_reads

MAX_DURATION = timedelta(hours=12)
MAX_MINUTES = 10_000
MAX_PARTICIPANTS = 40


def coalitions_for(membership: Membership) -> list[Coalition]:
    """The coalitions a member may convene: those its organisation belongs to."""
    return list(Coalition.objects.filter(organisations=membership.organisation_id).order_by("name"))


def invitable_memberships(coalition: Coalition) -> list[Membership]:
    """Who may be invited: the members of the coalition's organisations."""
    return list(
        Membership.objects.filter(organisation__coalitions=coalition)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "role")
    )


def may_convene(membership: Membership | None) -> bool:
    """Members whose role reads coordination in their own organisation's records convene."""
    return membership is not None and member_reads(membership, Category.COORDINATION)


def _moment(value: object, *, label: str) -> datetime:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(
            _("%(field)s is not a date and time: use the form YYYY-MM-DD HH:MM.")
            % {"field": label},
            code="invalid_datetime",
        ) from error
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    now = timezone.now()
    if not now - timedelta(days=365 * 2) <= parsed <= now + timedelta(days=365 * 2):
        raise ValidationError(
            _("%(field)s must be within two years of today.") % {"field": label},
            code="datetime_out_of_range",
        )
    return parsed


def _video_link(value: object) -> str:
    link = check.text(value, label=_("The video link"), maximum=500)
    if not link:
        return ""
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError as error:
        raise ValidationError(
            _("The video link must be an address starting with https://."), code="invalid_link"
        ) from error
    return link


def _participants(coalition: Coalition, actor: Membership, wanted: list[str]) -> list[Membership]:
    allowed = {str(m.pk): m for m in invitable_memberships(coalition)}
    chosen: dict[str, Membership] = {str(actor.pk): actor}
    for value in wanted:
        member = allowed.get(str(value).strip())
        if member is None:
            raise ValidationError(
                _("Choose the participants from the list."), code="invalid_participant"
            )
        chosen[str(member.pk)] = member
    if len(chosen) > MAX_PARTICIPANTS:
        raise ValidationError(
            _("A conference has %(count)s participants at most.") % {"count": MAX_PARTICIPANTS},
            code="too_many_participants",
        )
    return list(chosen.values())


def conference_details_clean(data: dict[str, Any]) -> dict[str, Any]:
    """The conference's own fields, checked: what the invitation carries."""
    # One line each: they go into the invitation's properties.
    title = " ".join(
        check.text(data.get("title"), label=_("The theme"), maximum=200, required=True).split()
    )
    starts_at = _moment(data.get("starts_at"), label=_("The start"))
    ends_at = _moment(data.get("ends_at"), label=_("The end"))
    if ends_at <= starts_at:
        raise ValidationError(_("The end must come after the start."), code="end_before_start")
    if ends_at - starts_at > MAX_DURATION:
        raise ValidationError(
            _("A conference lasts %(hours)s hours at most.") % {"hours": 12}, code="too_long"
        )
    place = " ".join(check.text(data.get("place"), label=_("The place"), maximum=200).split())
    video_link = _video_link(data.get("video_link"))
    if not place and not video_link:
        raise ValidationError(_("Give a place or a video link."), code="no_place")
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "video_link": video_link,
    }


def conference_create(
    *,
    actor_membership: Membership | None,
    coalition_id: UUID | str,
    data: dict[str, Any],
    participant_ids: list[str],
    case_id: UUID | str | None = None,
) -> Conference:
    """Plan a conference of a coalition the actor's organisation belongs to, on a case it may
    read the coordination of, or on a theme. The actor takes part; the others are members of
    the coalition's organisations. The title must not carry the case's reference: it goes into
    calendar invitations."""
    if not may_convene(actor_membership):
        raise NotFound
    assert actor_membership is not None
    coalition = next(
        (c for c in coalitions_for(actor_membership) if str(c.pk) == str(coalition_id)), None
    )
    if coalition is None:
        raise ValidationError(_("Choose the coalition from the list."), code="invalid_coalition")
    details = conference_details_clean(data)
    members = _participants(coalition, actor_membership, participant_ids)
    with transaction.atomic():
        grant = None
        if case_id not in (None, ""):
            grant = case_grant(
                actor_membership=actor_membership, case_id=case_id, require=Category.COORDINATION
            )
            no_case_details(grant, title=details["title"], place=details["place"])
        conference = Conference.objects.create(
            coalition=coalition,
            organiser_organisation_id=actor_membership.organisation_id,
            organiser_id=actor_membership.user_id,
            case=grant.case if grant is not None else None,
            **details,
        )
        Participant.objects.bulk_create(
            Participant(conference=conference, membership=member) for member in members
        )
        _audit(actor_membership, conference, action="conference_created")
        if grant is not None:
            access_record(
                actor_membership=actor_membership,
                grants=[grant],
                action="conference_created",
                path="write",
                categories=[Category.COORDINATION],
            )
    return conference


def _audit(actor: Membership, conference: Conference, *, action: str, **details: str) -> None:
    audit_record(
        action=action,
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="conference",
        target_id=conference.pk,
        details=dict(details) or None,
    )


def _writable(access: ConferenceAccess, category: Category) -> None:
    """The participant may write into this category: it reads it (and on a case, the case's
    grant, taken again under lock, covers it)."""
    if not access.may(category):
        raise NotFound
    if access.conference.case_id is not None:
        case_grant(
            actor_membership=access.membership,
            case_id=access.conference.case_id,
            require=category,
            for_update=True,
        )


def _record_case(access: ConferenceAccess, action: str, category: Category) -> None:
    if access.case_grant is not None:
        access_record(
            actor_membership=access.membership,
            grants=[access.case_grant],
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


def agenda_item_add(
    *,
    actor_membership: Membership | None,
    conference_id: UUID | str,
    category: str,
    title: str,
) -> AgendaItem:
    """Add a point to the agenda, tagged with the category of what it is about."""
    cat = _category(category)
    cleaned = check.text(title, label=_("The agenda item"), maximum=check.MAX_SHORT, required=True)
    with transaction.atomic():
        access = conference_access(
            actor_membership=actor_membership, conference_id=conference_id, for_update=True
        )
        _writable(access, cat)
        conference = access.conference
        last = conference.items.aggregate(last=Max("position"))["last"] or 0
        owner = (
            conference.case.lead_organisation_id
            if conference.case
            else conference.organiser_organisation_id
        )
        item = AgendaItem(
            conference=conference,
            category=cat,
            position=last + 1,
            owner_organisation_id=owner,
            author_organisation_id=access.membership.organisation_id,
        )
        item_content_write(conference, item, {"title": cleaned, "minutes": "", "decision": ""})
        item.save()
        _audit(access.membership, conference, action="conference_item_added", category=str(cat))
        _record_case(access, "conference_item_added", cat)
    return item


def _item(access: ConferenceAccess, item_id: UUID | str) -> AgendaItem:
    try:
        item = AgendaItem.objects.get(pk=UUID(str(item_id)), conference=access.conference)
    except (ValueError, AgendaItem.DoesNotExist) as error:
        raise NotFound from error
    if not access.may(item.category):
        raise NotFound
    item.conference = access.conference
    return item


def agenda_item_record(
    *,
    actor_membership: Membership | None,
    conference_id: UUID | str,
    item_id: UUID | str,
    minutes: str,
    decision: str,
) -> AgendaItem:
    """Write the minutes and the decision of an agenda item (in the item's category)."""
    cleaned_minutes = check.text(minutes, label=_("The minutes"), maximum=MAX_MINUTES)
    cleaned_decision = check.text(decision, label=_("The decision"), maximum=check.MAX_TEXT)
    with transaction.atomic():
        access = conference_access(
            actor_membership=actor_membership, conference_id=conference_id, for_update=True
        )
        item = _item(access, item_id)
        cat = Category(item.category)
        _writable(access, cat)
        content = item_content(access, item)
        content.update(minutes=cleaned_minutes, decision=cleaned_decision)
        item_content_write(access.conference, item, content)
        item.save(update_fields=["content", "content_sealed"])
        _audit(
            access.membership,
            access.conference,
            action="conference_minutes_written",
            category=str(cat),
        )
        _record_case(access, "conference_minutes_written", cat)
    return item


def action_item_add(
    *,
    actor_membership: Membership | None,
    conference_id: UUID | str,
    item_id: UUID | str,
    title: str,
    due_on: object,
    assignee_membership_id: int | str,
) -> ActionItem:
    """An action decided on an item of a case conference, assigned to a participant: a task of
    the case in the item's category (:func:`arrimage.cases.services.task_add`, which checks
    that the actor writes that category and that the assignee belongs to the actor's or the
    lead organisation)."""
    with transaction.atomic():
        access = conference_access(
            actor_membership=actor_membership, conference_id=conference_id, for_update=True
        )
        if access.conference.case_id is None:
            raise NotFound
        item = _item(access, item_id)
        wanted = _membership_id(assignee_membership_id)
        assignee = (
            Participant.objects.filter(conference=access.conference, membership_id=wanted)
            .select_related("membership")
            .first()
            if wanted is not None
            else None
        )
        if assignee is None:
            raise ValidationError(
                _("Choose the person responsible from the list."), code="invalid_assignee"
            )
        task = task_add(
            actor_membership=access.membership,
            case_id=access.conference.case_id,
            title=title,
            due_on=due_on,
            category=item.category,
            assignee_id=assignee.membership.user_id,
        )
        action = ActionItem.objects.create(item=item, task=task)
        _audit(
            access.membership,
            access.conference,
            action="conference_action_added",
            category=str(item.category),
        )
    return action


# A membership's primary key is a positive 64-bit integer: anything else names nobody (and a
# larger number would overflow the database driver).
_MAX_ID = 2**63


def _membership_id(value: int | str) -> int | None:
    text = str(value).strip()
    if not (len(text) <= 19 and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number < _MAX_ID else None


def conference_notes_erase(*, case_ids: list[UUID]) -> int:
    """Erase what case conferences wrote about these cases (agenda items' titles, minutes and
    decisions), for the retention schedule; the conferences (theme, time, place) stay. Their
    action items went with the cases' tasks. Returns the number of items erased."""
    return AgendaItem.objects.filter(
        conference__case_id__in=case_ids, content_sealed__isnull=False
    ).update(content_sealed=None, content={})
