"""Builds the denormalised search rows (:class:`SearchEntry`) from the HSDS objects.

Called after every write that changes what search shows: service edits, imports, availability.
Works in batches so that an import of thousands of services costs a handful of queries each.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import transaction

from arrimage.coalition.models import Region
from arrimage.directory import geo
from arrimage.directory.models import (
    Attribute,
    Language,
    Phone,
    SearchEntry,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)
from arrimage.directory.taxonomy import (
    CATEGORY_CODES,
    ELIGIBILITY_CODES,
    GENDERS,
    LANGUAGES,
)
from arrimage.directory.text import normalise, text_stems, text_words, token
from arrimage.directory.vocabulary import vocabulary_add, vocabulary_clear

BATCH = 500


def _regions() -> dict[int, Region]:
    return {r.pk: r for r in Region.objects.all()}


def _openness_tokens(tokens: list[str], available: int | None) -> list[str]:
    """What a service leaves open, as tokens, so that matching asks the index alone instead of
    reading the document (orientation.index.eligibility_tokens): ``xnstatus`` when it names
    no immigration status, ``xnexploitation`` when it names no form of exploitation, and
    ``xaopen`` (a free unit, or no capacity published) or ``xafull`` (capacity published, no
    unit free)."""
    found = []
    for kind in ("status", "exploitation"):
        if not any(t.startswith(token("e", kind)) for t in tokens):
            found.append(token("n", kind))
    found.append(token("a", "full" if available == 0 else "open"))
    return found


@dataclass(frozen=True)
class EntryText:
    """A service's text as the search reads it: the stems of each field (name, taxonomy,
    description, eligibility), its filter tokens, where it is, and the plain words of it all
    (the vocabulary that typos are corrected against)."""

    name: set[str]
    taxonomy: set[str]
    description: set[str]
    eligibility: set[str]
    tokens: list[str]
    places: list[str]
    words: set[str]
    # Ranking reads Arrimage's eligibility terms and languages as their tokens (the query
    # side maps words to them: synonyms.eligibility_tokens), the rest as stems.
    eligibility_ranked: set[str]

    def doc(self) -> str:
        """The indexed document: every stem, then the tokens."""
        stems = self.name | self.taxonomy | self.description | self.eligibility
        return " ".join([*sorted(stems), *sorted(set(self.tokens))])

    def rank_terms(self) -> str:
        """What ranking reads of a candidate (search.FIELD_WEIGHTS): every stem and token,
        marked with its field ("n:" name, "t:" taxonomy with the category tokens, "d:"
        description, "e:" eligibility: the tokens of the eligibility terms and languages the
        service names, the stems of its other eligibility text), and the codes of its places
        ("p:laval", "p:xrqc13"), space-padded."""
        categories = {t for t in self.tokens if t.startswith("xc")}
        fields = (
            ("n", self.name),
            ("t", self.taxonomy | categories),
            ("d", self.description),
            ("e", self.eligibility_ranked),
            ("p", set(self.places)),
        )
        terms = [f"{mark}:{term}" for mark, values in fields for term in sorted(values)]
        return " " + " ".join(terms) + " "


def _entry_text(
    service: Service,
    *,
    terms: list[TaxonomyTerm],
    languages: list[str],
    places: list[dict[str, object]],
    available: int | None,
    regions_by_code: dict[str, Region],
) -> EntryText:
    name = [service.name_fr, service.name_en, service.alternate_name]
    taxonomy: list[str] = []
    description = [service.description_fr, service.description_en, service.organization.name]
    free = [service.eligibility_description_fr, service.eligibility_description_en]
    eligibility = list(free)
    ranked: list[str] = []  # tokens of the eligibility terms and languages named
    tokens: list[str] = []
    for term in terms:
        is_category = term.code in CATEGORY_CODES
        words = [term.name_fr, term.name_en, term.words]
        (taxonomy if is_category else eligibility).extend(words)
        if not is_category and term.code in ELIGIBILITY_CODES:
            ranked.append(token("e", term.code))
        elif not is_category:
            free += words
        if term.code:
            tokens.append(token("c" if is_category else "e", term.code))
    if not any(code.startswith("gender_") for code in (t.code for t in terms)):
        tokens += [token("e", g.code) for g in GENDERS]
    for code in languages:
        eligibility += list(LANGUAGES.get(code, (code,)))
        tokens.append(token("l", code))
        ranked.append(token("l", code))
    place_codes: list[str] = []
    for place in places:
        region = regions_by_code.get(str(place["region"]))
        description.append(str(place["municipality"]))
        if region is not None:
            description += [region.name_fr, region.name_en]
            tokens.append(token("r", region.code))
            place_codes.append(token("r", region.code))
        if place["municipality_code"]:
            code = str(place["municipality_code"])
            tokens.append(token("m", code))
            tokens += geo.near_tokens(code)
            place_codes.append(code)
    tokens += _openness_tokens(tokens, available)
    fields = [name, taxonomy, description, eligibility]
    texts = [" ".join(value for value in field if value) for field in fields]
    return EntryText(
        name=text_stems(texts[0]),
        taxonomy=text_stems(texts[1]),
        description=text_stems(texts[2]),
        eligibility=text_stems(texts[3]),
        tokens=tokens,
        places=sorted(set(place_codes)),
        words=set().union(*(text_words(text) for text in texts)),
        eligibility_ranked=text_stems(" ".join(value for value in free if value)) | set(ranked),
    )


def _capacity_summary(capacities: list[ServiceCapacity]) -> dict[str, object]:
    """The part of a search row's summary that availability changes."""
    return {
        "capacities": [
            {
                "unit": c.unit,
                "available": c.available,
                "maximum": c.maximum,
                "updated": c.updated.isoformat(),
            }
            for c in capacities
        ],
    }


