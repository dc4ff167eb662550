from django.core.management.base import BaseCommand, CommandParser

from arrimage.law25.retention import RetentionReport, retention_preview, retention_run


class Command(BaseCommand):
    help = (
        "Anonymise the closed records past their organisation's retention time (the daily "
        "task does it too). With --dry-run: say what it would anonymise, and write nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what a run would do; write nothing"
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["dry_run"]:
            report = retention_preview()
            self.stdout.write("Dry run: nothing was written.")
            self._counts(report, verb="would be anonymised")
            for (target_type, organisation_id), count in sorted(
                report.by_organisation.items(), key=lambda item: (item[0][0], str(item[0][1]))
            ):
                self.stdout.write(f"  {target_type} {organisation_id}: {count}")
            return
        self._counts(retention_run(), verb="anonymised")

    def _counts(self, report: RetentionReport, *, verb: str) -> None:
        for target_type, count in sorted(report.anonymised.items()):
            self.stdout.write(f"{target_type}: {count} {verb}")
