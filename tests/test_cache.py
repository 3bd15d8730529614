"""The cache of parsed deals: never stale, never in the way.

Every test compares a cached load with a fresh one (`cache=False`) after the
workspace changed under the cache: edits, renames, deletions, `git checkout`,
a rewrite within one timestamp tick, a new stages.yaml, a new salesflow, a
corrupt cache file. `settled` lets the cache trust files at once (the racy
window is 0), so a test that passes does so because the stat check caught
the change, not because the files were too young to trust; `test_racy_*`
exercise the racy window itself.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesflow
from salesflow.files import bulk, cache, cache_rows, workspace
from salesflow.files.bulk import summarize_file
from salesflow.files.load import load_overview, load_workspace
from salesflow.files.workspace import Overview, files_of_id
from salesflow.model.summary import ProcessSummary
from tests.conftest import WS

ACME = """\
name: Pump station retrofit
customer: Acme Water Works
owner: li.wei
amount: 1250000
stage: C
expected_close: 2027-03-31
history:
  - {date: 2026-07-15, to: G, by: li.wei}
  - {date: 2026-08-02, from: G, to: C, by: li.wei}
"""
GULF = "customer: Gulf Coast Utility\nowner: sarah.ortiz\namount: 100000.50\ncurrency: USD\n" \
       "stage: G\nx-crm: {id: 7, score: 0.5}\n"
LOST = "customer: Lost Co\nstage: E\nstatus: lost\nlost_reason: price\namount: 5\n"
BROKEN = "customer: Broken Co\nstage: Q\n"


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file as soon as its stat is older than the read (no racy window)."""
    monkeypatch.setattr(cache, "RACY_NS", 0)


