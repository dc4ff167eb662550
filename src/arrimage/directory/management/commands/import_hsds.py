from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.directory.exchange_apply import ImportFailed, bundle_apply
from arrimage.directory.exchange_read import read_path


class ProgressBar:
    """A text progress bar on standard error: [#########.........]  45%  450/1000."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream = stream  # a command's OutputWrapper
        self.width = width
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent == self.last and done != total:
            return
        self.last = percent
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {percent:3d}%  {done}/{total}", ending="\n" if done == total else ""
        )
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 JSON file or CSV data package (folder, datapackage.json or "
        "zip). Upserts by UUID in one transaction: on any problem nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: object, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        bundle = read_path(path)
        progress = None if options["no_progress"] else ProgressBar(self.stderr)
        try:
            report = bundle_apply(
                bundle=bundle,
                actor=None,
                dry_run=options["dry_run"],
                progress=progress,
                source="cli",
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(f"nothing was imported: {len(failure.errors)} problem(s)") from None
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            f"{sum(report.created.values())} created, {sum(report.updated.values())} updated, "
            f"{sum(report.unchanged.values())} unchanged ({verb} written"
            f"{' — dry run, nothing written' if report.dry_run else ''})."
        )
        for entity in sorted(set(report.created) | set(report.updated)):
            self.stdout.write(
                f"  {entity}: {report.created.get(entity, 0)} created, "
                f"{report.updated.get(entity, 0)} updated"
            )
