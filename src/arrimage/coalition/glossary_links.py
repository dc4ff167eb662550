"""One way for every page to link a word to its glossary entry (docs/coalition.md).

``glossary_slug_for(kind, code)`` maps the codes other apps show (a form of exploitation in the
statistics, the source of a screening indicator) to a term; the template tags in
``templatetags/glossary_links.py`` draw the link. The URL belongs to the coalition's pages
(``glossary:term``), reversed by name."""

from django.urls import reverse

# Slugs of the shipped terms (data/glossary.json).
TRAFFICKING = "traite"
SEXUAL_EXPLOITATION = "exploitation-sexuelle"
FORCED_LABOUR = "travail-force"
VICTIM = "victime"
PROCURING = "proxenetisme"
SMUGGLING = "trafic-de-migrants"

# (kind, code) -> slug.
LINKED_CODES: dict[tuple[str, str], str] = {
    # trends: the "exploitation" dimension of a release (trends/vocabulary.py).
    ("exploitation", "sexual"): SEXUAL_EXPLOITATION,
    ("exploitation", "labour"): FORCED_LABOUR,
    # screening: the source of an indicator (screening/data/questions.json).
    ("screening_source", "ilo"): FORCED_LABOUR,
    ("screening_source", "sexual"): SEXUAL_EXPLOITATION,
    ("screening_source", "vera"): TRAFFICKING,
    ("screening_source", "nhttac"): TRAFFICKING,
}


def glossary_slug_for(kind: str, code: str) -> str:
    """The term that explains ``code`` shown as ``kind``, or ``""``."""
    return LINKED_CODES.get((kind, code), "")


def glossary_url(slug: str) -> str:
    return reverse("glossary:term", kwargs={"slug": slug})
