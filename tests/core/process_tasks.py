"""Tasks that real worker processes run in the tests (``arrimage worker`` imports them by
path): they leave a file per attempt in ``ARRIMAGE_TEST_TASK_DIR``, so that the test sees
which process ran which attempt."""

import os
import time
from pathlib import Path

from arrimage.core.background import background_task


def _mark(name: str) -> Path:
    directory = Path(os.environ["ARRIMAGE_TEST_TASK_DIR"])
    path = directory / name
    path.touch()
    return path


@background_task(takes_context=True, max_attempts=3)
def hang_on_first_attempt(context, *, label: str) -> str:
    """The first attempt never ends (its worker is killed); the next one finishes."""
    _mark(f"{label}.attempt{context.attempt}.pid{os.getpid()}")
    if context.attempt == 1:
        while True:
            time.sleep(0.2)
    return "done"


@background_task()
def record_run(*, label: str) -> None:
    """One line per run in the task's file: a task run twice has two lines."""
    directory = Path(os.environ["ARRIMAGE_TEST_TASK_DIR"])
    with (directory / f"run.{label}").open("a") as marker:
        marker.write(f"{os.getpid()}\n")
