"""What a search box holds: words to find, and perhaps a place to rank by distance from.

"hébergements femmes H2X" becomes two groups of alternatives (the stems of "hébergements",
with the category tokens its synonyms name; the stems of "femmes") and a place (H2X, in Le
Plateau-Mont-Royal). A service matches a group when its document holds any of the group's
alternatives; ranking counts the groups it matches (``search``).

The box is first read without the vocabulary (``query_parse``): every word searched by all its
stems. Only when no service holds every word is it read against the vocabulary of the search
documents (``query_check``): a known stem is searched as it is; an unknown word is corrected to
the closest known words (typos), or else searched as a prefix ("interpr"), or else left out and
named on the page. Most searches thus cost no vocabulary lookup. A postal code or forward sortation
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
    words: tuple[tuple[str, str], ...] = ()  # the words searched: (as written, normalised)
    checked: bool = False  # read against the vocabulary (query_check)

    @property
    def is_blank(self) -> bool:
        """Nothing to search: empty, punctuation, or words too common to search for."""
        return not self.words and self.place is None


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
    """The box read without the vocabulary: every word searched by all its stems (and its
    synonyms). Most searches need nothing more: when the index holds every word, the unknown
    stems among the alternatives simply match nothing. ``query_check`` reads it again against
    the vocabulary when that finds nothing."""
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
    groups = [Group(word, tuple(stems(written))) for written, word in words]
    return _expanded(
        TextQuery(typed=typed, place=place, ignored=tuple(ignored), words=tuple(words)),
        [(group, frozenset(group.alternatives)) for group in groups],
    )


def query_check(query: TextQuery) -> TextQuery:
    """The box read against the vocabulary: a word none of whose stems a document holds (nor
    a synonym) is corrected to the closest known words, else searched as a prefix, else left
    out."""
    if query.checked:
        return query
    word_stems = [frozenset(stems(written)) for written, _word in query.words]
    known = stems_known(s for group in word_stems for s in group) | (
        synonym_stems() & set().union(set(), *word_stems)
    )
    groups: list[tuple[Group | None, frozenset[str]]] = []
    found_corrections: list[tuple[str, str]] = []
    for (written, word), own in zip(query.words, word_stems, strict=True):
        if own & known:
            groups.append((Group(word, tuple(sorted(own & known))), own))
            continue
        fixed = corrections(word)
        if fixed:
            fixed_stems = frozenset(s for w in fixed for s in stems(w))
            group = Group(word, tuple(sorted(fixed_stems)), weight=CORRECTED_WEIGHT)
            groups.append((group, fixed_stems))
            found_corrections += [(written, w) for w in fixed]
        elif len(word) >= MIN_PREFIX and prefix_known(word):
            groups.append((Group(word, (), prefixes=(word,), weight=PREFIX_WEIGHT), own))
        else:
            groups.append((None, own))
    checked = TextQuery(
        typed=query.typed,
        place=query.place,
        ignored=query.ignored,
        corrections=tuple(found_corrections),
        words=query.words,
        checked=True,
    )
    return _expanded(checked, groups)


def _expanded(query: TextQuery, groups: list[tuple[Group | None, frozenset[str]]]) -> TextQuery:
    """The query with its groups and what their synonyms add (each group given with the
    stems it is read as); a word with no group and no synonym is left out."""
    final: list[Group] = []
    ignored = list(query.ignored)
    added_all = synonyms_apply([read_as for _group, read_as in groups])
    for (group, read_as), (_written, word), added in zip(
        groups, query.words, added_all, strict=True
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
                score_terms=tuple(sorted(eligibility_tokens(read_as) - set(alternatives))),
            )
        )
    return TextQuery(
        typed=query.typed,
        groups=tuple(final),
        place=query.place,
        ignored=tuple(ignored),
        corrections=query.corrections,
        words=query.words,
        checked=query.checked,
    )
