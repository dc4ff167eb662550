"""Fixtures of the URL walks: the world of two coalitions with identical data
(``walk_world.py``), with the readers each walk signs in as."""

import pytest

from arrimage.accounts.models import Role
from arrimage.cases.document_services import document_add
from arrimage.cases.models import Task
from arrimage.privacy.categories import Category
from tests.core.walk_world import (
    ADMIN,
    ANALYST,
    ANONYMOUS,
    CASEWORKER,
    COORDINATOR,
    ENFORCEMENT_TYPES,
    SHELTER,
    enforcement_readers,
    two_sides_world,
)
from tests.orientation.conftest import membership


@pytest.fixture
def walk_world(db, coalition):
    """The world, and a reader per role of A (by role code), A's shelter's staff, a
    caseworker of each enforcement body (by organisation type) and an anonymous visitor."""
    side_a, _side_b, world = two_sides_world(coalition)
    readers = {role: side_a.user(role) for role in Role.values}
    readers["shelter service staff"] = world["a"]["shelter"].user(Role.SERVICE_STAFF)
    readers.update(enforcement_readers(coalition))
    readers["anonymous"] = None
    return world, readers


@pytest.fixture
def role_world(db, coalition):
    """The world, each side also holding a coordination task and a document of its case,
    and the walk by role's readers (``walk_world.CASEWORKER`` ...)."""
    side_a, side_b, world = two_sides_world(coalition)
    for label, side in (("a", side_a), ("b", side_b)):
        case_id = world[label]["case_id"]
        task = Task.objects.filter(case_id=case_id, category=Category.COORDINATION).first()
        world[label]["task_id"] = str(task.pk)  # type: ignore[union-attr]
        document = document_add(
            actor_membership=membership(side),
            case_id=case_id,
            category=Category.COORDINATION,
            filename="piece.pdf",
            content=b"%PDF-1.4\n%%EOF\n",
        )
        world[label]["document_id"] = str(document.pk)
    readers = {
        CASEWORKER: side_a.user(Role.CASEWORKER),
        SHELTER: world["a"]["shelter"].user(Role.SERVICE_STAFF),
        COORDINATOR: side_a.user(Role.COORDINATOR),
        ADMIN: side_a.user(Role.ORGANISATION_ADMIN),
        ANALYST: side_a.user(Role.ANALYST),
        ANONYMOUS: None,
    }
    for org_type, user in enforcement_readers(coalition).items():
        readers[ENFORCEMENT_TYPES[org_type]] = user
    return world, readers
