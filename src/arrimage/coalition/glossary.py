"""The glossary and the mandates: reads and writes (docs/coalition.md).

Terms and legal texts are shipped data (``data/glossary.json``); each member organisation
writes its own definition and preferred words for a term, and its own mandate. Who may write
(the organisation's administrators and coordinators) is decided by the pages above this layer,
which know the roles; these functions check the text and record every change in the audit log.
Neither is personal data: every signed-in user may read them, enforcement bodies included.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from arrimage.coalition.models import (
    GlossaryTerm,
    Organisation,
    OrganisationDefinition,
)
from arrimage.coalition.selectors import Member, coalitions_visible
from arrimage.core import text
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound

# Length limits (core/text.py's kinds): a definition or a part of a mandate is a paragraph.
DEFINITION_MAX = text.PARAGRAPH
WORDS_MAX = text.NAME
MANDATE_MAX = text.PARAGRAPH

MANDATE_LABELS = {
    "mandate": _("What we do"),
    "mandate_excludes": _("What we do not do"),
    "mandate_sharing_limits": _("Our limits on sharing information"),
}


# Reads ---------------------------------------------------------------------------------------


def glossary_terms() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.all()


def glossary_term_get(*, slug: str) -> GlossaryTerm:
    term = GlossaryTerm.objects.prefetch_related("legal_texts").filter(slug=slug).first()
    if term is None:
        raise NotFound
    return term


def glossary_partner_ids(*, membership: Member | None) -> set[UUID]:
    """The organisations whose definitions the reader sees: its own, and the members of the
    coalitions its organisation belongs to and of the levels above them."""
    if membership is None:
        return set()
    coalitions = coalitions_visible(membership=membership)
    ids = set(Organisation.objects.filter(coalitions__in=coalitions).values_list("id", flat=True))
    ids.add(membership.organisation_id)
    return ids


def glossary_definitions(
    *, membership: Member | None, term: GlossaryTerm
) -> list[OrganisationDefinition]:
    """The partners' definitions of ``term``, the reader's own organisation first."""
    partners = glossary_partner_ids(membership=membership)
    rows = list(
        OrganisationDefinition.objects.filter(term=term, organisation_id__in=partners)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    own = membership.organisation_id if membership is not None else None
    return sorted(rows, key=lambda row: row.organisation_id != own)


def glossary_definition_counts(*, membership: Member | None) -> dict[int, int]:
    """Per term id, how many partner organisations wrote a definition."""
    partners = glossary_partner_ids(membership=membership)
    counts: dict[int, int] = {}
    for term_id in OrganisationDefinition.objects.filter(organisation_id__in=partners).values_list(
        "term_id", flat=True
    ):
        counts[term_id] = counts.get(term_id, 0) + 1
    return counts


def glossary_definition_get(
    *, term: GlossaryTerm, organisation_id: UUID
) -> OrganisationDefinition | None:
    return OrganisationDefinition.objects.filter(term=term, organisation_id=organisation_id).first()


def organisation_get(*, organisation_id: UUID) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound
    return organisation


def organisations_for_mandates(*, ids: list[UUID]) -> list[Organisation]:
    """Organisations in the order of ``ids`` (duplicates dropped), to show their mandates."""
    found = Organisation.objects.in_bulk(set(ids))
    seen: set[UUID] = set()
    ordered = []
    for organisation_id in ids:
        if organisation_id in found and organisation_id not in seen:
            seen.add(organisation_id)
            ordered.append(found[organisation_id])
    return ordered


# Writes --------------------------------------------------------------------------------------


def glossary_definition_save(
    *,
    organisation: Organisation,
    term: GlossaryTerm,
    definition: str,
    preferred_words: str,
    actor_id: UUID | str | None,
) -> OrganisationDefinition | None:
    """Write the organisation's definition and preferred words for ``term``; both empty
    removes it. ``ValidationError`` (translated, naming the field) on a refused text."""
    definition = text.text_check(
        definition, label=_("Our definition"), max_length=DEFINITION_MAX
    ).strip()
    preferred_words = text.text_check(
        preferred_words, label=_("The words we use"), max_length=WORDS_MAX
    ).strip()
    with transaction.atomic():
        if not definition and not preferred_words:
            deleted, _rows = OrganisationDefinition.objects.filter(
                term=term, organisation=organisation
            ).delete()
            if deleted:
                _audit_definition(organisation, term, actor_id, removed=True)
            return None
        row, _created = OrganisationDefinition.objects.update_or_create(
            term=term,
            organisation=organisation,
            defaults={"definition": definition, "preferred_words": preferred_words},
        )
        _audit_definition(organisation, term, actor_id, removed=False)
    return row


def _audit_definition(
    organisation: Organisation, term: GlossaryTerm, actor_id: UUID | str | None, *, removed: bool
) -> None:
    audit_record(
        action="glossary_definition_changed",
        actor_id=actor_id,
        organisation_id=organisation.pk,
        target_type="glossary_term",
        target_id=term.slug,
        details={"removed": removed},
    )


def organisation_mandate_update(
    *,
    organisation: Organisation,
    mandate: str,
    mandate_excludes: str,
    mandate_sharing_limits: str,
    actor_id: UUID | str | None,
) -> Organisation:
    """Write the three parts of the organisation's mandate. ``ValidationError`` (translated,
    with every refused part named) leaves the organisation as it was."""
    values = {
        "mandate": mandate,
        "mandate_excludes": mandate_excludes,
        "mandate_sharing_limits": mandate_sharing_limits,
    }
    errors = []
    for field, value in values.items():
        try:
            values[field] = text.text_check(
                value, label=MANDATE_LABELS[field], max_length=MANDATE_MAX
            ).strip()
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    changed = [field for field, value in values.items() if getattr(organisation, field) != value]
    if not changed:
        return organisation
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(**values)
        audit_record(
            action="organisation_mandate_changed",
            actor_id=actor_id,
            organisation_id=organisation.pk,
            target_type="organisation",
            target_id=organisation.pk,
            details={"fields": ",".join(changed)},
        )
    for field, value in values.items():
        setattr(organisation, field, value)
    return organisation
