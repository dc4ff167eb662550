"""Who speaks for an organisation in the coalition: its administrators and coordinators write
its mandate and its definitions in the glossary, for that organisation only."""

from typing import Any
from uuid import UUID

from arrimage.accounts.models import Role
from arrimage.coalition import glossary
from arrimage.coalition.models import Organisation
from arrimage.core.errors import NotFound

EDITOR_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.COORDINATOR})


def organisation_editor(*, membership: Any, organisation_id: UUID) -> Organisation:
    """The organisation, if ``membership`` may write for it; otherwise ``NotFound`` (the same
    answer as a missing organisation)."""
    if membership is None:
        raise NotFound
    if membership.organisation_id != organisation_id:
        raise NotFound
    if membership.role not in EDITOR_ROLES:
        raise NotFound
    return glossary.organisation_get(organisation_id=organisation_id)


def may_edit_organisation(*, membership: Any, organisation_id: UUID) -> bool:
    return (
        membership is not None
        and membership.organisation_id == organisation_id
        and membership.role in EDITOR_ROLES
    )