@pytest.fixture
def pipeline(ws: WS, settled: None) -> WS:
    ws.deal("acme", ACME)
    ws.deal("gulf", GULF)
    ws.deal("lost", LOST)
    ws.write("deals/export/broken.yaml", BROKEN)
    return ws


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The relative paths of the deal files actually parsed, in order."""
    seen: list[str] = []
    real = bulk.parse_one

    def counting(path: str, rel: str, *args: Any, **kwargs: Any) -> bulk.Parsed:
        seen.append(rel)
        return real(path, rel, *args, **kwargs)

    monkeypatch.setattr(bulk, "parse_one", counting)
    return seen


def later() -> None:
    """Let the file system clock tick, so a rewrite gets a new mtime and ctime."""
    time.sleep(0.02)


def same(ws: WS) -> Overview:
    """Load through the cache and afresh; both must give exactly the same."""
    cached, fresh = load_overview(ws.root), load_overview(ws.root, cache=False)
    assert cached == fresh
    full_cached, full_fresh = load_workspace(ws.root), load_workspace(ws.root, cache=False)
    assert full_cached.deals == full_fresh.deals
    assert full_cached.problems == full_fresh.problems
    assert [summarize_file(d, full_cached.process) for d in full_cached.deals] == cached.deals
    return cached


def amounts(overview: Overview) -> dict[str, Any]:
    return {d.id: d.deal.amount for d in overview.deals}


# ------------------------------------------------------------------ basics


def test_a_warm_load_reads_no_file_and_equals_a_fresh_one(pipeline: WS,
                                                          parses: list[str]) -> None:
    files = ["deals/acme.yaml", "deals/export/broken.yaml", "deals/gulf.yaml", "deals/lost.yaml"]
    overview = load_overview(pipeline.root)
    assert sorted(parses) == files
    parses.clear()
    assert load_overview(pipeline.root) == overview
    assert parses == []
    full = load_workspace(pipeline.root)  # needs the parsed data, which reports do not keep
    assert sorted(parses) == [f for f in files if "broken" not in f]  # problems are kept
    parses.clear()
    assert load_workspace(pipeline.root).deals == full.deals
    assert load_overview(pipeline.root) == overview
    assert parses == []
    assert load_overview(pipeline.root, cache=False) == overview
    assert load_workspace(pipeline.root, cache=False).deals == full.deals


def test_invalid_files_are_reported_on_every_run(pipeline: WS) -> None:
    runs = [pipeline.run("funnel", "--format", "csv") for _ in range(3)]
    assert {r.exit_code for r in runs} == {1}
    assert {r.stderr for r in runs} == {runs[0].stderr}
    assert "deals/export/broken.yaml:2:8: unknown stage 'Q'" in runs[0].stderr
    assert {r.stdout for r in runs} == {runs[0].stdout}


def test_summaries_keep_exact_types(pipeline: WS) -> None:
    overview = same(pipeline)
    gulf = next(d.deal for d in overview.deals if d.id == "gulf")
    assert str(gulf.amount) == "100000.50"
    acme = next(d.deal for d in overview.deals if d.id == "acme")
    assert (acme.created, acme.changed, acme.expected_close) == (
        dt.date(2026, 7, 15), dt.date(2026, 8, 2), dt.date(2027, 3, 31))
    assert isinstance(overview.process, ProcessSummary)


# ------------------------------------------------------- the files change


def test_edits_are_seen(pipeline: WS) -> None:
    same(pipeline)
    later()
    pipeline.deal("acme", ACME.replace("1250000", "1250001"))  # same size
    assert amounts(same(pipeline))["acme"] == 1250001
    later()
    pipeline.deal("acme", ACME.replace("stage: C", "stage: X"))  # now invalid
    overview = same(pipeline)
    assert "acme" not in amounts(overview)
    assert any(p.path == "deals/acme.yaml" for p in overview.problems)
    later()
    pipeline.write("deals/export/broken.yaml", BROKEN.replace("Q", "G"))  # now valid
    assert "broken" in amounts(same(pipeline))


def test_renames_deletions_and_new_files_are_seen(pipeline: WS) -> None:
    same(pipeline)
    (pipeline.root / "deals" / "2026").mkdir()
    (pipeline.root / "deals" / "acme.yaml").rename(pipeline.root / "deals" / "2026" / "acme.yaml")
    (pipeline.root / "deals" / "gulf.yaml").rename(pipeline.root / "deals" / "gulf-2.yaml")
    (pipeline.root / "deals" / "lost.yaml").unlink()
    pipeline.deal("new-one", "customer: New\nstage: F\n")
    overview = same(pipeline)
    assert {d.id: d.path for d in overview.deals} == {
        "acme": "deals/2026/acme.yaml", "gulf-2": "deals/gulf-2.yaml",
        "new-one": "deals/new-one.yaml"}


def test_a_duplicate_id_appearing_is_reported(pipeline: WS) -> None:
    same(pipeline)
    pipeline.write("deals/zz/acme.yaml", ACME)
    overview = same(pipeline)
    assert [p.code for p in overview.problems if p.path == "deals/zz/acme.yaml"] == [
        "duplicate-id"]


def test_git_checkout_of_an_older_version_is_seen(pipeline: WS) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                       cwd=pipeline.root, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "v1")
    later()
    pipeline.deal("acme", ACME.replace("1250000", "9999999"))  # same size as v1
    (pipeline.root / "deals" / "lost.yaml").unlink()
    git("add", "-A")
    git("commit", "-q", "-m", "v2")
    v2 = same(pipeline)
    assert amounts(v2)["acme"] == 9999999
    assert "lost" not in amounts(v2)
    later()
    git("checkout", "-q", "HEAD~1", "--", ".")
    v1 = same(pipeline)
    assert amounts(v1)["acme"] == 1250000
    assert "lost" in amounts(v1)


def test_an_edit_within_the_same_tick_is_seen(pipeline: WS) -> None:
    """Same size, mtime set back: ctime (which cannot be set back) gives it away."""
    same(pipeline)
    path = pipeline.root / "deals" / "acme.yaml"
    before = path.stat()
    pipeline.deal("acme", ACME.replace("1250000", "7250000"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert amounts(same(pipeline))["acme"] == 7250000


def test_racy_entries_are_read_again(ws: WS, monkeypatch: pytest.MonkeyPatch,
                                     parses: list[str]) -> None:
    """A file that coarse timestamps cannot tell from its rewrite is not trusted.

    The stat here leaves ctime out (as on a file system whose ctime is as coarse
    as its mtime): only the racy rule stands between the cache and stale data.
    """
    real_key = cache.stat_key
    monkeypatch.setattr(cache, "stat_key", lambda st: real_key(st).rsplit(":", 1)[0])
    path = ws.deal("acme", ACME)
    assert amounts(load_overview(ws.root))["acme"] == 1250000
    before = path.stat()
    ws.deal("acme", ACME.replace("1250000", "7250000"))  # within the racy window
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    parses.clear()
    assert amounts(load_overview(ws.root))["acme"] == 7250000
    assert parses == ["deals/acme.yaml"]
    # Without the racy rule, the same rewrite would have been served stale:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    load_overview(ws.root)  # recorded now: it counts as settled
    ws.deal("acme", ACME.replace("1250000", "8250000"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert amounts(load_overview(ws.root))["acme"] == 7250000  # stale: why the rule exists


def test_racy_rule_in_numbers() -> None:
    t = 10_000_000_000
    assert not cache.settled(t, t, t)
    assert not cache.settled(t, t, t + cache.RACY_NS)
    assert cache.settled(t, t, t + 1 + cache.RACY_NS)
    assert not cache.settled(1, t, t + 1_000_000_000)  # ctime counts too


def test_files_too_young_to_trust_are_not_recorded(ws: WS, parses: list[str]) -> None:
    ws.deal("acme", ACME)
    load_overview(ws.root)
    load_overview(ws.root)
    assert parses == ["deals/acme.yaml", "deals/acme.yaml"]
    assert cache_files() == [] or _rows() == 0


def _rows() -> int:
    [db] = cache_files()
    with sqlite3.connect(db) as conn:
        count: int = conn.execute("SELECT count(*) FROM files").fetchone()[0]
    return count


# ---------------------------------------------------- what the cache is keyed on


def test_a_changed_stages_yaml_revalidates_every_deal(pipeline: WS, parses: list[str]) -> None:
    assert "gulf" in amounts(same(pipeline))
    later()
    pipeline.write("stages.yaml", pipeline.read("stages.yaml").replace(
        "rates: {USD: 7.1, EUR: 7.8}", "rates: {EUR: 7.8}"))
    parses.clear()
    overview = same(pipeline)
    assert "gulf" not in amounts(overview)
    assert any("no exchange rate for USD" in p.message for p in overview.problems)
    assert "deals/acme.yaml" in parses


def test_a_different_salesflow_version_rebuilds_the_cache(pipeline: WS, parses: list[str],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          ) -> None:
    load_overview(pipeline.root)
    parses.clear()
    load_overview(pipeline.root)
    assert parses == []
    monkeypatch.setattr(salesflow, "__version__", "99.0.0")
    load_overview(pipeline.root)
    assert len(parses) == 4


def test_edited_salesflow_code_rebuilds_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.cache_key(b"x")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "something else")
    assert cache.cache_key(b"x") != before
    assert cache.cache_key(b"y") != cache.cache_key(b"x")


# --------------------------------------------------- a cache that misbehaves


def cache_files() -> list[Path]:
    return sorted(cache.cache_dir().glob("*.sqlite3"))


@pytest.mark.parametrize("damage", [
    b"",
    b"not a database at all",
    b"SQLite format 3\x00" + b"\xff" * 200,
])
def test_a_corrupt_cache_is_ignored_and_rebuilt(pipeline: WS, damage: bytes) -> None:
    same(pipeline)
    [db] = cache_files()
    db.write_bytes(damage)
    same(pipeline)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 4


def test_a_cache_of_another_shape_is_ignored(pipeline: WS) -> None:
    cache.cache_dir().mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(cache.cache_file(pipeline.root)) as conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('key', 'whatever')")
    same(pipeline)


def test_a_truncated_files_table_is_survived(pipeline: WS) -> None:
    same(pipeline)
    [db] = cache_files()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE files")
    same(pipeline)


def test_an_unwritable_cache_folder_is_no_error(pipeline: WS,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = pipeline.root.parent / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    same(pipeline)
    result = pipeline.run("funnel", "--format", "csv")
    assert result.exit_code == 1  # the broken deal, nothing else
    assert "cache" not in result.stderr


def test_no_cache_bypasses_it(pipeline: WS) -> None:
    """Poison the cache: the normal run shows the poison, --no-cache the truth."""
    assert pipeline.run("list", "--format", "csv").exit_code == 1
    [db] = cache_files()
    _poison(db, resum=True)  # consistently: its checksum recomputed
    poisoned = pipeline.run("list", "--format", "csv").stdout
    assert "acme,Pump station retrofit,Acme Water Works,li.wei,C,open,1.00," in poisoned
    truth = pipeline.run("--no-cache", "list", "--format", "csv").stdout
    assert "acme,Pump station retrofit,Acme Water Works,li.wei,C,open,1250000.00," in truth
    mtime = db.stat().st_mtime_ns
    pipeline.run("--no-cache", "funnel")
    assert db.stat().st_mtime_ns == mtime  # neither read nor written


def _poison(db: Path, *, resum: bool) -> None:
    """Set acme's cached amount to 1 (and, with `resum`, its checksum to match)."""
    import json

    from salesflow.model.summary import ROW_FIELDS

    with sqlite3.connect(db) as conn:
        path, stat, problems, has_data, summary = conn.execute(
            "SELECT path, stat, problems, data IS NOT NULL, summary FROM files "
            "WHERE path = 'deals/acme.yaml'").fetchone()
        cells = json.loads(summary)
        assert cells[ROW_FIELDS.index("amount")] == "1250000"
        cells[ROW_FIELDS.index("amount")] = "1"
        summary = json.dumps(cells).encode()
        conn.execute("UPDATE files SET summary = ? WHERE path = 'deals/acme.yaml'", (summary,))
        if resum:
            conn.execute("UPDATE files SET sum = ? WHERE path = 'deals/acme.yaml'",
                         (cache_rows.row_sum(path, stat, problems, has_data, summary),))


