"""A coalition's announcements, minutes, decisions and training sessions, through HTTP: members
read them, only the coalition's coordinators write them, and a member of another coalition
(holding identical data) gets 404 and writes nothing."""

import datetime as dt
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, CoalitionLevel
from arrimage.coalition_pages.models import CoalitionText, TrainingAttendance, TrainingSession
from arrimage.core.models import AuditEvent
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = (TODAY - dt.timedelta(days=3)).isoformat()
FUTURE = (TODAY + dt.timedelta(days=3)).isoformat()


def base(coalition) -> str:
    return f"/coalitions/{coalition.pk}/"


def as_user(user) -> Client:
    return login(Client(HTTP_ACCEPT_LANGUAGE="fr"), user)


def _counts() -> tuple[int, int, int]:
    return (
        CoalitionText.objects.count(),
        TrainingSession.objects.count(),
        TrainingAttendance.objects.count(),
    )


@pytest.fixture
def world(coalition, side_a, side_b):
    """Coalition A (side A) and coalition B (side B) with identical data: an announcement,
    minutes, a decision and a past training session attended by the caseworker."""
    coalition_b = side_b.organisation.coalitions.get()
    made = {}
    for label, side, where in (("a", side_a, coalition), ("b", side_b, coalition_b)):
        coordinator = Membership.objects.get(
            user=side.user(Role.COORDINATOR), organisation=side.organisation
        )
        for kind in ("announcement", "minutes", "decision"):
            CoalitionText.objects.create(
                coalition=where,
                kind=kind,
                number=1 if kind == "decision" else None,
                title=f"mk-{label}-{kind}",
                body=f"Texte mk-{label}-{kind}-body",
                happened_on=TODAY,
                author=coordinator.user,
                author_organisation=side.organisation,
            )
        session = TrainingSession.objects.create(
            coalition=where, held_on=TODAY, topic=f"mk-{label}-training", trainer="Formatrice"
        )
        TrainingAttendance.objects.create(
            session=session,
            user=side.user(Role.CASEWORKER),
            organisation=side.organisation,
        )
        made[label] = {"coalition": where, "session": session, "side": side}
    return made


PAGES = ("annonces/", "comptes-rendus/", "decisions/", "formations/")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.COORDINATOR])
def test_members_read_their_coalition_and_get_404_on_the_other(world, role):
    client = as_user(world["a"]["side"].user(role))
    a, b = world["a"], world["b"]
    for page in PAGES:
        response = client.get(base(a["coalition"]) + page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert "mk-a-" in body and "mk-b-" not in body
        assert client.get(base(b["coalition"]) + page).status_code == 404
    session_a = f"{base(a['coalition'])}formations/{a['session'].pk}/"
    assert client.get(session_a).status_code == 200
    # B's session, under B's coalition and under A's: both unknown to A's members.
    assert client.get(f"{base(b['coalition'])}formations/{b['session'].pk}/").status_code == 404
    assert client.get(f"{base(a['coalition'])}formations/{b['session'].pk}/").status_code == 404


def test_coordinator_of_the_other_coalition_writes_nothing_here(world):
    a, b = world["a"], world["b"]
    client = as_user(b["side"].user(Role.COORDINATOR))
    before = _counts()
    posts = {
        "annonces/": {"title": "Intrusion", "body": "Texte"},
        "comptes-rendus/": {"title": "Intrusion", "body": "Texte", "happened_on": PAST},
        "decisions/": {"title": "Intrusion", "body": "Texte", "happened_on": PAST},
        "formations/": {"held_on": PAST, "topic": "Intrusion", "trainer": "X"},
    }
    for page, data in posts.items():
        assert client.post(base(a["coalition"]) + page, data).status_code == 404, page
    member = Membership.objects.get(user=b["side"].user(Role.COORDINATOR))
    response = client.post(
        f"{base(a['coalition'])}formations/{a['session'].pk}/", {"attendee": [member.pk]}
    )
    assert response.status_code == 404
    # B's coordinator on B's session through A's address: 404 too.
    response = client.post(
        f"{base(a['coalition'])}formations/{b['session'].pk}/", {"attendee": [member.pk]}
    )
    assert response.status_code == 404
    assert _counts() == before
    assert not AuditEvent.objects.filter(action__startswith="coalition_text").exists()


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.SERVICE_STAFF, Role.ANALYST, Role.ORGANISATION_ADMIN]
)
def test_only_coordinators_write(world, role):
    a = world["a"]
    client = as_user(a["side"].user(role))
    before = _counts()
    assert (
        client.post(base(a["coalition"]) + "annonces/", {"title": "T", "body": "B"}).status_code
        == 404
    )
    assert (
        client.post(
            base(a["coalition"]) + "formations/",
            {"held_on": PAST, "topic": "T", "trainer": "X"},
        ).status_code
        == 404
    )
    caseworker = Membership.objects.get(user=a["side"].user(Role.CASEWORKER))
    response = client.post(
        f"{base(a['coalition'])}formations/{a['session'].pk}/", {"attendee": [caseworker.pk]}
    )
    assert response.status_code == 404
    assert _counts() == before
    # Readers see no form to write.
    assert (
        b'<form method="post" novalidate>'
        not in client.get(base(a["coalition"]) + "annonces/").content
    )


