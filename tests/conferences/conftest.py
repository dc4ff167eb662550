"""Conference test helpers: a case conference with one agenda item per category, and the same
world on both sides (two organisations with identical data)."""

from datetime import timedelta

from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases.models import Case
from arrimage.conferences import services
from arrimage.conferences.models import Conference
from arrimage.privacy.categories import Category
from tests.conftest import Side


def member(side: Side, role: str = Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def conference_marker(label: str, category: str, kind: str = "item") -> str:
    return f"mk-{label.lower()}-{category}-conference-{kind}"


def case_conference(
    side: Side,
    case: Case,
    label: str,
    *,
    others: list[Membership] = (),  # type: ignore[assignment]
    categories: list[str] | None = None,
) -> Conference:
    """A conference on the case by the side's caseworker, with its coordinator and ``others``
    invited, and one item per category (title, minutes and decision carry markers)."""
    organiser = member(side)
    start = timezone.now() + timedelta(days=2)
    conference = services.conference_create(
        actor_membership=organiser,
        coalition_id=case.lead_organisation.coalitions.first().pk,  # type: ignore[union-attr]
        case_id=case.pk,
        data={
            "title": "Suivi concerté",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle 2",
            "video_link": "https://visio.example.org/salle-2",
        },
        participant_ids=[str(member(side, Role.COORDINATOR).pk), *(str(m.pk) for m in others)],
    )
    for category in categories if categories is not None else Category.values:
        item = services.agenda_item_add(
            actor_membership=organiser,
            conference_id=conference.pk,
            category=category,
            title=conference_marker(label, category),
        )
        services.agenda_item_record(
            actor_membership=organiser,
            conference_id=conference.pk,
            item_id=item.pk,
            minutes=conference_marker(label, category, "minutes"),
            decision=conference_marker(label, category, "decision"),
        )
    return conference


def conference_world(side: Side, case: Case, label: str) -> dict[str, str]:
    """For the walks of every URL: a conference on the side's case with its coordination
    item (the caseworker and the coordinator take part)."""
    conference = case_conference(side, case, label, categories=[Category.COORDINATION])
    item = conference.items.get()
    return {"conference_id": str(conference.pk), "item_id": str(item.pk)}
