"""The architecture as a test: layers that import only downwards, and no import circle.

`pyproject.toml` holds the import-linter contracts; CONTRIBUTING.md explains
them. These tests run the real `lint-imports`, prove it catches a breach,
and look for circles with grimp (the graph library import-linter is built on).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

REPO = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
                          cwd=src, env=env, capture_output=True, text=True, check=False)


def test_the_layer_contracts_are_kept() -> None:
    done = _lint(REPO / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("model/deal.py", "import salesflow.files", "Layers"),
    ("method/gates.py", "from salesflow.output import render", "Layers"),
    ("reports/funnel.py", "import sqlite3", "pure core"),
    ("output/render.py", "import salesflow.board.app", "Layers"),
    ("method/health.py", "import textual", "pure core"),
])
def test_a_breach_fails_naming_the_import(tmp_path: Path, module: str, line: str,
                                          contract: str) -> None:
    src = tmp_path / "src"
    shutil.copytree(REPO / "src" / "salesflow", src / "salesflow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = src / "salesflow" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                      encoding="utf-8")
    done = _lint(src)
    assert done.returncode == 1, done.stdout
    importer = "salesflow." + module.removesuffix(".py").replace("/", ".")
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout
    assert importer in done.stdout, done.stdout


def _cycles(graph: object, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. import circles."""
    edges = {m: graph.find_modules_directly_imported_by(m) & modules  # type: ignore[attr-defined]
             for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for m in sorted(modules):
        if m not in index:
            visit(m)
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("salesflow", exclude_type_checking_imports=False)
    assert _cycles(graph, set(graph.modules)) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    """The check above could pass by finding nothing; here it must find one."""

    class Graph:
        modules = {"a", "b", "c"}

        def find_modules_directly_imported_by(self, m: str) -> set[str]:
            return {"a": {"b"}, "b": {"a"}, "c": {"a"}}[m]

    assert _cycles(Graph(), Graph.modules) == [["a", "b"]]


def test_the_package_root_holds_only_layers() -> None:
    top = REPO / "src" / "salesflow"
    files = sorted(p.name for p in top.iterdir() if p.is_file())
    assert files == ["__init__.py", "__main__.py"]
    for layer in ("model", "method", "reports", "files", "team", "output", "board", "cli"):
        doc = (top / layer / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""'), f"{layer}/__init__.py needs a docstring saying what it holds"
