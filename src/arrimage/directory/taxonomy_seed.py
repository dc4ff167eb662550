"""Installs the two taxonomies of :mod:`arrimage.directory.taxonomy` (used by a migration)."""

from typing import Any

from arrimage.directory.taxonomy import (
    CATEGORIES,
    CATEGORY_TAXONOMY,
    ELIGIBILITY,
    ELIGIBILITY_TAXONOMY,
    taxonomy_uuid,
    term_uuid,
)

TAXONOMY_TEXT = {
    CATEGORY_TAXONOMY: (
        "Arrimage service categories / catégories de services d'Arrimage",
        "Bilingual categories of services for trafficked persons.",
    ),
    ELIGIBILITY_TAXONOMY: (
        "Arrimage eligibility / admissibilité d'Arrimage",
        "Bilingual eligibility attributes: who a service accepts, and on what terms.",
    ),
}


def taxonomies_install(taxonomy_model: Any, term_model: Any) -> None:
    for key, terms in ((CATEGORY_TAXONOMY, CATEGORIES), (ELIGIBILITY_TAXONOMY, ELIGIBILITY)):
        name, description = TAXONOMY_TEXT[key]
        taxonomy, _created = taxonomy_model.objects.update_or_create(
            id=taxonomy_uuid(key),
            defaults={"name": name, "description": description, "version": "1"},
        )
        for term in terms:
            term_model.objects.update_or_create(
                id=term_uuid(key, term.code),
                defaults={
                    "taxonomy": taxonomy,
                    "taxonomy_name": key,
                    "code": term.code,
                    "name_fr": term.name_fr,
                    "name_en": term.name_en,
                    "description_fr": term.name_fr,
                    "description_en": term.name_en,
                    "group": term.group,
                    "words": " ".join(term.words),
                    "language": "fr",
                },
            )
