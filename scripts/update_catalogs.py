"""Refresh the gettext catalogs after changing interface strings.

Runs Django's makemessages over src/arrimage for French and English, fills the English catalog
(msgstr = msgid: the source strings are English), then compiles both. French entries that are
new or changed are left empty for a translator: the test suite fails until they are filled.

Usage: .venv/bin/python scripts/update_catalogs.py
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "arrimage"


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "fr",
            "-l",
            "en",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            "*/migrations/*",
        ],
        cwd=PACKAGE,
        env=env,
        check=True,
    )
    english = polib.pofile(str(PACKAGE / "locale/en/LC_MESSAGES/django.po"))
    for entry in english:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    english.save()
    missing = [
        e.msgid
        for e in polib.pofile(str(PACKAGE / "locale/fr/LC_MESSAGES/django.po"))
        if not e.translated()
    ]
    for language in ("fr", "en"):
        path = PACKAGE / f"locale/{language}/LC_MESSAGES/django.po"
        catalog = polib.pofile(str(path))
        catalog.metadata_is_fuzzy = False
        catalog.metadata.update(
            {
                "Project-Id-Version": "Arrimage",
                "Language": language,
                "Language-Team": "Arrimage",
                "Last-Translator": "Arrimage",
            }
        )
        catalog.save()
        catalog.save_as_mofile(str(path.with_suffix(".mo")))
    print(f"{len(missing)} French entries to translate")
    for msgid in missing:
        print(f"  {msgid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
