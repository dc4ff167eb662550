import os
import sys
import tempfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Arrimage with gunicorn (the production web server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ARRIMAGE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"Arrimage: http://{options['bind']}/  (Ctrl+C to stop)")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "arrimage.settings",
            "ARRIMAGE_MODE": settings.MODE,
        }
        # The gunicorn workers share their request metrics (/metrics) through files here,
        # fresh for each start.
        if not env.get("PROMETHEUS_MULTIPROC_DIR"):
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="arrimage-metrics-")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "arrimage.wsgi:application",
            "--bind",
            str(options["bind"]),
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("ARRIMAGE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        os.execve(sys.executable, argv, env)  # noqa: S606  (fixed argv, no shell)
