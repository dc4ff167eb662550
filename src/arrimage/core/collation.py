"""Sorting names as a French reader expects, without ICU: letters first, accents and case
only to break ties ("Égypte" between "Équateur"'s neighbours, not after "Zimbabwe").

This is the primary and secondary strength of the Unicode collation for French on the
names Arrimage sorts (countries, languages, towns): accents folded by decomposition (NFD,
combining marks dropped), ligatures spelt out (œ → oe, æ → ae, ß → ss), case folded; then the
name itself, so that equal letters keep one fixed order. It does not reorder accents from the
end of the word (the old Canadian French rule, which CLDR dropped), nor weigh punctuation
differently from Python's code points: both only matter between names that differ by accents
alone, which the lists sorted here do not hold."""

import unicodedata
from functools import cache

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


@cache
def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(LIGATURES))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return letters.casefold()


def collation_key(text: str) -> tuple[str, str]:
    """The key to ``sorted(..., key=...)`` names in French (and English) order."""
    return (_folded(text), text)
