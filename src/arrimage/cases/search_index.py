"""The blind index of case search: keyed hashes of the words of a person's alias and names.

A person's alias, given name and family name are sealed, so the database cannot compare them
with a query. The index keeps, for each person, the keyed hash (:func:`arrimage.privacy.
sealing.blind_tokens`, under the key of the person's organisation) of every prefix of every
normalised word of these three fields, and nothing else: no plaintext, no field name, no
position. A query is normalised and hashed the same way, under the key of each organisation
whose persons the actor may see, and compared with the tokens.

What matches (``docs/cases.md``):

- words, in any order, each the beginning of a word of the alias, the given name or the family
  name: ``ros`` finds « Rosa », ``tremb mar`` finds « Marie Tremblay »;
- case, accents and ligatures are ignored (``helene`` finds « Hélène », ``oe`` « œ »);
  punctuation separates words (``jean-pierre`` is ``jean pierre``);
- a prefix has at least two letters, unless the word itself has one letter;
- no typo tolerance, no middle of a word (``osa`` does not find « Rosa »), no contact details,
  notes or other category: only identity, for readers who may read identity.

The index is written with the person's identity (``services.case_create``, ``person_update``),
emptied by anonymisation, and rebuilt by ``arrimage case-search-index`` (for data written
before the index existed or by a bulk load).
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from django.db import transaction

from arrimage.cases.models import Person, PersonSearchToken
from arrimage.cases.sealing import category_data
from arrimage.core.audit import audit_record
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import Subject, search_index_grant
from arrimage.privacy.sealing import blind_tokens

NAME_FIELDS = ("alias", "given_name", "family_name")
MIN_PREFIX = 2
MAX_WORD = 40
MAX_QUERY_WORDS = 6
_WORD = re.compile(r"[^\W_]+")
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "ß": "ss"})


def words(text: str) -> list[str]:
    """The normalised words of a text: lower case, accents and ligatures folded."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return [word[:MAX_WORD] for word in _WORD.findall(bare)]


def index_terms(identity: Mapping[str, Any]) -> set[str]:
    """Every prefix (of at least ``MIN_PREFIX`` letters) of every word of the names."""
    terms: set[str] = set()
    for field in NAME_FIELDS:
        value = identity.get(field)
        if not isinstance(value, str):
            continue
        for word in words(value):
            for length in range(min(MIN_PREFIX, len(word)), len(word) + 1):
                terms.add(word[:length])
    return terms


def _hashed(organisation_id: UUID | str, terms: Iterable[str]) -> list[int]:
    return blind_tokens(organisation_id=organisation_id, terms=[f"name\x1f{t}" for t in terms])


def person_tokens(*, organisation_id: UUID | str, identity: Mapping[str, Any]) -> set[int]:
    """The tokens of a person's names under their organisation's key."""
    return set(_hashed(organisation_id, sorted(index_terms(identity))))


def person_index(person: Person, identity: Mapping[str, Any]) -> None:
    """Replace the person's tokens with those of ``identity`` (the plaintext just sealed)."""
    rows = [
        PersonSearchToken(token=token, person_id=person.pk)
        for token in person_tokens(organisation_id=person.organisation_id, identity=identity)
    ]
    with transaction.atomic():
        PersonSearchToken.objects.filter(person_id=person.pk).delete()
        PersonSearchToken.objects.bulk_create(rows)


def person_erase(person_id: UUID) -> None:
    """The person is no longer found by name (anonymisation)."""
    PersonSearchToken.objects.filter(person_id=person_id).delete()


def query_words(query: str) -> list[str]:
    """The distinct normalised words of a query, at most ``MAX_QUERY_WORDS``."""
    return list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]


def query_tokens(*, organisation_ids: Iterable[UUID | str], query: str) -> tuple[list[int], int]:
    """The tokens of the query's words under each organisation's key, and the number of words
    a person must match (each word is a prefix term; a person matches when every word does)."""
    terms = query_words(query)
    tokens: list[int] = []
    for organisation_id in dict.fromkeys(str(o) for o in organisation_ids):
        tokens.extend(_hashed(organisation_id, terms))
    return tokens, len(terms)


def rebuild(*, organisation_id: UUID | str | None = None, batch: int = 2000) -> int:
    """Rebuild the index of every person (or of one organisation's persons) from their sealed
    identity, one batch per transaction. Returns the number of persons indexed. Audited."""
    persons = Person.objects.select_related("organisation").only(
        "id", "organisation_id", "organisation__type", "identity_sealed", "is_anonymised"
    )
    if organisation_id is not None:
        persons = persons.filter(organisation_id=organisation_id)
    indexed = 0
    last: UUID | None = None
    while True:
        page = persons.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        chunk = list(page[:batch])
        if not chunk:
            break
        last = chunk[-1].pk
        rows: list[PersonSearchToken] = []
        for person in chunk:
            if person.is_anonymised or not person.identity_sealed:
                continue
            grant = search_index_grant(
                subject=Subject(
                    kind="person",
                    id=person.pk,
                    person_id=person.pk,
                    owner_organisation_id=person.organisation_id,
                    owner_organisation_type=person.organisation.type,
                )
            )
            identity = category_data(grant, person, Category.IDENTITY)
            tokens = person_tokens(organisation_id=person.organisation_id, identity=identity)
            rows.extend(PersonSearchToken(token=t, person_id=person.pk) for t in tokens)
            indexed += 1
        with transaction.atomic():
            PersonSearchToken.objects.filter(person_id__in=[p.pk for p in chunk]).delete()
            PersonSearchToken.objects.bulk_create(rows, batch_size=5000)
    audit_record(
        action="case_search_index_rebuilt",
        organisation_id=organisation_id,
        target_type="organisation" if organisation_id else "",
        target_id=str(organisation_id or ""),
        details={"persons": indexed},
    )
    return indexed