def _capacity_values(capacities: list[ServiceCapacity]) -> tuple[int | None, datetime | None]:
    """The columns of a search row that availability changes (besides the summary and the
    openness token of the document): the units free, and the oldest update."""
    available = sum(c.available for c in capacities) if capacities else None
    return available, min((c.updated for c in capacities), default=None)


@dataclass(frozen=True)
class Entry:
    """A search row's values, and the words it adds to the vocabulary."""

    values: dict[str, object]
    words: set[str]
    stems: set[str]


def entry_build(
    service: Service,
    *,
    terms: list[TaxonomyTerm],
    languages: list[str],
    places: list[dict[str, object]],
    phone: str,
    capacities: list[ServiceCapacity],
    regions_by_code: dict[str, Region],
) -> Entry:
    categories = [t.code for t in terms if t.code in CATEGORY_CODES]
    eligibility = [t.code for t in terms if t.code in ELIGIBILITY_CODES]
    available, updated = _capacity_values(capacities)
    text = _entry_text(
        service,
        terms=terms,
        languages=languages,
        places=places,
        available=available,
        regions_by_code=regions_by_code,
    )
    summary = {
        "organization": service.organization.name,
        "categories": categories,
        "eligibility": eligibility,
        "languages": languages,
        "places": [{k: v for k, v in p.items() if k != "municipality_code"} for p in places],
        "phone": phone,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        **_capacity_summary(capacities),
    }
    values: dict[str, object] = {
        "doc": text.doc(),
        "rank_terms": text.rank_terms(),
        "sort_name": normalise(service.name_fr or service.name_en)[:300],
        "name_fr": service.name_fr[:300],
        "name_en": service.name_en[:300],
        "summary": summary,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "available": available,
        "capacity_updated": updated,
        "is_active": service.status == ServiceStatus.ACTIVE,
        "owner_id": service.organization.owner_id,
    }
    stems = text.name | text.taxonomy | text.description | text.eligibility
    return Entry(values, text.words, stems)


