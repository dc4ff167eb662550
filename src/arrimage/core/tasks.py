"""Periodic upkeep of the task table itself."""

from datetime import timedelta

from arrimage.core.background import background_task, periodic
from arrimage.core.worker import tasks_purge

FINISHED_TASK_DAYS = 30


@background_task()
def tasks_forget() -> None:
    """Forget finished tasks after a month: they hold ids only, but nobody needs them."""
    tasks_purge(older_than_days=FINISHED_TASK_DAYS)


periodic(tasks_forget, every=timedelta(days=1), offset=timedelta(hours=6))
