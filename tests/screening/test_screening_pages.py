"""What a stranger trying the demo saw, through HTTP: the question counter tells the truth
under skip logic (what is left, at least and at most, always adding up to the questions the
person is finally asked), dates read as words in French and English, and the main menu offers
screening to exactly the roles and organisations that may screen."""

import re
from datetime import UTC, datetime

import pytest

from arrimage.accounts.models import Role
from arrimage.screening.models import Screening
from arrimage.screening.questions import TOOL, Form
from tests.conftest import login
from tests.screening.test_screening_flow import _start

pytestmark = pytest.mark.django_db

COUNT = re.compile(
    r'id="question-count">Question (\d+) · (?:(\d+) questions? restantes?'
    r"|de (\d+) à (\d+) questions? restantes?, selon les réponses)"
)


def _count(html: str) -> tuple[int, int, int]:
    """The question's number, and the questions left at least and at most."""
    found = COUNT.search(html.replace("\u00a0", " "))
    assert found, html[html.find("<main") : html.find("<main") + 800]
    number, exact, low, high = found.groups()
    if exact is not None:
        return int(number), int(exact), int(exact)
    return int(number), int(low), int(high)


@pytest.mark.parametrize(
    ("form", "yes"),
    [
        ("short", set()),
        ("short", {"has_worked"}),
        ("short", {"has_worked", "sex_exchange"}),
        ("long", {"has_worked", "brought_by_someone", "sex_exchange"}),
        ("long", {"brought_by_someone"}),
    ],
    ids=[
        "short, no gate opened",
        "short, work",
        "short, work and sex",
        "long, every gate",
        "long, travel",
    ],
)
def test_the_counter_is_truthful_under_skip_logic(client, sworld, form, yes):
    login(client, sworld.a.user(Role.CASEWORKER))
    start = client.get("/depistage/nouveau/").content.decode()
    questions = TOOL.questions_of(Form(form))
    ungated = sum(1 for q in questions if q.requires is None)
    label = "courte" if form == "short" else "longue"
    assert f"Commencer la forme {label} ({ungated} à {len(questions)} questions)" in start

    screening = _start(client, form)
    seen: list[tuple[int, int, int]] = []
    while True:
        response = client.get(f"/depistage/{screening.pk}/")
        if response.status_code == 302:
            break
        html = response.content.decode()
        seen.append(_count(html))
        code = re.search(r'name="question" value="([a-z_0-9]+)"', html).group(1)
        client.post(
            f"/depistage/{screening.pk}/",
            {"question": code, "answer": "yes" if code in yes else "no"},
        )
    asked = len(seen)
    # Numbered 1, 2, 3 ... in order; what is left always brackets what was in fact left.
    assert [number for number, _low, _high in seen] == list(range(1, asked + 1))
    for number, low, high in seen:
        assert low <= asked - number <= high, (number, low, high, asked)
    assert seen[0] == (1, ungated - 1, len(questions) - 1)
    # The last question: nothing certain is left; only a "yes" to the last gate (about sex in
    # exchange for something) would ask the questions behind it.
    behind = sum(1 for q in questions if q.requires == "sex_exchange")
    assert seen[-1][1] == 0
    assert seen[-1][2] == (0 if "sex_exchange" in yes else behind)
    assert asked == sum(1 for q in questions if q.requires is None or q.requires in yes)


def test_dates_read_as_words(client, sworld):
    Screening.objects.filter(pk=sworld.loose_a.pk).update(
        updated_at=datetime(2026, 12, 3, 19, 11, tzinfo=UTC)
    )
    login(client, sworld.a.user(Role.CASEWORKER))
    listed = client.get("/depistage/").content.decode()
    assert "3 décembre 2026, 14\u00a0h\u00a011" in listed
    assert not re.search(r"\d{4}-\d{2}-\d{2}", listed.split("<main", 1)[1])
    client.post("/compte/langue/", {"language": "en", "next": "/depistage/"})
    english = client.get("/depistage/").content.decode()
    assert "Dec. 3, 2026, 2:11 p.m." in english or "December 3, 2026" in english


def test_the_menu_offers_screening_to_those_who_may_screen(client, sworld):
    for side in (sworld.a, sworld.b, sworld.partner):
        login(client, side.user(Role.CASEWORKER))
        home = client.get("/tableau/").content.decode()
        assert 'id="nav-screening"' in home and 'href="/depistage/"' in home
        page = client.get("/depistage/").content.decode()
        assert re.search(r'<a href="/depistage/" id="nav-screening" aria-current="page">', page)
        client.logout()
    others = [Role.SERVICE_STAFF, Role.COORDINATOR, Role.ANALYST, Role.ORGANISATION_ADMIN]
    for side in (sworld.a, sworld.b):
        for role in others:
            login(client, side.user(role))
            assert 'id="nav-screening"' not in client.get("/tableau/").content.decode(), role
            client.logout()
    for side in sworld.enforcement:
        for user in side.users.values():
            login(client, user)
            home = client.get("/tableau/").content.decode()
            assert 'id="nav-screening"' not in home and "/depistage/" not in home
            client.logout()
