"""The demonstration directory's services, as data: for each type of organisation, the
services its demo organisations offer (names and descriptions in French and English, HSDS
taxonomy terms, languages, ages, capacity). Read by ``directory/demo.py`` and the benches."""

from dataclasses import dataclass

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
