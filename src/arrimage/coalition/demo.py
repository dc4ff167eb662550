"""Demonstration glossary and mandates: three organisations of the demonstration caseworker's
regional table write their definitions, every demonstration organisation its mandate (French
first, then English). Fictitious organisations only."""

from arrimage.coalition.glossary import glossary_definition_save, organisation_mandate_update
from arrimage.coalition.models import GlossaryTerm, Organisation

# Per organisation type: what it does not do, and its limits on sharing (French, then English).
MANDATE_PARTS: dict[str, tuple[str, str]] = {
    "community": (
        "Nous n’hébergeons pas et ne faisons aucune enquête.\n"
        "We do not provide housing and never investigate.",
        "Rien n’est transmis sans le consentement exprès de la personne, jamais son statut "
        "d’immigration à la police.\nNothing is passed on without the person’s express "
        "consent; never their immigration status to the police.",
    ),
    "shelter": (
        "Pas d’hébergement pour les hommes seuls ; pas de suivi à long terme.\n"
        "No housing for single men; no long-term follow-up.",
        "L’adresse du refuge n’est jamais communiquée ; nous confirmons seulement qu’une "
        "place est prise.\nThe shelter’s address is never given out; we only confirm that a "
        "place is taken.",
    ),
    "health_social": (
        "Pas de services d’immigration ni de représentation juridique.\n"
        "No immigration services or legal representation.",
        "Le dossier de santé reste à l’établissement ; nous partageons les rendez-vous, pas "
        "les diagnostics.\nHealth records stay with us; we share appointments, not diagnoses.",
    ),
    "legal_aid": (
        "Pas de dossiers d’immigration : nous orientons vers nos partenaires.\n"
        "No immigration files: we refer to our partners.",
        "Secret professionnel : rien ne sort sans l’autorisation écrite de la personne.\n"
        "Solicitor-client privilege: nothing leaves without the person’s written consent.",
    ),
    "immigration_legal": (
        "Pas de représentation en droit criminel.\nNo criminal law representation.",
        "Secret professionnel ; aucune information aux organismes d’application de la loi.\n"
        "Solicitor-client privilege; no information to enforcement bodies.",
    ),
    "police": (
        "Nous n’offrons ni hébergement ni accompagnement.\n"
        "We offer neither housing nor accompaniment.",
        "Nous recevons seulement ce que la personne consent à nous transmettre ; jamais son "
        "statut d’immigration, sa santé ni son lieu d’hébergement.\nWe receive only what the "
        "person consents to send us; never their immigration status, health or whereabouts.",
    ),
}
# "What we do" in English, after the French the organisation was created with.
WHAT_WE_DO_EN = {
    "community": "Welcome, accompaniment and rights advocacy for exploited people.",
    "shelter": "Safe emergency and transitional housing.",
    "health_social": "Front-line health and social services.",
    "legal_aid": "Legal representation in criminal, family and labour law.",
    "immigration_legal": "Immigration advice and representation: TRP, asylum, H&C.",
    "police": "Investigations into trafficking in persons.",
    "border_enforcement": "Law enforcement at the border.",
    "prosecution": "Criminal prosecutions.",
    "government": "Funding and regional planning of services.",
    "research": "Research and anonymised data on trafficking.",
    "other": "Financial support and awareness.",
}
GENERIC_PARTS = (
    "Aucun service direct aux personnes.\nNo direct service to people.",
    "Statistiques anonymisées seulement.\nAnonymised statistics only.",
)

