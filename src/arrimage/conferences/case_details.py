"""What a case conference's theme and place must not carry: they go into calendar invitations
and the list every participant sees (police included)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from arrimage.cases.access import CaseGrant
from arrimage.cases.sealing import category_data
from arrimage.privacy.categories import Category


def _words(value: str) -> list[str]:
    """The words of ``value``, case and accents set aside: "Élodie" and "elodie" match."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"\w+", bare)


def _holds(text: list[str], name: list[str]) -> bool:
    """Whether the words of ``name`` appear, in order and side by side, among ``text``'s."""
    size = len(name)
    return size > 0 and any(text[i : i + size] == name for i in range(len(text) - size + 1))


def no_case_details(grant: CaseGrant, *, title: str, place: str) -> None:
    """Refuse a theme or a place that names the case: they go into calendar invitations and
    the list every participant sees (police included). The case's reference (typed with or
    without separators) and the person's alias, given name and family name, as far as the
    organiser reads them (the grant's identity category), compared whole word by whole word,
    case and accents set aside. A shelter's address typed as the place cannot be recognised
    reliably (the accommodation is free text): the form's help asks not to."""
    names = []
    if grant.may(Category.IDENTITY):
        identity = category_data(grant, grant.case.person, Category.IDENTITY)
        names = [
            _words(str(identity.get(field) or ""))
            for field in ("alias", "given_name", "family_name")
        ]
    reference = grant.case.reference.upper()
    for field, value in (("title", title), ("place", place)):
        if reference in re.sub(r"[\W_]", "", value).upper():
            raise ValidationError(
                _("The theme goes into calendar invitations: leave the case reference out of it.")
                if field == "title"
                else _(
                    "The place goes into calendar invitations: leave the case reference out of it."
                ),
                code=f"reference_in_{field}",
            )
        words = _words(value)
        if any(_holds(words, name) for name in names):
            raise ValidationError(
                _("The theme goes into calendar invitations: leave the person's names out of it.")
                if field == "title"
                else _(
                    "The place goes into calendar invitations: leave the person's names out of it."
                ),
                code=f"name_in_{field}",
            )
