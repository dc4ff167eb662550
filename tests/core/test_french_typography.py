"""French typography (issue 13, item 7): in the French catalog, a non-breaking space (or a
narrow one) before ``: ; ! ?`` and inside « », never an ordinary one or none; no time
formatted by hand in a template (``|time`` and ``|date`` use the locale's formats, "14 h 11");
no "(s)" plural anywhere in the interface (ngettext instead); the suppression rule worded one
way in both catalogs."""

import re
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "arrimage"
FRENCH = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NBSP = "\u00a0\u202f"
# A colon that starts a URL, a time or a placeholder is no punctuation.
BAD_BEFORE = re.compile(rf"(?:[^{NBSP}\s]|(?<=[^{NBSP}]) )[;!?](?=\s|$|[»)])")
BAD_COLON = re.compile(r"(?:(?<=[\w»)]) |(?<=[\w»)]))(?<!https)(?<!http):(?=\s|$)")
BAD_QUOTES = re.compile(rf"«(?![{NBSP}])|(?<![{NBSP}])»")


def _french() -> list[tuple[str, str]]:
    texts = []
    for entry in polib.pofile(str(FRENCH)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                texts.append((entry.msgid, text))
    return texts


def test_french_punctuation_has_its_non_breaking_space():
    wrong = [
        text
        for _msgid, text in _french()
        if BAD_BEFORE.search(text) or BAD_COLON.search(text) or BAD_QUOTES.search(text)
    ]
    assert not wrong, f"{len(wrong)} French strings without a non-breaking space: {wrong[:10]}"


def test_no_time_is_formatted_by_hand_in_a_template():
    by_hand = re.compile(r"""\|(?:time|date):["'][^"']*H:i""")
    found = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.html")
        if by_hand.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"times formatted by hand (use the locale's format): {found}"


def test_no_s_in_brackets_for_a_plural():
    found = []
    english = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
    for path in [*PACKAGE.rglob("*.html"), FRENCH, english]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[a-zé]\((?:s|es|x)\)", line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not found, found
