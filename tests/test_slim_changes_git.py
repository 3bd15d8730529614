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
import subprocess
from pathlib import Path
from typing import Any

import pytest

from salesflow.cli.weekly import build_changes
from salesflow.files.load import load_overview, load_workspace
from salesflow.reports.select import Cut
from tests import generate
from tests.conftest import WS
from tests.test_changes import git as git_at
from tests.test_slim_meeting import FIELDS

TODAY = dt.date(2026, 12, 2)
COMMITS = (dt.date(2026, 3, 1), dt.date(2026, 6, 15), dt.date(2026, 9, 30))


def git(root: Path, *args: str, day: dt.date | None = None) -> None:
    """Git in `root`, as a fixed author; with `day`, authored and committed that day."""
    git_at(root, *args, day=day.isoformat() if day else None)


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


# ------------------------------------------------------------- the reference


def reference(root: Path, since: dt.date, until: dt.date) -> tuple[list[Any], list[str]]:
    """Every deal placed as `changes` placed it before summaries: whole deals, every blob read.

    The deals of the last commit on or before a day, each committed file
    parsed whole; a history explains a committed file when, replayed to the
    commit's date, it gives that file's facts but for what the entries added
    since change; histories compared entry by entry as models. No shortcut
    for deals that did not move.
    """
    from salesflow.files.parse import parse_deal
    from salesflow.reports.changes import Seen, explained, facts_of, facts_on
    from salesflow.reports.tracks import fold, track_of
    from salesflow.team.gitrepo import toplevel
    from salesflow.team.snapshot import blobs, commit_on_or_before, read_blobs

    ws = load_workspace(root, cache=False)
    process = ws.process
    top = toplevel(root)
    assert top is not None
    base = root.resolve().relative_to(top).as_posix()
    folder = "deals" if base == "." else f"{base}/deals"

    def commit(day: dt.date) -> tuple[dt.date | None, dict[str, Any], set[str]]:
        found = commit_on_or_before(top, day)
        if found is None:
            return None, {}, set()
        sha, date = found
        paths = blobs(top, sha, folder)
        raw = read_blobs(top, list(set(paths.values())))
        deals: dict[str, Any] = {}
        invalid: set[str] = set()
        for path, blob in sorted(paths.items()):
            deal = parse_deal(raw[blob], path, process)[0] if blob in raw else None
            if deal is None:
                invalid.add(Path(path).stem)
            else:
                deals[Path(path).stem] = deal
        return date, deals, invalid

    def explains(track: Any, f: Any, deal: Any, old: Any, date: dt.date) -> bool:
        then = facts_on(track, f, process, date)
        if then is None:
            return False
        committed = facts_of(old, process)
        differ = {n for n in committed.__dataclass_fields__
                  if getattr(then, n) != getattr(committed, n)}
        if not differ:
            return True
        n = len(old.history)
        if deal.history[:n] != old.history:
            return False
        touched: set[str] = set()
        for entry in deal.history[n:]:
            if entry.kind in ("move", "status"):
                touched |= {"stage", "status"}
            elif entry.kind == "field":
                touched.add("amount" if entry.field == "currency" else str(entry.field))
        return differ <= touched

    def on_day(track: Any, f: Any, deal_id: str, day: dt.date, then: Any,
               whole: Any) -> tuple[Any, str]:
        date, deals, invalid = then
        old = deals.get(deal_id)
        if track is None:
            return (facts_of(old, process) if old is not None else None), "git"
        if deal_id in invalid:
            if track.replayable and explained(track, f):
                return facts_on(track, f, process, day), "history"
            raise LookupError(deal_id)
        if old is not None:
            if track.replayable and explains(track, f, whole, old, date):
                return facts_on(track, f, process, day), "history"
            return facts_of(old, process), "git"
        if track.replayable:
            return facts_on(track, f, process, day), "history"
        return None, "git"

    then_since = commit(since)
    then_until = commit(until) if until < TODAY else None
    current = {item.id: item for item in ws.deals}
    ids = list(current)
    for then in (then_since, then_until):
        if then is not None:
            ids += [i for i in then[1] if i not in current and i not in ids]
    seen, unexplained = [], []
    for deal_id in ids:
        item = current.get(deal_id)
        track = track_of(item) if item is not None else None
        f = fold(track, process) if track is not None else None
        whole = item.deal if item is not None else None
        try:
            start, source = on_day(track, f, deal_id, since, then_since, whole)
            if until >= TODAY:
                end, end_source = (facts_of(track, process) if track else None), "file"
            else:
                end, end_source = on_day(track, f, deal_id, until, then_until, whole)
        except LookupError:
            unexplained.append(deal_id)
            continue
        seen.append(Seen(deal_id, start, end, "git" if "git" in (source, end_source)
                         else source))
    return seen, unexplained


