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
    from salesflow.method.review_facts import has_broken_rule

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
    from salesflow.method.review_facts import slim_deal

    ws = load_workspace(mixed, cache=False)
    for item in ws.deals:
        facts = slim_deal(bulk.summarize_file(item, ws.process, facts=True).deal)
        for day in DAYS:
            when = dt.date.fromisoformat(day)
            got = risks(facts, ws.process, when)
            want = [r for r in risks(item.deal, ws.process, when) if r.code != "rule-broken"]
            assert got == want, (item.id, day)
            assert facts.broken == any(r.code == "rule-broken"
                                       for r in risks(item.deal, ws.process, when)
                                       ) or item.deal.status != "open", item.id


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_review_slim_equals_full_through_the_cli(mixed: Path, fmt: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.cli import _common, review

    ws = WS(mixed)
    for day in DAYS:
        monkeypatch.setattr(_common, "today", lambda day=day: dt.date.fromisoformat(day))
        for owner in ((), ("--owner", "li.wei", "--owner", "sarah.ortiz")):
            slim = [ws.run("review", "--format", fmt, *owner) for _ in range(2)]  # cold, warm
            with monkeypatch.context() as m:
                m.setattr(review, "_slim_review", lambda *a: None)
                full = ws.run("review", "--format", fmt, *owner)
            assert full.exit_code == 0
            for got in slim:
                assert (got.exit_code, got.stdout, got.stderr) == (
                    full.exit_code, full.stdout, full.stderr)
    assert "rule-broken" in full.stdout


def test_review_with_accounts_takes_the_full_path(demo: WS) -> None:
    """Linked deals are judged with their account's people: from the full deals."""
    result = demo.run("review", "--format", "json")
    assert result.exit_code == 0
    assert '"relationship-too-low"' in result.stdout


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
