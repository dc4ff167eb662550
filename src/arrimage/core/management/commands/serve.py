import os
import sys
import tempfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.core.serving import Sizing, cpu_count, gunicorn_argv, sizing_for


class Command(BaseCommand):
    help = (
        "Serve Arrimage with gunicorn (the production web server), sized from the CPU count: "
        "2 x CPUs + 1 workers, 4 threads each, idle connections kept 75 s."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ARRIMAGE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=None, help="default: 2 x CPUs + 1")
        parser.add_argument("--threads", type=int, default=None, help="default: 4")
        parser.add_argument(
            "--keep-alive", type=int, default=None, help="seconds an idle connection is kept (75)"
        )

    def handle(self, *args: object, **options: object) -> None:
        sizing = self.sizing(options)
        self.stdout.write(
            f"Arrimage: http://{options['bind']}/  ({sizing.workers} workers x {sizing.threads} "
            f"threads, keep-alive {sizing.keep_alive} s; Ctrl+C to stop)"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "arrimage.settings",
            "ARRIMAGE_MODE": settings.MODE,
        }
        # The gunicorn workers share their request metrics (/metrics) through files here,
        # fresh for each start.
        if not env.get("PROMETHEUS_MULTIPROC_DIR"):
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="arrimage-metrics-")
        argv = gunicorn_argv(
            python=sys.executable,
            bind=str(options["bind"]),
            sizing=sizing,
            forwarded_allow_ips=os.environ.get("ARRIMAGE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        )
        os.execve(sys.executable, argv, env)  # noqa: S606  (fixed argv, no shell)

    @staticmethod
    def sizing(options: dict[str, object]) -> Sizing:
        computed = sizing_for(cpu_count())
        chosen = Sizing(
            workers=int(options.get("workers") or computed.workers),  # type: ignore[call-overload]
            threads=int(options.get("threads") or computed.threads),  # type: ignore[call-overload]
            keep_alive=int(options.get("keep_alive") or computed.keep_alive),  # type: ignore[call-overload]
        )
        if min(chosen.workers, chosen.threads, chosen.keep_alive) < 1:
            raise CommandError("--workers, --threads and --keep-alive are positive numbers")
        return chosen
