"""Text analysis for search: lower-case, no accents, words, and their Snowball stems.

The directory is searched in French and English, often without accents and with plurals, so a
word is indexed and searched by its stems: the French Snowball stem of the word as written
(accents help the French stemmer: "exploitées" -> "exploit"), the French stem and the English
stem of the word without accents ("exploitees" -> "exploite", "shelters" -> "shelter"). A
query word finds a document word when they share a stem; both sides are analysed by the same
code, on SQLite and PostgreSQL alike.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

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
# Letters and digits in any script, accents kept: the words of a text before normalising.
_RAW_WORD = re.compile(r"[^\W_]+")

# French and English words too common to search for, and single letters ("l'", "d'", "'s").
_FRENCH_STOP_WORDS = "au aux avec de des du en et la le les ou par pour sur un une"
_ENGLISH_STOP_WORDS = "an and at for in of on or the to with"
STOP_WORDS = (
    frozenset(_FRENCH_STOP_WORDS.split())
    | frozenset(_ENGLISH_STOP_WORDS.split())
    | frozenset("abcdefghijklmnopqrstuvwxyz")
)
MAX_QUERY_WORDS = 8

# English plurals no stemmer undoes; French has none a worker would type in a search.
_IRREGULAR = {"women": "woman", "men": "man", "children": "child", "people": "person"}

_FRENCH = Stemmer.Stemmer("french")
_ENGLISH = Stemmer.Stemmer("english")


def normalise(text: str) -> str:
    """'Hébergement d'URGENCE' -> 'hebergement d urgence'. Letters outside the Latin script
    are dropped: the directory is searched in French and English."""
    if not text.isascii():
        for source, target in _LIGATURES:
            if source in text:
                text = text.replace(source, target)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", text.lower()).strip()


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The stems of one word as written (lower-case, accents or not), without accents:
    'Hébergements' -> ('heberg',); 'shelters' -> ('shelter',); 'exploitées' ->
    ('exploit', 'exploite'). Empty for a word that normalises to nothing."""
    lower = word.lower()
    plain = normalise(lower).replace(" ", "")
    if not plain:
        return ()
    plain = _IRREGULAR.get(plain, plain)
    found = [
        normalise(_FRENCH.stemWord(lower)).replace(" ", ""),
        _FRENCH.stemWord(plain),
        _ENGLISH.stemWord(plain),
    ]
    return tuple(sorted({s for s in found if s}))


def raw_words(text: str) -> list[str]:
    """The words of a text as written, lower-case, accents kept, split at anything that is
    neither a letter nor a digit ("l'hébergement" -> ['l', 'hébergement'])."""
    return _RAW_WORD.findall(text.lower())


@lru_cache(maxsize=65536)
def word_normalised(raw: str) -> str:
    """``normalise`` of one word, remembered: documents repeat their words."""
    return normalise(raw)


def text_stems(text: str) -> set[str]:
    """Every stem of every word of a text, stop words left out."""
    found: set[str] = set()
    for raw in raw_words(text):
        if word_normalised(raw) in STOP_WORDS:
            continue
        found.update(stems(raw))
    return found


def text_words(text: str) -> set[str]:
    """The normalised words of a text, stop words left out (the vocabulary of typos)."""
    return {w for w in normalise(text).split() if w not in STOP_WORDS}


def query_words(text: str) -> list[str]:
    """The words of a search box, without stop words, at most eight."""
    words = [w for w in normalise(text).split() if w not in STOP_WORDS]
    return words[:MAX_QUERY_WORDS]


@lru_cache(maxsize=16384)
def token(kind: str, code: str) -> str:
    """A filter token stored in the search document: ('c', 'housing_emergency') ->
    'xchousingemergency'. Letters and digits only, so both full-text engines keep it whole."""
    return "x" + kind + _NON_WORD.sub("", normalise(code))
