from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrimage.core import crypto, keyfile


class Command(BaseCommand):
    help = (
        "Rotate encryption keys. Without options: a new data key for every organisation, and "
        "every encrypted value re-encrypted under it. With --new-master-key-file: every data "
        "key re-wrapped under the new master key (then point ARRIMAGE_MASTER_KEY_FILE at it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-master-key-file", type=Path)
        parser.add_argument(
            "--generate",
            action="store_true",
            help="create the new master key file (it must not exist yet)",
        )

    def handle(self, *args: object, **options: object) -> None:
        new_file = options["new_master_key_file"]
        try:
            if isinstance(new_file, Path):
                if options["generate"]:
                    keyfile.write_master_key_file(new_file)
                count = crypto.rewrap_master_key(crypto.parse_master_key(new_file.read_text()))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{count} data keys re-wrapped under the new master key. "
                        f"Set ARRIMAGE_MASTER_KEY_FILE={new_file} and keep the old key offline."
                    )
                )
                return
            count = crypto.rotate_data_keys()
        except (
            crypto.MasterKeyMissing,
            crypto.DecryptionError,
            FileExistsError,
            FileNotFoundError,
        ) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"new data keys; {count} values re-encrypted"))
