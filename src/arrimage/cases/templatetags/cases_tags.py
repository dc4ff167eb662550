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
