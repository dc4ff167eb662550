"""``{% load screening_tags %}``: whether the acting membership may screen, for the main menu
(the same gate as every screening page: not an enforcement body, a role that writes
exploitation)."""

from django import template

from arrimage.accounts.models import Membership
from arrimage.screening.access import is_screening_reader

register = template.Library()


@register.filter
def may_screen(membership: Membership | None) -> bool:
    return is_screening_reader(membership)
