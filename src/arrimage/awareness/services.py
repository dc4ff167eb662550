"""Writes of materials, contacts and briefs: coordinators of the coalition only (anyone else
gets 404, as for a coalition they cannot see). Each write is audited with ids only."""

import re
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.awareness import selectors
from arrimage.awareness.files import file_check
from arrimage.awareness.models import (
    AdvocacyBrief,
    Audience,
    CoalitionContact,
    Material,
    MaterialKind,
    MaterialLanguage,
    MaterialVersion,
)
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.core.text import NAME, NOTE, PARAGRAPH, text_check
from arrimage.trends.selectors import release_get

PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{6,20}$")
MAX_CONTACTS = 10


def _text(value: object, *, label: str, maximum: int, required: bool = False) -> str:
    cleaned = str(value or "").strip()
    text_check(cleaned, label=label, max_length=maximum)
    if required and not cleaned:
        raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
    return cleaned


def _choice(value: object, choices: Any, *, label: str) -> str:
    cleaned = str(value or "").strip()
    if cleaned not in choices.values:
        raise ValidationError(
            _("Choose %(field)s from the list.") % {"field": label}, code="invalid_choice"
        )
    return cleaned


def _date(value: object) -> date:
    if value in (None, ""):
        return timezone.localdate()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ValidationError(
            _("%(field)s is not a date: use the form YYYY-MM-DD.")
            % {"field": _("The date of the version")},
            code="invalid_date",
        ) from error


def _link(value: object) -> str:
    link = _text(value, label=_("The link"), maximum=500)
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError as error:
            raise ValidationError(
                _("The link must be a web address beginning with https://."), code="invalid_link"
            ) from error
    return link


def _version_fields(
    *, data: dict[str, Any], filename: str | None, content: bytes | None
) -> dict[str, Any]:
    """The checked fields of a version: a file or a link, exactly one."""
    fields: dict[str, Any] = {
        "language": _choice(data.get("language"), MaterialLanguage, label=_("the language")),
        "published_on": _date(data.get("published_on")),
    }
    link = _link(data.get("link"))
    has_file = content is not None and (bool(content) or bool(filename))
    if has_file and link:
        raise ValidationError(_("Add a file or a link, not both."), code="file_and_link")
    if has_file:
        name, content_type = file_check(filename=filename or "", content=content or b"")
        fields.update(
            filename=name,
            content_type=content_type,
            size=len(content or b""),
            content=content,
        )
    elif link:
        fields["link"] = link
    else:
        raise ValidationError(_("Add a file or a link."), code="no_file_nor_link")
    return fields


def _version_save(
    *, actor: Membership, material: Material, fields: dict[str, Any]
) -> MaterialVersion:
    last = (
        MaterialVersion.objects.select_for_update()
        .filter(material=material, language=fields["language"])
        .aggregate(last=Max("number"))["last"]
    )
    version = MaterialVersion(
        material=material, number=(last or 0) + 1, created_by_id=actor.user_id, **fields
    )
    version.save()
    audit_record(
        action="awareness_material_version_added",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="awareness_material",
        target_id=material.pk,
        details={"version": version.number},
    )
    return version


