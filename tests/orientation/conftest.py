"""Orientation test helpers: a small directory around Montréal, cases with consents, and a way
to run threads against a real SQLite file."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connection, connections
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases.models import Case
from arrimage.cases.services import case_create
from arrimage.cases.track_services import immigration_update
from arrimage.coalition.models import Coalition, Organisation, Region
from arrimage.directory import geo
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from arrimage.privacy.agreements import agreement_version_create
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consent_record
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import is_firewalled
from tests.conftest import Side

ALL_STATUSES = (
    "status_citizen",
    "status_permanent_resident",
    "status_temporary_permit",
    "status_trp",
    "status_asylum",
    "status_none",
)

T = TypeVar("T")


def membership(side: Side, role: str = Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def make_service(
    owner: Organisation | None,
    *,
    name_fr: str,
    name_en: str = "",
    terms: tuple[str, ...] = (),
    languages: tuple[str, ...] = ("fr",),
    municipality: str = "montreal",
    confidential: bool = False,
    capacities: tuple[tuple[str, int, int, timedelta], ...] = (),
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    organisation_name: str = "",
) -> Service:
    org = DirectoryOrganization.objects.create(owner=owner, name=organisation_name or name_fr)
    service = Service.objects.create(
        organization=org,
        name_fr=name_fr,
        name_en=name_en or name_fr,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
    )
    place = geo.municipality_get(municipality)
    assert place is not None
    location = Location.objects.create(
        organization=org,
        name=name_fr,
        is_confidential=confidential,
        latitude=place.latitude,
        longitude=place.longitude,
        municipality_code=municipality,
        region=Region.objects.get(code=place.region_code),
    )
    Phone.objects.create(location=location, number="514-555-0150")
    ServiceAtLocation.objects.create(service=service, location=location)
    for code in languages:
        Language.objects.create(service=service, code=code, name=code)
    for code in terms:
        Attribute.objects.create(
            link_entity="service",
            link_id=service.pk,
            taxonomy_term=TaxonomyTerm.objects.get(code=code, taxonomy__isnull=False),
        )
    now = timezone.now()
    for unit, available, maximum, age in capacities:
        ServiceCapacity.objects.create(
            service=service, unit=unit, available=available, maximum=maximum, updated=now - age
        )
    search_entries_refresh(service_ids=[service.pk])
    return service


def open_case(
    side: Side,
    *,
    gender: str = "Female",
    year_of_birth: int = 1990,
    languages: tuple[str, ...] = ("es",),
    city: str = "Montréal",
    immigration_status: str | None = "no_status",
) -> Case:
    actor = membership(side)
    case = case_create(
        actor_membership=actor,
        identity={
            "alias": f"Alias {side.organisation.name}",
            "gender": gender,
            "year_of_birth": year_of_birth,
            "languages": list(languages),
        },
        location={"city": city},
    )
    if immigration_status is not None:
        immigration_update(
            actor_membership=actor, case_id=case.pk, data={"status": immigration_status}
        )
    return Case.objects.select_related("lead_organisation", "person").get(pk=case.pk)


def agreement_for_referrals(coalition: Coalition, coordinator: Membership) -> None:
    """Every category for referrals between every pair of types, except what the firewall
    forbids (no agreement may allow that)."""
    from arrimage.coalition.models import OrganisationType

    rules = [
        (f, t, c, Purpose.REFERRAL)
        for f in OrganisationType.values
        for t in OrganisationType.values
        for c in Category.values
        if not is_firewalled(organisation_type=t, category=Category(c))
    ]
    agreement_version_create(actor_membership=coordinator, coalition=coalition, rules=rules)


def consent_to(
    case: Case, recipient: Organisation, categories: list[str], purpose: str = Purpose.REFERRAL
) -> ConsentRecord:
    actor = Membership.objects.select_related("organisation").get(
        organisation=case.lead_organisation, role=Role.CASEWORKER
    )
    return consent_record(
        actor_membership=actor,
        person=case.person,
        recipient=recipient,
        categories=categories,
        purpose=purpose,
        method="verbal",
    )


# Threads against a real SQLite file ---------------------------------------------------------


def run_in_threads(count: int, work: Callable[[int], T]) -> tuple[list[T], list[BaseException]]:
    """Start ``count`` threads together; each runs ``work(n)`` with its own connection."""
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run(number: int) -> None:
        try:
            barrier.wait()
            value = work(number)
            with lock:
                results.append(value)
        except BaseException as error:  # reported in the test's thread
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def in_thread(work: Callable[[], T]) -> T:
    results, errors = run_in_threads(1, lambda _n: work())
    if errors:
        raise errors[0]
    return results[0]


@pytest.fixture
def database_for_threads(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """On SQLite, the suite's database lives in memory, where threads cannot wait for the
    write lock. This copies it (schema, triggers and committed data) to a file in WAL mode and
    points new connections (the threads') at the file for the test; the test's own
    connection stays on the in-memory database, untouched. On PostgreSQL it does nothing."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    path = tmp_path / "race.sqlite3"

    def copy() -> None:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        settings_dict["NAME"] = str(path)

    try:
        yield copy
    finally:
        settings_dict["NAME"] = original


def thread_query(query: Callable[[], Any]) -> Any:
    """Run a read in a fresh connection (the threads' database)."""
    return in_thread(query)
