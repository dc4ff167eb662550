"""Text normalisation for search: lower-case, no accents, words only."""

import re
import unicodedata

_LIGATURES = (
    ("œ", "oe"),
    ("Œ", "OE"),
    ("æ", "ae"),
    ("Æ", "AE"),
    ("ß", "ss"),
    ("’", "'"),
    ("ł", "l"),
    ("Ł", "L"),
    ("ø", "o"),
    ("Ø", "O"),
    ("đ", "d"),
    ("Đ", "D"),
)
_NON_WORD = re.compile(r"[^0-9a-z]+")

# French and English words too common to search for.
_FRENCH_STOP_WORDS = "a au aux avec d de des du en et l la le les ou par pour sur un une"
_ENGLISH_STOP_WORDS = "an and at for in of on or the to with"
STOP_WORDS = frozenset(_FRENCH_STOP_WORDS.split()) | frozenset(_ENGLISH_STOP_WORDS.split())


def normalise(text: str) -> str:
    """'Hébergement d'URGENCE' -> 'hebergement d urgence'. Letters outside the Latin script
    are dropped: the directory is searched in French and English."""
    if not text.isascii():
        for source, target in _LIGATURES:
            if source in text:
                text = text.replace(source, target)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", text.lower()).strip()


def query_words(text: str) -> list[str]:
    """The words of a search box, without stop words, at most eight."""
    words = [w for w in normalise(text).split() if w not in STOP_WORDS]
    return words[:8]


def token(kind: str, code: str) -> str:
    """A filter token stored in the search document: ('c', 'housing_emergency') ->
    'xchousingemergency'. Letters and digits only, so both full-text engines keep it whole."""
    return "x" + kind + _NON_WORD.sub("", normalise(code))
