"""The shape of the code, checked: dependencies run one way and nothing imports in a circle.

Every module's imports are read with ``ast`` (also the ones inside functions: a late import is
still a dependency; imports under ``if TYPE_CHECKING:`` are not, they never run). The layers:

* ``l10n`` (except its Flask side ``l10n.web``), ``forms`` and ``reports`` are plain libraries:
  no Flask, no database models, no services — they are used by the CLI, the mail worker and
  the benchmarks as they are, and tested without an app;
* ``models`` know the database only; ``mailing`` delivers what services put in the outbox;
* ``services`` own state changes, ``views`` and ``commands`` are the two doors to them.

A failure names the importing module, the line and the forbidden module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from forms.model import PREFILL_UNIT_FIELDS
from services.responses import UNIT_PREFILLS

ROOT = Path(__file__).resolve().parent.parent
#: folders that are not part of the application's import graph
OUTSIDE = {"tests", "bench", "migrations", "node_modules", "instance", "static", "templates",
           "translations", "survey_defs", "registers", "demo"}
#: top-level names that are web framework code
FLASK = ("flask", "flask_babel", "flask_wtf", "flask_login", "flask_sqlalchemy", "flask_mail",
         "flask_migrate", "flask_limiter", "werkzeug")
#: application packages a plain library must not reach
APPLICATION = ("app", "extensions", "database", "security", "config", "logging_setup",
               "session_cookie", "models", "services", "views", "commands", "mailing")
#: package → the top-level names its modules must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "forms": FLASK + APPLICATION,
    "reports": FLASK + APPLICATION,
    "l10n": FLASK + APPLICATION,
    "models": ("services", "views", "commands", "mailing", "app"),
    "mailing": ("services", "views", "commands", "app"),
    "services": ("views", "commands", "app"),
    "views": ("commands", "app"),
    "commands": ("views", "app"),
}
#: modules allowed what their package is not, with the reason
EXCEPTIONS = {
    "l10n.web": "the Flask side of translation: the request's language and lazy messages",
}


@dataclass(frozen=True)
class Edge:
    """One import: ``source`` (a module of the app) imports ``target`` at ``line``."""

    source: str
    target: str
    line: int
    type_checking: bool

    def __str__(self) -> str:
        path = self.source.replace(".", "/")
        return f"{path}.py:{self.line}: {self.source} → {self.target}"


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in OUTSIDE or any(part.startswith(".") for part in rel.parts):
            continue
        name = ".".join(rel.with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded |= {id(child) for child in ast.walk(node)}
    return guarded


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def edges_of(module: str) -> Iterator[Edge]:
    """Every import of ``module``: the imported module, and each imported name as a module."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    guarded = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            yield Edge(module, target, node.lineno, id(node) in guarded)


def _own_module(target: str) -> str | None:
    """The application module ``target`` names (``forms.types.field_name`` → ``forms.types``)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def forbidden_edges() -> list[Edge]:
    wrong = []
    for module in MODULES:
        banned = FORBIDDEN.get(module.split(".")[0], ())
        if not banned or module in EXCEPTIONS:
            continue
        for edge in edges_of(module):
            if edge.target.split(".")[0] in banned:
                wrong.append(edge)
    return wrong


def import_graph(level: str) -> dict[str, set[str]]:
    """Module → the app modules it imports at run time (``level="package"``: top-level names)."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        source = module if level == "module" else module.split(".")[0]
        for edge in edges_of(module):
            target = _own_module(edge.target)
            if edge.type_checking or target is None:
                continue
            if level == "package":
                target = target.split(".")[0]
            if target != source:
                graph.setdefault(source, set()).add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or ``None``."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_walk_sees_every_package():
    packages = {module.split(".")[0] for module in MODULES}
    assert packages >= set(FORBIDDEN) | {"app", "config", "extensions"}
    assert "forms.types.numbers" in MODULES
    assert "forms.expressions.syntax" in MODULES