def test_a_wrong_value_in_a_cache_row_is_never_served(pipeline: WS) -> None:
    """A well-formed row with a wrong value fails its checksum: dropped, the file parsed."""
    assert pipeline.run("list", "--format", "csv").exit_code == 1
    [db] = cache_files()
    _poison(db, resum=False)
    shown = pipeline.run("list", "--format", "csv").stdout
    assert "acme,Pump station retrofit,Acme Water Works,li.wei,C,open,1250000.00," in shown
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE files SET data = x'00ff' WHERE path = 'deals/acme.yaml'")
    result = pipeline.run("show", "acme")
    assert result.exit_code == 0 and "Acme Water Works" in result.stdout


def test_no_cache_writes_no_cache(pipeline: WS) -> None:
    pipeline.run("--no-cache", "funnel")
    assert cache_files() == []


def test_the_cache_lives_in_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "salesflow"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "salesflow"
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    assert cache.cache_file(tmp_path / "a") != cache.cache_file(tmp_path / "b")


# --------------------------------------------------------------- in parallel


def test_parallel_parsing_gives_what_sequential_parsing_gives(
        demo: WS, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    demo.write("deals/zz/bad-stage.yaml", BROKEN)
    demo.write("deals/zz/Bad Name.yaml", ACME)
    demo.write("deals/zz/empty.yaml", "")
    demo.write("deals/zz/lubei-compressor-plc.yaml", ACME)  # a duplicate id
    demo.deal("gulf", GULF)
    sequential = load_overview(demo.root, cache=False)
    sequential_full = load_workspace(demo.root, cache=False)
    assert sorted(p.code for p in sequential.problems) == [
        "bad-id", "duplicate-id", "empty", "unknown-stage"]

    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bulk, "CHUNK", 3)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert bulk._workers(16) == min(cpus or 1, 6)  # 16 files in chunks of 3
    assert load_overview(demo.root, cache=False) == sequential
    assert load_workspace(demo.root, cache=False).deals == sequential_full.deals
    assert load_overview(demo.root) == sequential  # the cache, built in parallel
    assert load_overview(demo.root) == sequential  # ... and read back
    assert load_workspace(demo.root).deals == sequential_full.deals
    assert load_workspace(demo.root).deals == sequential_full.deals


