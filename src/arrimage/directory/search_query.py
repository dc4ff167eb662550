"""What a search box holds: words to find, and perhaps a place to rank by distance from.

"hébergements femmes H2X" becomes two groups of alternatives (the stems of "hébergements",
with the category tokens its synonyms name; the stems of "femmes") and a place (H2X, in Le
Plateau-Mont-Royal). A service matches a group when its document holds any of the group's
alternatives; ranking counts the groups it matches (``search``).

Each word is looked up in the vocabulary of the search documents: a known stem is searched as
it is; an unknown word is corrected to the closest known words (typos), or else searched as a
prefix ("heberg"), or else left out and named on the page. A postal code or forward sortation
area, a municipality ("st-jérôme", "Chomedey") or a region ("Estrie") is a place, not a word.
"""

from dataclasses import dataclass, field
from functools import cache

from arrimage.coalition.models import Region
from arrimage.directory import geo
from arrimage.directory.synonyms import eligibility_tokens, synonym_stems, synonyms_apply
from arrimage.directory.text import (
    MAX_QUERY_WORDS,
    STOP_WORDS,
    normalise,
    raw_words,
    stems,
)
from arrimage.directory.vocabulary import corrections, prefix_known, stems_known

MAX_QUERY_LENGTH = 200
MIN_PREFIX = 3
MAX_PLACE_WORDS = 6
# How much a group counts when its word was corrected, or searched as a prefix.
CORRECTED_WEIGHT = 0.8
PREFIX_WEIGHT = 0.6


@dataclass(frozen=True)
class Group:
    """One word of the query: a service matches it when its document holds any of the
    alternatives (stems and tokens) or a stem starting with one of the prefixes."""

    word: str
    alternatives: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    weight: float = 1.0
    # Taxonomy tokens of a phrase of several words found whole in the query ("aide
    # sociale" -> income): a service holding one matched the phrase, not just the word.
    phrase_tokens: tuple[str, ...] = ()
    # Tokens ranking looks for besides the alternatives (eligibility terms and languages the
    # word names), never asked of the index: "femmes" must not find every service that
    # states no gender.
    score_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    label: str  # as typed ("H2X", "st-jérôme")
    municipality: geo.Municipality | None = None
    region_code: str = ""


@dataclass(frozen=True)
class TextQuery:
    typed: bool  # something was typed
    groups: tuple[Group, ...] = ()
    place: Place | None = None
    ignored: tuple[str, ...] = ()  # words that match nothing
    corrections: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # typed, read as

    @property
    def is_blank(self) -> bool:
        """Nothing to search: empty, punctuation, or words too common to search for."""
        return not self.groups and self.place is None


@cache
def _region_names() -> dict[tuple[str, ...], str]:
    """Regions change only with a migration: read once per process."""
    names: dict[tuple[str, ...], str] = {}
    for code, name_fr, name_en in Region.objects.values_list("code", "name_fr", "name_en"):
        for name in (name_fr, name_en):
            names.setdefault(tuple(normalise(name).split()), code)
    return names


def _place_at(words: list[str], start: int) -> tuple[int, Place] | None:
    """The longest place name starting at ``words[start]``: (its length, the place)."""
    municipalities = geo.municipality_names()
    regions = _region_names()
    for length in range(min(MAX_PLACE_WORDS, len(words) - start), 0, -1):
        key = tuple(words[start : start + length])
        label = " ".join(key)
        code = municipalities.get(key)
        if code is not None:
            return length, Place(label, municipality=geo.municipality_get(code))
        if key in regions:
            return length, Place(label, region_code=regions[key])
    return None


def _postcode(text: str) -> tuple[str, Place | None, list[str]]:
    """The text without postal codes, the place of the first one, the ones not placed."""
    place: Place | None = None
    unplaced: list[str] = []
    for match in geo.POSTCODE.finditer(text):
        label = match.group(0).upper()
        municipality = geo.municipality_for_postcode(match.group(1))
        if municipality is None:
            unplaced.append(label)
        elif place is None:
            place = Place(label, municipality=municipality)
    return geo.POSTCODE.sub(" ", text), place, unplaced


def query_parse(text: str) -> TextQuery:
    text = text[:MAX_QUERY_LENGTH]
    typed = bool(text.strip())
    text, place, ignored = _postcode(text)
    raw = [r for r in raw_words(text) if normalise(r)]
    normal = [normalise(r) for r in raw]
    words: list[tuple[str, str]] = []  # (as written, normalised)
    index = 0
    while index < len(raw):
        found = _place_at(normal, index)
        if found is not None:
            length, named = found
            place = place or named
            index += length
            continue
        if normal[index] not in STOP_WORDS:
            words.append((raw[index], normal[index]))
        index += 1
    words = words[:MAX_QUERY_WORDS]
    word_stems = [frozenset(stems(written)) for written, _word in words]
    known = stems_known(s for group in word_stems for s in group) | (
        synonym_stems() & set().union(*word_stems)
    )
    read_as: list[frozenset[str]] = []
    groups: list[Group | None] = []
    found_corrections: list[tuple[str, str]] = []
    for (_written, word), own in zip(words, word_stems, strict=True):
        if own & known:
            read_as.append(own)
            groups.append(Group(word, tuple(sorted(own & known))))
            continue
        fixed = corrections(word)
        if fixed:
            fixed_stems = frozenset(s for w in fixed for s in stems(w))
            read_as.append(fixed_stems)
            groups.append(Group(word, tuple(sorted(fixed_stems)), weight=CORRECTED_WEIGHT))
            found_corrections += [(_written, w) for w in fixed]
            continue
        read_as.append(own)
        if len(word) >= MIN_PREFIX and prefix_known(word):
            groups.append(Group(word, (), prefixes=(word,), weight=PREFIX_WEIGHT))
        else:
            groups.append(None)
    final: list[Group] = []
    for (_written, word), group, added, stems_read in zip(
        words, groups, synonyms_apply(read_as), read_as, strict=True
    ):
        if group is None and not added.tokens and not added.stems:
            ignored.append(word)
            continue
        base = group or Group(word, ())
        alternatives = tuple(sorted(set(base.alternatives) | added.tokens | added.stems))
        final.append(
            Group(
                word,
                alternatives,
                base.prefixes,
                base.weight,
                phrase_tokens=tuple(sorted(added.phrase_tokens)),
                score_terms=tuple(sorted(eligibility_tokens(stems_read) - set(alternatives))),
            )
        )
    return TextQuery(
        typed=typed,
        groups=tuple(final),
        place=place,
        ignored=tuple(ignored),
        corrections=tuple(found_corrections),
    )
