"""The iCalendar (RFC 5545) invitation of one conference: the theme the organiser wrote, the
time, the place or the video link, and the organising organisation. No participant, no case,
no agenda. The theme and the place are typed text: on a case conference the form refuses the
case's reference and the person's names in them (``case_details.no_case_details``); it cannot
recognise every description of a person or of a shelter, which the form's help asks to leave
out."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.conferences.models import Conference


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of 75 octets at most, the leading space of a continuation included, never
    cutting a UTF-8 character (RFC 5545, 3.1)."""
    encoded = line.encode()
    parts = []
    width = 75
    while len(encoded) > width:
        cut = width
        while (encoded[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
        width = 74
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def conference_ical(conference: Conference) -> str:
    stamp = _utc(timezone.now())
    organiser = _("Organised by %(organisation)s") % {
        "organisation": conference.organiser_organisation.name
    }
    description = organiser
    if conference.video_link:
        description += "\n" + _("Video link: %(link)s") % {"link": conference.video_link}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Arrimage//Conferences//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{conference.pk}@arrimage",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(conference.starts_at)}",
        f"DTEND:{_utc(conference.ends_at)}",
        f"SUMMARY:{_escape(conference.title)}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    if conference.place:
        lines.append(f"LOCATION:{_escape(conference.place)}")
    if conference.video_link:
        lines.append(f"URL:{conference.video_link}")
    lines += ["CLASS:CONFIDENTIAL", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
