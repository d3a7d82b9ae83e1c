"""The layers are enforced: the import contracts (.importlinter) hold, they break when code breaks them, every
app's private modules are covered, and no app reaches into another app's private (underscore) names."""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "zugong"
LINT = Path(sys.executable).with_name("lint-imports")
# Modules no other app may import (.importlinter): pages, forms, tables, filters, API, URLs, documents, SQL.
PRIVATE_MODULES = ("views", "forms", "tables", "filtersets", "api", "urls", "documents", "sql")
# core is the shared library; dashboards, workbench and demo are the top layer, which nothing imports.
NOT_PROTECTED = {"core", "dashboards", "workbench", "demo", "static", "templates"}
# Private names imported across apps that another engineer's branch of issue 10 removes; delete on merge.
PENDING_PRIVATE_IMPORTS: set[tuple[str, str]] = set()

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is missing (pip install -e .[test])")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_import_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module, source", [
    # core (the bottom layer) importing the kernel
    ("zugong/core/_violation.py", "from zugong.orgs.models import Organization\n"),
    # the kernel importing a domain, lazily inside a function
    ("zugong/orgs/_violation.py", "def f():\n    from zugong.members.models import Membership\n"),
    # a domain importing another domain's forms
    ("zugong/dispatch/_violation.py", "from zugong.cadres import forms\n"),
    # a domain importing the demo data
    ("zugong/teams/_violation.py", "import zugong.demo.generate\n"),
])
def test_a_violation_breaks_the_contracts(tmp_path, module, source):
    shutil.copytree(PACKAGE, tmp_path / "zugong", ignore=shutil.ignore_patterns(
        "__pycache__", "static", "templates", "migrations", "data", "locale"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    assert lint(tmp_path).returncode == 0  # the copy is clean …
    (tmp_path / module).write_text(source)
    result = lint(tmp_path)  # … until one import crosses a line
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout


def test_every_app_has_its_private_modules_protected():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    for app in sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert f"zugong.{app}" in layers, f"add zugong.{app} to a layer of .importlinter"
        if app in NOT_PROTECTED:
            continue
        section = f"importlinter:contract:{app}-private"
        assert section in config, f"add a [{section}] contract to .importlinter (copy another app's)"
        protected = set(config[section]["protected_modules"].split())
        present = {f"zugong.{app}.{m}" for m in PRIVATE_MODULES
                   if (PACKAGE / app / f"{m}.py").exists() or (PACKAGE / app / m / "__init__.py").exists()}
        assert present <= protected, f"{section} misses {sorted(present - protected)}"


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "zugong" else None


def _other_app(module: str | None, app: str) -> bool:
    return _app(module or "") not in (None, app)


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_no_app_imports_another_apps_private_names():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        app = path.relative_to(PACKAGE).parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {}  # local name → module, for `from zugong.x import services` then `services._helper`
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and _other_app(node.module, app):
                for alias in node.names:
                    if alias.name.startswith("_") and (rel, node.module) not in PENDING_PRIVATE_IMPORTS:
                        found.append(f"{rel}:{node.lineno} imports {node.module}.{alias.name}")
                    if _is_module(f"{node.module}.{alias.name}"):
                        modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and _other_app(alias.name, app):
                        modules[alias.asname] = alias.name
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and node.attr[1:2] != "_"):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in modules:
                found.append(f"{rel}:{node.lineno} uses {modules[node.value.id]}.{node.attr}")
    assert not found, "\n".join(found)
