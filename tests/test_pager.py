"""The pager: long output on a terminal goes through it, as git does; nothing else does.

The terminal is simulated (stdout's isatty and the terminal's height are
monkeypatched); the pager is a small script that records what it was given.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from salesflow.output import pager
from tests.conftest import WS

HEIGHT = 12


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout is a terminal HEIGHT lines high."""
    monkeypatch.setattr(pager, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(pager, "_terminal_lines", lambda stream: HEIGHT)
    for name in ("PAGER", pager.PAGER_ENV, "LESS"):
        monkeypatch.delenv(name, raising=False)


def fake_pager(folder: Path, name: str = "pager", code: int = 0, read: bool = True) -> Path:
    """A pager that writes its input (and $LESS) into `name`.txt beside it."""
    script = folder / name
    record = folder / f"{name}.txt"
    body = f'cat > "{record}"\necho "LESS=$LESS" >> "{record}.env"\n' if read else ""
    script.write_text(f"#!/bin/sh\n{body}exit {code}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def many(ws: WS) -> WS:
    """A workspace whose `list` is longer than the terminal."""
    for i in range(30):
        ws.deal(f"deal-{i:02d}", f"customer: Customer {i}\nstage: G\nstatus: open\n")
    return ws


def test_long_output_goes_through_the_pager(many: WS, terminal: None, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    result = many.run("list")
    assert result.exit_code == 0
    assert result.stdout == ""  # all of it went to the pager
    shown = (tmp_path / "pager.txt").read_text(encoding="utf-8")
    assert "deal-00" in shown and "deal-29" in shown
    assert shown.count("\n") > HEIGHT
    # NO_COLOR (set for every test) is honoured: bold headers, never a colour
    assert re.search(r"\x1b\[[0-9;]*(?<![0-9])(3[0-9]|9[0-7])m", shown) is None
    assert (tmp_path / "pager.txt.env").read_text() == "LESS=FRX\n"  # as git sets it


def test_colour_reaches_the_pager_without_no_color(many: WS, terminal: None, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    assert many.run("list").exit_code == 0
    assert "\x1b[" in (tmp_path / "pager.txt").read_text(encoding="utf-8")


def test_short_output_is_written_as_it_is(ws: WS, terminal: None, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ws.deal("one", "customer: One\nstage: G\nstatus: open\n")
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    result = ws.run("list")
    assert result.exit_code == 0 and "one" in result.stdout
    assert not (tmp_path / "pager.txt").exists()


@pytest.mark.parametrize("args", [["--no-pager", "list"], ["list", "--format", "csv"],
                                  ["list", "--format", "json"]])
def test_no_pager_and_machine_formats_never_page(many: WS, terminal: None, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 args: list[str]) -> None:
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    result = many.run(*args)
    assert result.exit_code == 0 and "deal-29" in result.stdout
    assert not (tmp_path / "pager.txt").exists()
    if "json" in args:
        assert len(json.loads(result.stdout)) == 30


def test_piped_output_never_pages(many: WS, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    result = many.run("list")  # the runner's stdout is no terminal
    assert "deal-29" in result.stdout
    assert not (tmp_path / "pager.txt").exists()


def test_salesflow_pager_then_pager(many: WS, terminal: None, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", str(fake_pager(tmp_path, "plain")))
    many.run("list")
    assert (tmp_path / "plain.txt").exists()
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path, "ours")))
    many.run("list")
    assert (tmp_path / "ours.txt").exists()
    assert pager.pager_command() == [str(tmp_path / "ours")]
    monkeypatch.delenv(pager.PAGER_ENV)
    monkeypatch.delenv("PAGER")
    assert pager.pager_command() == ["less", "-FRX"]


@pytest.mark.parametrize("chosen", ["", "cat"])
def test_an_empty_pager_or_cat_means_none(many: WS, terminal: None, chosen: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pager.PAGER_ENV, chosen)
    monkeypatch.setenv("PAGER", "/nonexistent/should-not-run")
    result = many.run("list")
    assert result.exit_code == 0 and "deal-29" in result.stdout


def test_a_pager_that_cannot_start_falls_back_to_plain_output(
        many: WS, terminal: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pager.PAGER_ENV, "/nonexistent/pager --flag")
    result = many.run("list")
    assert result.exit_code == 0
    assert "deal-00" in result.stdout and "deal-29" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_pager_that_dies_without_reading_falls_back(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    script = fake_pager(tmp_path, "dead", code=3, read=False)
    monkeypatch.setenv(pager.PAGER_ENV, str(script))
    monkeypatch.setattr(pager, "_terminal_lines", lambda stream: HEIGHT)
    text = "".join(f"line {i}\n" for i in range(40_000))  # more than a pipe holds
    out = io.StringIO()
    pager.show(text, out)
    assert out.getvalue() == text


def test_errors_still_reach_stderr_and_exit_codes_stay(ws: WS, terminal: None, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    result = ws.run("list", "--stage", "ZZ")
    assert result.exit_code == 2
    assert "ZZ" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_board_is_never_paged() -> None:
    from salesflow.cli._common import UNPAGED

    assert "board" in UNPAGED


def test_no_pager_is_a_setting_of_the_invocation(many: WS, terminal: None, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Two invocations in one process: --no-pager of the first does not stick."""
    monkeypatch.setenv(pager.PAGER_ENV, str(fake_pager(tmp_path)))
    assert "deal-29" in many.run("--no-pager", "list").stdout
    assert not (tmp_path / "pager.txt").exists()
    assert many.run("list").stdout == ""
    assert (tmp_path / "pager.txt").exists()
    assert os.environ.get(pager.PAGER_ENV)


def test_on_a_real_terminal_long_output_is_paged(many: WS, tmp_path: Path) -> None:
    """A pseudo-terminal 12 lines high: `list` goes to the pager, `--no-pager` to the screen."""
    import sys

    from tests.terminal import on_a_terminal

    script = fake_pager(tmp_path)
    env = dict(os.environ, SALESFLOW_PAGER=str(script), TERM="dumb")

    def run(*args: str) -> str:
        code, seen = on_a_terminal([sys.executable, "-m", "salesflow", "--root",
                                    str(many.root), *args], env, rows=HEIGHT, timeout=60)
        assert code == 0, seen
        return seen.decode("utf-8", "replace")

    assert "deal-29" not in run("list")
    assert "deal-29" in (tmp_path / "pager.txt").read_text(encoding="utf-8")
    (tmp_path / "pager.txt").unlink()
    assert "deal-29" in run("--no-pager", "list")
    assert not (tmp_path / "pager.txt").exists()
