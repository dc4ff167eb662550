"""iCalendar (RFC 5545) feed of due dates. Carries no personal detail: a neutral title, the
date and a link that needs a login."""

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts = []
    while len(encoded) > 75:
        cut = 75
        while (encoded[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


def ical_feed(due: list[tuple[UUID, date, UUID]], *, link: Callable[[UUID], str]) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    calendar_name = _escape(_("Arrimage due dates"))
    summary = _escape(_("Arrimage: something is due"))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Arrimage//Due dates//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{calendar_name}",
    ]
    for task_id, due_on, case_id in due:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{task_id}@arrimage",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due_on.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(due_on + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{summary}",
            f"URL:{link(case_id)}",
            "CLASS:CONFIDENTIAL",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
