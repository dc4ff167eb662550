"""Periodic upkeep of the queue itself."""

from datetime import timedelta

from arrimage.core.queue import periodic, task, task_purge

FINISHED_TASK_KEPT = timedelta(days=30)


@task("queue_purge")
def queue_purge() -> None:
    """Forget finished tasks after a month: they hold ids only, but nobody needs them."""
    task_purge(older_than=FINISHED_TASK_KEPT)


periodic("queue_purge", every=timedelta(days=1), offset=timedelta(hours=6))
