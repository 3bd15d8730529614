"""`salesflow changes`: a scripted quarter, every deal in the category the script meant.

The script runs salesflow's own commands (advance, lose, hold, reopen, each
with --date) and makes hand edits (amounts, close dates, a stage, a deleted
file) committed to git on set days; since is 2026-11-15. The waterfall must
put every deal where the script intended, and start + changes = end exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.cli.weekly import since_day
from salesflow.reports.changes import CATEGORIES, Facts, Seen, categorise, changes, facts_of
from salesflow.reports.select import Cut
from tests.conftest import WS

SINCE = "2026-11-15"


def deal(stage: str, amount: int, close: str = "2027-03-31", *, owner: str = "li.wei",
         status: str = "open", created: str = "2026-10-01", extra: str = "") -> str:
    return (f"customer: Customer {stage}{amount}\nowner: {owner}\namount: {amount}\n"
            f"stage: {stage}\nstatus: {status}\nexpected_close: {close}\n"
            f"history:\n  - {{date: {created}, to: {stage}, by: {owner}}}\n{extra}")


def git(root: Path, *args: str, day: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00"
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env,
                   check=True, capture_output=True)


def commit(ws: WS, day: str) -> None:
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-q", "-m", f"work of {day}", day=day)


def edit(ws: WS, deal_id: str, old: str, new: str) -> None:
    text = ws.read(f"deals/{deal_id}.yaml")
    assert old in text
    ws.deal(deal_id, text.replace(old, new))


def ok(ws: WS, *args: str) -> None:
    result = ws.run(*args)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)


EXPECTED = {
    "adv": "advanced", "back": "moved-back", "winner": "won", "loser": "lost",
    "holder": "held", "reopener": "reopened", "slip": "slipped", "pull": "pulled-in",
    "up": "amount-up", "down": "amount-down", "still": "unchanged", "handold": "unchanged",
    "early": "unchanged", "bystander": "unchanged", "fresh": "new", "quickwin": "won",
    "gone": "removed", "handstage": "moved-back", "nohist": "unchanged",
    "moved-owner": "unchanged",  # another owner: no move of the pipeline's own
    "cmd-up": "amount-up", "cmd-slip": "slipped", "cmd-before": "unchanged",
}
FROM_GIT = {"slip", "pull", "up", "down", "gone", "nohist", "moved-owner"}


@pytest.fixture
def quarter(ws: WS) -> WS:
    """A quarter of work, committed day by day."""
    git(ws.root, "init", "-q")
    initial = {
        "adv": deal("C", 1000000), "back": deal("B", 500000), "winner": deal("A", 800000),
        "loser": deal("D", 300000), "holder": deal("E", 200000),
        "reopener": deal("D", 450000), "slip": deal("C", 400000, "2026-12-15"),
        "pull": deal("D", 600000, "2027-06-30"), "up": deal("E", 700000),
        "down": deal("F", 250000), "still": deal("G", 100000),
        "handold": deal("E", 50000), "early": deal("F", 90000),
        "bystander": deal("E", 120000), "gone": deal("D", 330000),
        "handstage": deal("D", 210000),
        "moved-owner": deal("C", 260000),
        "cmd-up": deal("D", 500000), "cmd-slip": deal("B", 300000),
        "cmd-before": deal("G", 60000),
    }
    for name, text in initial.items():
        ws.deal(name, text)
    ws.deal("nohist", "customer: Handwritten\nowner: li.wei\namount: 70000\nstage: C\n"
            "expected_close: 2027-01-31\n")
    commit(ws, "2026-10-01")
    ok(ws, "lose", "bystander", "--reason", "price", "--date", "2026-10-10")
    commit(ws, "2026-10-10")
    ok(ws, "lose", "reopener", "--reason", "timing", "--date", "2026-11-01")
    commit(ws, "2026-11-01")
    edit(ws, "handold", "amount: 50000", "amount: 80000")  # a hand edit before the week
    commit(ws, "2026-11-05")
    ok(ws, "advance", "early", "--force", "--reason", "visit done", "--date", "2026-11-12")
    # ... committed only on the 18th, with a deal created that day
    ws.deal("quickwin", deal("A", 150000, created="2026-11-18"))
    commit(ws, "2026-11-18")
    ok(ws, "advance", "adv", "--force", "--reason", "fits", "--date", "2026-11-20")
    ws.deal("fresh", deal("F", 350000, created="2026-11-20"))
    commit(ws, "2026-11-20")
    ok(ws, "advance", "back", "--to", "C", "--reason", "re-scoped", "--date", "2026-11-21")
    ok(ws, "advance", "winner", "--force", "--reason", "signed", "--date", "2026-11-22")
    ok(ws, "lose", "loser", "--reason", "competitor", "--date", "2026-11-23")
    ok(ws, "hold", "holder", "--reason", "budget freeze", "--date", "2026-11-24")
    commit(ws, "2026-11-24")
    ok(ws, "reopen", "reopener", "--reason", "new budget", "--date", "2026-11-25")
    commit(ws, "2026-11-25")
    # changes by command, recorded in the history: no git needed to see them
    ok(ws, "set", "cmd-up", "amount=800000", "--date", "2026-11-25")
    ok(ws, "set", "cmd-slip", "expected_close=2027-09-30", "--date", "2026-11-25")
    ok(ws, "set", "cmd-before", "amount=90000", "--date", "2026-11-03")
    commit(ws, "2026-11-25")
    edit(ws, "slip", "expected_close: 2026-12-15", "expected_close: 2027-02-28")
    edit(ws, "pull", "expected_close: 2027-06-30", "expected_close: 2027-01-31")
    edit(ws, "up", "amount: 700000", "amount: 900000")
    edit(ws, "down", "amount: 250000", "amount: 150000")
    edit(ws, "handstage", "stage: D", "stage: E")  # back, with no history entry
    edit(ws, "nohist", "customer: Handwritten", "customer: Handwritten Ltd")
    edit(ws, "moved-owner", "owner: li.wei\n", "owner: wang.fang\n")
    commit(ws, "2026-11-26")
    (ws.root / "deals" / "gone.yaml").unlink()
    commit(ws, "2026-11-27")
    ok(ws, "advance", "quickwin", "--force", "--reason", "signed", "--date", "2026-11-28")
    commit(ws, "2026-11-28")
    return ws


def run_json(ws: WS, *args: str) -> Any:
    result = ws.run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def categories(data: dict[str, Any]) -> dict[str, str]:
    return {d["id"]: c["category"] for c in data["categories"] for d in c["deals"]}


def assert_identity(data: dict[str, Any]) -> None:
    start = Decimal(data["start"]["weighted"])
    deltas = [Decimal(d["weighted_delta"]) for c in data["categories"] for d in c["deals"]]
    for c in data["categories"]:
        assert Decimal(c["weighted"]) == sum((Decimal(d["weighted_delta"]) for d in c["deals"]),
                                             Decimal(0))
        assert c["count"] == len(c["deals"])
    assert start + sum(deltas, Decimal(0)) == Decimal(data["end"]["weighted"])
    assert data["identity"]["holds"] is True


def test_every_deal_in_the_category_the_script_meant(quarter: WS) -> None:
    data = run_json(quarter, "changes", "--since", SINCE)
    assert categories(data) == EXPECTED
    sources = {d["id"]: d["source"] for c in data["categories"] for d in c["deals"]}
    assert {i for i, s in sources.items() if s == "git"} == FROM_GIT
    assert_identity(data)
    assert data["unexplained"]["count"] == 0
    assert data["git"]["since"]["date"] == "2026-11-05"
    byid = {d["id"]: d for c in data["categories"] for d in c["deals"]}
    # adv: C (50%) -> B (75%) on 1,000,000: +250,000 weighted, amount unchanged
    assert (byid["adv"]["weighted_delta"], byid["adv"]["amount_delta"]) == ("250000.00", "0.00")
    assert byid["winner"]["weighted_delta"] == "-720000.00"  # A 90% leaves the pipeline
    assert byid["up"]["from"]["amount"] == "700000.00" and byid["up"]["to"]["amount"] == (
        "900000.00")
    assert byid["up"]["weighted_delta"] == "50000.00"  # E 25% of +200,000
    assert byid["fresh"]["weighted_delta"] == "70000.00"  # F 20% of 350,000
    assert byid["gone"]["to"] is None and byid["gone"]["weighted_delta"] == "-99000.00"
    assert byid["quickwin"]["from"] is None and byid["quickwin"]["weighted_delta"] == "0.00"
    # salesflow set: from history, on the day it says (cmd-before: dated before --since,
    # committed after it; history, not the older commit, tells when)
    assert (byid["cmd-up"]["source"], byid["cmd-up"]["from"]["amount"],
            byid["cmd-up"]["weighted_delta"]) == ("history", "500000.00", "90000.00")
    assert byid["cmd-slip"]["to"]["expected_close"] == "2027-09-30"
    assert byid["cmd-before"]["from"]["amount"] == "90000.00"
    # biggest first within a category
    moved_back = next(c for c in data["categories"] if c["category"] == "moved-back")
    assert [d["id"] for d in moved_back["deals"]] == ["back", "handstage"]


def test_a_deal_leaving_the_cut_is_reassigned(quarter: WS) -> None:
    data = run_json(quarter, "changes", "--since", SINCE, "--owner", "li.wei")
    got = categories(data)
    assert got["moved-owner"] == "reassigned"
    byid = {d["id"]: d for c in data["categories"] for d in c["deals"]}
    assert byid["moved-owner"]["weighted_delta"] == "-130000.00"  # C 50% of 260,000 left
    assert_identity(data)
    other = run_json(quarter, "changes", "--since", SINCE, "--owner", "wang.fang")
    assert categories(other) == {"moved-owner": "reassigned"}
    assert other["end"]["weighted"] == "130000.00" and other["start"]["weighted"] == "0.00"


def test_until_a_past_day_reads_that_day_too(quarter: WS) -> None:
    data = run_json(quarter, "changes", "--since", SINCE, "--until", "2026-11-24")
    got = categories(data)
    assert {k: got[k] for k in ("adv", "back", "winner", "loser", "holder")} == {
        "adv": "advanced", "back": "moved-back", "winner": "won", "loser": "lost",
        "holder": "held"}
    for later in ("reopener", "slip", "pull", "up", "down", "handstage", "gone",
                  "nohist", "moved-owner"):
        assert got[later] == "unchanged", later  # changed after the 24th
    assert got["quickwin"] == "new"  # created on the 18th, won on the 28th
    assert_identity(data)


def test_table_csv_and_per_owner(quarter: WS) -> None:
    result = quarter.run("changes", "--since", SINCE, "--by", "owner")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"Changes (CNY) — {SINCE} to ")
    assert re.search(r"\nup +li\.wei +700,000 -> 900,000 \(from git\) +\+50,000\n", out)
    assert re.search(r"\nAmount up +2 +\+500,000 +\+140,000\n", out)
    assert "Weighted pipeline by owner" in out
    assert "(start + changes = end)" in out
    assert all(len(line) <= 80 for line in out.splitlines()), out
    data = run_json(quarter, "changes", "--since", SINCE, "--by", "owner")
    assert [g["group"] for g in data["groups"]] == ["li.wei", "wang.fang"]
    total = sum((Decimal(g["identity"]["deltas"]) for g in data["groups"]), Decimal(0))
    assert total == Decimal(data["identity"]["deltas"])
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(quarter.run("changes", "--since", SINCE,
                                                       "--format", "csv").stdout)))
    assert rows[0]["row"] == "start" and rows[-1]["row"] == "end"
    deals = [r for r in rows if r["row"] == "deal"]
    assert {r["id"]: r["category"] for r in deals} == EXPECTED
    assert Decimal(rows[0]["weighted"]) + sum(Decimal(r["weighted"]) for r in deals) == (
        Decimal(rows[-1]["weighted"]))


def test_outside_git_it_names_what_it_cannot_explain(quarter: WS, tmp_path: Path) -> None:
    plain = WS(tmp_path / "plain")
    shutil.copytree(quarter.root, plain.root, ignore=shutil.ignore_patterns(".git"))
    data = run_json(plain, "changes", "--since", SINCE)
    assert data["git"] is None
    assert data["unexplained"] == {"count": 2, "ids": sorted(data["unexplained"]["ids"])}
    assert set(data["unexplained"]["ids"]) == {"handstage", "nohist"}
    got = categories(data)
    for name in ("adv", "back", "winner", "loser", "holder", "reopener", "fresh", "quickwin"):
        assert got[name] == EXPECTED[name]
    assert_identity(data)
    out = plain.run("changes", "--since", SINCE).stdout
    assert "Not in a git repository" in out
    assert "left out: 2 deal(s): handstage, nohist" in out


def test_since_words() -> None:
    wed = dt.date(2026, 12, 2)
    assert since_day("last-week", wed) == dt.date(2026, 11, 22)  # the Sunday before last week
    assert since_day("7d", wed) == dt.date(2026, 11, 25)
    assert since_day("2w", wed) == dt.date(2026, 11, 18)
    assert since_day("2026-11-01", wed) == dt.date(2026, 11, 1)


def test_usage_errors(ws: WS) -> None:
    for args, text in ((("--since", "soon"), "--since: 'soon' is not a date"),
                       (("--since", "2026-11-20", "--until", "2026-11-10"),
                        "is not before --until"),
                       (("--by", "colour"), "Invalid value for '--by'")):
        result = ws.run("changes", *args)
        assert result.exit_code == 2 and text in result.stderr, result.stderr


# ------------------------------------------------------- the identity, generated

STAGES = ["G", "F", "E", "D", "C", "B", "A", "S"]
facts = st.builds(
    lambda stage, status, amount, close, owner: Facts(
        stage, "won" if stage == "S" else status, amount, close, owner),
    st.sampled_from(STAGES), st.sampled_from(["open", "lost", "hold"]),
    st.none() | st.decimals(min_value=0, max_value=10**9, places=2),
    st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    st.sampled_from(["a", "b", None]))


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(st.tuples(st.none() | facts, st.none() | facts), max_size=25),
       owners=st.sampled_from([(), ("a",)]),
       window=st.sampled_from([(None, None), (dt.date(2026, 6, 1), dt.date(2027, 3, 31))]))
def test_start_plus_deltas_is_the_end(process: Any, pairs: list[tuple[Facts | None,
                                                                       Facts | None]],
                                      owners: tuple[str, ...],
                                      window: tuple[dt.date | None, dt.date | None]) -> None:
    cut = Cut(owners=owners, close_from=window[0], close_to=window[1])
    seen = [Seen(f"d{i}", a, b, "history") for i, (a, b) in enumerate(pairs)]
    report = changes(process, seen, since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 8),
                     cut=cut)
    deltas = sum((b.weighted for b in report.buckets), Decimal(0))
    assert report.start.weighted + deltas == report.end.weighted
    amounts = sum((b.amount for b in report.buckets), Decimal(0))
    assert report.start.amount + amounts == report.end.amount
    ids = [m.id for m in report.moves]
    assert len(ids) == len(set(ids))  # each deal in one category at most
    for m in report.moves:
        assert m.category in CATEGORIES
        assert m.category == categorise(process, m.start, m.end, cut)
        if m.category == "unchanged" and m.start and m.end and m.start.status == "open":
            assert m.start.stage == m.end.stage and m.start.amount == m.end.amount


def test_an_invalid_file_is_named_in_every_format(quarter: WS) -> None:
    quarter.deal("broken", "customer: X\nstage: Q\n")
    result = quarter.run("changes", "--since", SINCE)
    assert result.exit_code == 1
    assert "deals/broken.yaml" in result.stdout.splitlines()[-1]
    data = json.loads(quarter.run("changes", "--since", SINCE, "--format", "json").stdout)
    assert data["invalid"]["count"] == 1
    csv = quarter.run("changes", "--since", SINCE, "--format", "csv").stdout
    assert csv.splitlines()[-1].startswith("INVALID,deals/broken.yaml,")


def test_the_snapshot_parses_only_what_changed_since_the_commit(quarter: WS) -> None:
    """Changed files are read from git; unchanged ones are the deals parsed now."""
    from salesflow.files.load import load_workspace
    from salesflow.team.snapshot import deals_at

    ws = load_workspace(quarter.root, cache=False)
    current = {item.path: item.deal for item in ws.deals}
    snap = deals_at(quarter.root, ws.process, dt.date(2026, 11, 15), current)
    fresh = deals_at(quarter.root, ws.process, dt.date(2026, 11, 15), {})  # every file read
    assert snap is not None and fresh is not None and snap.commit == fresh.commit
    def facts(deals: Any) -> dict[str, Facts]:
        return {i: facts_of(d, ws.process) for i, d in deals.items()}

    assert facts(snap.deals) == facts(fresh.deals)  # the same answer either way
    assert snap.edited.keys() <= snap.history.keys() < fresh.history.keys()
    assert snap.deals["still"] is current["deals/still.yaml"]  # unchanged: reused
    assert "still" in snap.same and "up" not in snap.same and not fresh.same
    assert snap.deals["up"].amount == Decimal(700000)  # edited since: read from git
    assert snap.history["up"] == snap.edited["up"]  # a hand edit: no entry added since
