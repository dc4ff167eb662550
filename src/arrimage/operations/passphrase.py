"""Where a passphrase comes from: a file, or standard input. Never the command line, where
other users of the machine and the shell's history would see it."""

import getpass
import sys
from pathlib import Path
from typing import TextIO

from arrimage.operations.backup import BackupError


def passphrase_read(*, file: str | None, stdin: TextIO | None = None, confirm: bool) -> str:
    stdin = stdin or sys.stdin
    if file:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise BackupError(f"cannot read the passphrase file {file}") from error
        return lines[0] if lines else ""
    if stdin.isatty():
        first = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Passphrase again: ") != first:
            raise BackupError("the two passphrases differ")
        return first
    return stdin.readline().rstrip("\r\n")