def material_create(
    *,
    actor: Membership | None,
    coalition_id: UUID | str,
    data: dict[str, Any],
    filename: str | None = None,
    content: bytes | None = None,
) -> Material:
    """A material with its first version. Everything is checked before anything is written."""
    coalition = selectors.coalition_coordinated_get(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    title = _text(data.get("title"), label=_("The title"), maximum=NAME, required=True)
    audience = _choice(data.get("audience"), Audience, label=_("the audience"))
    kind = _choice(data.get("kind"), MaterialKind, label=_("the kind of material"))
    description = _text(data.get("description"), label=_("The description"), maximum=PARAGRAPH)
    fields = _version_fields(data=data, filename=filename, content=content)
    with transaction.atomic():
        material = Material.objects.create(
            coalition=coalition,
            title=title,
            audience=audience,
            kind=kind,
            description=description,
            created_by_id=actor.user_id,
        )
        audit_record(
            action="awareness_material_created",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="awareness_material",
            target_id=material.pk,
            details={"coalition_id": str(coalition.pk)},
        )
        _version_save(actor=actor, material=material, fields=fields)
    return material


def material_version_add(
    *,
    actor: Membership | None,
    material_id: UUID | str,
    data: dict[str, Any],
    filename: str | None = None,
    content: bytes | None = None,
) -> MaterialVersion:
    material = selectors.material_get(actor=actor, material_id=material_id)
    if actor is None or not selectors.material_may_edit(actor=actor, material=material):
        raise NotFound
    fields = _version_fields(data=data, filename=filename, content=content)
    with transaction.atomic():
        return _version_save(actor=actor, material=material, fields=fields)


def contact_add(
    *, actor: Membership | None, coalition_id: UUID | str, data: dict[str, Any]
) -> CoalitionContact:
    coalition = selectors.coalition_coordinated_get(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    name = _text(data.get("name"), label=_("The name"), maximum=NAME, required=True)
    phone = _text(data.get("phone"), label=_("The phone number"), maximum=32)
    if phone and not PHONE.match(phone):
        raise ValidationError(
            _("The phone number is not valid: digits, spaces and + only."), code="invalid_phone"
        )
    email = _text(data.get("email"), label=_("The email address"), maximum=254)
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError(
                _("The email address is not valid."), code="invalid_email"
            ) from error
    if not phone and not email:
        raise ValidationError(
            _("Give a phone number or an email address."), code="no_phone_nor_email"
        )
    hours = _text(data.get("hours"), label=_("The hours"), maximum=NAME)
    hours_en = _text(data.get("hours_en"), label=_("The hours in English"), maximum=NAME)
    languages = _text(data.get("languages"), label=_("The languages spoken"), maximum=NAME)
    with transaction.atomic():
        if CoalitionContact.objects.filter(coalition=coalition).count() >= MAX_CONTACTS:
            raise ValidationError(
                _("A coalition publishes %(count)s contacts at most.") % {"count": MAX_CONTACTS},
                code="too_many",
            )
        contact = CoalitionContact.objects.create(
            coalition=coalition,
            name=name,
            phone=phone,
            email=email,
            hours=hours,
            hours_en=hours_en,
            languages=languages,
        )
        audit_record(
            action="awareness_contact_added",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="awareness_contact",
            target_id=contact.pk,
            details={"coalition_id": str(coalition.pk)},
        )
    return contact


def contact_remove(
    *, actor: Membership | None, coalition_id: UUID | str, contact_id: UUID | str
) -> None:
    coalition = selectors.coalition_coordinated_get(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    try:
        contact_uuid = UUID(str(contact_id))
    except ValueError as error:
        raise NotFound from error
    with transaction.atomic():
        deleted, _rows = CoalitionContact.objects.filter(
            coalition=coalition, pk=contact_uuid
        ).delete()
        if not deleted:
            raise NotFound
        audit_record(
            action="awareness_contact_removed",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="awareness_contact",
            target_id=contact_uuid,
            details={"coalition_id": str(coalition.pk)},
        )


def _brief_fields(data: dict[str, Any]) -> dict[str, str]:
    return {
        "title": _text(data.get("title"), label=_("The title"), maximum=NAME, required=True),
        "recommendations": _text(
            data.get("recommendations"),
            label=_("The recommendations"),
            maximum=NOTE,
            required=True,
        ),
    }


def brief_create(
    *, actor: Membership | None, release_id: UUID | str, data: dict[str, Any]
) -> AdvocacyBrief:
    """A brief of a coalition the actor coordinates, on a release that coalition made or
    received."""
    release = release_get(actor=actor, release_id=release_id)
    coordinated = selectors.coalitions_coordinated(actor=actor)
    owners = [pk for pk in (release.coalition_id, release.recipient_id) if pk is not None]
    # The releasing coalition first, else the one it was released to.
    coalition = next(
        (c for pk in owners for c in coordinated.filter(pk=pk)),
        None,
    )
    if actor is None or coalition is None:
        raise NotFound
    fields = _brief_fields(data)
    with transaction.atomic():
        brief = AdvocacyBrief.objects.create(
            coalition=coalition, release=release, created_by_id=actor.user_id, **fields
        )
        audit_record(
            action="awareness_brief_created",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="awareness_brief",
            target_id=brief.pk,
            details={"coalition_id": str(coalition.pk), "release_id": str(release.pk)},
        )
    return brief


def brief_update(
    *, actor: Membership | None, brief_id: UUID | str, data: dict[str, Any]
) -> AdvocacyBrief:
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    if actor is None or not selectors.brief_may_edit(actor=actor, brief=brief):
        raise NotFound
    fields = _brief_fields(data)
    with transaction.atomic():
        AdvocacyBrief.objects.filter(pk=brief.pk).update(**fields, updated_at=timezone.now())
        audit_record(
            action="awareness_brief_updated",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="awareness_brief",
            target_id=brief.pk,
        )
    brief.refresh_from_db()
    return brief


def brief_export_audit(*, actor: Membership, brief: AdvocacyBrief) -> None:
    """A brief's PDF leaves the instance: audited like a release's downloads, ids only."""
    audit_record(
        action="awareness_brief_exported",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="awareness_brief",
        target_id=brief.pk,
        details={"format": "pdf", "release_id": str(brief.release_id)},
    )
