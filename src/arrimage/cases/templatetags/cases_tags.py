from functools import cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from arrimage.cases.countries import country_choices, country_name, in_english
from arrimage.cases.languages import LANGUAGE_NAMES
from arrimage.privacy.categories import Category

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any] | None, key: object) -> Any:
    if not mapping:
        return key
    return mapping.get(str(key), key)


@register.filter
def category_label(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return code


@register.filter
def labels(codes: list[str] | None, mapping: dict[str, Any]) -> str:
    return ", ".join(str(mapping.get(code, code)) for code in (codes or []))


@register.filter
def countries(codes: list[str] | None) -> str:
    return ", ".join(country_name(code) for code in (codes or []))


@cache
def _country_options(english: bool) -> tuple[tuple[str, str, str], ...]:
    """(code, option, selected option) of every country; ``english`` is the cache key: the
    names come from the active language, which it describes."""
    options = []
    for code, name in country_choices():
        options.append(
            (
                code,
                format_html('<option value="{}">{}</option>', code, name),
                format_html('<option value="{}" selected>{}</option>', code, name),
            )
        )
    return tuple(options)


@register.simple_tag
def country_options(selected: list[str] | str | None) -> str:
    """The ``<option>`` of every country in the active language, those in ``selected``
    marked. The options are built once per language: the same loop over 250 countries in
    the template took about a third of the case page's time."""
    chosen = {selected} if isinstance(selected, str) else set(selected or [])
    return mark_safe(  # noqa: S308 - every part was escaped by format_html
        "".join(
            marked if code in chosen else plain
            for code, plain, marked in _country_options(in_english())
        )
    )


@register.filter
def has(items: object, key: str) -> bool:
    return key in (items or [])  # type: ignore[operator]


@register.filter
def language_names(codes: list[str] | None) -> str:
    """Language codes as names in the active language ("es" → "espagnol"), codes Django does not
    know as they are."""
    from django.conf.locale import LANG_INFO
    from django.utils.translation import gettext

    english = in_english()
    names = []
    for code in codes or []:
        key = str(code).lower()
        if key in LANGUAGE_NAMES:
            names.append(LANGUAGE_NAMES[key][1 if english else 0])
            continue
        info = LANG_INFO.get(key) or LANG_INFO.get(f"{key}-hans")
        names.append(gettext(info["name"]) if info else str(code))
    return ", ".join(names)


@register.filter
def category_labels(codes: str | list[str] | None) -> str:
    """Category codes, as a list or comma-separated, as their names."""
    items = codes.split(",") if isinstance(codes, str) else list(codes or [])
    return ", ".join(category_label(code.strip()) for code in items if code.strip())
