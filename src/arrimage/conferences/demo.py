"""Two past conferences for the demonstration, written through the services as their
participants would: one on a case of the demonstration caseworker (an agenda item per kind of
matter, so that the police participant, on screen, sees the coordination and legal items and
nothing of immigration or health), one on a theme convened by the demonstration coordinator.
Synthetic people only; their minutes say nothing of a real person."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases.models import Case
from arrimage.coalition.models import Coalition
from arrimage.conferences import services
from arrimage.conferences.models import Conference
from arrimage.privacy.categories import Category

CASE_ITEMS = [
    (
        Category.COORDINATION,
        "Plan de sortie du refuge",
        "Le refuge garde la place deux semaines de plus. Recherche d’un logement de transition.",
        "L’intervenante présente la demande au logement de transition avant vendredi.",
    ),
    (
        Category.IMMIGRATION,
        "Renouvellement du permis de séjour temporaire",
        "Le permis prend fin dans trois mois. La représentante juridique prépare la demande.",
        "Déposer la demande de renouvellement dans le mois.",
    ),
    (
        Category.HEALTH,
        "Suivi psychologique",
        "Rendez-vous pris avec la clinique ; couverture par le PFSI.",
        "Accompagner la personne au premier rendez-vous.",
    ),
    (
        Category.LEGAL,
        "Préparation du témoignage",
        "La personne souhaite connaître ses droits avant toute décision.",
        "Rencontre d’information avec l’aide juridique, sans engagement.",
    ),
]
THEME_ITEMS = [
    (
        Category.COORDINATION,
        "Places d’hébergement pour les hommes",
        "Deux places seulement dans la région ; les refuges demandent un partage des appels.",
        "Une liste commune des disponibilités, mise à jour chaque jour.",
    ),
    (
        Category.HEALTH,
        "Accès aux soins de santé mentale",
        "Délais de huit semaines à la clinique ; le PFSI couvre certaines consultations.",
        "Le comité santé dresse la liste des ressources gratuites.",
    ),
]


def _member(email: str) -> Membership | None:
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(user__email=email)
        .order_by("organisation__name")
        .first()
    )


def _guests(coalition: Coalition, organiser: Membership) -> list[str]:
    """One caseworker of each other organisation of the coalition (a few), and the
    coordinator of the organiser's organisation."""
    guests = [
        str(m.pk)
        for m in Membership.objects.filter(
            organisation_id=organiser.organisation_id, role=Role.COORDINATOR
        )
    ]
    seen = {organiser.organisation_id}
    for membership in (
        Membership.objects.filter(organisation__coalitions=coalition, role=Role.CASEWORKER)
        .select_related("organisation")
        .order_by("organisation__type", "organisation__name", "user__email")
    ):
        if membership.organisation_id in seen or len(seen) > 4:
            continue
        seen.add(membership.organisation_id)
        guests.append(str(membership.pk))
    return guests


def _build(
    *,
    organiser: Membership,
    coalition: Coalition,
    title: str,
    starts_at: datetime,
    items: list[tuple[Category, str, str, str]],
    case: Case | None,
) -> Conference:
    conference = services.conference_create(
        actor_membership=organiser,
        coalition_id=coalition.pk,
        case_id=case.pk if case is not None else None,
        data={
            "title": title,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=1, minutes=30)).isoformat(),
            "place": "Salle de concertation, 2e étage",
            "video_link": "https://visio.arrimage.example/concertation",
        },
        participant_ids=_guests(coalition, organiser),
    )
    for category, item_title, minutes, decision in items:
        item = services.agenda_item_add(
            actor_membership=organiser,
            conference_id=conference.pk,
            category=category,
            title=item_title,
        )
        services.agenda_item_record(
            actor_membership=organiser,
            conference_id=conference.pk,
            item_id=item.pk,
            minutes=minutes,
            decision=decision,
        )
        if case is not None and category == Category.COORDINATION:
            services.action_item_add(
                actor_membership=organiser,
                conference_id=conference.pk,
                item_id=item.pk,
                title="Présenter la demande au logement de transition",
                due_on=timezone.localdate() + timedelta(days=5),
                assignee_membership_id=organiser.pk,
            )
    return conference


@transaction.atomic
def demo_conferences_build() -> int:
    """The two demonstration conferences. Returns how many were created."""
    worker = _member("intervenante@arrimage.example")
    coordinator = _member("coordination@arrimage.example")
    if worker is None or coordinator is None:
        return 0
    coalition = (
        Coalition.objects.filter(organisations=worker.organisation_id).order_by("name").first()
    )
    case = (
        Case.objects.filter(lead_organisation_id=worker.organisation_id)
        .order_by("opened_at", "pk")
        .first()
    )
    if coalition is None or case is None:
        return 0
    last_week = (timezone.now() - timedelta(days=7)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    _build(
        organiser=worker,
        coalition=coalition,
        title="Concertation de suivi — hébergement et démarches",
        starts_at=last_week,
        items=CASE_ITEMS,
        case=case,
    )
    _build(
        organiser=coordinator,
        coalition=coalition,
        title="Hébergement et santé mentale : état des ressources",
        starts_at=last_week - timedelta(days=14),
        items=THEME_ITEMS,
        case=None,
    )
    return 2
