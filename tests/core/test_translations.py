"""Both catalogs are complete: a msgid without a translation fails here.

The test extracts the strings afresh from a copy of the source (Django's makemessages, merged
with the committed catalogs), so a new string in code or templates fails until translated."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "arrimage"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed"
)


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> dict[str, polib.POFile]:
    copy = tmp_path_factory.mktemp("i18n") / "arrimage"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
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
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return {
        lang: polib.pofile(str(copy / f"locale/{lang}/LC_MESSAGES/django.po"))
        for lang in ("fr", "en")
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_msgid_is_translated(fresh_catalogs, language):
    catalog = fresh_catalogs[language]
    missing = [entry.msgid for entry in catalog if not entry.translated()]
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:20]}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_translations_keep_their_placeholders(fresh_catalogs, language):
    wrong = []
    for entry in fresh_catalogs[language]:
        expected = set(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wrong += [
            entry.msgid for text in translations if set(PLACEHOLDER.findall(text)) != expected
        ]
    assert not wrong, wrong[:20]


def test_french_canadian_is_served_from_the_catalog():
    with translation.override("fr-ca"):
        assert translation.gettext("Home") == "Accueil"
    with translation.override("en"):
        assert translation.gettext("Home") == "Home"
