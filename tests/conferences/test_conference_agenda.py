"""The agenda of a case conference shows each participant only what the policy gives their
organisation for the case, item by item; a denied item leaves no trace. Two organisations with
identical data: nothing of B's conference reaches anyone on A's side."""

import pytest

from arrimage.accounts.models import Role
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.conferences.models import Conference
from arrimage.core.models import AuditEvent
from arrimage.privacy.categories import Category
from tests.cases.conftest import agreement_allowing_all, consent_for, populate
from tests.conferences.conftest import case_conference, conference_marker, member
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db

FIREWALLED = ("immigration", "health", "location")


@pytest.fixture
def world(coalition):
    side_a = make_side("A", coalition=coalition)
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    side_b = make_side("B", coalition=other)
    agreement_allowing_all(coalition)
    agreement_allowing_all(other)
    partner = make_side("Partenaire", org_type="shelter", coalition=coalition)
    police = make_side("Police", org_type="police", coalition=coalition)
    case_a = populate(side_a, "A")
    case_b = populate(side_b, "B")
    # The person consented to share everything the firewall allows with both.
    consent_for(case_a, partner.organisation)
    consent_for(case_a, police.organisation)
    conference_a = case_conference(side_a, case_a, "A", others=[member(partner), member(police)])
    conference_b = case_conference(side_b, case_b, "B")
    return {
        "a": side_a,
        "b": side_b,
        "partner": partner,
        "police": police,
        "case_a": case_a,
        "conference_a": conference_a,
        "conference_b": conference_b,
    }


def _page(client, user, conference: Conference):
    client.logout()
    login(client, user)
    return client.get(f"/concertations/{conference.pk}/")


def _shown(body: str, label: str) -> set[str]:
    return {c for c in Category.values if conference_marker(label, c) in body}


def test_each_participant_sees_the_items_of_the_categories_the_policy_gives_them(client, world):
    a = world["a"]
    expected = {
        a.user(Role.CASEWORKER): set(Category.values),
        a.user(Role.COORDINATOR): {"coordination"},
        world["partner"].user(Role.CASEWORKER): set(Category.values),
        world["police"].user(Role.CASEWORKER): set(Category.values) - set(FIREWALLED),
    }
    for user, categories in expected.items():
        response = _page(client, user, world["conference_a"])
        assert response.status_code == 200
        body = response.content.decode()
        assert _shown(body, "A") == categories, user.email
        for category in Category.values:
            for kind in ("minutes", "decision"):
                assert (conference_marker("A", category, kind) in body) == (
                    category in categories
                ), (user.email, category, kind)
        assert "mk-b-" not in body
        # Items are numbered among those shown: no gap betrays a hidden one.
        assert f"{len(categories)}. mk-a-" in body
        assert f"{len(categories) + 1}. " not in body


def test_police_never_sees_immigration_health_or_whereabouts_content(client, world):
    police = world["police"].user(Role.CASEWORKER)
    body = _page(client, police, world["conference_a"]).content.decode()
    for category in FIREWALLED:
        assert f"-{category}-conference" not in body
    # Nor may police add an item there: the firewall, not the form, refuses it.
    items = world["conference_a"].items.count()
    for category in FIREWALLED:
        response = client.post(
            f"/concertations/{world['conference_a'].pk}/points/",
            {"category": category, "title": "statut"},
        )
        assert response.status_code == 404
    assert world["conference_a"].items.count() == items
    # Nor write the minutes of such an item.
    item = world["conference_a"].items.get(category="health")
    response = client.post(
        f"/concertations/{world['conference_a'].pk}/points/{item.pk}/",
        {"minutes": "x", "decision": "y"},
    )
    assert response.status_code == 404


def test_other_sides_conference_is_404_for_every_participant_of_a(client, world):
    for user in (
        world["a"].user(Role.CASEWORKER),
        world["partner"].user(Role.CASEWORKER),
        world["police"].user(Role.CASEWORKER),
    ):
        response = _page(client, user, world["conference_b"])
        assert response.status_code == 404
        assert "mk-b-" not in response.content.decode()


def test_non_participants_get_404_and_nothing_is_written(client, world):
    conference = world["conference_a"]
    item = conference.items.get(category="coordination")
    before = (
        AuditEvent.objects.exclude(action="login").count(),
        conference.items.count(),
        world["case_a"].tasks.count(),
        conference.participants.count(),
    )
    # The lead organisation's own analyst and admin, and a caseworker of the partner that
    # was not invited (another membership of the same organisation).
    uninvited = [
        world["a"].user(Role.ANALYST),
        world["a"].user(Role.ORGANISATION_ADMIN),
        world["partner"].user(Role.COORDINATOR),
        world["b"].user(Role.CASEWORKER),
    ]
    base = f"/concertations/{conference.pk}/"
    for user in uninvited:
        client.logout()
        login(client, user)
        for url in (base, base + "invitation.ics"):
            response = client.get(url)
            assert response.status_code == 404, (user.email, url)
            assert "mk-a-" not in response.content.decode()
        posts = {
            base + "points/": {"category": "coordination", "title": "x"},
            base + f"points/{item.pk}/": {"minutes": "x", "decision": "y"},
            base + f"points/{item.pk}/actions/": {
                "title": "x",
                "due_on": "2030-01-01",
                "assignee": str(member(world["a"]).pk),
            },
        }
        for url, data in posts.items():
            response = client.post(url, data)
            assert response.status_code == 404, (user.email, url)
        list_body = client.get("/concertations/").content.decode()
        assert str(conference.pk) not in list_body
    after = (
        AuditEvent.objects.exclude(action="login").count(),
        conference.items.count(),
        world["case_a"].tasks.count(),
        conference.participants.count(),
    )
    assert after == before


def test_a_participant_lists_its_conferences_only(client, world):
    client.logout()
    login(client, world["police"].user(Role.CASEWORKER))
    body = client.get("/concertations/").content.decode()
    assert str(world["conference_a"].pk) in body
    assert str(world["conference_b"].pk) not in body


def test_reading_the_agenda_is_in_the_cases_access_log(client, world):
    police = world["police"].user(Role.CASEWORKER)
    _page(client, police, world["conference_a"])
    body = _page(client, world["a"].user(Role.CASEWORKER), world["conference_a"])
    client.logout()
    login(client, world["a"].user(Role.CASEWORKER))
    log = client.get(f"/dossiers/{world['case_a'].pk}/journal/").content.decode()
    assert "vu dans l’ordre du jour d’une concertation" in log
    assert body.status_code == 200


def test_the_home_page_lists_the_conferences_of_the_week_to_participants_only(client, world):
    conference_a, conference_b = world["conference_a"], world["conference_b"]
    for user, shown in (
        (world["police"].user(Role.CASEWORKER), True),
        (world["a"].user(Role.COORDINATOR), True),
        (world["a"].user(Role.ANALYST), False),
    ):
        client.logout()
        login(client, user)
        body = client.get("/tableau/").content.decode()
        assert (f"/concertations/{conference_a.pk}/" in body) == shown, user.email
        assert f"/concertations/{conference_b.pk}/" not in body