# Definitions by organisation type: {term slug: (preferred words, definition)}.
DEFINITIONS: dict[str, dict[str, tuple[str, str]]] = {
    "community": {
        "traite": (
            "traite, situation d’exploitation",
            "Nous parlons de traite dès que des indicateurs de contrôle et d’exploitation sont "
            "présents, sans attendre une plainte ni un jugement. La personne n’a pas à se "
            "reconnaître dans ce mot pour recevoir de l’aide.",
        ),
        "exploitation-sexuelle": (
            "exploitation sexuelle ; travail du sexe",
            "Nous distinguons le travail du sexe choisi de l’exploitation : il y a exploitation "
            "quand la personne ne contrôle ni ses revenus, ni ses clients, ni ses conditions.",
        ),
        "victime": (
            "personne concernée, survivant·e",
            "Nous employons le mot que la personne choisit. Par défaut : « personne "
            "concernée ». « Victime » seulement pour les recours (IVAC, permis de séjour).",
        ),
        "travail-force": (
            "exploitation au travail",
            "Nous incluons les salaires retenus, les dettes imposées et les papiers confisqués, "
            "même sans menace explicite.",
        ),
    },
    "shelter": {
        "traite": (
            "traite des personnes",
            "Toute situation où une personne a été recrutée, déplacée ou hébergée pour être "
            "exploitée, avec ou sans passage de frontière.",
        ),
        "exploitation-sexuelle": (
            "exploitation sexuelle",
            "Toute activité sexuelle obtenue par la contrainte, la dette, la dépendance ou la "
            "tromperie, y compris dans un couple.",
        ),
        "victime": (
            "survivante",
            "« Survivante » : les femmes que nous hébergeons nous ont dit préférer ce mot.",
        ),
    },
    "police": {
        "traite": (
            "traite de personnes (art. 279.01 C.cr.)",
            "Trafficking as defined in s. 279.01 of the Criminal Code: an act (recruiting, "
            "transporting, holding, controlling movements) for the purpose of exploitation "
            "within s. 279.04. We open an investigation only with the person’s agreement.",
        ),
        "exploitation-sexuelle": (
            "sexual exploitation; procuring",
            "We use the Code’s offences: trafficking (279.01) when the person fears for their "
            "safety, procuring (286.3) otherwise.",
        ),
        "victime": (
            "victim",
            "“Victim” as in the Canadian Victims Bill of Rights: it opens rights to information, "
            "protection and restitution, whatever the outcome of a case.",
        ),
        "travail-force": (
            "forced labour",
            "Labour obtained by making a person fear for their safety (s. 279.04); other "
            "abuses at work go to the labour standards board.",
        ),
    },
}


def _mandates_write() -> int:
    count = 0
    for organisation in Organisation.objects.all():
        excludes, sharing = MANDATE_PARTS.get(organisation.type, GENERIC_PARTS)
        english = WHAT_WE_DO_EN.get(organisation.type, "")
        what = organisation.mandate
        if english and english not in what:
            what = f"{what}\n{english}".strip()
        organisation_mandate_update(
            organisation=organisation,
            mandate=what,
            mandate_excludes=excludes,
            mandate_sharing_limits=sharing,
            actor_id=None,
        )
        count += 1
    return count


def _glossary_organisations() -> list[Organisation]:
    """A community organisation, a shelter and a police service of one regional table: the
    first community organisation's (the demonstration caseworker's)."""
    first = Organisation.objects.filter(type="community").order_by("created_at", "pk").first()
    if first is None:
        return []
    table = first.coalitions.order_by("name").first()
    chosen = [first]
    for org_type in ("shelter", "police"):
        candidates = Organisation.objects.filter(type=org_type).order_by("created_at", "pk")
        match = candidates.filter(coalitions=table).first() if table else None
        match = match or candidates.first()
        if match is not None:
            chosen.append(match)
    return chosen


def demo_glossary_build() -> tuple[int, int]:
    """Mandates for every demonstration organisation, and definitions by three of them.
    Returns (mandates, definitions)."""
    mandates = _mandates_write()
    terms = {term.slug: term for term in GlossaryTerm.objects.all()}
    definitions = 0
    for organisation in _glossary_organisations():
        for slug, (words, definition) in DEFINITIONS[organisation.type].items():
            glossary_definition_save(
                organisation=organisation,
                term=terms[slug],
                definition=definition,
                preferred_words=words,
                actor_id=None,
            )
            definitions += 1
    return mandates, definitions