def slim_seen(root: Path, since: dt.date, until: dt.date) -> tuple[list[Any], list[str]]:
    """What `changes` places now, from the summaries (as `cli.weekly.build_changes` does)."""
    from salesflow.reports.seen import Then, observe
    from salesflow.team.snapshot import deals_at

    slim = load_overview(root, facts="moves")
    current = {item.path: item.deal for item in slim.deals}

    def then(day: dt.date) -> Then:
        snap = deals_at(root, None, day, current)
        assert snap is not None
        return snap.then()

    return observe(slim.process, slim.deals, since=since, until=until, today=TODAY,
                   then_since=then(since), then_until=then(until) if until < TODAY else None)


WINDOWS = [("2026-02-01", "2026-12-02"), ("2026-03-01", "2026-12-02"),
           ("2026-05-01", "2026-12-02"), ("2026-07-01", "2026-12-02"),
           ("2026-10-15", "2026-12-02"), ("2026-04-01", "2026-08-01"),
           ("2026-06-15", "2026-10-01")]


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_changes_in_git_place_every_deal_where_the_whole_deal_algorithm_did(
        repo: Path, since: str, until: str) -> None:
    first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    want = reference(repo, first, last)
    assert {s.source for s in want[0]} == {"history", "git"} or first < COMMITS[0]
    for _ in range(2):  # cold, then warm
        got = slim_seen(repo, first, last)
        assert ({s.id: s for s in got[0]}, sorted(got[1])) == (
            {s.id: s for s in want[0]}, sorted(want[1]))


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


