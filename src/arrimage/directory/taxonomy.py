"""Arrimage's two bilingual taxonomies: service categories and eligibility.

The terms are data (stored as HSDS ``taxonomy_term`` rows by a migration) with fixed UUIDs, so
that every instance, export and import names them the same way. Each term carries extra search
words in both languages: "shelter" finds a French-only emergency-housing service through them.
"""

import uuid
from dataclasses import dataclass, field

NAMESPACE = uuid.UUID("5d0f3c1e-8a0b-4c59-9d51-3f0d3c1a7a20")

CATEGORY_TAXONOMY = "arrimage-categories"
ELIGIBILITY_TAXONOMY = "arrimage-eligibility"


def term_uuid(taxonomy: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{taxonomy}:{code}")


def taxonomy_uuid(taxonomy: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"taxonomy:{taxonomy}")


@dataclass(frozen=True)
class Term:
    code: str
    name_fr: str
    name_en: str
    group: str = ""
    words: tuple[str, ...] = field(default_factory=tuple)


CATEGORIES: tuple[Term, ...] = (
    Term(
        "housing_emergency",
        "Hébergement d'urgence",
        "Emergency housing",
        "housing",
        ("refuge", "maison", "shelter", "lit", "bed", "urgence", "emergency", "logement"),
    ),
    Term(
        "housing_transitional",
        "Hébergement de transition",
        "Transitional housing",
        "housing",
        ("deuxième étape", "second stage", "shelter", "logement", "housing", "maison"),
    ),
    Term(
        "housing_long_term",
        "Logement à long terme",
        "Long-term housing",
        "housing",
        ("logement social", "social housing", "appartement", "apartment", "housing"),
    ),
    Term(
        "legal_immigration",
        "Aide juridique en immigration",
        "Immigration legal help",
        "legal",
        (
            "PTR",
            "TRP",
            "permis de séjour temporaire",
            "temporary resident permit",
            "asile",
            "asylum",
            "réfugié",
            "refugee",
            "avocat",
            "lawyer",
            "statut",
            "status",
        ),
    ),
    Term(
        "settlement",
        "Établissement et intégration",
        "Settlement and integration",
        "social",
        ("nouveaux arrivants", "newcomers", "intégration", "integration"),
    ),
    Term(
        "mental_health",
        "Santé mentale",
        "Mental health",
        "health",
        (
            "psychologue",
            "psychologist",
            "thérapie",
            "therapy",
            "trauma",
            "counselling",
            "soutien psychologique",
            "PFSI",
            "IFHP",
        ),
    ),
    Term(
        "physical_health",
        "Santé physique",
        "Physical health",
        "health",
        ("clinique", "clinic", "médecin", "doctor", "infirmière", "nurse", "soins", "care"),
    ),
    Term(
        "legal_criminal",
        "Aide juridique en droit criminel",
        "Criminal legal help",
        "legal",
        (
            "avocat",
            "lawyer",
            "plainte",
            "complaint",
            "victime",
            "victim",
            "IVAC",
            "tribunal",
            "court",
        ),
    ),
    Term(
        "legal_labour",
        "Aide juridique en droit du travail",
        "Labour legal help",
        "legal",
        (
            "normes du travail",
            "labour standards",
            "salaire",
            "wages",
            "employeur",
            "employer",
            "travailleurs étrangers temporaires",
            "temporary foreign workers",
        ),
    ),
    Term(
        "legal_family",
        "Aide juridique en droit de la famille",
        "Family legal help",
        "legal",
        ("garde", "custody", "divorce", "enfants", "children"),
    ),
    Term(
        "income",
        "Revenu et aide financière",
        "Income support",
        "social",
        ("aide sociale", "social assistance", "argent", "money", "financial"),
    ),
    Term(
        "employment",
        "Emploi",
        "Employment",
        "social",
        ("travail", "job", "work", "formation", "training", "CV", "resume"),
    ),
    Term(
        "language_interpretation",
        "Langue et interprétation",
        "Language and interpretation",
        "social",
        (
            "interprète",
            "interpreter",
            "traduction",
            "translation",
            "francisation",
            "French classes",
        ),
    ),
    Term(
        "basic_needs",
        "Besoins de base",
        "Basic needs",
        "social",
        ("nourriture", "food", "vêtements", "clothing", "banque alimentaire", "food bank"),
    ),
    Term(
        "crisis_line",
        "Ligne de crise",
        "Crisis line",
        "crisis",
        (
            "ligne d'écoute",
            "helpline",
            "hotline",
            "24/7",
            "urgence",
            "emergency",
            "téléphone",
            "phone",
        ),
    ),
)

# Eligibility terms, by group. ``search`` groups also become filter tokens.
ELIGIBILITY: tuple[Term, ...] = (
    Term("gender_women", "Femmes", "Women", "gender", ("femme", "woman")),
    Term("gender_men", "Hommes", "Men", "gender", ("homme", "man")),
    Term(
        "gender_trans_nonbinary",
        "Personnes trans et non binaires",
        "Trans and non-binary people",
        "gender",
        ("trans", "non binaire", "non-binary"),
    ),
    Term("status_citizen", "Citoyenneté canadienne", "Canadian citizens", "status"),
    Term("status_permanent_resident", "Résidence permanente", "Permanent residents", "status"),
    Term(
        "status_temporary_permit", "Permis de travail ou d'études", "Work or study permit", "status"
    ),
    Term(
        "status_trp",
        "Permis de séjour temporaire (victimes de traite)",
        "Temporary resident permit (trafficking victims)",
        "status",
        ("PTR", "TRP"),
    ),
    Term("status_asylum", "Demande d'asile", "Asylum claimants", "status", ("réfugié", "refugee")),
    Term(
        "status_none",
        "Sans statut",
        "No immigration status",
        "status",
        ("sans papiers", "undocumented"),
    ),
    Term("children_accepted", "Enfants acceptés", "Children accepted", "children"),
    Term("exploitation_sexual", "Exploitation sexuelle", "Sexual exploitation", "exploitation"),
    Term(
        "exploitation_labour",
        "Exploitation par le travail",
        "Labour exploitation",
        "exploitation",
        ("travail forcé", "forced labour"),
    ),
    Term(
        "exploitation_other", "Autres formes d'exploitation", "Other exploitation", "exploitation"
    ),
    Term("safety_confidential_address", "Adresse confidentielle", "Confidential address", "safety"),
    Term("safety_staff_24_7", "Personnel 24 h sur 24, 7 jours sur 7", "Staff 24/7", "safety"),
    Term("safety_security_measures", "Mesures de sécurité", "Security measures", "safety"),
    Term("living_individual", "Chambre ou logement individuel", "Individual living", "living"),
    Term("living_group", "Vie de groupe", "Group living", "living"),
    Term("rule_curfew", "Couvre-feu", "Curfew", "rules"),
    Term("rule_sobriety", "Sobriété exigée", "Sobriety required", "rules"),
    Term(
        "accessibility_wheelchair",
        "Accessible en fauteuil roulant",
        "Wheelchair accessible",
        "accessibility",
    ),
    Term("pets_allowed", "Animaux acceptés", "Pets allowed", "pets"),
    Term("cost_free", "Gratuit", "Free", "cost"),
    Term(
        "coverage_ifhp",
        "Couvert par le PFSI",
        "Covered by IFHP",
        "cost",
        ("Programme fédéral de santé intérimaire", "Interim Federal Health Program"),
    ),
    Term("coverage_ramq", "Couvert par la RAMQ", "Covered by RAMQ", "cost"),
    Term("coverage_community", "Financé par la communauté", "Community-funded", "cost"),
)

CATEGORY_CODES = frozenset(t.code for t in CATEGORIES)
ELIGIBILITY_CODES = frozenset(t.code for t in ELIGIBILITY)
TERMS_BY_CODE: dict[str, Term] = {t.code: t for t in (*CATEGORIES, *ELIGIBILITY)}

GENDERS = tuple(t for t in ELIGIBILITY if t.group == "gender")
STATUSES = tuple(t for t in ELIGIBILITY if t.group == "status")
SAFETY = tuple(t for t in ELIGIBILITY if t.group == "safety")

CAPACITY_UNITS: dict[str, tuple[str, str]] = {
    "bed": ("lit", "bed"),
    "room": ("chambre", "room"),
    "family_unit": ("unité familiale", "family unit"),
}

# Languages a service may offer (ISO 639-1), named in French and English.
LANGUAGES: dict[str, tuple[str, str]] = {
    "fr": ("français", "French"),
    "en": ("anglais", "English"),
    "es": ("espagnol", "Spanish"),
    "pt": ("portugais", "Portuguese"),
    "ar": ("arabe", "Arabic"),
    "zh": ("chinois", "Chinese"),
    "tl": ("tagalog", "Tagalog"),
    "ht": ("créole haïtien", "Haitian Creole"),
    "ru": ("russe", "Russian"),
    "uk": ("ukrainien", "Ukrainian"),
    "vi": ("vietnamien", "Vietnamese"),
    "ko": ("coréen", "Korean"),
    "th": ("thaï", "Thai"),
    "ro": ("roumain", "Romanian"),
    "sw": ("swahili", "Swahili"),
    "fa": ("persan", "Persian"),
    "hi": ("hindi", "Hindi"),
    "pa": ("pendjabi", "Punjabi"),
}
