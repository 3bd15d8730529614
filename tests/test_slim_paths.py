"""The slim paths (cached summaries and facts) give exactly what the full deals give.

`stats` replays the moves a summary carries, `review` judges the facts the
loader recorded (`method.review_facts`), `list`, `export` and `forecast` read
summaries: each must return what the same report returns from the full,
validated deals, on a workspace with every kind of deal (open, won, lost,
held, hand-written without history, moves back, forced moves, activities and
field changes, rule milestones met and broken, buying centres, next steps,
currencies) and on several dates.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

import pytest

from salesflow.files import bulk
from salesflow.files.load import load_overview, load_workspace
from tests.conftest import REPO, WS

sys.path.insert(0, str(REPO / "benchmarks"))
import generate as bench_generate
from tests import generate

DAYS = ("2025-03-01", "2026-12-02", "2028-01-01")

HAND = {
    "forced-move": """\
name: Forced
customer: Acme Water Works
owner: li.wei
amount: 120000
currency: USD
stage: D
status: open
next_steps:
  - {due: 2026-05-01, action: "Call back"}
  - {due: 2026-02-01, action: "Send the offer"}
  - {due: 2026-02-01, action: "Book the demo"}
history:
  - {date: 2026-01-05, to: G, by: li.wei}
  - {date: 2026-01-20, from: G, to: D, by: li.wei, forced: true,
     skipped: [visit-committed], reason: "the customer called us"}
  - {date: 2026-02-10, activity: call, text: "Talked budget", with: [Zhang San], by: li.wei}
  - {date: 2026-03-01, field: amount, from: 100000, to: 120000, by: li.wei}
  - {date: 2027-09-01, activity: visit, text: "Planned visit", by: li.wei}
""",
    "broken-rules": """\
name: Broken
customer: Gulf Coast Utility
owner: sarah.ortiz
amount: 900000
stage: B
status: open
milestones:
  visit-committed: 2026-01-02
  proposal-expected: 2026-01-10
stakeholders:
  - {name: Ann Lee, level: operations, roles: [user], attitude: neutral}
needs:
  - {kind: P, text: "Leaks every winter"}
history:
  - {date: 2026-01-01, to: G, by: sarah.ortiz}
  - {date: 2026-02-01, from: G, to: B, by: sarah.ortiz}
""",
    "held-quiet": """\
customer: Klinikum Nordstadt
owner: m.keller
stage: E
status: hold
history:
  - {date: 2025-06-01, to: G, by: m.keller}
  - {date: 2025-07-01, from: G, to: E, by: m.keller}
  - {date: 2025-08-01, status: hold, by: m.keller}
""",
    "held-followup": """\
customer: Klinikum Nordstadt
owner: m.keller
amount: 5000
currency: EUR
stage: F
status: hold
next_steps:
  - {due: 2026-01-15, action: "Check back"}
history:
  - {date: 2025-06-01, to: G, by: m.keller}
  - {date: 2025-07-01, from: G, to: F, by: m.keller}
  - {date: 2025-08-01, status: hold, by: m.keller}
""",
    "coach-opposes": """\
name: 泵站改造
customer: 华东水务
owner: li.wei
amount: 300000
stage: B
status: open
expected_close: 2026-03-31
procurement_step: problem-found
stakeholders:
  - {name: 陈丽, level: operations, roles: [user, coach], attitude: opponent}
  - {name: Wang, title: Finance director, level: management, roles: [financial, decision],
     attitude: opponent, influence: high}
  - {name: Zhao, level: management, roles: [technical], attitude: supporter, influence: low}
  - {name: Qian, level: decision, roles: [evaluator], attitude: supporter, influence: high}
needs:
  - {kind: P, text: "Pumps fail"}
  - {kind: I, text: "Fines"}
next_steps:
  - {due: 2026-01-10, action: "Call 陈丽"}
history:
  - {date: 2025-11-01, to: G, by: li.wei}
  - {date: 2025-12-01, from: G, to: B, by: li.wei, forced: true, skipped: [visit-committed],
     reason: "tender came early"}
