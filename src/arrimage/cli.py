"""The ``arrimage`` console command: Django's management commands, with hyphens.

``arrimage demo``, ``arrimage serve``, ``arrimage worker``, ``arrimage audit-verify``, ... and
``arrimage manage <django command>`` for the rest. ``arrimage``, ``arrimage --help`` and
``arrimage help`` list Arrimage's own commands; ``arrimage help COMMAND`` (or
``arrimage COMMAND --help``) describes one.

The list is read from the command modules' source, without importing them: it needs no
settings, so it answers even where the environment is not configured yet (production without
``ARRIMAGE_SECRET_KEY``).
"""

import ast
import os
import secrets
import sys
import textwrap
from pathlib import Path

HELP_FLAGS = {"-h", "--help", "help"}
PACKAGE = Path(__file__).resolve().parent


def _help_text(path: Path) -> str:
    """The ``help`` string of the ``Command`` class in ``path``, or an empty string."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name == "Command"):
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "help" for t in statement.targets)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                return statement.value.value
    return ""


def commands() -> dict[str, str]:
    """Arrimage's own commands, hyphenated, with the first sentence of their help."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.glob("*/management/commands/*.py")):
        if path.name.startswith("_"):
            continue
        first = _help_text(path).split(". ")[0].rstrip(".")
        found[path.stem.replace("_", "-")] = first + "." if first else ""
    return dict(sorted(found.items()))


def usage() -> str:
    listed = commands()
    width = max(len(name) for name in listed) + 2
    lines = ["Usage: arrimage COMMAND [options]", "", "Commands:"]
    for name, summary in listed.items():
        wrapped = textwrap.wrap(summary, width=96 - width - 2) or [""]
        lines.append(f"  {name:<{width}}{wrapped[0]}")
        lines.extend(f"  {'':<{width}}{more}" for more in wrapped[1:])
    lines += [
        "",
        "  arrimage help COMMAND    describes a command (also: arrimage COMMAND --help)",
        "  arrimage manage COMMAND  runs any other Django command (arrimage manage help: list)",
    ]
    return "\n".join(lines) + "\n"


def _asks_for_help(args: list[str]) -> bool:
    """``arrimage help COMMAND``, ``arrimage COMMAND --help`` or ``-h`` (before any ``--``)."""
    if args[0] in HELP_FLAGS or args[:2] == ["manage", "help"]:
        return True
    options = args[: args.index("--")] if "--" in args else args
    return "--help" in options or "-h" in options


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] in HELP_FLAGS and len(args) == 1):
        sys.stdout.write(usage())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrimage.settings")
    if _asks_for_help(args):
        # A command's help needs the settings loaded, and production settings refuse to load
        # without a secret key. Help only prints: a throwaway key, never used, lets it answer
        # before the environment is configured (``arrimage serve --help`` on a new server).
        os.environ.setdefault("ARRIMAGE_SECRET_KEY", "help-only-" + secrets.token_urlsafe(32))
    from django.core.management import execute_from_command_line

    if args[0] == "manage":
        args = args[1:] or ["help"]
    elif args[0] in HELP_FLAGS:
        args = ["help", args[1].replace("-", "_"), *args[2:]]
    else:
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["arrimage", *args])


if __name__ == "__main__":
    main()