def test_only_the_blobs_of_files_changed_since_are_read(repo: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.files.contents import content_id
    from salesflow.team import snapshot

    read: list[str] = []
    real = snapshot.read_blobs

    def recorded(top: Path, ids: list[str]) -> dict[str, bytes]:
        read.extend(ids)
        return real(top, ids)

    monkeypatch.setattr(snapshot, "read_blobs", recorded)
    slim = load_overview(repo, facts="moves")
    current = {i.path: i.deal for i in slim.deals}
    sha, _ = snapshot.commit_on_or_before(repo, COMMITS[2]) or ("", None)
    paths = snapshot.blobs(repo, sha, "deals")
    edited = snapshot.changed_since(repo, sha, "deals") or set()
    changed = {blob for path, blob in paths.items() if path in edited}
    assert changed and len(changed) < len(set(paths.values()))  # some did not change
    # A blob whose bytes a file has now (a file moved, not edited) is read from the file.
    on_disk = {content_id((repo / rel).read_bytes()) for rel in current}
    snapshot.deals_at(repo, None, COMMITS[2], current, cache=False)
    assert set(read) <= changed and changed - set(read) <= on_disk  # --no-cache
    assert set(read)
    read.clear()
    snapshot.deals_at(repo, None, COMMITS[2], current)  # summarized and recorded
    assert set(read) <= changed and changed - set(read) <= on_disk
    read.clear()
    snapshot.deals_at(repo, None, COMMITS[2], current)
    assert read == []  # from the cache of contents alone


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
    """Where the history then and now decide between history and git.

    Each deal below was at D when committed and is at C now. `backdated` moved
    by a command whose entry is dated before the commit but was written after
    it: the history says where it stood. `rewritten` reached C by a hand edit
    that also changed an old entry's author: its history is no longer the
    commit's plus new entries, so the committed file is the truth; so is it
    for `tagged`, whose old entry got an `x-` key. `retyped` had an old
    amount written anew as `50000.0`: the same entry, so its history stands.
    `typed` had only its amount typed in.
    """
    body = ("customer: C{n}\nowner: li.wei\namount: {amount}\nstage: D\n"
            "expected_close: 2027-03-31\nhistory:\n  - {{date: 2026-10-01, to: D, by: li.wei}}\n"
            "  - {{date: 2026-10-02, field: amount, from: 50000, to: {amount}, by: li.wei}}\n")
    names = ("backdated", "rewritten", "tagged", "retyped", "typed", "still")
    for n, name in enumerate(names):
        ws.deal(name, body.format(n=n, amount=100000 * (n + 1)))
    git(ws.root, "init", "-q")
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-q", "-m", "the pipeline", day=dt.date(2026, 11, 10))
    result = ws.run("advance", "backdated", "--force", "--reason", "visit done", "--date",
                    "2026-11-08")
    assert result.exit_code == 0, result.stderr
    move = "  - {date: 2026-11-08, from: D, to: C, by: li.wei}\n"
    edits = {"rewritten": ("to: D, by: li.wei}", "to: D, by: wang.fang}"),
             "tagged": ("to: D, by: li.wei}", "to: D, by: li.wei, x-ticket: T-1}"),
             "retyped": ("from: 50000,", "from: 50000.0,")}
    for name, (old, new) in edits.items():
        text = ws.read(f"deals/{name}.yaml")
        assert old in text
        ws.deal(name, text.replace(old, new).replace("stage: D", "stage: C") + move)
    ws.deal("typed", ws.read("deals/typed.yaml").replace("amount: 500000", "amount: 550000"))
    for _ in range(2):  # contents summarized, then read from the cache
        data = json.loads(ws.run("changes", "--since", "2026-11-12", "--format", "json").stdout)
        moved = {d["id"]: (c["category"], d["source"]) for c in data["categories"]
                 for d in c["deals"]}
        assert moved == {
            "backdated": ("unchanged", "history"), "rewritten": ("advanced", "git"),
            "tagged": ("advanced", "git"), "retyped": ("unchanged", "history"),
            "typed": ("amount-up", "git"), "still": ("unchanged", "history")}
    since = dt.date(2026, 11, 12)
    want = reference(ws.root, since, TODAY)
    got = slim_seen(ws.root, since, TODAY)
    assert {s.id: s for s in got[0]} == {s.id: s for s in want[0]} and got[1] == want[1]


def test_contents_are_summarized_once_and_a_damaged_record_again(ws: WS) -> None:
    import sqlite3

    from salesflow.files import cache_rows
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
    asked.clear()
    with sqlite3.connect(cache_file(ws.root)) as db:  # well-formed, summed, but no token
        value = json.dumps([json.loads(db.execute(
            "SELECT value FROM contents WHERE id = ?", (good_id,)).fetchone()[0])[0],
                            ["bogus"]], separators=(",", ":"))
        db.execute("UPDATE contents SET value = ?, sum = ? WHERE id = ?",
                   (value, cache_rows.text_sum(good_id, value), good_id))
    assert summarize(ws.root, wanted, read) == first and asked == [[good_id]]


def test_the_contents_kept_are_bounded_and_the_oldest_go_first(ws: WS) -> None:
    from salesflow.files.cache import Store, cache_file, cache_key
    from salesflow.files.load import process_bytes

    ws.deal("acme", "customer: Acme\nstage: D\n")
    load_overview(ws.root)  # the workspace's cache exists
    store = Store(cache_file(ws.root), cache_key(process_bytes(ws.root)))
    try:
        for n in range(4):
            store.save_contents({f"c{n}": None}, keep=4)
        assert set(store.contents([f"c{n}" for n in range(6)])) == {"c0", "c1", "c2", "c3"}
        store.save_contents({"c4": None, "c5": None}, keep=4)  # six: the oldest four go
        assert set(store.contents([f"c{n}" for n in range(6)])) == {"c4", "c5"}
    finally:
        store.close()
