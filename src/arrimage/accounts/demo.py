"""The synthetic demonstration coalition. Deterministic (fixed seeds), Faker fr_CA, no real
person. Later parts of Arrimage add their own demonstration data after this one."""

import random
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from arrimage.accounts.models import Membership, Role, User
from arrimage.accounts.services import membership_add
from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation, Region
from arrimage.coalition.services import coalition_member_add, organisation_create

DEMO_PASSWORD = "Arrimage-demo-2026"  # noqa: S105  (printed by make demo, demo data only)
DEMO_DOMAIN = "arrimage.example"
SEED = 2026

# Regions with a regional coalition, and how many organisations each has.
# Real places of each demonstration region, and the region's name after "de" (French grammar:
# "de l'Outaouais", "des Laurentides"). Faker's fr_CA place names are not grammatical
# ("L'Île- Claude -sur-Mer"): they are not used for names.
REGION_PLACES: dict[str, tuple[str, tuple[str, ...]]] = {
    "QC-06": ("de Montréal", ("Montréal-Nord", "Verdun", "Saint-Laurent", "Lachine", "Rosemont")),
    "QC-03": ("de la Capitale-Nationale", ("Québec", "Beauport", "Charlesbourg", "Portneuf")),
    "QC-07": ("de l'Outaouais", ("Gatineau", "Aylmer", "Buckingham", "Maniwaki", "Shawville")),
    "QC-05": ("de l'Estrie", ("Sherbrooke", "Magog", "Coaticook", "Lac-Mégantic", "Windsor")),
    "QC-15": ("des Laurentides", ("Saint-Jérôme", "Mont-Tremblant", "Mirabel", "Lachute")),
    "QC-13": ("de Laval", ("Chomedey", "Sainte-Rose", "Vimont", "Fabreville", "Auteuil")),
}


def of_place(place: str) -> str:
    """ "de Gatineau", "d'Aylmer": the elision before a vowel."""
    return f"d'{place}" if place[:1].upper() in "AEIOUÉÈÊÎÔ" else f"de {place}"


DEMO_REGIONS = {"QC-06": 12, "QC-03": 8, "QC-07": 6, "QC-05": 6, "QC-15": 6, "QC-13": 4}

# Every organisation type appears; the front line (community, shelters, health) most often.
TYPE_CYCLE = [
    "community",
    "shelter",
    "health_social",
    "legal_aid",
    "immigration_legal",
    "shelter",
    "community",
    "police",
    "health_social",
    "border_enforcement",
    "prosecution",
    "government",
    "research",
    "other",
]

NAME_PATTERNS = {
    "community": "Centre d'entraide {name}",
    "shelter": "Maison {name}",
    "health_social": "CLSC {place}",
    "legal_aid": "Aide juridique {place}",
    "immigration_legal": "Clinique juridique pour personnes migrantes {name}",
    "police": "Service de police {of_place}",
    "border_enforcement": "Bureau frontalier {of_place}",
    "prosecution": "Bureau des poursuites {of_place}",
    "government": "Direction régionale des services sociaux {of_region}",
    "research": "Observatoire {name} sur l'exploitation",
    "other": "Fondation {name}",
}

