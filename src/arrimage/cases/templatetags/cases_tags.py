from typing import Any

from django import template

from arrimage.cases.countries import country_name
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


@register.filter
def has(items: object, key: str) -> bool:
    return key in (items or [])  # type: ignore[operator]


@register.filter
def language_names(codes: list[str] | None) -> str:
    """Language codes as names in the active language ("es" → "espagnol"), codes Django does not
    know as they are."""
    from django.conf.locale import LANG_INFO
    from django.utils.translation import gettext

    names = []
    for code in codes or []:
        key = str(code).lower()
        info = LANG_INFO.get(key) or LANG_INFO.get(f"{key}-hans")
        names.append(gettext(info["name"]) if info else str(code))
    return ", ".join(names)


@register.filter
def category_labels(codes: str | list[str] | None) -> str:
    """Category codes, as a list or comma-separated, as their names."""
    items = codes.split(",") if isinstance(codes, str) else list(codes or [])
    return ", ".join(category_label(code.strip()) for code in items if code.strip())
