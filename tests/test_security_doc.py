"""SECURITY.md names the tests that prove each promise: every one of them must exist."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

NAMED = re.compile(r"(tests/test_\w+\.py)::(test_\w+)")


def _tests_in(path: str) -> set[str]:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_test_security_md_names_exists() -> None:
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    named = NAMED.findall(text)
    assert len(named) >= 25
    missing = [f"{path}::{name}" for path, name in named
               if not (REPO / path).is_file() or name not in _tests_in(path)]
    assert missing == []