def test_coordinator_publishes_and_members_of_the_coalition_and_below_read(world):
    a = world["a"]
    coalition = a["coalition"]
    local = Coalition.objects.create(
        name="Table locale", level=CoalitionLevel.LOCAL, parent=coalition, province="QC"
    )
    local_side = make_side("Local", coalition=local)
    client = as_user(a["side"].user(Role.COORDINATOR))
    response = client.post(
        base(coalition) + "annonces/", {"title": "Rencontre de janvier", "body": "Ordre du jour"}
    )
    assert response.status_code == 302
    text = CoalitionText.objects.get(title="Rencontre de janvier")
    assert text.kind == "announcement" and text.happened_on == TODAY
    assert AuditEvent.objects.filter(action="coalition_text_published").count() == 1
    # A member of a local table below reads the regional announcement...
    local_client = as_user(local_side.user(Role.CASEWORKER))
    assert (
        "Rencontre de janvier" in local_client.get(base(coalition) + "annonces/").content.decode()
    )
    # ... and its coordinator, who coordinates the local table, does not write for the region.
    local_coordinator = as_user(local_side.user(Role.COORDINATOR))
    response = local_coordinator.post(base(coalition) + "annonces/", {"title": "X", "body": "Y"})
    assert response.status_code == 404
    assert (
        local_coordinator.post(base(local) + "annonces/", {"title": "X", "body": "Y"}).status_code
        == 302
    )


def test_decisions_are_numbered_and_name_the_one_they_replace(world):
    a = world["a"]
    coalition = a["coalition"]
    client = as_user(a["side"].user(Role.COORDINATOR))
    first = CoalitionText.objects.get(coalition=coalition, kind="decision")
    response = client.post(
        base(coalition) + "decisions/",
        {"title": "Nouvelle règle", "body": "Texte", "happened_on": PAST, "replaces": first.pk},
    )
    assert response.status_code == 302
    second = CoalitionText.objects.get(title="Nouvelle règle")
    assert second.number == 2 and second.replaces == first
    page = client.get(base(coalition) + "decisions/").content.decode()
    assert "Remplace la décision 1." in page and "Remplacée par la décision 2." in page
    # A decision of the other coalition cannot be named.
    other = CoalitionText.objects.get(coalition=world["b"]["coalition"], kind="decision")
    before = _counts()
    response = client.post(
        base(coalition) + "decisions/",
        {"title": "Autre", "body": "Texte", "happened_on": PAST, "replaces": other.pk},
    )
    assert response.status_code == 400
    assert _counts() == before