def test_a_pool_that_cannot_start_falls_back(demo: WS, monkeypatch: pytest.MonkeyPatch,
                                             ) -> None:
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    def no_pool(*args: Any, **kwargs: Any) -> Iterator[bulk.Parsed]:
        raise bulk._PoolUnavailable
        yield  # pragma: no cover

    expected = load_overview(demo.root, cache=False)
    monkeypatch.setattr(bulk, "_parallel", no_pool)
    assert load_overview(demo.root, cache=False) == expected


# ------------------------------------------------------------ import costs


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return done.stdout


MODULES_AFTER = """
import sys
import salesflow.files.cache
salesflow.files.cache.RACY_NS = 0  # the files were written a moment ago
from salesflow.cli import app
try:
    app({args!r}, prog_name="salesflow")
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in
                     ("pydantic", "rich", "yaml", "salesflow", "multiprocessing"))))
"""


def test_version_imports_nothing_heavy() -> None:
    loaded = run_python(MODULES_AFTER.format(args=["--version"])).split("\n")[-2].split()
    assert not [m for m in loaded if m.startswith(("pydantic", "rich", "yaml"))]


def test_a_warm_report_imports_neither_yaml_nor_the_models(pipeline: WS) -> None:
    (pipeline.root / "deals" / "export" / "broken.yaml").unlink()  # problems print with rich
    code = MODULES_AFTER.format(args=["--root", str(pipeline.root), "funnel", "--format",
                                      "json", "--close-to", "2031-12-31"])
    run_python(code)
    loaded = run_python(code).split("\n")[-2].split()
    # Not even pydantic: importing it is a fifth of a small report's time (typer is
    # held below 0.29, which builds a pydantic TypeAdapter per option on every run).
    assert not [m for m in loaded
                if m.startswith(("pydantic", "yaml", "rich", "multiprocessing"))]
    assert "salesflow.model.deal" not in loaded
    assert "salesflow.model.process" not in loaded
    assert "salesflow.model.summary" in loaded


