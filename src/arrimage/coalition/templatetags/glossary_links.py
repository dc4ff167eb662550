"""``{% load glossary_links %}``: link a word to its glossary entry, the same way everywhere.

- ``{% glossary_link "traite" label %}``: the label as a link to the term (the label alone when
  the slug is empty);
- ``{% glossary_link_for "exploitation" code label %}``: the same, from a code another app shows;
- ``{% glossary_href "traite" %}``: the address only.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from arrimage.coalition.glossary_links import glossary_slug_for, glossary_url

register = template.Library()


@register.simple_tag
def glossary_href(slug: str) -> str:
    return glossary_url(slug)


@register.simple_tag
def glossary_link(slug: str, label: object) -> SafeString:
    if not slug:
        return format_html("{}", label)
    return format_html(
        '<a class="glossary-link" href="{}" data-glossary="{}" title="{}">{}</a>',
        glossary_url(slug),
        slug,
        _("What this word means for each partner, and in law"),
        label,
    )


@register.simple_tag
def glossary_link_for(kind: str, code: str, label: object) -> SafeString:
    return glossary_link(glossary_slug_for(kind, code), label)