def _batches(ids: list[UUID]) -> Iterable[list[UUID]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


@transaction.atomic
def search_entries_refresh(*, service_ids: Iterable[UUID]) -> int:
    """Rebuild the search rows of these services (and drop those of deleted services)."""
    ids = list(dict.fromkeys(service_ids))
    regions = _regions()
    regions_by_code = {r.code: r for r in regions.values()}
    count = 0
    for batch in _batches(ids):
        services = {
            s.pk: s for s in Service.objects.filter(pk__in=batch).select_related("organization")
        }
        SearchEntry.objects.filter(service_id__in=set(batch) - set(services)).delete()
        terms: dict[UUID, list[TaxonomyTerm]] = defaultdict(list)
        for attribute in Attribute.objects.filter(
            link_entity="service", link_id__in=list(services)
        ).select_related("taxonomy_term"):
            terms[attribute.link_id].append(attribute.taxonomy_term)
        languages: dict[UUID, list[str]] = defaultdict(list)
        for service_id, code in (
            Language.objects.filter(service_id__in=list(services))
            .order_by("code")
            .values_list("service_id", "code")
        ):
            if code and code not in languages[service_id]:
                languages[service_id].append(code)
        places: dict[UUID, list[dict[str, object]]] = defaultdict(list)
        location_ids: dict[UUID, list[UUID]] = defaultdict(list)
        for sal in (
            ServiceAtLocation.objects.filter(service_id__in=list(services))
            .select_related("location")
            .order_by("location__name", "location_id")
        ):
            location = sal.location
            municipality = geo.municipality_get(location.municipality_code)
            region = regions.get(location.region_id) if location.region_id else None
            places[sal.service_id].append(
                {
                    "municipality": municipality.name if municipality else "",
                    "municipality_code": location.municipality_code,
                    "region": region.code if region else "",
                    "region_fr": region.name_fr if region else "",
                    "region_en": region.name_en if region else "",
                    "confidential": location.is_confidential,
                }
            )
            location_ids[sal.service_id].append(location.pk)
        phones: dict[UUID, str] = {}
        for phone in Phone.objects.filter(service_id__in=list(services)).order_by("number"):
            phones.setdefault(phone.service_id, phone.number)  # type: ignore[arg-type]
        location_phone: dict[UUID, str] = {}
        all_locations = [lid for lids in location_ids.values() for lid in lids]
        for phone in Phone.objects.filter(location_id__in=all_locations).order_by("number"):
            location_phone.setdefault(phone.location_id, phone.number)  # type: ignore[arg-type]
        capacities: dict[UUID, list[ServiceCapacity]] = defaultdict(list)
        for capacity in ServiceCapacity.objects.filter(service_id__in=list(services)):
            capacities[capacity.service_id].append(capacity)
        existing = {
            e.service_id: e for e in SearchEntry.objects.filter(service_id__in=list(services))
        }
        to_create, to_update = [], []
        words: set[str] = set()
        stems: set[str] = set()
        for service_id, service in services.items():
            intake = phones.get(service_id) or next(
                (location_phone[lid] for lid in location_ids[service_id] if lid in location_phone),
                "",
            )
            built = entry_build(
                service,
                terms=terms[service_id],
                languages=languages[service_id],
                places=places[service_id],
                phone=intake,
                capacities=capacities[service_id],
                regions_by_code=regions_by_code,
            )
            words |= built.words
            stems |= built.stems
            entry = existing.get(service_id)
            if entry is None:
                to_create.append(SearchEntry(service_id=service_id, **built.values))
            else:
                for key, value in built.values.items():
                    setattr(entry, key, value)
                to_update.append(entry)
        SearchEntry.objects.bulk_create(to_create)
        if to_update:
            SearchEntry.objects.bulk_update(to_update, fields=list(built.values))
        vocabulary_add(words=words, stems=stems)
        count += len(services)
    return count


# The openness tokens (_openness_tokens): the only ones of kind "a", so that swapping one for the
# other in a document keeps its tokens in order.
_OPEN, _FULL = token("a", "open"), token("a", "full")


@transaction.atomic
def search_entries_capacity_refresh(*, service_ids: Iterable[UUID]) -> None:
    """After a change of availability only (a unit held, released, given back or counted):
    rewrite what availability changes in these services' search rows, the same values as
    :func:`search_entries_refresh` would write, without rebuilding their text. The document
    is rewritten only when the service goes from full to open or back. A service without a
    search row yet gets the full refresh."""
    ids = list(dict.fromkeys(service_ids))
    capacities: dict[UUID, list[ServiceCapacity]] = defaultdict(list)
    for capacity in ServiceCapacity.objects.filter(service_id__in=ids):
        capacities[capacity.service_id].append(capacity)
    entries = SearchEntry.objects.filter(service_id__in=ids).only(
        "service_id", "summary", "doc", "available", "capacity_updated"
    )
    missing = set(ids)
    for entry in entries:
        missing.discard(entry.service_id)
        rows = capacities[entry.service_id]
        fields = ["available", "capacity_updated", "summary"]
        entry.available, entry.capacity_updated = _capacity_values(rows)
        entry.summary = {**entry.summary, **_capacity_summary(rows)}
        wanted, unwanted = (_FULL, _OPEN) if entry.available == 0 else (_OPEN, _FULL)
        words = entry.doc.split(" ")
        if unwanted in words:  # the last one: the tokens come after the stems
            words[len(words) - 1 - words[::-1].index(unwanted)] = wanted
            entry.doc = " ".join(words)
            fields.append("doc")
        entry.save(update_fields=fields)
    if missing:
        search_entries_refresh(service_ids=[pk for pk in ids if pk in missing])


@transaction.atomic
def search_entries_rebuild() -> int:
    """Every service's search row and the vocabulary, from scratch."""
    vocabulary_clear()
    return search_entries_refresh(service_ids=Service.objects.values_list("pk", flat=True))
