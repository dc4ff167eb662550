from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arrimage.directory.exchange_apply import ImportReport, bundle_apply
from arrimage.directory.exchange_convert import ImportFailed
from arrimage.directory.exchange_guard import MAX_DOCUMENT_BYTES, MEGABYTE
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


def summary_lines(report: ImportReport) -> list[str]:
    """The import's summary: one line per kind of object, then what was skipped and why,
    then the warnings."""
    headers = [_("kind"), _("created"), _("updated"), _("unchanged"), _("skipped")]
    rows = [
        [k.kind, str(k.created), str(k.updated), str(k.unchanged), str(k.skipped)]
        for k in report.kinds()
    ]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in [headers, *rows]
    ]
    if report.skips:
        lines.append(_("Skipped:"))
        lines += [f"  {problem}" for problem in report.skips]
    if report.warnings:
        lines.append(_("Warnings:"))
        lines += [f"  {warning}" for warning in report.warnings]
    return lines


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 JSON file (a document, one object, a list or an API page, or "
        "the tabular form) or CSV data package (folder, datapackage.json or zip). Upserts by "
        "UUID in one transaction: on any problem nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--max-size",
            type=int,
            default=MAX_DOCUMENT_BYTES // MEGABYTE,
            help="the largest file or uncompressed package read, in MB (default: %(default)s)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(_("%(path)s does not exist") % {"path": path})
        bundle = read_path(path, limit=max(1, options["max_size"]) * MEGABYTE)
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
            count = len(failure.errors)
            raise CommandError(
                ngettext(
                    "nothing was imported: %(count)s problem",
                    "nothing was imported: %(count)s problems",
                    count,
                )
                % {"count": count}
            ) from None
        counts = {
            "created": sum(report.created.values()),
            "updated": sum(report.updated.values()),
            "unchanged": sum(report.unchanged.values()),
            "skipped": sum(report.skipped.values()),
        }
        if report.dry_run:
            total = _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(skipped)s skipped (dry run: nothing was written)."
            )
        else:
            total = _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(skipped)s skipped."
            )
        self.stdout.write(total % counts)
        for line in summary_lines(report):
            self.stdout.write(line)
