"""Shared fixtures: the shipped process, temporary workspaces, and a CLI runner."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesflow.cli import app
from salesflow.files.parse import parse_process
from salesflow.model.process import Process

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "src" / "salesflow" / "templates"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                  ) -> None:
    """No colour codes, no root override, a private cache and a fixed author in every test."""
    monkeypatch.delenv("SALESFLOW_ROOT", raising=False)
    monkeypatch.setenv("SALESFLOW_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    # English unless a test chooses (the language follows the locale: salesflow.cli._lang).
    for name in ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


TODAY = dt.date(2026, 12, 2)
"""The day the `today` fixture pins the CLI's clock to (`salesflow.cli._common.today`)."""


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin the CLI's one clock, so dates relative to today give the same output every day."""
    from salesflow.cli import _common

    monkeypatch.setattr(_common, "today", lambda: TODAY)
    return TODAY


@pytest.fixture(scope="session")
def process() -> Process:
    proc, problems = parse_process((TEMPLATES / "stages.en.yaml").read_bytes())
    assert proc is not None, problems
    return proc


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class WS:
    """A temporary workspace with helpers to write deals and run the CLI in it."""

    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)
        return path

    def deal(self, deal_id: str, text: str) -> Path:
        return self.write(f"deals/{deal_id}.yaml", text)

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def run(self, *args: str, cwd: Path | None = None) -> Run:
        old = Path.cwd()
        os.chdir(cwd or self.root)
        try:
            result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        finally:
            os.chdir(old)
        # the runner's .stdout turns \r\n into \n; the bytes are what a user gets
        return Run(result.exit_code, result.stdout_bytes.decode("utf-8", "replace"),
                   result.stderr)

    def snapshot(self) -> dict[str, bytes]:
        """Every file's bytes, to prove a command changed nothing."""
        return {p.relative_to(self.root).as_posix(): p.read_bytes()
                for p in sorted(self.root.rglob("*")) if p.is_file()}


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[WS]:
    root = tmp_path / "pipeline"
    (root / "deals").mkdir(parents=True)
    shutil.copy(TEMPLATES / "stages.en.yaml", root / "stages.yaml")
    yield WS(root)


@pytest.fixture
def demo(tmp_path: Path) -> WS:
    """A copy of the repository's demo workspace (its deals and accounts)."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "stages.yaml", root / "stages.yaml")
    shutil.copytree(REPO / "deals", root / "deals")
    shutil.copytree(REPO / "accounts", root / "accounts")
    return WS(root)


DealWriter = Callable[[str, str], Path]
