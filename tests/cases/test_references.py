"""Case references (issue 11, item 7): at least 10 characters of a readable alphabet, unique
in the database, drawn again on a collision, and the collision figures of
``cases/references.py`` computed here from the alphabet."""

import importlib
import math

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from arrimage.cases import references, search, services
from arrimage.cases.models import Case, Person
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_birthday_bound_at_ten_million():
    space = len(set(references.ALPHABET)) ** references.LENGTH
    assert len(references.ALPHABET) == 32 and references.LENGTH >= 10
    assert not set("01IO") & set(references.ALPHABET)
    n = 10_000_000
    any_collision = -math.expm1(-(n * n) / (2 * space))
    assert space == 2**60
    assert 4.0e-5 < any_collision < 4.5e-5  # about 1 in 23,000, as the module says
    assert n / space < 1e-11  # one new case among ten million


def test_a_new_case_gets_a_unique_readable_reference(side_a):
    actor = membership(side_a)
    made = [
        services.case_create(actor_membership=actor, identity={"alias": f"A{i}"}, location={})
        for i in range(3)
    ]
    stored = [Case.objects.get(pk=c.pk).reference for c in made]
    assert len(set(stored)) == 3
    for reference in stored:
        assert len(reference) >= 10 and set(reference) <= set(references.ALPHABET)


def test_the_database_refuses_a_duplicate_reference(side_a):
    actor = membership(side_a)
    first = services.case_create(actor_membership=actor, identity={"alias": "A"}, location={})
    second = services.case_create(actor_membership=actor, identity={"alias": "B"}, location={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=second.pk).update(reference=first.reference)


def test_a_collision_draws_again(side_a):
    actor = membership(side_a)
    taken = services.case_create(actor_membership=actor, identity={"alias": "A"}, location={})
    person = Person.objects.create(organisation=side_a.organisation)
    clash = Case(person=person, lead_organisation=side_a.organisation, reference=taken.reference)
    case = services._case_insert(clash)
    stored = Case.objects.get(pk=case.pk).reference
    assert stored != taken.reference and len(stored) == references.LENGTH
    assert Case.objects.count() == 2


def test_the_worklist_shows_the_reference(client, side_a, side_b):
    for side in (side_a, side_b):
        services.case_create(
            actor_membership=membership(side), identity={"alias": "Alias"}, location={}
        )
    a_case = Case.objects.get(lead_organisation=side_a.organisation)
    b_case = Case.objects.get(lead_organisation=side_b.organisation)
    login(client, side_a.user("caseworker"))
    body = client.get(f"/dossiers/{a_case.pk}/").content.decode()
    assert a_case.reference in body
    assert b_case.reference not in client.get("/dossiers/").content.decode()


def test_the_migration_widens_old_references_and_keeps_them_as_a_prefix(side_a):
    actor = membership(side_a)
    cases = [
        services.case_create(actor_membership=actor, identity={"alias": f"A{i}"}, location={})
        for i in range(4)
    ]
    migration = importlib.import_module("arrimage.cases.migrations.0004_case_reference")
    migration.widen(apps, None)
    for case in cases:
        reference = Case.objects.get(pk=case.pk).reference
        assert reference.startswith(str(case.pk)[:8].upper()) and len(reference) == 12
    assert len({Case.objects.get(pk=c.pk).reference for c in cases}) == 4


def test_search_finds_a_case_by_its_reference_and_by_an_old_eight_digit_one(client, side_a, side_b):
    for side in (side_a, side_b):
        services.case_create(
            actor_membership=membership(side), identity={"alias": "Alias"}, location={}
        )
    a_case = Case.objects.get(lead_organisation=side_a.organisation)
    b_case = Case.objects.get(lead_organisation=side_b.organisation)
    old = str(a_case.pk)[:8].upper()
    Case.objects.filter(pk=a_case.pk).update(reference=old + "ABCD")
    actor = membership(side_a)
    for typed in (old + "ABCD", (old + "abcd").lower(), old):
        found, _ = search.case_search(actor_membership=actor, query=typed)
        assert [g.case.pk for g in found] == [a_case.pk], typed
    found, _ = search.case_search(actor_membership=actor, query=b_case.reference)
    assert found == []
