"""The ``arrimage`` console command lists its commands (issue 12 item 8)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arrimage import cli

COMMANDS_DIR = Path(cli.__file__).parent


def _arrimage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "arrimage.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env if env is not None else dict(os.environ),
        check=False,
    )


def _every_command() -> set[str]:
    return {
        path.stem.replace("_", "-")
        for path in COMMANDS_DIR.glob("*/management/commands/*.py")
        if not path.name.startswith("_")
    }


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"], []])
def test_help_lists_every_command_with_hyphens(args):
    done = _arrimage(*args)
    assert done.returncode == 0, done.stderr
    assert "Unknown command" not in done.stdout + done.stderr
    assert "Usage: arrimage COMMAND" in done.stdout
    listed = {
        line.split()[0]
        for line in done.stdout.splitlines()
        if line.startswith("  ") and line[2:3] != " "
    }
    assert _every_command() <= listed
    assert {"worker", "audit-verify", "serve", "demo"} <= listed
    assert "audit-verify" in done.stdout and "audit_verify" not in done.stdout


def test_help_answers_without_a_configured_environment():
    """Production mode without a secret key cannot load the settings: the list needs none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARRIMAGE_", "DJANGO_"))}
    done = _arrimage("--help", env=env)
    assert done.returncode == 0, done.stderr
    assert "audit-verify" in done.stdout


def test_help_of_one_command_describes_its_options():
    done = _arrimage("help", "worker")
    assert done.returncode == 0, done.stderr
    assert "--once" in done.stdout


def test_each_listed_command_has_a_summary():
    assert all(cli.commands().values()), cli.commands()


@pytest.mark.parametrize("command", sorted(_every_command()))
def test_the_help_of_every_command_answers_without_a_configured_environment(command):
    """``arrimage serve --help`` on a server where ARRIMAGE_MODE and the secret key are not
    set yet (production settings, which refuse to load without a key) describes the command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARRIMAGE_", "DJANGO_"))}
    for args in ([command, "--help"], ["help", command]):
        done = _arrimage(*args, env=env)
        assert done.returncode == 0, (args, done.stderr)
        assert "usage:" in done.stdout.lower(), (args, done.stdout)
        assert "Traceback" not in done.stderr, (args, done.stderr)
