"""What a material's file may be, checked from its content and its name before anything is
stored: as case documents (``cases.services``), PDF, JPEG or PNG, 10 MB at most, plus plain
text (``.txt``, ``.md``: UTF-8, no control characters). The name must end with an extension
that matches the content, so that no page, script or program is ever stored, whatever its
name claims; files are always sent back as downloads (``attachment``) with their type."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from arrimage.cases.document_services import MAX_UPLOAD_BYTES, UPLOAD_TYPES
from arrimage.core.text import refused_character, text_check

TEXT_TYPE = "text/plain"
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    TEXT_TYPE: (".txt", ".md"),
}
NAME = re.compile(r"^[\w][\w .()'-]*$")
MAX_NAME = 120


def _sniff(content: bytes) -> str | None:
    for content_type, signatures in UPLOAD_TYPES.items():
        if any(content.startswith(signature) for signature in signatures):
            return content_type
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if refused_character(text) is not None:
        return None
    head = text.lstrip().lower()
    # A script for a shell or a browser is a program, whatever its name says.
    if head.startswith("#!") or "<script" in head or head.startswith(("<!doctype", "<html")):
        return None
    return TEXT_TYPE


def file_name_check(filename: str) -> str:
    """The name as it will be offered for download: no folder, no odd characters."""
    name = text_check(
        filename.replace("\\", "/").rsplit("/", 1)[-1].strip(),
        label=_("The file name"),
        max_length=MAX_NAME,
    )
    if not name or not NAME.match(name) or ".." in name:
        raise ValidationError(
            _("The file name may hold only letters, digits, spaces, dots, dashes and brackets."),
            code="invalid_name",
        )
    return name


def file_check(*, filename: str, content: bytes) -> tuple[str, str]:
    """(name, content type) of an acceptable file, else ``ValidationError``."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large: %(size)s MB at most.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    name = file_name_check(filename)
    content_type = _sniff(content)
    if content_type is None or not name.lower().endswith(EXTENSIONS[content_type]):
        raise ValidationError(
            _("Only PDF, JPEG, PNG and plain-text (.txt, .md) files can be added."),
            code="invalid_type",
        )
    return name, content_type
