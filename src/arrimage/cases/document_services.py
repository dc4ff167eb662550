"""Documents of a case: uploads checked by size and content (not by the name given), sealed at
rest, opened only with a grant for their category."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases import validation as check
from arrimage.cases.access import access_record, case_grant
from arrimage.cases.models import Document
from arrimage.cases.sealing import open_bytes, open_text, seal_bytes, seal_text
from arrimage.cases.writing import (
    acting_membership,
    case_touch,
    category_of,
    write_grant,
    write_record,
)
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


UPLOAD_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


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
    cat = category_of(category)
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
        grant = write_grant(actor_membership, case_id, cat)
        document = Document(
            case=grant.case,
            category=cat,
            content_type=content_type,
            size=len(content),
            owner_organisation_id=grant.case.lead_organisation_id,
            uploaded_by_id=acting_membership(actor_membership).user_id,
        )
        seal_text(document, "filename_sealed", name)
        seal_bytes(document, "content_sealed", content)
        document.save()
        case_touch(grant.case)
        write_record(actor_membership, grant, "document_added", cat)  # type: ignore[arg-type]
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
