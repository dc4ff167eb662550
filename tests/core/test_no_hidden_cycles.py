"""No function-level import hides a cycle (issue 11 item 1): every module imports Arrimage's
modules at its top, where import-linter sees them. The one place a deferred import belongs is
an app's ``ready()``, which runs once the models are loaded."""

import ast
from pathlib import Path

import arrimage

SOURCE = Path(arrimage.__file__).parent


def _deferred_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready" and path.name == "apps.py":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("arrimage"):
                found.append(f"{function.name}: from {node.module}")
            elif isinstance(node, ast.Import) and any(
                alias.name.startswith("arrimage") for alias in node.names
            ):
                found.append(f"{function.name}: import")
    return found


def test_no_module_defers_an_import_of_arrimage():
    deferred = {}
    for path in sorted(SOURCE.rglob("*.py")):
        relative = str(path.relative_to(SOURCE))
        if "/migrations/" in f"/{relative}":
            continue
        found = _deferred_imports(path)
        if found:
            deferred[relative] = found
    assert deferred == {}


def test_the_scan_sees_a_deferred_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from arrimage.cases.models import Case\n    return Case\n")
    assert _deferred_imports(module) == ["f: from arrimage.cases.models"]
