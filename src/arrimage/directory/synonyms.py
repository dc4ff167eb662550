"""Synonyms: what workers type, mapped to the bilingual taxonomy (data/search_synonyms.csv).

"psychologues" finds mental health, "avocat immigration" immigration legal help and "human
trafficking" the services that name trafficking or a form of exploitation: each phrase expands
to taxonomy codes (searched as the filter tokens every service carries for its categories and
eligibility) and to words. Phrases are matched by stems, so plurals and accents do not matter.
The table is small, ships with Arrimage and is read once per process; changing it changes what
a search finds at once, without rebuilding the search rows.
"""

import csv
from dataclasses import dataclass
from functools import cache

from arrimage.directory.geo import DATA
from arrimage.directory.taxonomy import CATEGORY_CODES, TERMS_BY_CODE
from arrimage.directory.text import STOP_WORDS, normalise, raw_words, stems, token


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


def synonyms_apply(words: list[frozenset[str]]) -> list[tuple[set[str], set[str]]]:
    """For each word of a query (given by its stems), the tokens and the stems its synonyms
    add: every phrase found in the query adds its expansions to each word it covers."""
    added: list[tuple[set[str], set[str]]] = [(set(), set()) for _word in words]
    for synonym in synonyms():
        length = len(synonym.phrase)
        for start in range(len(words) - length + 1):
            if all(synonym.phrase[i] & words[start + i] for i in range(length)):
                for i in range(start, start + length):
                    added[i][0].update(synonym.tokens)
                    added[i][1].update(synonym.stems)
    return added
