"""Synthetic directory for the demonstration: about 150 bilingual services across the demo
regions, owned by the demo organisations of matching type. Deterministic (fixed seed);
fictitious names; phone numbers in the 555-01xx range reserved for fiction."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from arrimage.coalition.models import Organisation, Region
from arrimage.directory import geo
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
ALL_STATUSES = [
    "status_citizen",
    "status_permanent_resident",
    "status_temporary_permit",
    "status_trp",
    "status_asylum",
    "status_none",
]


@dataclass(frozen=True)
class Template:
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    terms: tuple[str, ...]
    languages: tuple[str, ...] = ("fr", "en")
    ages: tuple[int | None, int | None] = (None, None)
    capacity: tuple[str, int] | None = None
    confidential: bool = False
    french_only: bool = False
    open_24_7: bool = False


TEMPLATES: dict[str, list[Template]] = {
    "shelter": [
        Template(
            "Hébergement d'urgence pour femmes",
            "Emergency shelter for women",
            "Maison d'hébergement sécuritaire pour femmes, avec ou sans enfants, ayant "
            "vécu de l'exploitation. Accueil 24 h sur 24, accompagnement et référence.",
            "Safe shelter for women, with or without children, who have experienced "
            "exploitation. Open 24/7, with support and referrals.",
            (
                "housing_emergency",
                "gender_women",
                "gender_trans_nonbinary",
                *ALL_STATUSES,
                "children_accepted",
                "exploitation_sexual",
                "exploitation_labour",
                "safety_confidential_address",
                "safety_staff_24_7",
                "safety_security_measures",
                "living_group",
                "rule_curfew",
                "cost_free",
            ),
            ("fr", "en", "es"),
            (18, None),
            ("bed", 12),
            True,
            False,
            True,
        ),
        Template(
            "Maison d'hébergement pour hommes",
            "Shelter for men",
            "Hébergement temporaire pour hommes victimes d'exploitation par le travail "
            "ou sexuelle. Intervention individuelle, sobriété exigée.",
            "Temporary housing for men who experienced labour or sexual exploitation. "
            "One-on-one support; sobriety required.",
            (
                "housing_emergency",
                "gender_men",
                "status_trp",
                "status_asylum",
                "status_none",
                "status_citizen",
                "status_permanent_resident",
                "exploitation_labour",
                "exploitation_sexual",
                "living_group",
                "rule_sobriety",
                "safety_staff_24_7",
                "cost_free",
            ),
            ("fr", "en", "es", "tl"),
            (18, None),
            ("bed", 6),
            False,
            False,
            True,
        ),
        Template(
            "Hébergement jeunesse",
            "Youth shelter",
            "Hébergement d'urgence pour jeunes de 12 à 17 ans en situation de danger, "
            "dont l'exploitation sexuelle.",
            "Emergency housing for young people aged 12 to 17 in danger, including "
            "sexual exploitation.",
            (
                "housing_emergency",
                "exploitation_sexual",
                "safety_staff_24_7",
                "safety_security_measures",
                "living_group",
                "rule_curfew",
                "cost_free",
                "status_citizen",
                "status_permanent_resident",
                "status_asylum",
            ),
            ("fr", "en"),
            (12, 17),
            ("bed", 8),
            True,
            False,
            True,
        ),
        Template(
            "Logement de transition",
            "Transitional housing",
            "Appartements de deuxième étape pour femmes et familles, pour une durée de "
            "6 à 24 mois, avec suivi psychosocial.",
            "Second-stage apartments for women and families, for 6 to 24 months, with "
            "psychosocial follow-up.",
            (
                "housing_transitional",
                "gender_women",
                "children_accepted",
                "living_individual",
                "pets_allowed",
                "status_citizen",
                "status_permanent_resident",
                "status_trp",
                "status_asylum",
                "safety_confidential_address",
                "exploitation_sexual",
                "exploitation_labour",
                "cost_free",
            ),
            ("fr", "en", "ar"),
            (18, None),
            ("family_unit", 5),
            True,
        ),
        Template(
            "Maison d'hébergement à adresse confidentielle",
            "",
            "Refuge pour femmes et personnes non binaires fuyant un proxénète. Adresse "
            "confidentielle, intervenantes présentes jour et nuit.",
            "",
            (
                "housing_emergency",
                "gender_women",
                "gender_trans_nonbinary",
                "exploitation_sexual",
                "safety_confidential_address",
                "safety_staff_24_7",
                "living_group",
                *ALL_STATUSES,
                "cost_free",
            ),
            ("fr",),
            (18, None),
            ("room", 7),
            True,
            True,
            True,
        ),
        Template(
            "Logement social à long terme",
            "Long-term social housing",
            "Logements abordables à long terme avec soutien communautaire.",
            "Long-term affordable housing with community support.",
            (
                "housing_long_term",
                "living_individual",
                "status_citizen",
                "status_permanent_resident",
                "status_trp",
                "accessibility_wheelchair",
            ),
            ("fr", "en"),
            (18, None),
            ("room", 10),
        ),
    ],
    "community": [
        Template(
            "Interprétation et accompagnement",
            "Interpretation and accompaniment",
            "Interprètes communautaires pour les rendez-vous médicaux, juridiques et "
            "sociaux, en plus de 15 langues.",
            "Community interpreters for medical, legal and social appointments, in more "
            "than 15 languages.",
            ("language_interpretation", *ALL_STATUSES, "cost_free"),
            (
                "fr",
                "en",
                "es",
                "pt",
                "ar",
                "zh",
                "tl",
                "ht",
                "ru",
                "uk",
                "vi",
                "ko",
                "th",
                "ro",
                "sw",
                "fa",
            ),
        ),
        Template(
            "Ligne d'écoute et de crise",
            "Crisis and support line",
            "Ligne téléphonique confidentielle, 24 h sur 24, pour les personnes "
            "exploitées et leurs proches.",
            "Confidential 24/7 phone line for exploited people and those close to them.",
            (
                "crisis_line",
                *ALL_STATUSES,
                "cost_free",
                "exploitation_sexual",
                "exploitation_labour",
                "exploitation_other",
            ),
            ("fr", "en", "es"),
            (None, None),
            None,
            False,
            False,
            True,
        ),
        Template(
            "Banque alimentaire et vêtements",
            "Food bank and clothing",
            "Paniers alimentaires, vêtements et produits d'hygiène, sans condition.",
            "Food baskets, clothing and hygiene products, no questions asked.",
            ("basic_needs", *ALL_STATUSES, "cost_free", "children_accepted"),
            ("fr", "en", "ar", "es"),
        ),
        Template(
            "Accueil et intégration des personnes immigrantes",
            "Newcomer settlement and integration",
            "Aide à l'installation, francisation et recherche d'emploi.",
            "Help settling in, French classes and job search.",
            (
                "settlement",
                "employment",
                "status_permanent_resident",
                "status_trp",
                "status_asylum",
                "status_temporary_permit",
                "cost_free",
            ),
            ("fr", "en", "es", "ar", "fa"),
        ),
        Template(
            "Soutien au revenu et démarches",
            "Income support and paperwork",
            "Aide pour l'aide sociale, les prestations et les papiers d'identité.",
            "Help with social assistance, benefits and identity papers.",
            (
                "income",
                "status_citizen",
                "status_permanent_resident",
                "status_trp",
                "status_asylum",
                "cost_free",
            ),
            ("fr", "en"),
        ),
        Template(
            "Centre de jour pour jeunes",
            "Youth drop-in centre",
            "Centre de jour pour jeunes de 16 à 24 ans\u00a0: repas, douches, intervention.",
            "Drop-in centre for young people aged 16 to 24: meals, showers, support.",
            ("basic_needs", "employment", "cost_free", *ALL_STATUSES),
            ("fr", "en"),
            (16, 24),
        ),
    ],
    "health_social": [
        Template(
            "Santé mentale et trauma (PFSI)",
            "Mental health and trauma care (IFHP)",
            "Psychothérapie axée sur le trauma, couverte par le PFSI pour les personnes "
            "demandeuses d'asile et titulaires d'un PST.",
            "Trauma-focused psychotherapy covered by the Interim Federal Health Program "
            "for asylum claimants and TRP holders.",
            (
                "mental_health",
                "coverage_ifhp",
                "coverage_ramq",
                "status_asylum",
                "status_trp",
                "status_permanent_resident",
                "status_citizen",
                "exploitation_sexual",
                "exploitation_labour",
            ),
            ("fr", "en", "es", "ar"),
        ),
        Template(
            "Clinique sans rendez-vous pour personnes sans couverture",
            "Walk-in clinic for people without health coverage",
            "Soins de santé de base gratuits pour les personnes sans RAMQ, y compris sans statut.",
            "Free basic health care for people without RAMQ coverage, including people "
            "without status.",
            (
                "physical_health",
                "coverage_community",
                "cost_free",
                "status_none",
                "status_temporary_permit",
                "status_asylum",
            ),
            ("fr", "en", "es", "tl"),
        ),
        Template(
            "Suivi psychosocial",
            "Psychosocial follow-up",
            "Suivi à long terme par une travailleuse sociale, couvert par la RAMQ.",
            "Long-term follow-up by a social worker, covered by RAMQ.",
            ("mental_health", "coverage_ramq", "status_citizen", "status_permanent_resident"),
            ("fr", "en"),
        ),
        Template(
            "Soins infirmiers de proximité",
            "Outreach nursing",
            "Infirmières de rue\u00a0: dépistage, soins et vaccination.",
            "Street nurses: screening, care and vaccination.",
            ("physical_health", "coverage_ramq", "coverage_ifhp", "cost_free", *ALL_STATUSES),
            ("fr", "en"),
        ),
    ],
    "legal_aid": [
        Template(
            "Droit du travail pour personnes exploitées",
            "Labour law for exploited workers",
            "Réclamations de salaire, normes du travail et travailleurs étrangers temporaires.",
            "Wage claims, labour standards and temporary foreign workers.",
            (
                "legal_labour",
                "exploitation_labour",
                "status_temporary_permit",
                "status_none",
                "status_trp",
                "cost_free",
            ),
            ("fr", "en", "es", "tl"),
        ),
        Template(
            "Accompagnement des victimes en droit criminel",
            "Criminal law support for victims",
            "Accompagnement à la cour, IVAC et plaintes.",
            "Court accompaniment, victim compensation (IVAC) and complaints.",
            (
                "legal_criminal",
                "exploitation_sexual",
                "exploitation_labour",
                "exploitation_other",
                "cost_free",
                *ALL_STATUSES,
            ),
            ("fr", "en"),
        ),
        Template(
            "Droit de la famille",
            "Family law",
            "Garde d'enfants, pension alimentaire et séparation.",
            "Child custody, support and separation.",
            (
                "legal_family",
                "children_accepted",
                "status_citizen",
                "status_permanent_resident",
                "status_trp",
            ),
            ("fr", "en"),
        ),
    ],
    "immigration_legal": [
        Template(
            "Clinique juridique PST",
            "Temporary resident permit (TRP) legal clinic",
            "Demandes de permis de séjour temporaire pour victimes de traite, asile et "
            "motifs humanitaires. Consultations gratuites.",
            "Temporary resident permit applications for trafficking victims, asylum and "
            "humanitarian grounds. Free consultations.",
            (
                "legal_immigration",
                "status_none",
                "status_trp",
                "status_asylum",
                "status_temporary_permit",
                "cost_free",
                "exploitation_sexual",
                "exploitation_labour",
            ),
            ("fr", "en", "es", "pt", "tl", "ar"),
        ),
        Template(
            "Aide aux demandeurs d'asile",
            "Asylum claimant support",
            "Préparation de l'audience, formulaire FDA et accompagnement.",
            "Hearing preparation, basis-of-claim form and accompaniment.",
            ("legal_immigration", "settlement", "status_asylum", "status_none", "cost_free"),
            ("fr", "en", "es", "ar", "fa"),
        ),
    ],
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
