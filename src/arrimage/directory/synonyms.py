"""Synonyms: what workers type, mapped to the bilingual taxonomy (data/search_synonyms.csv).

"psychologues" finds mental health, "avocat immigration" immigration legal help and "human
trafficking" the services that name trafficking or a form of exploitation: each phrase expands
to taxonomy codes (searched as the filter tokens every service carries for its categories and
eligibility) and to words. Phrases are matched by stems, so plurals and accents do not matter.
The table is small, ships with Arrimage and is read once per process; changing it changes what
a search finds at once, without rebuilding the search rows.
"""

import csv
from dataclasses import dataclass, field
from functools import cache

from arrimage.directory.geo import DATA
from arrimage.directory.taxonomy import CATEGORY_CODES, ELIGIBILITY, LANGUAGES, TERMS_BY_CODE
from arrimage.directory.text import STOP_WORDS, normalise, raw_words, stems, text_stems, token


@dataclass(frozen=True)
class Synonym:
    phrase: tuple[frozenset[str], ...]  # the stems of each of its words
    tokens: tuple[str, ...]  # taxonomy codes as search tokens
    stems: tuple[str, ...]  # the stems of the words it expands to


def _word_stems(text: str) -> list[frozenset[str]]:
    """The stems of each word of a phrase, stop words left out."""
    found = []
    for raw in raw_words(text):
        word_stems = stems(raw)
        if word_stems and normalise(raw) not in STOP_WORDS:
            found.append(frozenset(word_stems))
    return found


def _tokens_and_stems(expansion: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tokens: list[str] = []
    found: set[str] = set()
    for item in expansion.split():
        if item in TERMS_BY_CODE:
            tokens.append(token("c" if item in CATEGORY_CODES else "e", item))
        else:
            for raw in raw_words(item):
                found.update(stems(raw))
    return tuple(tokens), tuple(sorted(found))


@cache
def synonyms() -> tuple[Synonym, ...]:
    rows = []
    with (DATA / "search_synonyms.csv").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            phrase = _word_stems(row["phrase"])
            if phrase:
                rows.append(Synonym(tuple(phrase), *_tokens_and_stems(row["expands_to"])))
    return tuple(rows)


@cache
def synonym_stems() -> frozenset[str]:
    """Every stem of every phrase: a word holding one is known even if no service uses it."""
    return frozenset(s for synonym in synonyms() for word in synonym.phrase for s in word)


@cache
def _by_first_stem() -> dict[str, tuple[Synonym, ...]]:
    found: dict[str, list[Synonym]] = {}
    for synonym in synonyms():
        for stem in synonym.phrase[0]:
            found.setdefault(stem, []).append(synonym)
    return {stem: tuple(found_synonyms) for stem, found_synonyms in found.items()}


@dataclass
class Added:
    """What synonyms add to one word of a query: taxonomy tokens, stems, and the tokens of
    the phrases of several words it is part of (a whole phrase found: "aide sociale")."""

    tokens: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    phrase_tokens: set[str] = field(default_factory=set)


def synonyms_apply(words: list[frozenset[str]]) -> list[Added]:
    """For each word of a query (given by its stems), what its synonyms add: every phrase
    found in the query adds its expansions to each word it covers."""
    added = [Added() for _word in words]
    starting = _by_first_stem()
    for start, first in enumerate(words):
        candidates = {s for stem in first for s in starting.get(stem, ())}
        for synonym in candidates:
            length = len(synonym.phrase)
            if start + length > len(words):
                continue
            if all(synonym.phrase[i] & words[start + i] for i in range(length)):
                for i in range(start, start + length):
                    added[i].tokens.update(synonym.tokens)
                    added[i].stems.update(synonym.stems)
                    if length > 1:
                        added[i].phrase_tokens.update(synonym.tokens)
    return added


@cache
def _eligibility_by_stem() -> dict[str, frozenset[str]]:
    """A stem -> the tokens of the eligibility terms and languages whose names (French or
    English) or words hold it ("femm" -> xegenderwomen, "espagnol" -> xles)."""
    found: dict[str, set[str]] = {}
    for term in ELIGIBILITY:
        for text in (term.name_fr, term.name_en, *term.words):
            for stem in text_stems(text):
                found.setdefault(stem, set()).add(token("e", term.code))
    for code, names in LANGUAGES.items():
        for name in names:
            for stem in text_stems(name):
                found.setdefault(stem, set()).add(token("l", code))
    return {stem: frozenset(tokens) for stem, tokens in found.items()}


def eligibility_tokens(word_stems: frozenset[str]) -> set[str]:
    """The tokens of the eligibility terms and languages a word names: what ranking looks for
    in a service's eligibility, where it keeps Arrimage's own terms as tokens."""
    table = _eligibility_by_stem()
    return {t for stem in word_stems for t in table.get(stem, ())}
