"""``{% suppression_rule threshold %}``: the small-cell rule, in the words every page uses
(``arrimage.trends.presentation.suppression_rule``)."""

from django import template

from arrimage.trends.presentation import suppression_rule as rule

register = template.Library()


@register.simple_tag
def suppression_rule(threshold: int) -> str:
    return rule(int(threshold))
