from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from arrimage.core.audit import audit_record
from arrimage.directory.exchange_write import export_json, export_package_files
from arrimage.directory.hsds import public_reveal, reveal_all
from arrimage.directory.hsds_writer import HsdsWriter


class Command(BaseCommand):
    help = (
        "Export the directory as an HSDS 3.0 JSON file and a CSV data package. "
        "Confidential addresses are left out unless --include-confidential (backups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "output",
            type=Path,
            nargs="?",
            default=Path("hsds-export"),
            help="folder to write into (default: hsds-export)",
        )
        parser.add_argument("--format", choices=["json", "csv", "both"], default="both")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000/")
        parser.add_argument(
            "--include-confidential",
            action="store_true",
            help="keep confidential addresses (for a backup or a move)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        output: Path = options["output"]
        output.mkdir(parents=True, exist_ok=True)
        reveal = reveal_all if options["include_confidential"] else public_reveal
        base = options["base_url"]
        if options["format"] in {"json", "both"}:
            path = output / "hsds.json"
            path.write_bytes(export_json(writer=HsdsWriter(reveal), base_url=base))
            self.stdout.write(f"wrote {path}")
        if options["format"] in {"csv", "both"}:
            folder = output / "csv"
            folder.mkdir(exist_ok=True)
            for name, data in export_package_files(
                writer=HsdsWriter(reveal), base_url=base
            ).items():
                (folder / name).write_bytes(data)
            self.stdout.write(f"wrote {folder}/datapackage.json")
        audit_record(
            action="directory_exported",
            target_type="directory",
            details={
                "format": options["format"],
                "source": "cli",
                "confidential": bool(options["include_confidential"]),
            },
        )
