"""`trend` and `changes` from the cache's summaries give what the full deals give.

Both replay histories. The warm path folds each summary's `moves` column (its
moves, status changes and recorded field changes: `reports.tracks`) instead of
rebuilding every Deal; these tests hold it to the whole-deal replay
(`reports.replay.replay`, the reference the trend was first written on), on a
workspace with every kind of deal plus field changes of every recorded field,
hand edits the history does not explain, and on several dates and periods.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from salesflow.files.load import load_overview, load_workspace
from salesflow.model.money import deal_amount, weighted
from salesflow.reports.replay import replay, step
from salesflow.reports.select import Cut
from salesflow.reports.trend import Trend, TrendRow, label_of, periods, trend
from tests import generate
from tests.conftest import WS
from tests.test_slim_paths import HAND

FIELDS = {
    "every-field": """\
name: Every field
customer: Delta Pumps
owner: li.wei
amount: 300000
currency: EUR
expected_close: 2027-03-31
procurement_step: tender-issued
stage: C
status: open
history:
  - {date: 2026-01-05, to: G, by: li.wei}
  - {date: 2026-02-01, field: amount, from: null, to: 200000, by: li.wei}
  - {date: 2026-02-10, from: G, to: E, by: li.wei}
  - {date: 2026-03-01, field: currency, from: USD, to: EUR, by: li.wei}
  - {date: 2026-03-02, field: amount, from: 200000, to: 250000.50, by: li.wei}
  - {date: 2026-04-01, field: expected_close, from: 2026-12-31, to: 2027-03-31, by: li.wei}
  - {date: 2026-05-01, field: procurement_step, from: need-raised, to: tender-issued, by: li.wei}
  - {date: 2026-06-01, from: E, to: C, by: li.wei}
  - {date: 2026-07-01, field: amount, from: 250000.50, to: 300000, by: li.wei}
""",
    "hand-edited": """\
name: Hand edited
customer: Delta Pumps
owner: sarah.ortiz
amount: 999000
stage: B
status: open
history:
  - {date: 2026-01-05, to: G, by: sarah.ortiz}
  - {date: 2026-03-01, field: amount, from: 100000, to: 120000, by: sarah.ortiz}
  - {date: 2026-04-01, from: G, to: D, by: sarah.ortiz}
""",
    "won-then-reopened": """\
name: Back and forth
customer: Gulf Coast Utility
owner: li.wei
amount: 50000
stage: A
status: open
history:
  - {date: 2026-01-05, to: G, by: li.wei}
  - {date: 2026-02-01, from: G, to: A, by: li.wei, forced: true, reason: "old deal"}
  - {date: 2026-03-01, from: A, to: S, status: won, by: li.wei}
  - {date: 2026-03-20, from: S, to: A, by: li.wei, reason: "the order was cancelled"}
  - {date: 2026-04-02, status: lost, by: li.wei, reason: price}
  - {date: 2026-04-09, status: open, by: li.wei}
