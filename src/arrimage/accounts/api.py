from typing import cast
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from arrimage.accounts.models import User

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    organisation_id: UUID
    organisation_name: str
    organisation_type: str
    role: str


class MeOut(Schema):
    id: UUID
    email: str
    full_name: str
    preferred_language: str
    acting_membership_id: int | None
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The logged-in user and the organisation they act for")
def me(request: HttpRequest) -> MeOut:
    user = cast(User, request.user)
    memberships = [
        MembershipOut(
            id=m.pk,
            organisation_id=m.organisation_id,
            organisation_name=m.organisation.name,
            organisation_type=m.organisation.type,
            role=m.role,
        )
        for m in user.memberships.select_related("organisation")
    ]
    acting = getattr(request, "membership", None)
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        preferred_language=user.preferred_language,
        acting_membership_id=acting.pk if acting else None,
        memberships=memberships,
    )
