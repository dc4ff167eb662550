"""Demonstration materials, help-page contacts and an advocacy brief. Everything is made at
demo time (small texts and a PDF drawn here: nothing is downloaded); phone numbers in the
555-01xx range reserved for fiction."""

import io

from django.db.models import Q
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from arrimage.accounts.demo import DEMO_DOMAIN
from arrimage.accounts.models import Membership, Role
from arrimage.awareness import selectors, services
from arrimage.awareness.brief_pdf import brief_fonts
from arrimage.awareness.models import AdvocacyBrief, Material
from arrimage.trends.selectors import releases_visible


def _leaflet_pdf(title: str, lines: list[str]) -> bytes:
    regular, bold = brief_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(title)
    page.setFont(bold, 18)
    page.drawString(60, 780, title)
    page.setFont(regular, 12)
    for index, line in enumerate(lines):
        page.drawString(60, 740 - 20 * index, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


LEAFLET_FR = [
    "Quelqu'un garde vos papiers ? On vous force à travailler pour payer une dette ?",
    "Vous n'êtes pas seul·e. Vous n'avez pas besoin de papiers pour obtenir de l'aide.",
    "Ligne d'urgence canadienne contre la traite des personnes : 1-833-900-1010",
    "24 heures sur 24, 7 jours sur 7, confidentiel, dans plus de 200 langues.",
    "En danger immédiat : 911.",
]
LEAFLET_EN = """# Recognising human trafficking

Is someone keeping your papers? Are you forced to work to pay off a debt?

You are not alone, and you do not need papers to get help.

- Canadian Human Trafficking Hotline: 1-833-900-1010 (24/7, confidential, 200+ languages)
- In immediate danger: 911
"""
TRAINING_FR_1 = """# Accueillir une personne sans statut : repères pour l'intervention

1. Ne demandez pas le statut d'immigration pour offrir de l'aide.
2. Le statut, la santé et le lieu d'hébergement ne sont jamais transmis à la police.
3. Expliquez le consentement : à qui, quoi, pour quoi, jusqu'à quand.
"""
TRAINING_FR_2 = (
    TRAINING_FR_1
    + "4. Le permis de séjour temporaire pour victimes : délais et accompagnement juridique.\n"
)
TRAINING_EN = """# Welcoming a person without status: practice notes

1. Do not ask about immigration status to offer help.
2. Status, health and where the person stays never go to the police.
3. Explain consent: to whom, what, for what, until when.
"""
RECOMMENDATIONS = (
    "Financer dans chaque région des places d'hébergement sécuritaires et individuelles, "
    "y compris pour les hommes et les personnes trans, dont les demandes restent le plus "
    "souvent sans réponse.\n\n"
    "Rétablir et simplifier la couverture du Programme fédéral de santé intérimaire (PFSI) "
    "pour un accès rapide aux soins en santé mentale.\n\n"
    "Réduire les délais d'obtention du permis de séjour temporaire pour victimes de la "
    "traite, et ne jamais lier l'aide offerte à une plainte à la police."
)


def demo_coordinator() -> Membership | None:
    return (
        Membership.objects.select_related("organisation")
        .filter(user__email=f"coordination@{DEMO_DOMAIN}", role=Role.COORDINATOR)
        .first()
    )


def demo_awareness_build() -> dict[str, int]:
    """Materials (public and for workers, French and English versions), the contacts of the
    demo coordinator's coalitions and one brief on its regional release."""
    actor = demo_coordinator()
    made = {"materials": 0, "contacts": 0, "briefs": 0}
    if actor is None:
        return made
    coalitions = list(selectors.coalitions_coordinated(actor=actor))
    regional = next((c for c in coalitions if c.level == "regional"), None)
    if regional is None:
        return made
    leaflet = services.material_create(
        actor=actor,
        coalition_id=regional.pk,
        data={
            "title": "Reconnaître la traite des personnes",
            "audience": "public",
            "kind": "leaflet",
            "description": "Un dépliant à remettre ou à afficher : les signes, la ligne "
            "d'urgence, le 911.",
            "language": "fr",
        },
        filename="reconnaitre-la-traite.pdf",
        content=_leaflet_pdf("Reconnaître la traite des personnes", LEAFLET_FR),
    )
    services.material_version_add(
        actor=actor,
        material_id=leaflet.pk,
        data={"language": "en"},
        filename="recognising-trafficking.md",
        content=LEAFLET_EN.encode(),
    )
    training = services.material_create(
        actor=actor,
        coalition_id=regional.pk,
        data={
            "title": "Accueillir une personne sans statut",
            "audience": "workers",
            "kind": "training",
            "description": "Repères pour l'intervention, de la première rencontre au consentement.",
            "language": "fr",
            "published_on": "2026-03-02",
        },
        filename="accueillir-sans-statut.md",
        content=TRAINING_FR_1.encode(),
    )
    for language, name, text in (
        ("fr", "accueillir-sans-statut-v2.md", TRAINING_FR_2),
        ("en", "welcoming-without-status.md", TRAINING_EN),
    ):
        services.material_version_add(
            actor=actor,
            material_id=training.pk,
            data={"language": language},
            filename=name,
            content=text.encode(),
        )
    made["materials"] = Material.objects.count()
    for coalition, name, phone, hours, hours_en in (
        (
            regional,
            f"Permanence de la {regional.name}",
            "514 555-0147",
            "Lun. au ven., 9 h à 17 h",
            "Mon. to Fri., 9 a.m. to 5 p.m.",
        ),
        *(
            (
                c,
                f"Secrétariat de la {c.name}",
                "418 555-0193",
                "Lun. au jeu., 9 h à 16 h",
                "Mon. to Thu., 9 a.m. to 4 p.m.",
            )
            for c in coalitions
            if c.level == "provincial"
        ),
    ):
        services.contact_add(
            actor=actor,
            coalition_id=coalition.pk,
            data={
                "name": name,
                "phone": phone,
                "email": f"coordination@{DEMO_DOMAIN}",
                "hours": hours,
                "hours_en": hours_en,
                "languages": "français, English, español",
            },
        )
        made["contacts"] += 1
    release = (
        releases_visible(actor=actor).filter(Q(coalition=regional)).order_by("created_at").first()
    )
    if release is not None:
        services.brief_create(
            actor=actor,
            release_id=release.pk,
            data={
                "title": f"Des réponses pour chaque personne : {regional.name}",
                "recommendations": RECOMMENDATIONS,
            },
        )
        made["briefs"] = AdvocacyBrief.objects.count()
    return made
