"""French typography in templates: ``{{ _("Level")|colon }}`` gives "Niveau :" (with a
non-breaking space) in French and "Level:" in English, from one catalog entry
("%(label)s:"), instead of a colon typed after the translated word."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def colon(label: object) -> str:
    return gettext("%(label)s:") % {"label": label}
