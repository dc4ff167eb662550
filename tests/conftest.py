"""Shared fixtures. Every authorisation test uses two organisations with identical data.

Transactional tests (``transaction=True``, ``transactional_db``, ``live_server``) end with the
database emptied. Two things make that safe here: the emptying passes the audit log's
append-only triggers (it drops them, empties the tables and creates them again, in one
transaction), and the data the migrations loaded (regions, taxonomies, the audit head) is put
back at once, because pytest-xdist may run ordinary tests after it in the same worker.
"""

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections, transaction

from arrimage.accounts.models import Membership, Role, User
from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation, Region
from arrimage.core.crypto import clear_key_cache

PASSWORD = "correct horse battery staple"


_AUDIT_MIGRATION = "arrimage.privacy.migrations.0002_audit_append_only"


def _audit_trigger_sql(vendor: str) -> tuple[list[str], list[str]]:
    """The statements that remove and that create the audit log's triggers, for the vendor."""
    migration = importlib.import_module(_AUDIT_MIGRATION)
    if vendor == "postgresql":
        return migration.POSTGRESQL_REVERSE, migration.POSTGRESQL
    return migration.SQLITE_REVERSE, migration.SQLITE


def _flush_through_audit_triggers(connection: Any) -> None:
    ops = connection.ops
    if getattr(ops, "_arrimage_flush_wrapped", False):
        return
    original: Callable[[list[str]], None] = ops.execute_sql_flush

    def execute_sql_flush(sql_list: list[str]) -> None:
        remove, create = _audit_trigger_sql(connection.vendor)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                for statement in remove:
                    cursor.execute(statement)
            original(sql_list)
            with connection.cursor() as cursor:
                for statement in create:
                    cursor.execute(statement)
            restore = getattr(ops, "_arrimage_restore_after_flush", False)
            ops._arrimage_restore_after_flush = False
            contents = getattr(connection, "_test_serialized_contents", None)
            if restore and contents:
                connection.creation.deserialize_db_from_string(contents)

    ops.execute_sql_flush = execute_sql_flush
    ops._arrimage_flush_wrapped = True


@pytest.fixture(autouse=True)
def _transactional_tests_leave_migrated_data(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    transactional = bool(kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    for alias in connections:
        _flush_through_audit_triggers(connections[alias])
    if transactional:
        # Keep what the migrations loaded, to load it back after the test empties the tables.
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            for alias in connections:
                connection = connections[alias]
                if not getattr(connection, "_test_serialized_contents", None):
                    connection._test_serialized_contents = (
                        connection.creation.serialize_db_to_string()
                    )
    yield
    if transactional and kwargs.get("available_apps") is None:
        for alias in connections:
            connections[alias].ops._arrimage_restore_after_flush = True


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    clear_key_cache()
    yield
    clear_key_cache()


@dataclass
class Side:
    """One organisation and one user per role in it."""

    organisation: Organisation
    users: dict[str, User]

    def user(self, role: str) -> User:
        return self.users[role]


def make_side(
    label: str,
    *,
    org_type: str = "community",
    region_code: str = "QC-06",
    coalition: Coalition | None = None,
) -> Side:
    region = Region.objects.get(code=region_code)
    organisation = Organisation.objects.create(
        name=f"Organisation {label}", type=org_type, region=region, mandate="Accompagnement"
    )
    if coalition is not None:
        coalition.organisations.add(organisation)
    users = {}
    for role in Role.values:
        user = User.objects.create_user(
            email=f"{role}.{label.lower()}@example.org",
            password=PASSWORD,
            full_name=f"{role.title()} {label}",
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
        users[role] = user
    return Side(organisation, users)


@pytest.fixture
def coalition(db) -> Coalition:
    national = Coalition.objects.create(name="Nationale", level=CoalitionLevel.NATIONAL)
    provincial = Coalition.objects.create(
        name="Québec", level=CoalitionLevel.PROVINCIAL, parent=national, province="QC"
    )
    return Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        parent=provincial,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )


@pytest.fixture
def side_a(db, coalition) -> Side:
    return make_side("A", coalition=coalition)


@pytest.fixture
def side_b(db) -> Side:
    """Same shape as side A, in another regional coalition."""
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    return make_side("B", coalition=other)


@pytest.fixture
def police_side(db, coalition) -> Side:
    return make_side("Police", org_type="police", coalition=coalition)


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/compte/connexion/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client
