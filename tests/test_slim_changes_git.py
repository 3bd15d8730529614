"""`changes` inside git from the cached summaries gives what the whole deals give.

A team's workspace is a git repository, so this is `changes` as a team runs
it: the files of the last commit on or before a day are compared with the
deals' histories. The warm path reads each deal's summary with its moves and
parses only the files changed since that commit (`team.snapshot.deals_at`);
a deal that has not moved is counted from its summary without decoding its
history (`reports.seen._stood_still`). These tests hold it to the whole-deal
path on a generated workspace committed on several days, with hand edits of
every kind between the commits (amounts, close dates and stages typed in,
files deleted, moved, broken and mended) and more edits not yet committed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from salesflow.cli.weekly import build_changes
from salesflow.files.load import load_overview, load_workspace
from salesflow.reports.select import Cut
from tests import generate
from tests.conftest import WS
from tests.test_slim_meeting import FIELDS

TODAY = dt.date(2026, 12, 2)
COMMITS = (dt.date(2026, 3, 1), dt.date(2026, 6, 15), dt.date(2026, 9, 30))


def git(root: Path, *args: str, day: dt.date | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day.isoformat()}T12:00:00"
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env,
                   check=True, capture_output=True)


def hand_edits(root: Path, turn: int) -> None:
    """Edits typed into the files, with no history entry: a different set each turn."""
    files = sorted((root / "deals").glob("*.yaml"))
    for n, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        kind = (n + turn) % 9
        for i, line in enumerate(lines):
            if kind == 0 and line.startswith("amount: "):
                lines[i] = f"amount: {1000 * (n + 7 * turn + 1)}\n"
            elif kind == 1 and line.startswith("expected_close: "):
                lines[i] = f"expected_close: {dt.date(2027, 1 + (n + turn) % 12, 15)}\n"
            elif kind == 2 and line.startswith("stage: ") and line.strip() != "stage: S":
                lines[i] = "stage: " + "GFEDCBA"[(n + turn) % 7] + "\n"
            elif kind == 3 and line.startswith("owner: "):
                lines[i] = "owner: zhang.min\n"
        path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gitmeeting")
    walks = generate.walks(160, seed=41)
    git(root, "init", "-q")
    for turn, day in enumerate(COMMITS):
        generate.write(root, walks, until=day)  # the deals as they stood, more history each time
        hand_edits(root, turn)
        for name, text in FIELDS.items():
            (root / "deals" / f"{name}.yaml").write_text(text, encoding="utf-8")
        if turn == 1:  # broken in this commit, mended later
            (root / "deals" / "broken-then.yaml").write_text(
                generate.deal_text(walks[0], day).replace("stage: ", "stage: Q", 1),  # type: ignore[union-attr]
                encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"the work of {day}", day=day)
    # Not committed yet: the rest of the year, a few more hand edits, a file
    # deleted, one moved into a team folder, the broken one mended.
    generate.write(root, walks, until=TODAY)
    hand_edits(root, 5)
    for name, text in FIELDS.items():
        (root / "deals" / f"{name}.yaml").write_text(text.replace("999000", "990000"),
                                                     encoding="utf-8")
    (root / "deals" / "broken-then.yaml").write_text(
        generate.deal_text(walks[0], TODAY) or "", encoding="utf-8")
    files = sorted((root / "deals").glob("*.yaml"))
    files[3].unlink()
    (root / "deals" / "team").mkdir()
    files[4].rename(root / "deals" / "team" / files[4].name)
    return root


@pytest.mark.parametrize(("since", "until"), [
    ("2026-02-01", "2026-12-02"),  # before the first commit: history alone
    ("2026-03-01", "2026-12-02"), ("2026-05-01", "2026-12-02"), ("2026-07-01", "2026-12-02"),
    ("2026-10-15", "2026-12-02"), ("2026-11-30", "2026-12-02"),
    ("2026-04-01", "2026-08-01"), ("2026-06-15", "2026-10-01"),  # a past end: two commits
])
def test_changes_in_git_from_summaries_equal_the_whole_deals(repo: Path, since: str,
                                                             until: str) -> None:
    first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    full = load_workspace(repo, cache=False)
    assert len(full.problems) == 0
    cut = Cut()
    want = build_changes(full, cut, first, last, TODAY, "owner")
    if first >= COMMITS[0]:
        assert want[0].git["since"]["commit"]
        assert {m.source for m in want[0].moves} == {"history", "git"}
    for _ in range(2):  # cold, then warm
        slim = load_overview(repo, facts="moves")
        assert build_changes(slim, cut, first, last, TODAY, "owner") == want
    some = Cut(owners=("li.wei", "zhang.min"))
    assert build_changes(slim, some, first, last, TODAY) == build_changes(
        full, some, first, last, TODAY)


def test_the_slim_snapshot_reads_only_the_files_changed_since(repo: Path) -> None:
    """Unchanged files stand as their summaries; a changed one is summarized, then and now."""
    from salesflow.model.summary import DealSummary
    from salesflow.team.snapshot import deals_at

    full = load_workspace(repo, cache=False)
    slim = load_overview(repo, facts="moves")
    whole = deals_at(repo, full.process, COMMITS[2], {i.path: i.deal for i in full.deals})
    snap = deals_at(repo, None, COMMITS[2], {i.path: i.deal for i in slim.deals})
    assert whole is not None and snap is not None and snap.commit == whole.commit
    assert snap.same == whole.same and snap.same  # most files did not change
    assert snap.deals.keys() == whole.deals.keys()
    assert snap.history == whole.history and snap.edited == whole.edited and snap.edited
    assert snap.edited.keys() <= snap.history.keys() == snap.deals.keys() - snap.same
    for deal_id, deal in snap.deals.items():
        assert isinstance(deal, DealSummary)
        if deal_id in snap.same:
            assert whole.deals[deal_id] is full.by_id(deal_id).deal  # type: ignore[union-attr]
        else:
            assert deal == whole.deals[deal_id]
    assert "broken-then" not in snap.deals  # not in that commit: it came later
    earlier = deals_at(repo, None, COMMITS[1], {i.path: i.deal for i in slim.deals})
    assert earlier is not None and earlier.invalid == ("broken-then",)  # broken then


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_changes_cli_in_git_warm_equals_no_cache(repo: Path, fmt: str) -> None:
    run = WS(repo).run
    args = ("changes", "--format", fmt, "--since", "2026-07-01", "--by", "owner")
    first, warm, fresh = run(*args), run(*args), run("--no-cache", *args)
    assert first.exit_code == warm.exit_code == fresh.exit_code == 0, first.stderr
    assert first.stdout == warm.stdout == fresh.stdout
    if fmt == "json":
        assert '"source": "git"' in warm.stdout


def test_entries_added_since_the_commit_explain_it_and_a_rewritten_history_does_not(
        ws: WS) -> None:
    """Where the history then and now (as tokens) decide between history and git.

    `backdated` moved from D to C by a command whose entry is dated before the
    commit but was written after it: the history, not the committed file, says
    where it stood. `rewritten` reached C by a hand edit that also changed an
    old entry: its history is no longer the commit's plus new entries, so the
    committed file is the truth. `typed` had only its amount typed in.
    """
    body = ("customer: C{n}\nowner: li.wei\namount: {amount}\nstage: D\n"
            "expected_close: 2027-03-31\nhistory:\n  - {{date: 2026-10-01, to: D, by: li.wei}}\n")
    for n, name in enumerate(("backdated", "rewritten", "typed", "still")):
        ws.deal(name, body.format(n=n, amount=100000 * (n + 1)))
    git(ws.root, "init", "-q")
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-q", "-m", "the pipeline", day=dt.date(2026, 11, 10))
    result = ws.run("advance", "backdated", "--force", "--reason", "visit done", "--date",
                    "2026-11-08")
    assert result.exit_code == 0, result.stderr
    text = ws.read("deals/rewritten.yaml").replace("stage: D", "stage: C").replace(
        "by: li.wei}", "by: wang.fang}") + "  - {date: 2026-11-08, from: D, to: C, by: li.wei}\n"
    ws.deal("rewritten", text)
    ws.deal("typed", ws.read("deals/typed.yaml").replace("amount: 300000", "amount: 350000"))
    for _ in range(2):  # contents summarized, then read from the cache
        data = json.loads(ws.run("changes", "--since", "2026-11-12", "--format", "json").stdout)
        moved = {d["id"]: (c["category"], d["source"]) for c in data["categories"]
                 for d in c["deals"]}
        assert moved == {"backdated": ("unchanged", "history"), "rewritten": ("advanced", "git"),
                         "typed": ("amount-up", "git"), "still": ("unchanged", "history")}


def test_contents_are_summarized_once_and_a_damaged_record_again(ws: WS) -> None:
    import sqlite3

    from salesflow.files.cache import cache_file
    from salesflow.files.contents import content_id, summarize

    ws.deal("acme", "customer: Acme\nstage: D\nhistory:\n  - {date: 2026-10-01, to: D}\n")
    load_overview(ws.root)  # the workspace's cache exists, as after any report
    raw, bad = ws.read("deals/acme.yaml").encode(), b"customer: X\nstage: Q\n"
    good_id, bad_id = content_id(raw), content_id(bad)
    hashed = subprocess.run(["git", "hash-object", "--stdin"], input=raw, check=True,
                            capture_output=True).stdout.decode().strip()
    assert good_id == hashed  # git's blob id: a commit's files are looked up by it
    asked: list[list[str]] = []

    def read(ids: list[str]) -> dict[str, bytes]:
        asked.append(sorted(ids))
        return {i: b for i, b in ((good_id, raw), (bad_id, bad)) if i in ids}

    wanted = {good_id: "deals/acme.yaml", bad_id: "deals/bad.yaml"}
    first = summarize(ws.root, wanted, read)
    assert first[bad_id] is None and first[good_id] is not None
    assert first[good_id].summary.stage == "D" and len(first[good_id].history) == 1
    assert summarize(ws.root, wanted, read) == first
    assert asked == [sorted(wanted)]  # the second time from the cache alone
    with sqlite3.connect(cache_file(ws.root)) as db:
        db.execute("UPDATE contents SET value = replace(value, '\"D\"', '\"C\"')")
    assert summarize(ws.root, wanted, read) == first  # the damaged record: summarized again
    assert asked[-1] == [good_id]
    asked.clear()
    assert summarize(ws.root, wanted, read, cache=False) == first
    assert summarize(ws.root, wanted, read, cache=False) == first
    assert asked == [sorted(wanted)] * 2  # --no-cache: neither read nor recorded