MANDATES = {
    "community": "Accueil, accompagnement et défense des droits des personnes exploitées.",
    "shelter": "Hébergement d'urgence et de transition sécuritaire.",
    "health_social": "Services de santé et services sociaux de première ligne.",
    "legal_aid": "Représentation juridique en droit criminel, familial et du travail.",
    "immigration_legal": "Conseil et représentation en immigration\u00a0: PTR, asile, CH.",
    "police": "Enquêtes en matière de traite de personnes.",
    "border_enforcement": "Application de la loi à la frontière.",
    "prosecution": "Poursuites criminelles.",
    "government": "Financement et planification régionale des services.",
    "research": "Recherche et données anonymisées sur la traite.",
    "other": "Soutien financier et sensibilisation.",
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str


# One login per role, and one in an enforcement organisation.
DEMO_LOGINS = [
    ("intervenante", Role.CASEWORKER, "community"),
    ("hebergement", Role.SERVICE_STAFF, "shelter"),
    ("coordination", Role.COORDINATOR, "community"),
    ("analyste", Role.ANALYST, "research"),
    ("admin", Role.ORGANISATION_ADMIN, "community"),
    ("police", Role.CASEWORKER, "police"),
]


def _ascii_email(local: str) -> str:
    """A demonstration login from a synthetic name: accents folded, spaces and apostrophes
    left out, so that the login form's address check takes it (« Benoît » gives benoit)."""
    folded = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    kept = "".join(c for c in folded.lower() if c.isalnum() or c in ".-")
    return f"{kept}@{DEMO_DOMAIN}"


def demo_exists() -> bool:
    return User.objects.filter(email=f"admin@{DEMO_DOMAIN}").exists()


def demo_logins() -> list[DemoLogin]:
    logins = []
    for local, _role, _type in DEMO_LOGINS:
        email = f"{local}@{DEMO_DOMAIN}"
        for membership in Membership.objects.filter(user__email=email).select_related(
            "organisation"
        ):
            logins.append(
                DemoLogin(email, membership.get_role_display(), membership.organisation.name)
            )
    return logins


@transaction.atomic
def demo_coalition_build() -> None:
    faker = Faker("fr_CA")
    faker.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311  (deterministic synthetic data)
    password_hash = make_password(DEMO_PASSWORD)  # one argon2 hash, shared by the demo accounts

    national = Coalition.objects.create(
        name="Réseau pancanadien contre la traite (démo)", level=CoalitionLevel.NATIONAL
    )
    provincial = Coalition.objects.create(
        name="Coalition québécoise contre la traite (démo)",
        level=CoalitionLevel.PROVINCIAL,
        parent=national,
        province="QC",
    )
    organisations: list[Organisation] = []
    type_index = 0
    used_names: set[str] = set()
    for code, count in DEMO_REGIONS.items():
        region = Region.objects.get(code=code)
        of_region, places = REGION_PLACES[code]
        regional = Coalition.objects.create(
            name=f"Table régionale {of_region} (démo)",
            level=CoalitionLevel.REGIONAL,
            parent=provincial,
            region=region,
            province="QC",
        )
        for _ in range(count):
            org_type = TYPE_CYCLE[type_index % len(TYPE_CYCLE)]
            type_index += 1
            name = ""
            for attempt in range(len(places) * 4):
                place = places[(len(used_names) + attempt) % len(places)]
                name = NAME_PATTERNS[org_type].format(
                    name=faker.last_name(),
                    place=place,
                    of_place=of_place(place),
                    of_region=of_region,
                )
                if name not in used_names:
                    break
            used_names.add(name)
            organisation = organisation_create(
                name=f"{name} (démo)",
                type=org_type,
                region=region,
                mandate=MANDATES[org_type],
            )
            coalition_member_add(coalition=regional, organisation=organisation)
            organisations.append(organisation)

    def first_of(org_type: str) -> Organisation:
        return next(o for o in organisations if o.type == org_type)

    for local, role, org_type in DEMO_LOGINS:
        name = faker.name()
        membership, _new = membership_add(
            actor=None,
            organisation=first_of(org_type),
            email=f"{local}@{DEMO_DOMAIN}",
            full_name=name,
            role=role,
        )
        User.objects.filter(pk=membership.user_id).update(password=password_hash)
    # The caseworker also works at a shelter: she switches organisation in the header.
    membership_add(
        actor=None,
        organisation=first_of("shelter"),
        email=f"intervenante@{DEMO_DOMAIN}",
        full_name="",
        role=Role.CASEWORKER,
    )

    # Every organisation has an administrator and a few workers.
    for organisation in organisations:
        roles = [Role.ORGANISATION_ADMIN, Role.CASEWORKER]
        if organisation.type == "shelter":
            roles.append(Role.SERVICE_STAFF)
        if organisation.type in {"community", "government"}:
            roles.append(Role.COORDINATOR)
        if organisation.type == "research":
            roles.append(Role.ANALYST)
        for role in roles:
            first, last = faker.first_name(), faker.last_name()
            email = _ascii_email(f"{first}.{last}.{rng.randrange(1000)}")
            membership, _new = membership_add(
                actor=None,
                organisation=organisation,
                email=email,
                full_name=f"{first} {last}",
                role=role,
            )
            User.objects.filter(pk=membership.user_id).update(password=password_hash)
