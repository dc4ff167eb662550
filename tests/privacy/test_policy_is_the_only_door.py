"""Every access decision goes through the policy (issue 11 item 1): no module outside the
privacy kernel reads the policy's own tables (the categories each role reads, the firewalled
categories, the enforcement types) or the raw firewall test. They ask the policy's functions
(``categories_member_reads``, ``member_reads``, ``may_share_with``, ``is_enforcement``,
``categories_firewalled``, grants). Demonstration builders, which make synthetic data and decide
no access, may read the enforcement types."""

import ast
from pathlib import Path

import arrimage

SOURCE = Path(arrimage.__file__).parent
KERNEL = SOURCE / "privacy"
TABLES = frozenset(
    {"ROLE_CATEGORIES", "FIREWALLED_CATEGORIES", "ENFORCEMENT_TYPES", "is_firewalled"}
)


def _uses(path: Path) -> set[str]:
    """The policy tables a module imports or reads through the module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "arrimage.privacy.policy":
            found |= {alias.name for alias in node.names} & TABLES
        elif isinstance(node, ast.Attribute) and node.attr in TABLES:
            found.add(node.attr)
    return found


def test_no_module_outside_the_kernel_reads_the_policy_tables():
    offenders = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if KERNEL in path.parents:
            continue
        used = _uses(path)
        if path.name == "demo.py":
            used -= {"ENFORCEMENT_TYPES"}
        if used:
            offenders[str(path.relative_to(SOURCE))] = sorted(used)
    assert offenders == {}


def test_the_scan_sees_an_import_of_a_table(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from arrimage.privacy.policy import ROLE_CATEGORIES, may_read\n"
        "from arrimage.privacy import policy\n"
        "x = policy.is_firewalled\n"
    )
    assert _uses(module) == {"ROLE_CATEGORIES", "is_firewalled"}
