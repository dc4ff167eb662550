from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.operations.backup import BackupError
from arrimage.operations.passphrase import passphrase_read
from arrimage.operations.restore import restore


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Restore an archive made by `arrimage backup` into this instance's empty database, "
        "write its keys, then verify the audit chain, the sealed fields and the signatures."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # No abbreviations: "--passphrase SECRET" must not pass for "--passphrase-file SECRET".
        return super().create_parser(prog_name, subcommand, allow_abbrev=False, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the archive made by `arrimage backup`")
        parser.add_argument(
            "--passphrase-file",
            help="a file whose first line is the passphrase (else standard input)",
        )
        parser.add_argument(
            "--keys-dir",
            help="write master.key and signing.key here instead of the configured key files",
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=20,
            help="sealed values opened per encrypted field during verification (default 20)",
        )

    def handle(self, *args: object, **options: object) -> None:
        keys_dir = Path(str(options["keys_dir"])) if options["keys_dir"] else None
        try:
            passphrase = passphrase_read(
                file=options["passphrase_file"],  # type: ignore[arg-type]
                stdin=options.get("stdin"),  # type: ignore[arg-type]
                confirm=False,
            )
            report = restore(
                path=Path(str(options["path"])),
                passphrase=passphrase,
                keys_dir=keys_dir,
                sample=int(options["sample"]),  # type: ignore[call-overload]
            )
        except BackupError as error:
            raise CommandError(f"restore refused, nothing written: {error}") from error
        manifest = report.manifest
        migrated = report.migrations_applied
        self.stdout.write(
            f"restored the {manifest['vendor']} database of {manifest['created_at']}"
            + (f", then applied {migrated} newer migrations" if migrated else "")
        )
        for key_file in report.key_files:
            self.stdout.write(f"key written: {key_file}")
        if keys_dir is not None:
            self.stdout.write(
                f"set ARRIMAGE_MASTER_KEY_FILE={keys_dir / 'master.key'} and "
                f"ARRIMAGE_SIGNING_KEY_FILE={keys_dir / 'signing.key'} before serving"
            )
        for check in report.checks:
            mark = self.style.SUCCESS("ok") if check.ok else self.style.ERROR("FAILED")
            self.stdout.write(f"  {check.name}: {mark} ({check.detail})")
        if not report.ok:
            raise CommandError(
                "the restored data did not verify: do not serve it; keep it for investigation"
            )
        self.stdout.write(self.style.SUCCESS("restore verified"))
