"""French done right (issue 13, item 7): every page a caseworker, a shelter's staff, a
coordinator, an organisation's admin and a visitor can open, read in French, has no common
English word in its visible text, French spacing (a non-breaking space, U+00A0 or U+202F,
before : ; ! ? and inside « »), and no "(s)" plural. The pages are those of the URL walk
(tests/core/test_url_policy.py), over its data."""

import html
import re

import pytest

from arrimage.url_policy import URL_POLICY, Access
from tests.conftest import login
from tests.core.walk_world import (
    ADMIN,
    ANONYMOUS,
    CASEWORKER,
    COORDINATOR,
    ROUTES,
    SHELTER,
    url_for,
)

pytestmark = pytest.mark.django_db

ENGLISH = (
    "the", "Submit", "Save", "Cancel", "Search", "Loading", "Next", "Previous", "Delete",
    "Edit", "Back", "Home", "Settings", "Logout", "Log out", "Login", "Log in", "Password",
    "Email", "Sign in", "Sign out", "Continue", "Yes", "No", "and", "or", "of", "with",
    "Call", "Help", "Close", "Open", "Change", "Add",
)  # fmt: skip
ENGLISH_WORD = re.compile(r"(?<![\w/.@-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w/.@-])")
NARROW = "\u00a0\u202f"
# A letter, then : ; ! or ? with no space or an ordinary one before it.
SPACE_BEFORE = re.compile(r"(\w|[)»])( ?)([;!?]|:(?=\s|$))")
GUILLEMETS = re.compile(r"«(?![" + NARROW + r"])|(?<![" + NARROW + r"])»")
PLURAL_S = re.compile(r"\w\((s|es|x)\)")
HIDDEN = re.compile(r"<(script|style|code|pre|textarea|template)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
READERS = (CASEWORKER, SHELTER, COORDINATOR, ADMIN, ANONYMOUS)


def visible_text(page: str) -> list[str]:
    """The text a reader sees, one line per element: no markup, no script, no code."""
    body = page.split("<body", 1)[-1]
    body = HIDDEN.sub(" ", body)
    # The language switch names the other language in that language, on purpose.
    body = re.sub(r"<[^>]+\blang=\"en[^\"]*\"[^>]*>.*?</[a-z]+>", " ", body, flags=re.S)
    lines = TAG.sub("\n", body)
    return [line.strip() for line in html.unescape(lines).split("\n") if line.strip()]


def french_problems(lines: list[str]) -> list[str]:
    problems = []
    for line in lines:
        if "mk-" in line:  # the test's own markers
            continue
        for match in ENGLISH_WORD.finditer(line):
            problems.append(f"English word {match.group(1)!r}: {line!r}")
        for match in SPACE_BEFORE.finditer(line):
            if match.group(3) == ":" and re.search(r"https?$|\d$", line[: match.start(3)]):
                continue  # an address or a time
            problems.append(f"no non-breaking space before {match.group(3)!r}: {line!r}")
        if GUILLEMETS.search(line):
            problems.append(f"« » without non-breaking spaces: {line!r}")
        if PLURAL_S.search(line):
            problems.append(f"'(s)' plural: {line!r}")
    return problems


def test_the_checks_find_what_they_look_for():
    bad = ["Besoin d'aide maintenant?", "Sources : x", "Save", "« Oui »", "place(s)"]
    assert len(french_problems(bad)) == 5
    good = ["Besoin d'aide maintenant\u00a0?", "Sources\u00a0: x", "«\u00a0Oui\u00a0»", "14 h 11"]
    assert french_problems(good) == []


def test_every_french_page_reads_in_french(client, role_world):
    world, readers = role_world
    problems: dict[str, set[str]] = {}
    for reader in READERS:
        client.logout()
        if readers[reader] is not None:
            login(client, readers[reader])
        for name, parameters in ROUTES:
            if URL_POLICY[name] == Access.API:
                continue
            url = url_for(name, parameters, world["a"])
            if url is None:
                continue
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for problem in french_problems(visible_text(response.content.decode())):
                problems.setdefault(problem, set()).add(f"{reader} {url}")
    report = [f"{problem}  [{sorted(where)[0]}]" for problem, where in sorted(problems.items())]
    assert not report, "\n".join(report)
