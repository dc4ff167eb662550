import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrimage.settings")
application = get_wsgi_application()

from django.db import connections  # noqa: E402  (after the settings are loaded)
from django.urls import get_resolver  # noqa: E402
from django.utils import translation  # noqa: E402


def warm_up() -> None:
    """Import every view and API module and load both catalogs now, not in the first request
    of each worker: that made the first request of each worker wait seconds (the URLconf
    imports the views, which import openpyxl, reportlab, jsonschema, opendp, and the API's
    schemas). ``arrimage serve`` preloads this module in gunicorn's master, so each worker is
    forked warm. No database connection is left open to be shared by the forked workers."""
    get_resolver().url_patterns  # noqa: B018  (imports the URLconf)
    for language in ("fr", "en"):
        with translation.override(language):
            translation.gettext("Save")
    connections.close_all()


warm_up()
