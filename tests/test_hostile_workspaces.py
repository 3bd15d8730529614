"""Hostile workspaces × every command: exit 0, 1 or 2, no traceback, nothing written outside.

Each workspace is built next to an "outside" folder it tries to make salesflow
touch: symlinked `deals/`, `.salesflow/`, `.salesflow/schema`, lock file,
`.gitattributes` or HTML report, a `.git` file whose `gitdir:` points outside,
FIFOs where files should be, and broken values (huge numbers, year 9999, an
extreme rate, a double BOM, escape sequences). Every command of the CLI
(discovered from the app, so a new command joins the table) runs in each; the
outside folder is snapshotted before and after, byte for byte, and where a
command is refused the message names the place.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
import typer.main

from salesflow.cli import app
from tests.conftest import TEMPLATES, WS

DEAL = ("customer: Acme Works\nstage: G\namount: 1000\nowner: li.wei\n"
        "history:\n  - {date: 2026-01-05, to: G, by: li.wei}\n")
ESC = "\x1b]52;c;cHduZWQ=\x07\x1b[2J[link=http://evil]x[/link]\x9b"

GROUP = typer.main.get_command(app)

# One argv per command; a command missing here runs with no arguments.
ARGV: dict[str, list[str]] = {
    "new": ["new", "fresh", "-c", "Fresh Co"],
    "list": ["list", "--status", "all"],
    "show": ["show", "acme"],
    "check": ["check", "acme"],
    "tick": ["tick", "acme", "visit-committed"],
    "untick": ["untick", "acme", "visit-committed"],
    "advance": ["advance", "acme", "--force", "--reason", "test"],
    "lose": ["lose", "acme", "--reason", "price"],
    "hold": ["hold", "acme"],
    "reopen": ["reopen", "acme"],
    "map": ["map", "acme"],
    "log": ["log", "acme"],
    "schema": ["schema", "--write"],
    "report": ["report", "--html", "out.html"],
    "import": ["import", "crm.csv", "-m", "customer=customer", "-m", "stage=stage"],
    "init": ["init", "."],
    "merge-driver": ["merge-driver", "m/base.yaml", "m/ours.yaml", "m/theirs.yaml",
                     "deals/acme.yaml"],
    "forecast": ["forecast", "--to", "2027-12-31"],
}
COMMANDS = sorted(GROUP.commands)  # type: ignore[attr-defined]


def _argv(name: str) -> list[str]:
    return ARGV.get(name, [name])


Build = Callable[[Path, Path], None]


def _link_deals(ws: Path, out: Path) -> None:
    shutil.move(ws / "deals", out / "deals")
    (ws / "deals").symlink_to(out / "deals")


def _link_dot_salesflow(ws: Path, out: Path) -> None:
    (out / "dot").mkdir()
    (ws / ".salesflow").symlink_to(out / "dot")


def _link_schema(ws: Path, out: Path) -> None:
    (out / "schema").mkdir()
    (ws / ".salesflow").mkdir()
    (ws / ".salesflow" / "schema").symlink_to(out / "schema")


def _link_lock(ws: Path, out: Path) -> None:
    (ws / ".salesflow.lock").symlink_to(out / "lock")


def _fifo_lock(ws: Path, out: Path) -> None:
    os.mkfifo(ws / ".salesflow.lock")


def _git_file(ws: Path, out: Path) -> None:
    _git(out / "repo")  # a real repository elsewhere, which git would happily write to
    (ws / ".git").write_text(f"gitdir: {out / 'repo' / '.git'}\n")


def _git(ws: Path) -> None:
    subprocess.run(["git", "init", "-q", str(ws)], check=True)


def _link_gitattributes(ws: Path, out: Path) -> None:
    _git(ws)
    (ws / ".gitattributes").symlink_to(out / "secret.txt")


def _link_html(ws: Path, out: Path) -> None:
    (ws / "out.html").symlink_to(out / "victim.html")


def _fifo_deal(ws: Path, out: Path) -> None:
    os.mkfifo(ws / "deals" / "f.yaml")


def _fifo_stages(ws: Path, out: Path) -> None:
    (ws / "stages.yaml").unlink()
    os.mkfifo(ws / "stages.yaml")


def _bad(text: str | bytes) -> Build:
    def build(ws: Path, out: Path) -> None:
        raw = text.encode() if isinstance(text, str) else text
        (ws / "deals" / "bad.yaml").write_bytes(raw)
    return build


def _stages(old: str, new: str) -> Build:
    def build(ws: Path, out: Path) -> None:
        path = ws / "stages.yaml"
        path.write_text(path.read_text().replace(old, new, 1))
    return build


def _corrupt_cache(ws: Path, out: Path) -> None:
    """A valid SQLite cache whose rows hold bad JSON and wrong values."""
    import sqlite3

    from salesflow.files import cache

    _warm(ws)
    path = cache.cache_file(ws.resolve())
    db = sqlite3.connect(path)
    cols = [r[1] for r in db.execute("PRAGMA table_info(files)")]
    assert db.execute("SELECT count(*) FROM files").fetchone()[0] >= 1
    for col in cols:
        if col not in ("path", "stat"):  # the stat still matches: only the sums can tell
            db.execute(f"UPDATE files SET {col} = ?", ("{not json\x00",))
    db.commit()
    db.close()


def _warm(ws: Path) -> None:
    """Fill the cache now (files younger than cache.RACY_NS are not recorded otherwise)."""
    from salesflow.files import cache

    racy, cache.RACY_NS = cache.RACY_NS, 0
    try:
        WS(ws).run("show", "acme")
        WS(ws).run("list")
        WS(ws).run("check", "acme")
    finally:
        cache.RACY_NS = racy


def _escapes(ws: Path, out: Path) -> None:
    from salesflow.files.yamlio import double_quoted

    q = double_quoted(ESC)
    (ws / "deals" / "esc.yaml").write_text(
        f"name: {q}\ncustomer: {q}\nstage: G\nowner: {q}\nnotes: {q}\nsegment: {q}\n"
        f"stakeholders:\n  - {{name: {q}, title: {q}}}\n"
        f"history:\n  - {{date: 2026-01-05, to: G, by: {q}, note: {q}}}\n")


HOSTILE: dict[str, tuple[Build, dict[str, str]]] = {
    # name: (builder, {command: text its stderr must hold})
    "deals-symlinked-outside": (_link_deals, {"new": "outside", "import": "outside",
                                              "tick": "outside"}),
    "dot-salesflow-symlinked": (_link_dot_salesflow, {"schema": "outside"}),
    "schema-symlinked": (_link_schema, {"schema": "outside", "init": "outside"}),
    "lock-symlinked": (_link_lock, {"tick": "lock", "import": "lock"}),
    "lock-is-a-fifo": (_fifo_lock, {"tick": "lock"}),
    # the lock falls back to the workspace root; git-setup refuses to touch that config
    "git-file-outside": (_git_file, {"git-setup": "not the repository's own"}),
    "gitattributes-symlinked": (_link_gitattributes, {"git-setup": ".gitattributes"}),
    "html-symlinked": (_link_html, {"report": "symlink"}),
    "fifo-deal": (_fifo_deal, {"validate": "deals/f.yaml", "funnel": "deals/f.yaml"}),
    "fifo-stages": (_fifo_stages, {"validate": "stages.yaml", "funnel": "stages.yaml"}),
    "hex-5000-digits": (_bad("customer: A\nstage: G\nx-big: 0x" + "f" * 5000 + "\n"),
                        {"validate": "deals/bad.yaml:3:8"}),
    "huge-int-in-stages": (_stages("currency:", "x-n: " + "9" * 5000 + "\ncurrency:"),
                           {"list": "stages.yaml:"}),
    "year-9999": (_bad("customer: A\nstage: G\nexpected_close: 9999-12-31\n"),
                  {"validate": "deals/bad.yaml:3:17"}),
    "extreme-rate": (_stages("USD: 7.1", "USD: 1e27"), {"funnel": "stages.yaml:"}),
    "double-bom": (_bad(b"\xef\xbb\xbf\xef\xbb\xbf" + DEAL.encode()),
                   {"validate": "deals/bad.yaml:1:1"}),
    "corrupt-cache-rows": (_corrupt_cache, {}),
    "escapes-and-markup": (_escapes, {}),
}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    out.mkdir()
    (out / "secret.txt").write_text("outside secret\n")
    return out


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "deals").mkdir(parents=True)
    shutil.copy(TEMPLATES / "stages.en.yaml", root / "stages.yaml")
    (root / "deals" / "acme.yaml").write_text(DEAL)
    (root / "crm.csv").write_text("customer,stage\nNew Co,G\n")
    (root / "m").mkdir()
    for side in ("base", "ours", "theirs"):
        (root / "m" / f"{side}.yaml").write_text(DEAL)
    return root


def snapshot(folder: Path) -> dict[str, tuple[str, bytes]]:
    """Every entry under `folder` with its kind and, for files, its bytes (no link followed)."""
    found: dict[str, tuple[str, bytes]] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = ("link", str(path.readlink()).encode())
        elif path.is_file():
            found[rel] = ("file", path.read_bytes())
        elif path.is_dir():
            found[rel] = ("dir", b"")
        else:
            found[rel] = ("other", b"")
    return found


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""
    def hang(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the command hung")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_workspace(tmp_path: Path, outside: Path, alarm: None, hostile: str,
                           command: str) -> None:
    root = _workspace(tmp_path)
    build, expected = HOSTILE[hostile]
    build(root, outside)
    before = snapshot(outside)
    result = WS(root).run(*_argv(command))
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr, result.stderr
    assert snapshot(outside) == before, "a byte changed outside the workspace"
    if command in expected:
        assert result.exit_code in (1, 2), (result.stdout, result.stderr)
        assert expected[command] in result.stdout + result.stderr, result.stderr
    if hostile == "corrupt-cache-rows" and command in ("list", "show"):
        assert "Acme Works" in result.stdout  # the bad rows dropped, the file parsed again
    if hostile == "escapes-and-markup" and command == "list":
        # shown, not obeyed (rich itself drops BEL); the markup shown as it is written
        assert "\\x1b]52;c;cHduZWQ=" in result.stdout
        assert "\\x1b[2J[link=http://evil]x[/link]\\x9b" in result.stdout
    if hostile == "escapes-and-markup":  # CSV and JSON keep exact values
        shown = result.stderr + ("" if command == "export" else result.stdout)
        assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown


def test_the_table_names_only_real_commands() -> None:
    assert set(ARGV) <= set(COMMANDS)
    assert {c for _, want in HOSTILE.values() for c in want} <= set(COMMANDS)


def test_a_new_deal_id_with_a_final_newline_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    result = WS(root).run("new", "abc\n", "-c", "X")
    assert result.exit_code == 2
    assert "not a valid deal id" in result.stderr
    assert sorted(p.name for p in (root / "deals").iterdir()) == ["acme.yaml"]


def test_a_failed_init_says_what_it_created(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    _link_schema(root, outside)
    result = WS(root).run("init", ".")
    assert result.exit_code == 1
    assert "init stopped after creating" in result.stderr and "stages.yaml" in result.stderr
    assert "no file was changed" not in result.stderr
    assert list((outside / "schema").iterdir()) == []


def test_orphan_temporaries_in_the_cache_folder_are_removed(tmp_path: Path) -> None:
    from salesflow.files import cache

    root = _workspace(tmp_path)
    folder = cache.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old, young = folder / ".orphan.tmp", folder / ".busy.tmp"
    old.write_bytes(b"x")
    young.write_bytes(b"x")
    os.utime(old, (1, 1))
    cache.remove_orphans(folder)
    assert not old.exists() and young.exists()
    assert WS(root).run("list").exit_code == 0


def test_safe_csv_defuses_formulas(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    WS(root).run("new", "formula", "-c", "=HYPERLINK(\"http://evil\")", "-n", "@SUM(A1)")
    plain = WS(root).run("export")
    assert '=HYPERLINK(""http://evil"")' in plain.stdout
    safe = WS(root).run("export", "--safe-csv")
    assert safe.exit_code == 0
    assert "'=HYPERLINK" in safe.stdout and "'@SUM(A1)" in safe.stdout
    assert "Acme Works" in safe.stdout  # other cells as they are
