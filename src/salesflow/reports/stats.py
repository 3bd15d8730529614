"""Pipeline statistics from the history of every deal, so a team can calibrate its process.

Every figure counts what happened between `start` and `end` (both optional):
history after `end` is ignored, and an event (a deal moving past a stage,
being won or lost, leaving a stage) counts when it is dated in the window.

- Conversion from a stage: of the deals that left it for good in the window,
  the share that went further (rather than being lost with this stage as the
  furthest they got). A deal passes the stages it skips; a backward move does
  not undo having reached a stage.
- Observed win rate from a stage: of the deals that reached it and were won
  or lost in the window, the share won — next to the probability configured
  in stages.yaml.
- Days in a stage: per deal, the days it was open in the stage (time on hold
  does not count) over every completed stay; stays still running are left out.
- Cycle time to won: calendar days from the first history entry to the win.
- Forced moves (`advance --force`, past unmet milestones): counted in the
  window, and per stage how many of the deals that went further were forced
  past it. They stay in the conversion (the deal did move on) but are shown
  beside it, so a rate made of forced moves does not pass for a healthy one.

A figure resting on fewer deals than `min_sample` is not given at all (None):
a rate from three deals is an anecdote, not a number to set probabilities by.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from salesflow.model.money import deal_amount
from salesflow.model.summary import DealSummary
from salesflow.reports.replay import State, Stepper, replayable

if TYPE_CHECKING:
    from salesflow.model.deal import Deal, DealFile, HistoryEntry
    from salesflow.model.process import Process
    from salesflow.model.summary import Move, ProcessSummary, SummaryFile

    Item = DealFile | SummaryFile  # a summary kept with its `moves` (load_overview(facts=True))
    AnyProcess = Process | ProcessSummary

DEFAULT_MIN_SAMPLE = 5


@dataclass(frozen=True)
class Rate:
    """`hits` out of `sample`; `percent` is None below the minimum sample."""

    hits: int
    sample: int
    percent: float | None


@dataclass(frozen=True)
class Days:
    sample: int
    avg: float | None
    median: float | None


@dataclass(frozen=True)
class StageStats:
    code: str
    name: str
    probability: int
    conversion: Rate | None  # None for the last stage: there is nowhere further to go
    days: Days | None  # None for the last stage: a won deal stays there
    win: Rate  # observed win rate of deals that reached this stage
    forced: int | None = None  # of the conversion's hits, those forced past the stage


@dataclass(frozen=True)
class LostReason:
    reason: str | None  # None: the deal names no lost_reason
    count: int
    amount: Decimal
    without_amount: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stats:
    currency: str
    start: dt.date | None
    end: dt.date | None
    min_sample: int
    deals: int  # deals whose history was used
    no_history: tuple[str, ...]
    win: Rate
    lost: int
    cycle: Days
    stages: tuple[StageStats, ...]
    lost_reasons: tuple[LostReason, ...]
    forced: tuple[str, ...] = ()  # one deal id per forced move dated in the window


@dataclass
class Timeline:
    """What one deal's history says, reduced to what the statistics need."""

    created: dt.date
    start_index: int
    max_index: int
    passed: dict[int, dt.date] = field(default_factory=dict)  # stage index -> date moved past it
    stays: dict[int, list[tuple[int, dt.date]]] = field(default_factory=dict)  # open days, end
    outcome: str | None = None  # won | lost, when the history ends so
    outcome_date: dt.date | None = None
    forced: set[int] = field(default_factory=set)  # stage indices passed by a forced move
    forced_on: list[dt.date] = field(default_factory=list)  # the dates of its forced moves

    def reached(self, index: int) -> bool:
        return self.start_index <= index <= self.max_index


def path(deal: Deal | DealSummary) -> tuple[bool, Sequence[HistoryEntry | Move]]:
    """Whether the deal's history replays, and the entries that move it.

    A summary carries just its moves and status changes (`summary.moves_of`),
    recorded as it was parsed; the statistics of either are the same.
    """
    if isinstance(deal, DealSummary):
        return deal.replayable, deal.path_moves
    return replayable(deal), deal.history


