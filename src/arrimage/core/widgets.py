"""Choice widgets whose HTML each process keeps once rendered.

Django renders a ``<select>`` through one template per option: a filter form of a few lists of
regions, languages and categories costs milliseconds on every page that shows it (a third of
the directory search page, profiled with ``bench/load_profile.py``). Its HTML is a function of
what the widget is given alone: its class, name, value, attributes and choices, and the language
of the labels. Those are the key of the kept HTML, so a change of any of them (a choice added,
another language, an error that adds an attribute) renders anew; nothing else is kept.
"""

from collections.abc import Hashable
from typing import Any

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Renderings kept per process: the search form's filters in two languages take about twenty.
MAX_KEPT = 512
_kept: dict[Hashable, SafeString] = {}


def _frozen(value: Any) -> Hashable:
    """A hashable copy of a widget's value, attributes or choices (labels as text)."""
    if isinstance(value, dict):
        return tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


class KeptRendering(forms.Widget):
    """Renders once per distinct input and process, then answers from what it kept."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        choices = getattr(self, "choices", ())
        key = (
            type(self),
            type(renderer),
            get_language(),
            name,
            _frozen(self.format_value(value)),
            _frozen(attrs),
            _frozen(self.attrs),
            _frozen(list(choices)),
        )
        html = _kept.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = html
        return html


class KeptSelect(KeptRendering, forms.Select):
    pass


class KeptCheckboxSelectMultiple(KeptRendering, forms.CheckboxSelectMultiple):
    pass
