"""The ``arrimage`` console command: Django's management commands, with hyphens.

``arrimage demo``, ``arrimage serve``, ``arrimage audit-verify``, ``arrimage rotate-keys``,
``arrimage user-disable``, ... and ``arrimage manage <django command>`` for the rest.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrimage.settings")
    from django.core.management import execute_from_command_line

    if not args:
        args = ["help", "--commands"]
    elif args[0] == "manage":
        args = args[1:] or ["help"]
    else:
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["arrimage", *args])


if __name__ == "__main__":
    main()