@pytest.mark.parametrize(
    ("language", "page", "data", "message"),
    [
        ("fr", "annonces/", {"title": "", "body": "Texte"}, "Ce champ est obligatoire."),
        ("en", "annonces/", {"title": "", "body": "Text"}, "This field is required."),
        (
            "fr",
            "annonces/",
            {"title": "Bip\x07", "body": "Texte"},
            "Titre contient un caractère non permis (U+0007).",
        ),
        (
            "fr",
            "comptes-rendus/",
            {"title": "Rencontre", "body": "Texte", "happened_on": FUTURE},
            "La date ne peut pas être dans le futur",
        ),
        (
            "en",
            "decisions/",
            {"title": "Rule", "body": "Text", "happened_on": FUTURE},
            "The date cannot be in the future",
        ),
        (
            "fr",
            "decisions/",
            {"title": "Règle", "body": "Texte", "happened_on": "31/02/2026"},
            "Saisissez une date valide.",
        ),
        (
            "en",
            "formations/",
            {"held_on": PAST, "topic": "", "trainer": "X"},
            "This field is required.",
        ),
        ("fr", "annonces/", {"title": "T" * 201, "body": "Texte"}, "200"),
    ],
)
def test_bad_input_gives_a_translated_error_and_keeps_what_was_typed(
    world, language, page, data, message
):
    a = world["a"]
    client = as_user(a["side"].user(Role.COORDINATOR))
    client.post("/compte/langue/", {"language": language})
    before = _counts()
    response = client.post(base(a["coalition"]) + page, data)
    assert response.status_code == 400
    body = unescape(response.content.decode())
    assert message in body, body[:3000]
    assert _counts() == before
    for value in data.values():
        if value and "\x07" not in value and len(value) < 100 and "/" not in value:
            assert value in body  # what was typed is still there


def test_attendance_is_recorded_by_the_coordinator_from_the_member_organisations(world):
    a, b = world["a"], world["b"]
    coalition = a["coalition"]
    client = as_user(a["side"].user(Role.COORDINATOR))
    response = client.post(
        base(coalition) + "formations/",
        {"held_on": PAST, "topic": "Repérer les indicateurs", "trainer": "Clinique X"},
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get(topic="Repérer les indicateurs")
    url = f"{base(coalition)}formations/{session.pk}/"
    staff = Membership.objects.filter(organisation=a["side"].organisation)
    analyst = staff.get(role=Role.ANALYST)
    admin = staff.get(role=Role.ORGANISATION_ADMIN)
    assert client.post(url, {"attendee": [analyst.pk, admin.pk]}).status_code == 302
    assert set(session.attendances.values_list("user_id", flat=True)) == {
        analyst.user_id,
        admin.user_id,
    }
    # Recording again replaces the list.
    assert client.post(url, {"attendee": [analyst.pk]}).status_code == 302
    assert list(session.attendances.values_list("user_id", flat=True)) == [analyst.user_id]
    # Someone of the other coalition, or garbage (letters, ids too large for the database,
    # negative, non-ASCII digits): a translated error, nothing changes.
    outsider = Membership.objects.get(user=b["side"].user(Role.CASEWORKER))
    for bad in ([outsider.pk], ["abc"], [str(10**30)], ["9" * 5000], ["-1"], ["١"]):
        response = client.post(url, {"attendee": bad})
        assert response.status_code == 400
        assert "Choisissez les personnes dans la liste." in response.content.decode()
    assert list(session.attendances.values_list("user_id", flat=True)) == [analyst.user_id]
    # A session still to come takes no attendance.
    client.post(
        base(coalition) + "formations/", {"held_on": FUTURE, "topic": "Plus tard", "trainer": "Y"}
    )
    later = TrainingSession.objects.get(topic="Plus tard")
    response = client.post(f"{base(coalition)}formations/{later.pk}/", {"attendee": [analyst.pk]})
    assert response.status_code == 400
    assert "Les présences s'enregistrent une fois la séance tenue." in unescape(
        response.content.decode()
    )
    assert not later.attendances.exists()


def test_members_see_counts_of_other_organisations_and_names_of_their_own(world):
    a = world["a"]
    coalition = a["coalition"]
    partner = make_side("Partenaire", coalition=coalition)
    TrainingAttendance.objects.create(
        session=a["session"], user=partner.user(Role.CASEWORKER), organisation=partner.organisation
    )
    url = f"{base(coalition)}formations/{a['session'].pk}/"
    own_name = a["side"].user(Role.CASEWORKER).full_name
    partner_name = partner.user(Role.CASEWORKER).full_name
    body = as_user(a["side"].user(Role.ANALYST)).get(url).content.decode()
    assert own_name in body and partner_name not in body
    assert "Organisation Partenaire</strong> (1)" in body
    coordinator_body = as_user(a["side"].user(Role.COORDINATOR)).get(url).content.decode()
    assert own_name in coordinator_body and partner_name in coordinator_body