def test_the_demo_funnel_is_the_same_with_and_without_the_cache(demo: WS, settled: None,
                                                                ) -> None:
    runs = [demo.run("funnel", "--format", "json") for _ in range(2)]
    runs.append(demo.run("--no-cache", "funnel", "--format", "json"))
    assert {r.stdout for r in runs} == {runs[0].stdout}
    assert {r.exit_code for r in runs} == {0}


def test_validate_in_parallel_reports_what_it_reports_in_sequence(
        ws: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted((Path(__file__).parent / "data" / "broken").glob("deal.*.yaml")):
        ws.write(f"deals/broken/{path.name}", path.read_bytes())
    ws.deal("acme", ACME)
    ws.write("deals/zz/acme.yaml", ACME)
    sequential = ws.run("validate", "--format", "json")
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bulk, "CHUNK", 5)
    parallel = ws.run("validate", "--format", "json")
    assert (parallel.exit_code, parallel.stdout) == (sequential.exit_code, sequential.stdout)
    assert sequential.exit_code == 1
    assert sequential.stdout.count('"code": "duplicate-id"') == 2
    assert cache_files() == []  # validate reads every file afresh


# ------------------------------------------------- finding one deal by name


def same_files(ws: WS, deal_id: str) -> list[Path]:
    """files_of_id through the recorded names equals a listing of every folder."""
    recorded = files_of_id(ws.root, deal_id)
    listed = files_of_id(ws.root, deal_id, cache=False)
    assert recorded == listed
    return recorded


