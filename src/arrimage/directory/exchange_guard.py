"""Limits on what an HSDS import reads, checked before anything is read into memory: the size
of a file, the depth of a JSON document, the number, total size and compression ratio of a
zip's members; and the text itself (no control characters, no lone surrogates).

Every refusal is a :class:`RowError` naming the file, the line or JSON path and the field.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
# A JSON file, or the members of a zip together, once uncompressed. An HSDS document in
# memory takes about ten times its size: this keeps an import within a small server's means.
MAX_DOCUMENT_BYTES = 50 * MEGABYTE
MAX_ARCHIVE_MEMBERS = 100
# Uncompressed size over compressed size, for a member of more than 1 MB. CSV compresses
# about 5 to 10 times; a bomb, thousands of times.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = MEGABYTE
# The deepest HSDS nesting (organization > service > service_at_location > location >
# contact > phone > language > attribute > taxonomy_term > taxonomy) is about 20 levels of
# objects and arrays.
MAX_JSON_DEPTH = 40

# Control characters other than tab, newline and carriage return (C0, DEL and C1), and lone
# surrogates (a string that is not valid Unicode).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _DEPTH_STEP)


@dataclass(frozen=True)
class RowError:
    """A problem, or a note, about one place of an imported file: ``row`` is an object's
    position in a list or a CSV row, ``line`` a line of the file; ``field`` the column or the
    JSON path."""

    file: str
    row: int
    field: str
    reason: str
    line: int = 0

    def __str__(self) -> str:
        where = [self.file]
        if self.line:
            where.append(_("line %(line)s") % {"line": self.line})
        elif self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        where.append(self.field or "-")
        return _("%(where)s: %(reason)s") % {"where": ", ".join(where), "reason": self.reason}


class InputRefused(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def size_check(name: str, size: int, *, limit: int = MAX_DOCUMENT_BYTES) -> None:
    if size > limit:
        raise InputRefused(
            RowError(
                name,
                0,
                "",
                _("the file is too large: %(size)s MB, at most %(limit)s MB")
                % {"size": _megabytes(size), "limit": _megabytes(limit)},
            )
        )


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f}".rstrip("0").rstrip(".")


def json_depth_check(name: str, data: bytes, *, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse a JSON text nested deeper than ``limit`` before parsing it (Python's parser
    and every walk over the result recurse)."""
    outside_strings = _STRING.sub(b'""', data)
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    if not brackets or max(accumulate(_DEPTH_STEP[b] for b in brackets)) <= limit:
        return
    depth = 0
    for match in _BRACKETS.finditer(outside_strings):
        depth += _DEPTH_STEP[match.group()[0]]
        if depth > limit:
            line = outside_strings.count(b"\n", 0, match.start()) + 1
            raise InputRefused(
                RowError(
                    name,
                    0,
                    "",
                    _("nested more than %(limit)s levels deep") % {"limit": limit},
                    line=line,
                )
            )


def text_problem(value: str) -> str:
    """Why ``value`` cannot be stored as text, or an empty string."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return ""
    character = found.group()
    if "\ud800" <= character <= "\udfff":
        return _("not valid Unicode (a lone surrogate)")
    return _("holds a control character (U+%(code)s)") % {"code": f"{ord(character):04X}"}


def json_text_problems(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(JSON path, reason) for every string, key or value, that :func:`text_problem`
    refuses."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                yield where, problem
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                problem = text_problem(str(key))
                if problem:
                    yield child_path, problem
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))


def zip_members(name: str, data: bytes, *, limit: int = MAX_DOCUMENT_BYTES) -> dict[str, bytes]:
    """The files of a zip, by base name. The members' number, declared sizes and compression
    ratios are checked before any is inflated, and each is read no further than its declared
    size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise InputRefused(RowError(name, 0, "", _("not a valid zip file"))) from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise InputRefused(
                RowError(
                    name,
                    0,
                    "",
                    _("the zip holds %(count)s files, at most %(limit)s")
                    % {"count": len(members), "limit": MAX_ARCHIVE_MEMBERS},
                )
            )
        total = sum(info.file_size for info in members)
        if total > limit:
            raise InputRefused(
                RowError(
                    name,
                    0,
                    "",
                    _("uncompressed, the zip holds %(size)s MB, at most %(limit)s MB")
                    % {"size": _megabytes(total), "limit": _megabytes(limit)},
                )
            )
        for info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise InputRefused(
                    RowError(
                        name,
                        0,
                        info.filename,
                        _(
                            "compressed %(ratio)s times, at most %(limit)s: this is not an "
                            "HSDS data package"
                        )
                        % {"ratio": int(ratio), "limit": MAX_COMPRESSION_RATIO},
                    )
                )
        files: dict[str, bytes] = {}
        for info in members:
            base = Path(info.filename).name
            if base in files:
                raise InputRefused(
                    RowError(name, 0, info.filename, _("two files of the zip have this name"))
                )
            try:
                # Never more than the declared size: a member that inflates further fails its
                # checksum and is refused.
                with archive.open(info) as member:
                    files[base] = member.read(info.file_size)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error):
                raise InputRefused(
                    RowError(name, 0, info.filename, _("this file of the zip cannot be read"))
                ) from None
    return files
