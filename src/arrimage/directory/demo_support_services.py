"""The demonstration's community organisations and health and social services. Data only
(``demo_template.py``)."""

from arrimage.directory.demo_template import ALL_STATUSES, Template

COMMUNITY: list[Template] = [
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
]

HEALTH_SOCIAL: list[Template] = [
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
        "Free basic health care for people without RAMQ coverage, including people without status.",
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
]
