from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.operations.backup import BackupError, backup_create
from arrimage.operations.passphrase import passphrase_read


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Write one archive holding the database (documents included) and the master and "
        "signing keys, sealed under a passphrase read from --passphrase-file or standard input."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # No abbreviations: "--passphrase SECRET" must not pass for "--passphrase-file SECRET".
        return super().create_parser(prog_name, subcommand, allow_abbrev=False, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the archive to create; an existing file is refused")
        parser.add_argument(
            "--passphrase-file",
            help="a file whose first line is the passphrase (else standard input)",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        try:
            passphrase = passphrase_read(
                file=options["passphrase_file"],  # type: ignore[arg-type]
                stdin=options.get("stdin"),  # type: ignore[arg-type]
                confirm=True,
            )
            manifest = backup_create(path=path, passphrase=passphrase)
        except BackupError as error:
            raise CommandError(f"backup refused: {error}") from error
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {path} ({size} bytes, {manifest['vendor']} database, audit "
                f"sequence {manifest['audit_head']['sequence']})"
            )
        )
        self.stdout.write(
            "Keep the passphrase apart from the archive: without it the keys, and therefore "
            "every sealed field, cannot be opened."
        )
