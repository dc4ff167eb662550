"""The search's vocabulary (:class:`SearchTerm`): which stems the documents hold, and the
correction of a mistyped word against the words they hold.

A word is corrected to the words at the smallest edit distance (optimal string alignment, so
a swap of two letters is one edit): one edit for words of four to seven letters, two from
eight. PostgreSQL finds the candidates through a trigram index (pg_trgm, GIN: the words that
share at least a fifth of their trigrams); SQLite reads the words of about the same length.
rapidfuzz then measures them, and the same rule picks among the candidates on both
databases.
"""

from collections.abc import Iterable

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from arrimage.directory.models import SearchTerm

MAX_TERM = 100
MIN_CORRECTED = 4  # shorter words are acronyms or codes: never corrected
MAX_CORRECTIONS = 3
# Candidates only: the words sharing at least a fifth of their trigrams (a first letter
# mistyped in a four-letter word shares a quarter), the 30 closest; the edit distance decides.
TRIGRAM_THRESHOLD = 0.2
TRIGRAM_CANDIDATES = 30


def vocabulary_add(*, words: Iterable[str], stems: Iterable[str]) -> None:
    """Record words and stems (existing ones are left as they are)."""
    rows = [
        SearchTerm(kind=kind, term=term, length=len(term))
        for kind, terms in ((SearchTerm.WORD, words), (SearchTerm.STEM, stems))
        for term in sorted(set(terms))
        if 0 < len(term) <= MAX_TERM
    ]
    SearchTerm.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def vocabulary_clear() -> None:
    SearchTerm.objects.all().delete()


def stems_known(stems: Iterable[str]) -> set[str]:
    """Which of these stems some search document holds."""
    wanted = sorted(set(stems))
    if not wanted:
        return set()
    with connection.cursor() as cursor:  # on every search: without the ORM's overhead
        cursor.execute(
            f"SELECT term FROM {SearchTerm._meta.db_table} "  # noqa: S608
            f"WHERE kind = %s AND term IN ({', '.join(['%s'] * len(wanted))})",
            [SearchTerm.STEM, *wanted],
        )
        return {row[0] for row in cursor.fetchall()}


def prefix_known(prefix: str) -> bool:
    """Whether some stem starts with ``prefix`` (letters and digits only)."""
    return SearchTerm.objects.filter(
        kind=SearchTerm.STEM, term__gte=prefix, term__lt=prefix + "{"
    ).exists()


def edits_allowed(word: str) -> int:
    if len(word) < MIN_CORRECTED:
        return 0
    return 1 if len(word) < 8 else 2


def _candidates(word: str, allowed: int) -> list[str]:
    if connection.vendor == "postgresql":
        # The words sharing enough trigrams, found through the GIN index (a fraction of a
        # millisecond, where ordering a GiST index by distance takes tens).
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.similarity_threshold = {TRIGRAM_THRESHOLD}")
            cursor.execute(
                "SELECT term FROM directory_searchterm WHERE kind = 'w' AND term %% %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [word, word, TRIGRAM_CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]
    return list(
        SearchTerm.objects.filter(
            kind=SearchTerm.WORD,
            length__gte=len(word) - allowed,
            length__lte=len(word) + allowed,
        ).values_list("term", flat=True)
    )


def corrections(word: str) -> list[str]:
    """The known words closest to ``word`` within the edits allowed for its length, closest
    first (then alphabetical), at most three; none for a short word."""
    allowed = edits_allowed(word)
    if not allowed:
        return []
    scored = process.extract(
        word,
        _candidates(word, allowed),
        scorer=OSA.distance,
        score_cutoff=allowed,
        limit=None,
    )
    if not scored:
        return []
    best = min(score for _term, score, _index in scored)
    return sorted(term for term, score, _index in scored if score == best)[:MAX_CORRECTIONS]
