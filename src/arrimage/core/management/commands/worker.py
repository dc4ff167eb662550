import signal
import threading
from types import FrameType

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.core.background import PERIODIC, tasks_discover
from arrimage.core.worker import worker_id_default, worker_run

MAX_WORKER_ID = 64


class Command(BaseCommand):
    help = (
        "Run background tasks (Django's Tasks API, stored in the database: no extra server). "
        "Start one or more beside `arrimage serve`; stop with Ctrl+C or SIGTERM, which ends "
        "after the current task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every task due now, then exit (for cron or timers).",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after this many tasks."
        )
        parser.add_argument(
            "--idle-sleep",
            type=float,
            default=1.0,
            help="Seconds between polls when nothing is due (default 1).",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="Name written in each claim and heartbeat (default: host and process id); "
            "unique among the workers.",
        )

    def handle(self, *args: object, **options: object) -> None:
        max_tasks = options["max_tasks"]
        idle_sleep = float(options["idle_sleep"])  # type: ignore[arg-type]
        if max_tasks is not None and int(max_tasks) < 1:  # type: ignore[call-overload]
            raise CommandError("--max-tasks must be at least 1")
        if not 0.1 <= idle_sleep <= 3600:
            raise CommandError("--idle-sleep must be between 0.1 and 3600 seconds")
        worker_id = str(options["worker_id"] or worker_id_default())
        if len(worker_id) > MAX_WORKER_ID:
            raise CommandError(f"--worker-id must be at most {MAX_WORKER_ID} characters")
        tasks_discover()
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        verbosity = int(options["verbosity"])  # type: ignore[call-overload]
        if verbosity >= 1 and not options["once"]:
            self.stdout.write(
                f"Arrimage worker {worker_id}: {len(PERIODIC)} periodic jobs. Ctrl+C to stop.",
            )
            self.stdout.flush()
        stats = worker_run(
            worker_id=worker_id,
            once=bool(options["once"]),
            max_tasks=int(max_tasks) if max_tasks is not None else None,  # type: ignore[call-overload]
            idle_sleep=idle_sleep,
            stop=stop,
        )
        if verbosity >= 1:
            self.stdout.write(
                f"done={stats.done} retried={stats.retried} failed={stats.failed} "
                f"recovered={stats.recovered}"
            )
