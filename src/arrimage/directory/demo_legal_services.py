"""The demonstration's legal aid and immigration legal services. Data only
(``demo_template.py``)."""

from arrimage.directory.demo_template import ALL_STATUSES, Template

LEGAL_AID: list[Template] = [
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
]

IMMIGRATION_LEGAL: list[Template] = [
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
]
