"""Background jobs of trends, run by ``arrimage worker``: the statistics projection is kept up
to date by the worker, not by a web request. A release also brings it up to date first (in
its own task, ``release_tasks.py``)."""

from datetime import timedelta

from arrimage.coalition.models import Organisation
from arrimage.core.background import background_task, periodic
from arrimage.trends.projection import statistics_records_refresh


@background_task()
def statistics_refresh() -> None:
    """Every organisation's cases and consents, incrementally (only what changed)."""
    statistics_records_refresh(organisation_ids=Organisation.objects.values_list("pk", flat=True))


periodic(statistics_refresh, every=timedelta(minutes=15))
