"""Demonstration glossary and mandates: three organisations of the demonstration caseworker's
regional table write their definitions, every demonstration organisation its mandate. All of it in
French, the language these organisations work in (user content, not interface). Fictitious
organisations only."""

from arrimage.coalition.glossary import glossary_definition_save, organisation_mandate_update
from arrimage.coalition.models import GlossaryTerm, Organisation

# Per organisation type: what it does not do, and its limits on sharing. An organisation writes
# its mandate in its own language, as any text it enters: these Quebec organisations, in French.
MANDATE_PARTS: dict[str, tuple[str, str]] = {
    "community": (
        "Nous n’hébergeons pas et ne faisons aucune enquête.",
        "Rien n’est transmis sans le consentement exprès de la personne, jamais son statut "
        "d’immigration à la police.",
    ),
    "shelter": (
        "Pas d’hébergement pour les hommes seuls\u00a0; pas de suivi à long terme.",
        "L’adresse du refuge n’est jamais communiquée\u00a0; nous confirmons seulement qu’une "
        "place est prise.",
    ),
    "health_social": (
        "Pas de services d’immigration ni de représentation juridique.",
        "Le dossier de santé reste à l’établissement\u00a0; nous partageons les rendez-vous, pas "
        "les diagnostics.",
    ),
    "legal_aid": (
        "Pas de dossiers d’immigration\u00a0: nous orientons vers nos partenaires.",
        "Secret professionnel\u00a0: rien ne sort sans l’autorisation écrite de la personne.",
    ),
    "immigration_legal": (
        "Pas de représentation en droit criminel.",
        "Secret professionnel\u00a0; aucune information aux organismes d’application de la loi.",
    ),
    "police": (
        "Nous n’offrons ni hébergement ni accompagnement.",
        "Nous recevons seulement ce que la personne consent à nous transmettre\u00a0; jamais son "
        "statut d’immigration, sa santé ni son lieu d’hébergement.",
    ),
}
GENERIC_PARTS = (
    "Aucun service direct aux personnes.",
    "Statistiques anonymisées seulement.",
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
            "La traite au sens de l’article 279.01 du Code criminel\u00a0: un acte (recruter, "
            "transporter, héberger, contrôler les déplacements) en vue d’exploiter au sens de "
            "l’article 279.04. Nous n’ouvrons une enquête qu’avec l’accord de la personne.",
        ),
        "exploitation-sexuelle": (
            "exploitation sexuelle\u00a0; proxénétisme",
            "Nous employons les infractions du Code\u00a0: la traite (279.01) quand la personne "
            "craint pour sa sécurité, le proxénétisme (286.3) sinon.",
        ),
        "victime": (
            "victime",
            "«\u00a0Victime\u00a0» au sens de la Charte canadienne des droits des victimes\u00a0: "
            "le mot ouvre des droits à l’information, à la protection et au dédommagement, "
            "quelle que soit l’issue d’une affaire.",
        ),
        "travail-force": (
            "travail forcé",
            "Un travail obtenu en faisant craindre à la personne pour sa sécurité "
            "(art. 279.04)\u00a0; les autres abus au travail relèvent des normes du travail.",
        ),
    },
}


def _mandates_write() -> int:
    count = 0
    for organisation in Organisation.objects.all():
        excludes, sharing = MANDATE_PARTS.get(organisation.type, GENERIC_PARTS)
        organisation_mandate_update(
            organisation=organisation,
            mandate=organisation.mandate,
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