""",
    "no-step-known": """\
customer: Lubei Motor Works
owner: sarah.ortiz
amount: 80000
currency: EUR
stage: E
status: open
stakeholders:
  - {name: Anna Berg, level: management, roles: [user], attitude: supporter, influence: medium}
  - {name: Marc Dubois, level: operations, roles: [technical], attitude: supporter,
     influence: high}
history:
  - {date: 2026-04-01, to: G, by: sarah.ortiz}
  - {date: 2026-05-01, from: G, to: E, by: sarah.ortiz}
""",
    "customer-ahead": """\
customer: Osaka Brewery
owner: li.wei
amount: 1000
stage: F
status: open
procurement_step: tender-issued
stakeholders:
  - {name: Sun Li, level: decision, roles: [decision, coach], attitude: supporter}
needs:
  - {kind: N, text: "Save energy", explicit: true}
next_steps:
  - {due: 2030-01-01, action: "Later"}
history:
  - {date: 2026-06-01, to: G, by: li.wei}
  - {date: 2026-06-02, from: G, to: F, by: li.wei}
""",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Walks (holds, moves back, losses, no history), the benchmark's buying centres,
    the demo's deals without their accounts, and the hand-written oddities above."""
    root = tmp_path_factory.mktemp("mixed")
    generate.write(root, generate.walks(260, seed=11), until=generate.END)
    rng = random.Random(5)
    for i in range(160):
        (root / "deals" / f"bench-{i:04d}.yaml").write_text(
            bench_generate.deal_text(rng, i), encoding="utf-8")
    for path in sorted((REPO / "deals").glob("*.yaml")):  # their accounts are not copied
        text = re.sub(r"(?m)^account:.*\n", "", path.read_text(encoding="utf-8"))
        (root / "deals" / path.name).write_text(text, encoding="utf-8")
    for name, text in HAND.items():
        (root / "deals" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def test_the_mixed_workspace_has_every_kind_of_deal(mixed: Path) -> None:
    ws = load_workspace(mixed, cache=False)
    assert ws.problems == []
    deals = [d.deal for d in ws.deals]
    assert {d.status for d in deals} == {"open", "won", "lost", "hold"}
    assert any(not d.history for d in deals)
    assert any(h.forced for d in deals for h in d.history)
    assert any(h.kind == "activity" for d in deals for h in d.history)
    assert any(d.stakeholders for d in deals) and any(d.milestones for d in deals)
    assert {d.currency for d in deals} >= {"CNY", "USD", "EUR"}
    from salesflow.method.health import has_broken_rule

    assert sum(has_broken_rule(d, ws.process) for d in deals) >= 2


@pytest.mark.parametrize("window", [(None, None), ("2025-06-01", "2026-06-30"),
                                    (None, "2025-12-31"), ("2026-01-01", None)])
def test_stats_from_summaries_equals_stats_from_full_deals(mixed: Path,
                                                           window: tuple[str | None, ...],
                                                           ) -> None:
    from salesflow.reports.stats import stats

    start, end = (None if d is None else dt.date.fromisoformat(d) for d in window)
    full = load_workspace(mixed, cache=False)
    for slim in (load_overview(mixed, facts=True), load_overview(mixed, facts=True)):
        for min_sample in (1, 5):
            got = stats(slim.process, slim.deals, start=start, end=end, min_sample=min_sample)
            want = stats(full.process, full.deals, start=start, end=end,
                         min_sample=min_sample)
            assert got == want


def test_summary_moves_are_the_histories_moves(mixed: Path) -> None:
    from salesflow.model.summary import moves_of
    from salesflow.reports.replay import replayable

    ws = load_workspace(mixed, cache=False)
    for item in ws.deals:
        summary = bulk.summarize_file(item, ws.process, facts=True).deal
        assert summary.replayable == replayable(item.deal), item.id
        assert summary.path_moves == moves_of(item.deal)[1], item.id


def test_review_facts_answer_as_the_full_deal(mixed: Path) -> None:
    from salesflow.method.health import risks
    from salesflow.method.review_facts import judge

    ws = load_workspace(mixed, cache=False)
    for item in ws.deals:
        if item.deal.status not in ("open", "hold"):
            continue
        summary = bulk.summarize_file(item, ws.process, facts=True).deal
        for day in DAYS:
            when = dt.date.fromisoformat(day)
            want = risks(item.deal, ws.process, when)
            got, broken = judge(summary, ws.process, when)
            assert got == [r for r in want if r.code != "rule-broken"], (item.id, day)
            assert broken == any(r.code == "rule-broken" for r in want), (item.id, day)


def test_the_mixed_workspace_has_every_risk(mixed: Path) -> None:
    """So that the comparisons below cover every check and both ways of each."""
    import json

    from salesflow.cli import _common

    seen: set[str] = set()
    reasons: list[str] = []
    for day in DAYS:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(_common, "today", lambda day=day: dt.date.fromisoformat(day))
            result = WS(mixed).run("review", "--format", "json")
        for deal in json.loads(result.stdout)["deals"]:
            seen.update(k["code"] for k in deal["risks"])
            reasons.extend(k["reason"] + k["move"] for k in deal["risks"])
    assert seen == {"idle", "close-passed", "no-next-step", "next-step-overdue", "no-coach",
                    "no-decision-level", "opponent-buyer", "out-of-step", "no-procurement-step",
                    "no-explicit-need", "rule-broken"}
    for words in ("ahead of the customer", "ahead of the sale", "and 1 more", "your coach",
                  "who supports us", "on hold with no follow-up", "1 implied need",
                  "2 implied needs", "no needs recorded", "already supports us",
                  "already support us", "develop a coach early", ", e.g. "):
        assert any(words in r for r in reasons), words


def _same(ws: WS, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> str:
    """The review's output, cold and warm from the slim path, equal to the full path's."""
    from salesflow.cli import review

    slim = [ws.run(*args) for _ in range(2)]  # cold, warm
    with monkeypatch.context() as m:
        m.setattr(review, "_slim_review", lambda *a: None)
        full = ws.run(*args)
    for got in slim:
        assert (got.exit_code, got.stdout, got.stderr) == (
            full.exit_code, full.stdout, full.stderr), args
    return full.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_review_slim_equals_full_through_the_cli(mixed: Path, fmt: str, lang: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.cli import _common

    ws = WS(mixed)
    for day in DAYS:
        monkeypatch.setattr(_common, "today", lambda day=day: dt.date.fromisoformat(day))
        for owner in ((), ("--owner", "li.wei", "--owner", "sarah.ortiz")):
            out = _same(ws, ("--lang", lang, "review", "--format", fmt, *owner), monkeypatch)
    assert "rule-broken" in out
    if fmt == "table":
        assert ("关键" in out or "没有" in out) if lang == "zh" else "no coach" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_review_with_accounts_slim_equals_full(demo: WS, fmt: str, lang: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Linked deals are judged with their account's people, as the full path judges them."""
    from salesflow.cli import _common

    for day in DAYS:
        monkeypatch.setattr(_common, "today", lambda day=day: dt.date.fromisoformat(day))
        out = _same(demo, ("--lang", lang, "review", "--format", fmt), monkeypatch)
    assert "relationship-too-low" in out
    # an account gone: its deals are judged without its people, and the report says so
    (demo.root / "accounts" / "huadong-water.yaml").unlink()
    broken = _same(demo, ("--lang", lang, "review", "--format", fmt), monkeypatch)
    assert "huadong-water" in broken


def test_review_json_is_the_whole_document(demo: WS) -> None:
    """Written deal by deal, the JSON is still one document, as `output.json` writes it."""
    import json


    result = demo.run("review", "--format", "json")
    data = json.loads(result.stdout)
    assert result.stdout == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert len(data["deals"]) > 3


def test_write_json_writes_what_json_dumps_writes(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from salesflow.cli.review_out import write_json

    for items in ([], [{"a": [1, {"b": "x\ny"}], "c": []}], [{"d": "中文"}, {"e": None}]):
        texts = (json.dumps(i, ensure_ascii=False, indent=2).replace("\n", "\n    ")
                 for i in items)
        write_json({"as_of": dt.date(2026, 1, 2), "n": 1}, "deals", texts,
                   {"invalid": {"count": 0, "files": []}})
        want = json.dumps({"as_of": "2026-01-02", "n": 1, "deals": items,
                           "invalid": {"count": 0, "files": []}}, ensure_ascii=False, indent=2)
        assert capsys.readouterr().out == want + "\n"


def test_list_and_export_rows_from_summaries_equal_the_full_deals(mixed: Path) -> None:
    from salesflow.cli.deals import _list_cells, deal_row
    from salesflow.team.exporting import export_row

    full = load_workspace(mixed, cache=False)
    warm = load_overview(mixed)
    load_overview(mixed)
    by_id = {d.id: d for d in load_overview(mixed).deals}
    assert sorted(by_id) == sorted(d.id for d in full.deals)
    assert len(warm.deals) == len(full.deals)
    for item in full.deals:
        summary = by_id[item.id]
        assert deal_row(summary) == deal_row(item), item.id
        # export reads summaries only: the cached one against one made from the full deal
        fresh = bulk.summarize_file(item, full.process)
        assert export_row(summary) == export_row(fresh), item.id
        history = item.deal.history
        assert export_row(summary)["created"] == (history[0].date.isoformat() if history
                                                  else None)
        assert _list_cells(summary, warm.process) == _list_cells(item, full.process)


def test_forecast_from_summaries_equals_full_deals_on_the_mixed_workspace(mixed: Path) -> None:
    from salesflow.reports.forecast import forecast, won_from_summary

    full = load_workspace(mixed, cache=False)
    slim = load_overview(mixed)
    for day in DAYS:
        today = dt.date.fromisoformat(day)
        for period in ("month", "quarter"):
            assert forecast(slim.process, slim.deals, today=today, period=period,
                            won=won_from_summary) == forecast(full.process, full.deals,
                                                              today=today, period=period)


def test_stats_and_review_cli_from_an_old_cache_rebuild(mixed: Path, tmp_path: Path) -> None:
    """A cache written by an older format is never read: the new one answers the same."""
    import sqlite3

    from salesflow.files import cache

    copy = tmp_path / "copy"
    shutil.copytree(mixed, copy)
    ws = WS(copy)
    first = ws.run("stats", "--format", "json")
    db = sqlite3.connect(cache.cache_file(copy))
    with db:
        db.execute("UPDATE meta SET value = 'format-4' WHERE key = 'key'")
        db.execute("UPDATE files SET moves = NULL, review = NULL")
    db.close()
    again = ws.run("stats", "--format", "json")
    assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout)
    review = ws.run("review", "--format", "json")
    assert review.exit_code == 0 and '"deals"' in review.stdout


def _full_workspace(mixed: Path) -> object:
    """What `overview()` would give if it read every deal whole (no summaries, no cache)."""
    return load_workspace(mixed, cache=False)


LIST_CASES = [("list",), ("list", "--status", "all"),
              ("list", "--owner", "li.wei", "--status", "all"),  # short: rich draws it
              ("list", "--stage", "B", "--stage", "S", "--status", "all")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_list_slim_equals_full_through_the_cli(mixed: Path, fmt: str, lang: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`list` from the cache's summaries prints exactly what it prints from whole deals:
    long tables (plain text), short ones (rich), JSON and CSV, in English and Chinese."""
    from salesflow.cli import deals

    ws = WS(mixed)
    for args in LIST_CASES:
        command = ("--lang", lang, *args, "--format", fmt)
        slim = [ws.run(*command) for _ in range(2)]  # cold, warm
        with monkeypatch.context() as m:
            m.setattr(deals, "overview", lambda mixed=mixed: _full_workspace(mixed))
            full = ws.run(*command)
        assert full.exit_code == 0 and full.stdout
        for got in slim:
            assert (got.exit_code, got.stdout, got.stderr) == (
                full.exit_code, full.stdout, full.stderr), args
    if fmt == "table" and lang == "zh":
        assert "金额" in full.stdout  # the Chinese headers were drawn


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("extra", [(), ("--safe-csv",), ("--status", "open", "--owner", "li.wei")])
def test_export_slim_equals_full_through_the_cli(mixed: Path, fmt: str, extra: tuple[str, ...],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`export` from cached summaries writes what summaries made from whole deals give."""
    from salesflow.cli import transfer
    from salesflow.files.workspace import Overview
    from salesflow.model.summary import ProcessSummary

    def full_overview() -> Overview:
        ws = load_workspace(mixed, cache=False)
        return Overview(mixed, ProcessSummary.of(ws.process),
                        [bulk.summarize_file(i, ws.process) for i in ws.deals], ws.problems)

    ws = WS(mixed)
    command = ("export", "--format", fmt, *extra)
    slim = [ws.run(*command) for _ in range(2)]
    with monkeypatch.context() as m:
        m.setattr(transfer, "overview", full_overview)
        full = ws.run(*command)
    assert full.exit_code == 0 and full.stdout.count("\n") > 10
    for got in slim:
        assert (got.exit_code, got.stdout, got.stderr) == (
            full.exit_code, full.stdout, full.stderr)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_stats_and_forecast_slim_equal_full_through_the_cli(
        mixed: Path, fmt: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`stats` and `forecast` from summaries print what they print from whole deals."""
    from salesflow.cli import reports
    from salesflow.files.load import load_process
    from salesflow.reports import forecast

    ws = WS(mixed)
    for args in (("stats",), ("stats", "--from", "2026-01-01", "--min-sample", "1"),
                 ("forecast",), ("forecast", "--by", "month", "--from", "2026-01-01"),
                 ("forecast", "--per-owner")):
        command = ("--lang", lang, *args, "--format", fmt)
        slim = [ws.run(*command) for _ in range(2)]
        with monkeypatch.context() as m:
            m.setattr(reports, "overview", lambda **kw: _full_workspace(mixed))
            m.setattr(forecast, "won_from_summary", None)  # won dates from the histories
            m.setattr(reports, "_targets_process", lambda ws: load_process(ws.root))
            full = ws.run(*command)
        assert full.exit_code == 0 and full.stdout
        for got in slim:
            assert (got.exit_code, got.stdout, got.stderr) == (
                full.exit_code, full.stdout, full.stderr), args


@pytest.mark.parametrize("extra", ["", "coverage_goal: 2.5\n",
                                   "targets:\n  - {period: 2026-Q4, amount: 1000000}\n"])
def test_forecast_reads_the_full_process_only_when_it_sets_targets(
        mixed: Path, tmp_path: Path, extra: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stages.yaml without targets or coverage_goal gives the forecast the summary's
    process; with either, the full one: the output is the same as from the full one."""
    from salesflow.cli import reports
    from salesflow.files.load import load_process

    copy = tmp_path / "copy"
    shutil.copytree(mixed, copy)
    stages = copy / "stages.yaml"
    stages.write_text(stages.read_text(encoding="utf-8") + extra, encoding="utf-8")
    ws = WS(copy)
    for fmt in ("table", "json", "csv"):
        slim = ws.run("forecast", "--per-owner", "--format", fmt)
        with monkeypatch.context() as m:
            m.setattr(reports, "_targets_process", lambda ws: load_process(ws.root))
            full = ws.run("forecast", "--per-owner", "--format", fmt)
        assert (slim.exit_code, slim.stdout, slim.stderr) == (
            full.exit_code, full.stdout, full.stderr)
    import json

    data = json.loads(ws.run("forecast", "--format", "json").stdout)
    assert data["coverage_goal"] == ("2.5" if "2.5" in extra else "3.0")
