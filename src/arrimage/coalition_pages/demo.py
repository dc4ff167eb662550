"""The demonstration coalition's life: a local table under the Montreal regional table, members
and coordinators at every level, announcements, minutes, a decision log, a training session
with its attendance, and the provincial agreement signed by the demonstration organisation.
Synthetic data only; built after the rest of the demonstration, through the services."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation
from arrimage.coalition.services import coalition_member_add
from arrimage.coalition_pages import services
from arrimage.coalition_pages.models import TextKind

COORDINATOR = "coordination@arrimage.example"
ADMIN = "admin@arrimage.example"

ANNOUNCEMENTS = [
    (
        "Rencontre de la table le mois prochain",
        "La prochaine rencontre régulière se tiendra en personne et en visioconférence. "
        "Ordre du jour : bilan des orientations vers l'hébergement, formation du printemps, "
        "mise à jour de l'entente.",
    ),
    (
        "Nouvelle ligne d'accueil de nuit",
        "Une maison membre répond désormais aux demandes d'hébergement d'urgence la nuit. "
        "Les disponibilités sont à jour dans le répertoire.",
    ),
]
MINUTES = (
    "Rencontre régulière de la table",
    "Présences : 9 organisations membres.\n"
    "1. Bilan : les délais de réponse aux orientations ont baissé.\n"
    "2. Formation : une séance sur le repérage des indicateurs aura lieu.\n"
    "3. Entente : la version provinciale en vigueur est présentée.",
)
DECISIONS = [
    (
        "Délai de réponse aux orientations",
        "Les maisons membres répondent à une orientation dans les 4 heures, jour et nuit.",
    ),
    (
        "Délai de réponse aux orientations, révisé",
        "Les maisons membres répondent dans les 2 heures la nuit et dans les 4 heures le jour.",
    ),
    (
        "Formation obligatoire des nouvelles personnes intervenantes",
        "Chaque organisation membre inscrit ses nouvelles personnes intervenantes à la "
        "prochaine séance de formation de la table.",
    ),
]


def _membership(email: str, org_type: str | None = None) -> Membership | None:
    found = Membership.objects.select_related("organisation", "user").filter(user__email=email)
    if org_type:
        found = found.filter(organisation__type=org_type)
    return found.first()


@transaction.atomic
def demo_coalition_life_build() -> dict[str, int]:
    """Returns how many texts, sessions and attendances were made."""
    coordinator = _membership(COORDINATOR)
    admin = _membership(ADMIN)
    if coordinator is None or admin is None:
        return {"texts": 0, "sessions": 0, "attendances": 0}
    home = coordinator.organisation
    regional = Coalition.objects.filter(organisations=home, level=CoalitionLevel.REGIONAL).get()
    provincial = regional.parent
    national = provincial.parent if provincial else None

    # Members and coordinators at every level: the demonstration organisation sits at the
    # provincial table too; a government body at the national network; a local table groups
    # three of the Montreal organisations.
    if provincial is not None:
        coalition_member_add(coalition=provincial, organisation=home)
    government = (
        Organisation.objects.filter(type="government", coalitions=regional).order_by("name").first()
        or Organisation.objects.filter(type="government").order_by("name").first()
    )
    if national is not None and government is not None:
        coalition_member_add(coalition=national, organisation=government)
    local = Coalition.objects.create(
        name="Table locale Centre-Sud (démo)",
        level=CoalitionLevel.LOCAL,
        parent=regional,
        region=regional.region,
        province=regional.province,
    )
    local_members = [
        home,
        *Organisation.objects.filter(
            coalitions=regional, type__in=["shelter", "health_social"]
        ).order_by("name")[:2],
    ]
    for organisation in local_members:
        coalition_member_add(coalition=local, organisation=organisation)

    today = timezone.localdate()
    texts = 0
    for days_ago, (title, body) in zip((12, 2), ANNOUNCEMENTS, strict=True):
        text = services.coalition_text_publish(
            actor=coordinator,
            coalition=regional,
            kind=TextKind.ANNOUNCEMENT,
            title=title,
            body=body,
        )
        # Published over the last weeks, as a table's announcements would be.
        type(text).objects.filter(pk=text.pk).update(
            happened_on=today - dt.timedelta(days=days_ago)
        )
        texts += 1
    services.coalition_text_publish(
        actor=coordinator,
        coalition=regional,
        kind=TextKind.MINUTES,
        title=MINUTES[0],
        body=MINUTES[1],
        happened_on=today - dt.timedelta(days=20),
    )
    texts += 1
    first_decision = None
    for index, (days_ago, (title, body)) in enumerate(zip((60, 20, 20), DECISIONS, strict=True)):
        decision = services.coalition_text_publish(
            actor=coordinator,
            coalition=regional,
            kind=TextKind.DECISION,
            title=title,
            body=body,
            happened_on=today - dt.timedelta(days=days_ago),
            # The second decision revises the first one.
            replaces_id=first_decision.pk if index == 1 and first_decision else None,
        )
        first_decision = first_decision or decision
        texts += 1
    if provincial is not None:
        services.coalition_text_publish(
            actor=coordinator,
            coalition=provincial,
            kind=TextKind.ANNOUNCEMENT,
            title="Colloque provincial sur la traite",
            body="Les tables régionales sont invitées à présenter leurs bilans.",
        )
        texts += 1

    session = services.training_session_create(
        actor=coordinator,
        coalition=regional,
        held_on=today - dt.timedelta(days=10),
        topic="Repérer les indicateurs de traite sans poser d'étiquette",
        trainer="Clinique juridique pour personnes migrantes (démo)",
    )
    services.training_session_create(
        actor=coordinator,
        coalition=regional,
        held_on=today + dt.timedelta(days=30),
        topic="Accueillir une personne sans statut : droits et ressources",
        trainer="Aide juridique Montréal (démo)",
    )
    attendees = [
        m.pk
        for m in (
            _membership("intervenante@arrimage.example", "community"),
            _membership("hebergement@arrimage.example"),
        )
        if m is not None
    ]
    # One caseworker of each of the first member organisations, for a fuller list.
    attendees += list(
        Membership.objects.filter(organisation__coalitions=regional, role=Role.CASEWORKER)
        .exclude(organisation=home)
        .order_by("organisation__name", "pk")
        .values_list("pk", flat=True)[:4]
    )
    attended = services.training_attendance_record(
        actor=coordinator, session=session, membership_ids=attendees
    )

    # The provincial agreement (cases/demo.py) covers the regional table: the demonstration
    # organisation's administrator signed it.
    agreement = services.agreement_in_force(coalition=regional)
    if agreement is not None:
        services.agreement_sign(actor=admin, coalition=regional, agreement_id=agreement.pk)
    return {"texts": texts, "sessions": 2, "attendances": attended}
