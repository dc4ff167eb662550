from django.apps import AppConfig


class CoalitionPagesConfig(AppConfig):
    """A coalition's pages that read the layers below it: its information-sharing agreement,
    the glossary and the members' mandates (who writes them depends on accounts' roles)."""

    name = "arrimage.coalition_pages"
    label = "coalition_pages"
    verbose_name = "Coalition pages"