def test_one_deal_is_found_without_listing_any_folder(pipeline: WS,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    load_overview(pipeline.root)  # a report records every file's name

    def no_listing(*args: Any) -> None:
        raise AssertionError("listed a folder")

    monkeypatch.setattr(workspace, "_find", no_listing)
    assert files_of_id(pipeline.root, "acme") == [pipeline.root / "deals" / "acme.yaml"]
    assert files_of_id(pipeline.root, "broken") == [
        pipeline.root / "deals" / "export" / "broken.yaml"]
    assert files_of_id(pipeline.root, "nobody") == []
    result = pipeline.run("show", "acme", "--format", "json")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("change", [
    "duplicate in the same folder", "duplicate in a new folder", "duplicate two folders down",
    "rename", "delete", "rename a folder", "remove deals/", "hidden folder",
])
def test_recorded_names_follow_every_change(pipeline: WS, change: str) -> None:
    deals = pipeline.root / "deals"
    load_overview(pipeline.root)
    same_files(pipeline, "acme")
    later()
    if change == "duplicate in the same folder":
        pipeline.write("deals/acme.yml", ACME)
    elif change == "duplicate in a new folder":
        pipeline.write("deals/2027/acme.yaml", ACME)
    elif change == "duplicate two folders down":
        pipeline.write("deals/export/eu/acme.yaml", ACME)
    elif change == "rename":
        (deals / "acme.yaml").rename(deals / "export" / "acme.yaml")
    elif change == "delete":
        (deals / "acme.yaml").unlink()
    elif change == "rename a folder":
        (deals / "export").rename(deals / "abroad")
    elif change == "remove deals/":
        shutil.rmtree(deals)
    elif change == "hidden folder":
        pipeline.write("deals/.trash/acme.yaml", ACME)
    for deal_id in ("acme", "broken", "gulf"):
        same_files(pipeline, deal_id)
    load_overview(pipeline.root)  # records the new state
    for deal_id in ("acme", "broken", "gulf"):
        same_files(pipeline, deal_id)


def test_a_folder_changed_within_the_racy_window_is_listed(
        ws: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for files: a folder the stat cannot tell from its later state is not trusted."""
    real_key = cache.stat_key
    monkeypatch.setattr(cache, "stat_key", lambda st: real_key(st).rsplit(":", 1)[0])
    ws.deal("acme", ACME)
    load_overview(ws.root)  # deals/ is seconds old: not recorded
    folder = ws.root / "deals"
    before = folder.stat()
    ws.write("deals/acme.yml", ACME)
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert len(files_of_id(ws.root, "acme")) == 2
    # Without the racy rule the new duplicate would go unseen:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    (folder / "acme.yml").unlink()
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    load_overview(ws.root)
    ws.write("deals/acme.yml", ACME)
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert len(files_of_id(ws.root, "acme")) == 1  # stale: why the rule exists


def test_no_cache_lists_the_folders(pipeline: WS) -> None:
    """Poison the recorded names: a normal run believes them, --no-cache does not."""
    load_overview(pipeline.root)
    [db] = cache_files()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM names WHERE id = 'acme'")
    assert pipeline.run("show", "acme").exit_code == 2
    shown = pipeline.run("--no-cache", "show", "acme")
    assert shown.exit_code == 0
    assert "Acme Water Works" in shown.stdout
    assert pipeline.run("show", "acme").exit_code == 2  # --no-cache lasted one command


@pytest.mark.parametrize(("column", "command"), [
    ("moves", ("stats", "--format", "json")), ("moves", ("trend", "--format", "json")),
    ("review", ("review", "--format", "json"))])
def test_a_wrong_long_column_is_never_served(pipeline: WS, column: str,
                                             command: tuple[str, ...]) -> None:
    """moves and review have checksums of their own: the reports that read them check them."""
    truth = pipeline.run("--no-cache", *command).stdout
    pipeline.run(*command)
    [db] = cache_files()
    with sqlite3.connect(db) as conn:
        changed = conn.execute(f"UPDATE files SET {column} = '[1,[]]' "
                               "WHERE path = 'deals/acme.yaml'").rowcount
    assert changed == 1
    assert pipeline.run(*command).stdout == truth
    assert pipeline.run("funnel", "--format", "json").exit_code == 1  # the broken deal only


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text()), min_size=len(cache_rows.ROW_FIELDS),
                max_size=len(cache_rows.ROW_FIELDS)))
def test_a_summary_row_reads_back_as_it_was_written(cells: list[str | None]) -> None:
    """Any texts, lone surrogates included (json's escapes when orjson will not write them)."""
    summary, moves, review = cache_rows.encode_row(tuple(cells))
    assert isinstance(summary, bytes)
    assert cache_rows.decode_row(summary, moves, review) == cells
    lone = cache_rows.encode_row(("\ud800",) * len(cells))[0]
    assert lone.isascii() and cache_rows.decode_row(lone, None, None)[0] == "\ud800"


def test_every_module_and_translation_of_salesflow_is_in_the_code_fingerprint() -> None:
    """An edit to a model, a check or a translation empties the cache, not only one to files/."""
    package = Path(salesflow.__file__).resolve().parent
    found = cache.code_fingerprint()
    assert "model/deal.py:" in found and "method/health.py:" in found
    assert "locale/zh_Hans/LC_MESSAGES/salesflow.mo:" in found
    for path in [*package.rglob("*.py"), *package.rglob("*.mo")]:
        if "__pycache__" not in path.parts:
            st = path.stat()
            rel = path.relative_to(package).as_posix()
            assert f"{rel}:{st.st_size}:{st.st_mtime_ns}" in found, rel
