"""The data migration ``cases 0006_citizenship_immigration`` on rows sealed the old way (the
citizenship inside the person's sealed identity), run with Django's migration executor, both
ways. Organisations A and B hold identical data; each keeps its own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from arrimage.accounts.models import Role
from arrimage.cases import services, track_services
from arrimage.cases.access import case_subject
from arrimage.cases.models import Case, ImmigrationTrack, Person
from arrimage.cases.sealing import category_data, seal_json
from arrimage.core.models import AuditEvent
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import anonymisation_grant
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0005_case_access_path")]
AFTER = [("cases", "0006_citizenship_immigration")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _old_case(side, alias: str, citizenship: list[str] | None, *, track: bool) -> Case:
    """A case whose citizenship is sealed inside the identity, as before the move."""
    actor = membership(side)
    case = services.case_create(actor_membership=actor, identity={"alias": alias})
    if track:
        track_services.immigration_update(
            actor_membership=actor, case_id=case.pk, data={"status": "trp_victim"}
        )
    person = Person.objects.get(pk=case.person_id)
    identity = {"alias": alias, "gender": "Female"}
    if citizenship is not None:
        identity["citizenship"] = citizenship
    seal_json(person, "identity_sealed", identity)
    person.save(update_fields=["identity_sealed"])
    return Case.objects.select_related("person", "lead_organisation").get(pk=case.pk)


def _read(case: Case) -> tuple[dict, dict | None]:
    """(the identity, the immigration track's data or None), opened through the kernel."""
    case = Case.objects.select_related("person", "lead_organisation").get(pk=case.pk)
    grant = anonymisation_grant(subject=case_subject(case))
    identity = category_data(grant, case.person, Category.IDENTITY)
    track = ImmigrationTrack.objects.filter(case=case).first()
    return identity, category_data(grant, track, Category.IMMIGRATION) if track else None


def _world(side):
    return {
        "with_track": _old_case(side, "Rosalind", ["IN"], track=True),
        "without_track": _old_case(side, "Maribel", ["MX", "GT"], track=False),
        "no_citizenship": _old_case(side, "Odile", None, track=False),
    }


def test_the_migration_moves_the_citizenship_to_immigration_and_back(client, side_a, side_b):
    _migrate(BEFORE)
    try:
        worlds = {"a": _world(side_a), "b": _world(side_b)}
        _migrate(AFTER)
        for world in worlds.values():
            identity, immigration = _read(world["with_track"])
            assert identity == {"alias": "Rosalind", "gender": "Female"}
            assert immigration is not None
            assert immigration["citizenship"] == ["IN"]
            assert immigration["status"] == "trp_victim"  # the rest of the track is kept
            identity, immigration = _read(world["without_track"])
            assert identity == {"alias": "Maribel", "gender": "Female"}
            assert immigration == {"citizenship": ["GT", "MX"]}
            identity, immigration = _read(world["no_citizenship"])
            assert identity == {"alias": "Odile", "gender": "Female"}
            assert immigration is None
        # What a caseworker reads: the citizenship in the immigration part, of their own
        # organisation's case only.
        login(client, side_a.user(Role.CASEWORKER))
        detail = client.get(f"/api/cases/{worlds['a']['without_track'].pk}").json()
        assert detail["immigration"]["citizenship"] == ["GT", "MX"]
        assert "citizenship" not in detail["person"]
        assert client.get(f"/api/cases/{worlds['b']['without_track'].pk}").status_code == 404
        events = AuditEvent.objects.filter(action="citizenship_moved_to_immigration")
        assert {(e.organisation_id, e.details["persons"], e.details["cases"]) for e in events} == {
            (side_a.organisation.pk, 2, 2),
            (side_b.organisation.pk, 2, 2),
        }

        _migrate(BEFORE)
        for world in worlds.values():
            identity, immigration = _read(world["with_track"])
            assert identity["citizenship"] == ["IN"]
            assert immigration is not None and "citizenship" not in immigration
            assert immigration["status"] == "trp_victim"
            identity, immigration = _read(world["without_track"])
            assert identity["citizenship"] == ["GT", "MX"]
            assert immigration is None  # the track made for the citizenship is gone
            identity, immigration = _read(world["no_citizenship"])
            assert "citizenship" not in identity and immigration is None
        assert AuditEvent.objects.filter(action="citizenship_moved_to_identity").count() == 2
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
