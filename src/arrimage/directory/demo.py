"""Synthetic directory for the demonstration: about 150 bilingual services across the demo
regions, owned by the demo organisations of matching type. Deterministic (fixed seed);
fictitious names; phone numbers in the 555-01xx range reserved for fiction."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from arrimage.coalition.models import Organisation, Region
from arrimage.directory import geo
from arrimage.directory.demo_services import TEMPLATES
from arrimage.directory.indexing import search_entries_rebuild
from arrimage.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from arrimage.directory.taxonomy import LANGUAGES

SEED = 2026
SERVICES_PER_TYPE = {
    "shelter": 8,
    "community": 7,
    "health_social": 6,
    "legal_aid": 5,
    "immigration_legal": 5,
}


STREET_TYPES = ("rue", "boulevard", "avenue", "chemin")


def _fiction_phone(rng: random.Random, area: str) -> str:
    return f"{area}-555-01{rng.randrange(100):02d}"


AREA_CODES = {
    "QC-06": "514",
    "QC-13": "450",
    "QC-03": "418",
    "QC-07": "819",
    "QC-05": "819",
    "QC-15": "450",
}


@transaction.atomic
def demo_directory_build() -> int:
    """Load the demonstration directory. Returns the number of services."""
    faker = Faker("fr_CA")
    faker.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311 - synthetic demonstration data, not secrets
    now = timezone.now()
    terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__isnull=False)}
    municipalities_by_region: dict[str, list[geo.Municipality]] = {}
    for municipality in geo.municipalities().values():
        municipalities_by_region.setdefault(municipality.region_code, []).append(municipality)
    regions = {r.code: r for r in Region.objects.all()}
    count = 0
    organisations = (
        Organisation.objects.filter(type__in=SERVICES_PER_TYPE)
        .select_related("region")
        .order_by("name")
    )
    for organisation in organisations:
        org = DirectoryOrganization.objects.create(
            owner=organisation,
            name=organisation.name,
            description_fr=organisation.mandate or organisation.name,
            description_en="",
            email=f"info.{count}@arrimage.example",
        )
        templates = TEMPLATES[organisation.type]
        region_code = organisation.region.code
        places = municipalities_by_region.get(region_code) or [geo.municipalities()["montreal"]]
        if region_code == "QC-06":  # Montreal organisations also have sites in Laval
            places = places + municipalities_by_region.get("QC-13", [])
        area = AREA_CODES.get(region_code, "514")
        for index in range(SERVICES_PER_TYPE[organisation.type]):
            template = templates[index % len(templates)]
            municipality = places[(index + count) % len(places)]
            suffix = f" — {municipality.name}"
            service = Service.objects.create(
                organization=org,
                name_fr=template.name_fr + suffix,
                name_en="" if template.french_only else template.name_en + suffix,
                description_fr=template.description_fr,
                description_en="" if template.french_only else template.description_en,
                status="active",
                minimum_age=template.ages[0],
                maximum_age=template.ages[1],
                assured_date=(now - timedelta(days=rng.randrange(1, 120))).date(),
                # One language per field (HSDS has a single application_process): French.
                application_process="Appeler la ligne d'accueil.",
                last_modified=now - timedelta(days=rng.randrange(0, 30)),
            )
            street = f"{rng.randrange(10, 9999)} {rng.choice(STREET_TYPES)} {faker.last_name()}"
            location = Location.objects.create(
                organization=org,
                name=f"{org.name} — {municipality.name}",
                location_type="physical",
                latitude=round(municipality.latitude + rng.uniform(-0.03, 0.03), 5),
                longitude=round(municipality.longitude + rng.uniform(-0.03, 0.03), 5),
                is_confidential=template.confidential,
                municipality_code=municipality.code,
                region=regions.get(municipality.region_code),
            )
            Address.objects.create(
                location=location,
                address_1=street,
                city=municipality.name,
                state_province="QC",
                postal_code=faker.postcode(),
                country="CA",
                address_type="physical",
            )
            Phone.objects.create(
                location=location,
                number=_fiction_phone(rng, area),
                type="voice",
                description="Accueil / Intake",
            )
            sal = ServiceAtLocation.objects.create(service=service, location=location)
            Phone.objects.create(
                service=service,
                number=_fiction_phone(rng, area),
                type="voice",
                description="Ligne d'accueil / Intake line",
            )
            if template.open_24_7:
                Schedule.objects.create(
                    service_at_location=sal,
                    freq="WEEKLY",
                    byday="MO,TU,WE,TH,FR,SA,SU",
                    opens_at="00:00",
                    closes_at="23:59",
                    description="24/7",
                )
            else:
                Schedule.objects.create(
                    service_at_location=sal,
                    freq="WEEKLY",
                    byday="MO,TU,WE,TH,FR",
                    opens_at="09:00",
                    closes_at="17:00",
                )
            for code in template.languages:
                Language.objects.create(service=service, code=code, name=LANGUAGES[code][0])
            for code in template.terms:
                Attribute.objects.create(
                    link_entity="service",
                    link_id=service.pk,
                    link_type="eligibility",
                    taxonomy_term=terms[code],
                )
            if template.capacity:
                unit, maximum = template.capacity
                stale = rng.random() < 0.25
                hours = rng.randrange(30, 120) if stale else rng.randrange(0, 20)
                ServiceCapacity.objects.create(
                    service=service,
                    unit=unit,
                    maximum=maximum,
                    available=rng.randrange(0, maximum + 1),
                    updated=now - timedelta(hours=hours, minutes=rng.randrange(60)),
                )
            count += 1
    search_entries_rebuild()
    return count


def demo_directory_exists() -> bool:
    return Service.objects.exists()
