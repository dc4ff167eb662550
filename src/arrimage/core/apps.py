from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "arrimage.core"
    label = "core"

    def ready(self) -> None:
        from arrimage.core.text import install_database_guard
        from arrimage.core.throttling import rate_for

        # A rate written wrong stops the start, not the first request.
        for scope in settings.ARRIMAGE_RATES:
            rate_for(scope)

        # The last safety net for text: every query of every connection (core/text.py).
        connection_created.connect(install_database_guard, dispatch_uid="arrimage-text-guard")