""",
}
# The same deal in the stage its history says: only its amount was typed in by hand.
FIELDS["amount-typed-in"] = FIELDS["hand-edited"].replace("stage: B", "stage: D").replace(
    "name: Hand edited", "name: Amount typed in")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file as soon as its stat is older than the read (no racy window)."""
    from salesflow.files import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("meeting")
    generate.write(root, generate.walks(220, seed=23), until=generate.END)
    for name, text in {**HAND, **FIELDS}.items():
        (root / "deals" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def reference_trend(process, deals, *, until, every, last) -> Trend:  # type: ignore[no-untyped-def]
    """The trend as first written: a whole-deal replay per period (`replay.replay`)."""
    rows = []
    no_history = disagree = ()
    for start, end in periods(until, every, last):
        rep = replay(process, deals, end)
        no_history, disagree = rep.no_history, rep.disagree
        count, amount, weight = 0, Decimal(0), Decimal(0)
        won_n, won, lost_n, lost = 0, Decimal(0), 0, Decimal(0)
        missing: list[str] = []
        for item in rep.deals:
            deal = item.deal
            value = deal_amount(deal, process)
            if deal.status == "open":
                count += 1
                if value is None:
                    missing.append(item.id)
                else:
                    amount += value
                    weight += weighted(value, process.stage(deal.stage).probability)
            was_won = was_lost = False
            state = None
            for entry in deal.history:
                if entry.date > end:
                    break
                before = state.status if state else None
                state = step(state, entry, process)
                if state is None or entry.date < start or state.status == before:
                    continue
                was_won = was_won or state.status == "won"
                was_lost = was_lost or state.status == "lost"
            if (was_won or was_lost) and value is None and item.id not in missing:
                missing.append(item.id)
            if was_won:
                won_n, won = won_n + 1, won + (value or Decimal(0))
            if was_lost:
                lost_n, lost = lost_n + 1, lost + (value or Decimal(0))
        rows.append(TrendRow(label_of(start, every), start, end, count, amount, weight, won_n, won,
                             lost_n, lost, tuple(missing)))
    return Trend(process.currency, every, tuple(rows), no_history, disagree)


def test_the_workspace_has_every_recorded_field_change(meeting: Path) -> None:
    ws = load_workspace(meeting, cache=False)
    assert ws.problems == []
    fields = {h.field for d in ws.deals for h in d.deal.history if h.kind == "field"}
    assert fields >= {"amount", "currency", "expected_close", "procurement_step"}
    assert {d.deal.status for d in ws.deals} == {"open", "won", "lost", "hold"}


@pytest.mark.parametrize(("until", "every", "last"), [
    ("2026-06-30", "week", 8), ("2026-04-09", "week", 30), ("2027-06-30", "month", 24),
    ("2025-01-15", "month", 3), ("2026-03-01", "week", 1)])
def test_trend_from_summaries_equals_the_whole_deal_replay(meeting: Path, until: str,
                                                           every: str, last: int) -> None:
    day = dt.date.fromisoformat(until)
    full = load_workspace(meeting, cache=False)
    want = reference_trend(full.process, full.deals, until=day, every=every, last=last)
    from_deals = trend(full.process, full.deals, until=day, every=every, last=last)  # type: ignore[arg-type]
    assert from_deals == want
    for _ in range(2):  # cold (parsed now), then warm (read back from the cache)
        slim = load_overview(meeting, facts="moves")
        got = trend(slim.process, slim.deals, until=day, every=every, last=last)  # type: ignore[arg-type]
        assert got == from_deals
    assert want.disagree and want.no_history  # the report names what it cannot replay
    assert any(r.won_count for r in want.rows) or day.year == 2025


def test_trend_cut_from_summaries_equals_full(meeting: Path) -> None:
    cut = Cut(owners=("li.wei",))
    day = dt.date(2026, 9, 30)
    full = load_workspace(meeting, cache=False)
    slim = load_overview(meeting, facts="moves")
    assert trend(slim.process, cut.apply(slim.deals), until=day) == trend(  # type: ignore[arg-type]
        full.process, cut.apply(full.deals), until=day)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_trend_cli_warm_equals_no_cache(meeting: Path, fmt: str, settled: None) -> None:
    run = WS(meeting).run
    args = ("trend", "--format", fmt, "--to", "2026-10-31", "--every", "month", "--last", "12")
    first, warm, fresh = run(*args), run(*args), run("--no-cache", *args)
    assert first.stdout == warm.stdout == fresh.stdout
    assert first.exit_code == warm.exit_code == fresh.exit_code == 0
    if fmt == "json":
        assert '"hand-edited"' in warm.stdout  # named: its history ends elsewhere


# ------------------------------------------------------------------- changes


def reference_seen(process, deals, since, until, today):  # type: ignore[no-untyped-def]
    """Each deal placed by a whole-deal replay (`replay.state_on`, `fields_as_of`), no git."""
    from dataclasses import replace

    from salesflow.reports.changes import Seen, facts_of
    from salesflow.reports.replay import fields_as_of, fields_untracked, state_on

    def on(deal, day):  # type: ignore[no-untyped-def]
        state = state_on(deal, process, day)
        if state is None:
            return None
        return replace(facts_of(fields_as_of(deal, day), process), stage=state.stage,
                       status=state.status)

    seen, unexplained = [], []
    for item in deals:
        deal = item.deal
        last = state_on(deal, process, dt.date.max) if deal.history else None
        if last is None or (last.stage, last.status) != (deal.stage, deal.status) or \
                fields_untracked(deal):
            unexplained.append(item.id)
            continue
        end = facts_of(deal, process) if until >= today else on(deal, until)
        seen.append(Seen(item.id, on(deal, since), end, "history"))
    return seen, unexplained


@pytest.mark.parametrize(("since", "until"), [
    ("2026-03-01", "2026-12-02"), ("2026-01-01", "2026-04-05"), ("2025-06-01", "2027-06-30"),
    ("2026-02-28", "2026-03-02"),
    ("2026-11-30", "2026-12-02")])  # every deal still since: read from the summary alone
def test_changes_from_summaries_equal_the_whole_deal_replay(meeting: Path, since: str,
                                                            until: str) -> None:
    from salesflow.reports.changes import changes
    from salesflow.reports.seen import observe

    first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    today = dt.date(2026, 12, 2)
    full = load_workspace(meeting, cache=False)
    want = reference_seen(full.process, full.deals, first, last, today)
    assert want[1]  # some deals cannot be placed without git: they are named
    got_full = observe(full.process, full.deals, since=first, until=last, today=today,
                       then_since=None, then_until=None)
    assert got_full == want
    for _ in range(2):
        slim = load_overview(meeting, facts="moves")
        got = observe(slim.process, slim.deals, since=first, until=last, today=today,  # type: ignore[arg-type]
                      then_since=None, then_until=None)
        assert got == want
        cut = Cut(owners=("li.wei",))
        assert changes(slim.process, got[0], since=first, until=last, cut=cut) == changes(
            full.process, want[0], since=first, until=last, cut=cut)


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_changes_cli_warm_equals_no_cache(meeting: Path, fmt: str, settled: None) -> None:
    run = WS(meeting).run
    args = ("changes", "--format", fmt, "--since", "2026-03-01", "--until", "2026-10-31")
    first, warm, fresh = run(*args), run(*args), run("--no-cache", *args)
    assert first.stdout == warm.stdout == fresh.stdout
    assert first.exit_code == warm.exit_code == fresh.exit_code == 0
    if fmt == "json":
        assert '"hand-edited"' in warm.stdout  # unexplained without git, and named


def test_each_summary_says_where_its_whole_history_ends(meeting: Path) -> None:
    """The cached `ends` (what lets `changes` and `trend` skip a still deal) is the replay's."""
    from collections import Counter

    from salesflow.reports.replay import fields_untracked, state_on

    full = load_workspace(meeting, cache=False)
    for _ in range(2):  # cold, then warm
        slim = {item.id: item.deal for item in load_overview(meeting).deals}
        kinds: Counter[str | None] = Counter()
        for item in full.deals:
            deal = item.deal
            last = state_on(deal, full.process, dt.date.max) if deal.history else None
            want = (None if last is None
                    else "!" if (last.stage, last.status) != (deal.stage, deal.status)
                    else "~" if fields_untracked(deal) else "=")
            assert slim[item.id].ends == want, item.id
            kinds[want] += 1
        assert set(kinds) == {None, "!", "~", "="}, kinds
