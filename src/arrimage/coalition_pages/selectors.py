"""Reads of a coalition's life: its hierarchy, coordinators, texts, training sessions and the
onboarding checklist of its member organisations. Coalition-level data only."""

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, QuerySet

from arrimage.accounts.models import Membership, Role, TOTPDevice
from arrimage.accounts.services import TWO_FACTOR_ROLES
from arrimage.coalition.models import Coalition, Organisation
from arrimage.coalition_pages.models import (
    AgreementSignature,
    CoalitionText,
    TrainingAttendance,
    TrainingSession,
)
from arrimage.coalition_pages.services import agreement_in_force


def coalition_ancestors(*, coalition: Coalition) -> list[Coalition]:
    """The levels above the coalition, nearest first."""
    chain: list[Coalition] = []
    seen = {coalition.pk}
    current = coalition.parent
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def coalition_coordinators(*, coalition: Coalition) -> QuerySet[Membership]:
    """The coordinators of the coalition: coordinators of its member organisations."""
    return (
        Membership.objects.filter(
            role=Role.COORDINATOR,
            organisation__coalitions=coalition,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )


def coalition_texts(*, coalition: Coalition, kind: str) -> QuerySet[CoalitionText]:
    return (
        CoalitionText.objects.filter(coalition=coalition, kind=kind)
        .select_related("author", "author_organisation", "replaces")
        .prefetch_related("replaced_by")
        .order_by("-happened_on", "-created_at")
    )


def training_sessions(*, coalition: Coalition) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(coalition=coalition)
        .annotate(attendee_count=Count("attendances"))
        .order_by("-held_on", "topic")
    )


def training_session_get(*, coalition: Coalition, session_id: int) -> TrainingSession | None:
    return TrainingSession.objects.filter(coalition=coalition, pk=session_id).first()


def training_attendances(*, session: TrainingSession) -> QuerySet[TrainingAttendance]:
    return (
        TrainingAttendance.objects.filter(session=session)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def training_candidates(*, coalition: Coalition) -> QuerySet[Membership]:
    """The people who may be recorded as attending: staff of the member organisations."""
    return (
        Membership.objects.filter(organisation__coalitions=coalition, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


@dataclass
class Onboarding:
    """One member organisation's checklist, computed from the data."""

    organisation: Organisation
    agreement_version: int | None  # the version in force; None: no agreement yet
    signed_version: int | None  # the latest version this organisation signed
    trained_people: int
    people: int  # people in a role that needs two-factor (caseworkers, staff, coordinators)
    people_with_two_factor: int
    without_two_factor: list[str] = field(default_factory=list)

    @property
    def agreement_signed(self) -> bool:
        return self.agreement_version is not None and self.signed_version == self.agreement_version

    @property
    def training_done(self) -> bool:
        return self.trained_people > 0

    @property
    def two_factor_on(self) -> bool:
        return self.people > 0 and self.people_with_two_factor == self.people

    @property
    def done(self) -> int:
        return sum((self.agreement_signed, self.training_done, self.two_factor_on))


def onboarding_checklists(
    *, coalition: Coalition, organisation_ids: list[UUID] | None = None
) -> list[Onboarding]:
    """The checklist of each member organisation (or of those named): a few queries in all."""
    organisations = coalition.organisations.order_by("name")
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=organisation_ids)
    organisations_list = list(organisations)
    ids = [o.pk for o in organisations_list]
    current = agreement_in_force(coalition=coalition)
    signed: dict[UUID, int] = {}
    for organisation_id, version in (
        AgreementSignature.objects.filter(
            agreement__coalition_id=current.coalition_id if current else coalition.pk,
            organisation_id__in=ids,
        )
        .order_by("agreement__version")
        .values_list("organisation_id", "agreement__version")
    ):
        signed[organisation_id] = version
    trained: dict[UUID, int] = dict(
        TrainingAttendance.objects.filter(session__coalition=coalition, organisation_id__in=ids)
        .values("organisation_id")
        .annotate(people=Count("user_id", distinct=True))
        .values_list("organisation_id", "people")
    )
    people: dict[UUID, dict[UUID, str]] = {organisation_id: {} for organisation_id in ids}
    # Two-factor is due from the roles that read personal data (accounts.TWO_FACTOR_ROLES),
    # the members the home page counts as without it.
    for organisation_id, user_id, name in Membership.objects.filter(
        organisation_id__in=ids, user__is_active=True, role__in=TWO_FACTOR_ROLES
    ).values_list("organisation_id", "user_id", "user__full_name"):
        people[organisation_id][user_id] = name
    all_users = {user_id for staff in people.values() for user_id in staff}
    with_two_factor = set(
        TOTPDevice.objects.filter(user_id__in=all_users, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    checklists = []
    for organisation in organisations_list:
        staff = people[organisation.pk]
        missing = sorted(name for user_id, name in staff.items() if user_id not in with_two_factor)
        checklists.append(
            Onboarding(
                organisation=organisation,
                agreement_version=current.version if current else None,
                signed_version=signed.get(organisation.pk),
                trained_people=trained.get(organisation.pk, 0),
                people=len(staff),
                people_with_two_factor=len(staff) - len(missing),
                without_two_factor=missing,
            )
        )
    return checklists
