"""Directory test helpers: a factory for services with their locations, eligibility and
capacity, and validators built from the HSDS 3.0 compiled schemas of ../shared/standards
(resolved locally through a referencing registry: nothing is fetched)."""

import json
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from arrimage.coalition.models import Organisation, Region
from arrimage.directory import geo
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Address,
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

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "hsds-3.0"
if not STANDARD.exists():  # the repository's own copy, where shared/ is not beside it
    STANDARD = (
        Path(__file__).resolve().parents[2] / "src" / "arrimage" / "directory" / "data" / "hsds-3.0"
    )
    COMPILED = None
else:
    COMPILED = STANDARD / "schema" / "compiled"
CANONICAL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
SECRET_STREET = "742 rue Secrète"
SECRET_POSTCODE = "H7X 9Z9"
SECRET_LAT = 45.61234
SECRET_LON = -73.71234


@cache
def hsds_registry() -> Registry:
    resources = []
    folders = [STANDARD / "schema", STANDARD / "schema" / "compiled", STANDARD]
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resource = Resource.from_contents(contents, default_specification=DRAFT202012)
            prefix = "compiled/" if folder.name == "compiled" else ""
            resources += [
                (prefix + path.name, resource),
                (CANONICAL + prefix + path.name, resource),
            ]
    return Registry().with_resources(resources)


@cache
def hsds_validator(name: str) -> Draft202012Validator:
    """``name``: a compiled schema ('compiled/service.json') or a plain one ('taxonomy.json')."""
    if COMPILED is None and name.startswith("compiled/"):
        name = name.removeprefix("compiled/").replace("_list", "")
    return Draft202012Validator(
        {"$ref": name}, registry=hsds_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def page_validator() -> Draft202012Validator:
    openapi_path = STANDARD / "schema" / "openapi.json"
    if not openapi_path.exists():  # the app's own copy keeps every schema in one folder
        openapi_path = STANDARD / "openapi.json"
    page = json.loads(openapi_path.read_text())["components"]["schemas"]["Page"]
    schema = {
        **page,
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
    }
    return Draft202012Validator(schema)


def assert_valid(name: str, document: Any) -> None:
    errors = sorted(hsds_validator(name).iter_errors(document), key=lambda e: e.path)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def assert_page(document: Any, item_schema: str) -> None:
    errors = list(page_validator().iter_errors(document))
    assert not errors, [e.message for e in errors]
    for item in document["contents"]:
        assert_valid(item_schema, item)


def directory_org(owner: Organisation | None, name: str = "Maison Test") -> DirectoryOrganization:
    return DirectoryOrganization.objects.create(
        owner=owner, name=name, description_fr="Organisme de test"
    )


def service_make(
    org: DirectoryOrganization,
    *,
    name_fr: str,
    name_en: str = "",
    description_fr: str = "",
    description_en: str = "",
    terms: tuple[str, ...] = (),
    languages: tuple[str, ...] = ("fr",),
    municipality: str = "montreal",
    confidential: bool = False,
    capacity: tuple[str, int, int] | None = None,
    capacity_age: timedelta | None = None,
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    phone: str = "514-555-0100",
    status: str = "active",
) -> Service:
    service = Service.objects.create(
        organization=org,
        name_fr=name_fr,
        name_en=name_en,
        description_fr=description_fr,
        description_en=description_en,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        status=status,
    )
    place = geo.municipality_get(municipality)
    assert place is not None
    location = Location.objects.create(
        organization=org,
        name=f"{org.name} — site {name_fr}",
        is_confidential=confidential,
        latitude=SECRET_LAT if confidential else place.latitude,
        longitude=SECRET_LON if confidential else place.longitude,
        municipality_code=municipality,
        region=Region.objects.get(code=place.region_code),
        description="Au coin de la rue Secrète" if confidential else "Accès par la rue",
    )
    Address.objects.create(
        location=location,
        address_1=SECRET_STREET if confidential else "100 rue Publique",
        city=place.name,
        state_province="QC",
        postal_code=SECRET_POSTCODE if confidential else "H2X 1A1",
        country="CA",
        address_type="physical",
    )
    Phone.objects.create(location=location, number=phone, description="Accueil")
    ServiceAtLocation.objects.create(service=service, location=location)
    for code in languages:
        Language.objects.create(service=service, code=code, name=code)
    for code in terms:
        Attribute.objects.create(
            link_entity="service",
            link_id=service.pk,
            taxonomy_term=TaxonomyTerm.objects.get(code=code, taxonomy__isnull=False),
        )
    if capacity is not None:
        unit, available, maximum = capacity
        ServiceCapacity.objects.create(
            service=service,
            unit=unit,
            available=available,
            maximum=maximum,
            updated=timezone.now() - (capacity_age or timedelta(hours=2)),
        )
    search_entries_refresh(service_ids=[service.pk])
    return service


@pytest.fixture
def two_shelters(side_a, side_b):
    """Identical data on both sides: one confidential shelter with beds each."""
    made = {}
    for label, side in (("a", side_a), ("b", side_b)):
        org = directory_org(side.organisation, f"Maison {label.upper()}")
        made[label] = service_make(
            org,
            name_fr=f"Hébergement d'urgence {label.upper()}",
            name_en=f"Emergency shelter {label.upper()}",
            terms=(
                "housing_emergency",
                "gender_women",
                "status_none",
                "safety_confidential_address",
            ),
            municipality="laval",
            confidential=True,
            capacity=("bed", 3, 10),
        )
    return made