def test_no_forbidden_dependency():
    wrong = forbidden_edges()
    assert not wrong, "forbidden imports:\n" + "\n".join(map(str, wrong))


@pytest.mark.parametrize("level", ["package", "module"])
def test_no_import_cycle(level):
    cycle = find_cycle(import_graph(level))
    assert cycle is None, f"{level} import cycle: " + " → ".join(cycle or [])


def test_the_guard_fails_on_a_forbidden_edge_and_a_cycle(tmp_path, monkeypatch):
    """The checks above can fail: a plain library importing Flask, and two modules in a circle."""
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "__init__.py").write_text("")
    (tmp_path / "forms" / "bad.py").write_text("import os\n\nfrom flask import request\n")
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "__init__.py").write_text("")
    (tmp_path / "services" / "a.py").write_text("from services import b\n")
    (tmp_path / "services" / "b.py").write_text(
        "def late():\n    from services.a import thing\n    return thing\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.MODULES", _modules())
    assert [str(edge) for edge in forbidden_edges()] == [
        "forms/bad.py:3: forms.bad → flask", "forms/bad.py:3: forms.bad → flask.request"]
    assert find_cycle(import_graph("module")) == ["services.a", "services.b", "services.a"]
    assert find_cycle(import_graph("package")) is None


def test_plain_libraries_run_without_flask_or_the_database():
    """At run time too: importing every module of the plain libraries loads no Flask, no models.

    The static walk above sees this package's imports; this also catches a third-party module
    that pulls Flask in.
    """
    plain = sorted(module for module in MODULES if module.split(".")[0] in ("forms", "reports",
                   "l10n") and module not in EXCEPTIONS and not module.endswith("__main__"))
    code = ("import importlib, sys\n"
            f"for name in {plain!r}:\n    importlib.import_module(name)\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{FLASK + APPLICATION!r})\n"
            "assert not loaded, loaded\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert len(plain) > 30


def test_type_checking_imports_are_not_dependencies(tmp_path, monkeypatch):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "__init__.py").write_text("")
    (tmp_path / "forms" / "hints.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from forms.other import X\n")
    (tmp_path / "forms" / "other.py").write_text("from forms.hints import TYPE_CHECKING\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.MODULES", _modules())
    assert find_cycle(import_graph("module")) is None


# --- one home for each repeated rule -------------------------------------------------------

def _source_lines(suffixes: tuple[str, ...]) -> Iterator[tuple[Path, int, str]]:
    for folder in ("forms", "reports", "services", "views", "mailing", "commands", "models",
                   "l10n", "templates", "static/js"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes:
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    yield path.relative_to(ROOT), number, line


def test_the_warsaw_zone_is_named_once():
    named = [f"{path}:{n}" for path, n, line in _source_lines((".py",))
             if '"Europe/Warsaw"' in line or "ZoneInfo(" in line]
    config = (ROOT / "config.py").read_text(encoding="utf-8")
    assert named == ["l10n/clock.py:13"]
    assert "Europe/Warsaw" not in config


def test_form_field_prefixes_are_spelled_once():
    """``q_``/``w_`` are written in forms/types/base.py only; the rest asks ``field_name``."""
    spelled = [f"{path}:{n}: {line.strip()}" for path, n, line in
               _source_lines((".py", ".html", ".js"))
               if any(quote + prefix in line for quote in ("'", '"')
                      for prefix in ("q_", "w_"))
               and str(path) != "forms/types/base.py"]
    assert spelled == []


def test_year_placeholders_are_listed_once():
    spelled = [f"{path}:{n}" for path, n, line in _source_lines((".py",))
               if '"rok_nastepny"' in line and str(path) != "forms/placeholders.py"]
    assert spelled == []


def test_every_register_prefill_has_a_reader():
    assert set(UNIT_PREFILLS) == set(PREFILL_UNIT_FIELDS)
