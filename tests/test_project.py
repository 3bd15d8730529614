"""The project's promises to a newcomer: docs, help, demo, CI and code quality."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesflow.cli import app
from salesflow.files.load import load_workspace

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_with_an_example() -> None:
    for name in _commands():
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example: salesflow" in result.stdout, f"{name} --help has no example"


def test_every_command_is_documented() -> None:
    reference = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"`salesflow {name}" in reference, f"{name} is missing from docs/commands.md"


def test_readme_is_a_front_page() -> None:
    size = len(README.encode("utf-8"))
    assert size < 12_000, f"README.md is {size} bytes: move reference text into docs/"


def _without_code(text: str) -> str:
    """Markdown text with fenced code blocks and inline code spans blanked out."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", text, flags=re.S)


def _anchors(markdown: Path) -> set[str]:
    """The `#anchor`s GitHub gives the headings of a Markdown file."""
    found: set[str] = set()
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", markdown.read_text(encoding="utf-8"),
                  flags=re.S | re.M)
    for heading in re.findall(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", text, re.M):
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
        slug = re.sub(r"[^\w\- ]", "", words.strip().lower()).replace(" ", "-")
        unique, n = slug, 0
        while unique in found:
            n += 1
            unique = f"{slug}-{n}"
        found.add(unique)
    return found


def test_every_relative_link_in_the_docs_resolves() -> None:
    pages = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
    checked = 0
    for page in pages:
        text = _without_code(page.read_text(encoding="utf-8"))
        for target in re.findall(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, ...
                continue
            path, _, anchor = target.partition("#")
            where = (page.parent / path).resolve() if path else page
            name = f"{page.relative_to(REPO)}: {target}"
            assert where.exists(), f"{name}: no such file"
            if anchor:
                assert where.suffix == ".md", f"{name}: an anchor into a non-Markdown file"
                assert anchor in _anchors(where), f"{name}: no such heading"
            checked += 1
    assert checked >= 30


def test_readme_starts_with_the_two_setup_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert blocks[0].endswith("salesflow funnel")
    assert "pytest" in blocks[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci, ".ci/run must run exactly the README's test command"


def test_demo_workspace_is_valid_and_rich() -> None:
    ws = load_workspace(REPO)
    assert ws.problems == []
    deals = [d.deal for d in ws.deals]
    assert 8 <= len(deals) <= 14
    assert {d.status for d in deals} >= {"open", "won", "lost", "hold"}
    assert {d.stage for d in deals} >= set("GFEDCBA")
    assert len({d.owner for d in deals}) >= 3
    assert any(re.search(r"[\u4e00-\u9fff]", d.customer) for d in deals)
    assert any(d.amount is None for d in deals)


def test_root_stages_yaml_is_the_shipped_default() -> None:
    shipped = REPO / "src" / "salesflow" / "templates" / "stages.en.yaml"
    assert (REPO / "stages.yaml").read_bytes() == shipped.read_bytes()


def test_python_dash_m() -> None:
    done = subprocess.run([sys.executable, "-m", "salesflow", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("salesflow ")


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff")
                    .exists(), reason="ruff not installed")
def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    done = subprocess.run([ruff, "check", "src", "tests", "benchmarks"], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_test_named_in_security_md_exists() -> None:
    """SECURITY.md's promises point at tests; a renamed or deleted test must not go unnoticed."""
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    files = set(re.findall(r"`(tests/[\w/]+\.py)(?:::\w+)?`", text))
    sources = "\n".join((REPO / p).read_text(encoding="utf-8") for p in sorted(files))
    names = re.findall(r"::(test_\w+)`", text) + re.findall(r"(?<![:\w])`(test_\w+)`", text)
    assert len(names) >= 15
    for name in names:
        assert f"def {name}(" in sources, f"SECURITY.md names {name}, which no test file has"