def timeline(deal: Deal | DealSummary, process: AnyProcess,
             end: dt.date | None = None, steps: Stepper | None = None) -> Timeline | None:
    """The deal's path through the stages, from its history up to `end`.

    `steps` remembers `replay.step`'s answers across the deals of one report
    (`replay.Stepper`).
    """
    entries = [h for h in path(deal)[1] if (end is None or h.date <= end)
               and h.kind in ("move", "status")]  # field changes and activities: no move
    if not entries or entries[0].to_stage is None:
        return None
    if steps is None:
        steps = Stepper(process)
    state: State | None = None
    line: Timeline | None = None
    stay_start = held = dt.date.min
    held_days = 0
    status_since = entries[0].date
    for entry in entries:
        new = steps(state, entry)
        if new is None:  # pragma: no cover - entries[0].to is set, so never None
            continue
        index = process.index(new.stage)
        if state is None or line is None:
            line = Timeline(entry.date, index, index)
            stay_start, held_days = entry.date, 0
            held = entry.date if new.status == "hold" else dt.date.min
        else:
            if new.status == "hold" and state.status != "hold":
                held = entry.date
            elif state.status == "hold" and new.status != "hold":
                held_days += (entry.date - held).days
            if new.stage != state.stage:
                days = (entry.date - stay_start).days - held_days
                if state.status == "hold" and new.status == "hold":
                    days -= (entry.date - held).days
                line.stays.setdefault(process.index(state.stage), []).append(
                    (days, entry.date))
                stay_start, held_days = entry.date, 0
                if new.status == "hold":
                    held = entry.date
        if entry.forced:
            line.forced_on.append(entry.date)
        if index > line.max_index:
            for passed in range(line.max_index, index):
                line.passed.setdefault(passed, entry.date)
                if entry.forced:
                    line.forced.add(passed)
            line.max_index = index
        if state is None or new.status != state.status:
            status_since = entry.date
        state = new
    assert line is not None and state is not None
    if state.status in ("won", "lost"):
        line.outcome, line.outcome_date = state.status, status_since
    return line


def _rate(hits: int, sample: int, min_sample: int) -> Rate:
    ok = sample >= max(min_sample, 1)
    return Rate(hits, sample, round(100 * hits / sample, 1) if ok else None)


def _days(values: list[int], min_sample: int) -> Days:
    if len(values) < max(min_sample, 1):
        return Days(len(values), None, None)
    return Days(len(values), round(statistics.fmean(values), 1),
                float(statistics.median(values)))


def stats(process: AnyProcess, deals: Iterable[Item], *, start: dt.date | None = None,
          end: dt.date | None = None, min_sample: int = DEFAULT_MIN_SAMPLE) -> Stats:
    """Conversion, win rates, days in stage, cycle time and lost reasons over the window."""

    def inside(day: dt.date | None) -> bool:
        return day is not None and (start is None or day >= start) and (
            end is None or day <= end)

    # Each deal's timeline is counted as it is made and then dropped: fifty
    # thousand timelines held at once took tens of megabytes.
    count = len(process.stages)
    last = count - 1
    reached, reached_won, advanced, forced_past, lost_here = ([0] * count for _ in range(5))
    spent: list[list[int]] = [[] for _ in range(count)]
    no_history: list[str] = []
    steps = Stepper(process)
    used = decided = 0
    cycles: list[int] = []  # days to won, of the deals won in the window
    lost: list[Item] = []
    forced_ids: list[str] = []
    for item in deals:
        deal = item.deal
        if not (deal.replayable if isinstance(deal, DealSummary) else replayable(deal)):
            no_history.append(item.id)
            continue
        t = timeline(deal, process, end, steps)
        if t is None:
            continue
        used += 1
        if t.outcome and inside(t.outcome_date):
            decided += 1
            for index in range(t.start_index, t.max_index + 1):
                reached[index] += 1
                if t.outcome == "won":
                    reached_won[index] += 1
            if t.outcome == "won":
                if t.outcome_date is not None:
                    cycles.append((t.outcome_date - t.created).days)
            else:
                lost_here[t.max_index] += 1
                lost.append(item)
        for index, day in t.passed.items():  # stages passed lie between start and max
            if inside(day):
                advanced[index] += 1
                if index in t.forced:
                    forced_past[index] += 1
        for index, stays in t.stays.items():
            if inside(stays[-1][1]):
                spent[index].append(sum(d for d, _ in stays))
        forced_ids.extend(item.id for day in t.forced_on if inside(day))

    rows = []
    for index in range(count):
        stage = process.stages[index]
        win = _rate(reached_won[index], reached[index], min_sample)
        conversion: Rate | None = None
        days: Days | None = None
        forced: int | None = None
        if index < last:
            forced = forced_past[index]
            conversion = _rate(advanced[index], advanced[index] + lost_here[index], min_sample)
            days = _days(spent[index], min_sample)
        rows.append(StageStats(stage.code, stage.name, stage.probability, conversion, days, win,
                               forced))

    won = decided - len(lost)
    return Stats(process.currency, start, end, min_sample, used, tuple(no_history),
                 _rate(won, decided, min_sample), len(lost), _days(cycles, min_sample),
                 tuple(rows), _lost_reasons(process, lost), tuple(forced_ids))


def _lost_reasons(process: AnyProcess, lost: list[Item]) -> tuple[LostReason, ...]:
    groups: dict[str | None, list[Item]] = {}
    for item in lost:
        groups.setdefault(item.deal.lost_reason, []).append(item)
    reasons = []
    for reason, items in groups.items():
        amounts = [(i.id, deal_amount(i.deal, process)) for i in items]
        reasons.append(LostReason(
            reason, len(items), sum((a for _, a in amounts if a is not None), Decimal(0)),
            tuple(i for i, a in amounts if a is None)))
    reasons.sort(key=lambda r: (-r.count, -r.amount, r.reason is None, r.reason or ""))
    return tuple(reasons)
