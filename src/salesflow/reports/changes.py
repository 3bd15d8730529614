"""What changed in the pipeline between two days: the weekly meeting's waterfall.

Each deal is seen twice, as it stood at the end of `since` and at the end of
`until` (its `Facts`: stage, status, amount, close date and the fields the
cuts read), and falls into exactly one category, the first that applies:

- `new`: it did not exist at `since` (and is neither won nor lost at `until`);
- `won`, `lost`, `held`: its status became won, lost or hold;
- `reopened`: it was won, lost or on hold and is open again;
- `removed`: its file is gone (seen only through git);
- `reassigned`: it entered or left the report's cut (another owner, segment,
  product line or customer) without a move of its own;
- `advanced`, `moved-back`: open both times, in a later or an earlier stage;
- `slipped`, `pulled-in`: its expected close moved later or earlier (or out of
  the report's close window at the back or at the front);
- `amount-up`, `amount-down`: its amount (in the report currency) changed;
- `unchanged`: none of these.

The pipeline on a day is the open deals that match the cut then; a deal's
delta is its weighted amount at `until` minus that at `since` (zero for a
deal outside the pipeline on a side). Each weighted amount is rounded to
cents on its own, so weighted(since) + Σ deltas = weighted(until) exactly.

This module is pure: which facts a deal had on a day is decided by the caller
(history replay, or git for hand edits) and handed in as `Seen` pairs.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from salesflow.model.money import deal_amount, weighted
from salesflow.reports.tracks import (
    Fold,
    Track,
    amount_at,
    fields_at,
    final,
    state_at,
    untracked,
)

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process
    from salesflow.model.summary import DealSummary, ProcessSummary
    from salesflow.reports.select import Cut

    AnyProcess = Process | ProcessSummary  # the models, or the cached summary

Category = Literal["new", "advanced", "moved-back", "won", "lost", "held", "reopened",
                   "slipped", "pulled-in", "amount-up", "amount-down", "reassigned",
                   "removed", "unchanged"]
CATEGORIES: tuple[Category, ...] = (
    "new", "advanced", "moved-back", "won", "lost", "held", "reopened", "slipped",
    "pulled-in", "amount-up", "amount-down", "reassigned", "removed", "unchanged")
Source = Literal["history", "git", "file"]


@dataclass(frozen=True)
class Facts:
    """What the waterfall compares of a deal on one day."""

    stage: str
    status: str
    amount: Decimal | None  # in the report currency
    expected_close: dt.date | None
    owner: str | None = None
    segment: str | None = None
    product_line: str | None = None
    customer: str = ""
    name: str | None = None
    procurement_step: str | None = None

    def matches(self, cut: Cut) -> bool:
        return cut.matches(self)

    @property
    def currency(self) -> str | None:  # amounts are already converted
        return None


def facts_of(deal: Deal | Track | DealSummary, process: AnyProcess) -> Facts:
    """The facts a deal's file states (a whole Deal, its `tracks.Track` or its summary)."""
    return Facts(deal.stage, deal.status, deal_amount(deal, process), deal.expected_close,
                 deal.owner, deal.segment, deal.product_line, deal.customer, deal.name,
                 deal.procurement_step)


def explained(track: Track, f: Fold) -> bool:
    """True when replaying the whole history gives the file: no hand edit shows."""
    end = final(f)
    return (end is not None and (end.stage, end.status) == (track.stage, track.status)
            and not untracked(track))


def facts_on(track: Track, f: Fold, process: AnyProcess, day: dt.date,
             ) -> Facts | None:
    """The facts at the end of `day` from history; None before the deal's first entry."""
    state = state_at(f, day)
    if state is None:
        return None
    then = fields_at(track, day)
    return Facts(state.stage, state.status, amount_at(track, then, process),
                 then.get("expected_close", track.expected_close), track.owner,
                 track.segment, track.product_line, track.customer, track.name,
                 then.get("procurement_step", track.procurement_step))


@dataclass(frozen=True)
class Seen:
    """One deal at the start and at the end (None: it did not exist then)."""

    id: str
    start: Facts | None
    end: Facts | None
    source: Source  # where the start was read: history, git (hand edits) or the file


@dataclass(frozen=True)
class Move:
    """A deal in its category, with what it adds to the pipeline."""

    id: str
    category: Category
    start: Facts | None
    end: Facts | None
    source: Source
    amount_delta: Decimal
    weighted_delta: Decimal

    @property
    def facts(self) -> Facts:
        found = self.end or self.start
        assert found is not None
        return found


@dataclass(frozen=True)
class Bucket:
    category: Category
    moves: tuple[Move, ...]

    @property
    def count(self) -> int:
        return len(self.moves)

    @property
    def amount(self) -> Decimal:
        return sum((m.amount_delta for m in self.moves), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((m.weighted_delta for m in self.moves), Decimal(0))


@dataclass(frozen=True)
class Pipeline:
    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    without_amount: tuple[str, ...] = ()


@dataclass(frozen=True)
class Changes:
    currency: str
    since: dt.date
    until: dt.date
    start: Pipeline
    end: Pipeline
    buckets: tuple[Bucket, ...]  # every category, in CATEGORIES order
    unexplained: tuple[str, ...] = ()  # left out: history and files disagree, no git
    git: dict[str, Any] = field(default_factory=dict)  # the commit read, when any

    def bucket(self, category: Category) -> Bucket:
        return next(b for b in self.buckets if b.category == category)

    @property
    def moves(self) -> tuple[Move, ...]:
        return tuple(m for b in self.buckets for m in b.moves)


def _close_moved(start: Facts, end: Facts, cut: Cut) -> Category | None:
    a, b = start.expected_close, end.expected_close
    if a != b:
        if a is None:
            return "pulled-in"  # a date was given: the deal became forecastable
        if b is None or b > a:
            return "slipped"
        return "pulled-in"
    return None


def categorise(process: AnyProcess, start: Facts | None, end: Facts | None,
               cut: Cut) -> Category:
    """The one category of a deal's movement (see the module's docstring for the order)."""
    if end is None:
        return "removed" if start is not None else "unchanged"
    if start is None:
        return end.status if end.status in ("won", "lost") else "new"  # type: ignore[return-value]
    if start.status != end.status:
        if end.status == "won":
            return "won"
        if end.status == "lost":
            return "lost"
        if end.status == "hold":
            return "held"
        return "reopened"
    if start.status != "open":
        return "unchanged"
    wide = _cut_without_close(cut)
    inside = (wide.matches(start), wide.matches(end))
    if inside[0] != inside[1]:
        return "reassigned"
    a, b = process.index(start.stage), process.index(end.stage)
    if b > a:
        return "advanced"
    if b < a:
        return "moved-back"
    moved = _close_moved(start, end, cut)
    if moved:
        return moved
    if start.amount != end.amount:
        if start.amount is None:
            return "amount-up"
        if end.amount is None or end.amount < start.amount:
            return "amount-down"
        return "amount-up"
    return "unchanged"


@functools.lru_cache(maxsize=16)  # one cut per report, asked for every deal
def _cut_without_close(cut: Cut) -> Cut:
    return replace(cut, close_from=None, close_to=None)


def biggest_first(moves: Iterable[Move]) -> list[Move]:
    return sorted(moves, key=lambda m: (-abs(m.weighted_delta), -abs(m.amount_delta),
                                        -(m.facts.amount or 0), m.id))


def changes(process: AnyProcess, seen: Sequence[Seen], *, since: dt.date, until: dt.date,
            cut: Cut, unexplained: Sequence[str] = (), git: dict[str, Any] | None = None,
            ) -> Changes:
    """Every deal seen, in its category, with the pipelines at both ends.

    One pass: each side's worth is reckoned once and serves both the deal's
    delta and its pipeline; a deal seen with one `Facts` at both ends (it did
    not change, `seen.observe`) is unchanged and reckoned once.
    """
    moves: dict[Category, list[Move]] = {c: [] for c in CATEGORIES}
    start, end = _Sum(), _Sum()
    for s in seen:
        a, b = s.start, s.end
        inside = a is not None and a.matches(cut)
        if a is b:
            if not inside:
                continue  # outside the report on both days
            w = start.add(s.id, a, process)
            end.add(s.id, b, process, w)
            moves["unchanged"].append(Move(s.id, "unchanged", a, b, s.source, _ZERO, _ZERO))
            continue
        inside_end = b is not None and b.matches(cut)
        if not inside and not inside_end:
            continue
        a0, w0 = start.add(s.id, a, process) if inside else _NOTHING
        a1, w1 = end.add(s.id, b, process) if inside_end else _NOTHING
        category = categorise(process, a, b, cut)
        moves[category].append(Move(s.id, category, a, b, s.source, a1 - a0, w1 - w0))
    buckets = tuple(Bucket(c, tuple(biggest_first(moves[c]))) for c in CATEGORIES)
    return Changes(process.currency, since, until, start.pipeline(), end.pipeline(), buckets,
                   tuple(unexplained), dict(git or {}))


_ZERO = Decimal(0)
_NOTHING = (_ZERO, _ZERO)


class _Sum:
    """One side's pipeline as the deals are read (see `Pipeline`)."""

    def __init__(self) -> None:
        self.count, self.amount, self.weighted = 0, _ZERO, _ZERO
        self.missing: list[str] = []

    def add(self, deal_id: str, facts: Facts | None, process: AnyProcess,
            worth: tuple[Decimal, Decimal] | None = None) -> tuple[Decimal, Decimal]:
        """Count a deal that matches the cut; its (amount, weighted), as `worth` gives."""
        if facts is None or facts.status != "open":
            return _NOTHING
        self.count += 1
        if facts.amount is None:
            self.missing.append(deal_id)
            return _NOTHING
        if worth is None:
            worth = facts.amount, weighted(facts.amount,
                                           process.stage(facts.stage).probability)
        self.amount += worth[0]
        self.weighted += worth[1]
        return worth

    def pipeline(self) -> Pipeline:
        return Pipeline(self.count, self.amount, self.weighted, tuple(self.missing))


def group_changes(process: AnyProcess, seen: Sequence[Seen], *, since: dt.date,
                  until: dt.date, cut: Cut, by: str,
                  ) -> list[tuple[str | None, Changes]]:
    """One `Changes` per value of `by` (the end's, or the start's for a removed deal)."""
    groups: dict[str | None, list[Seen]] = {}
    for s in seen:
        facts = s.end or s.start
        key = getattr(facts, by) if facts is not None else None
        groups.setdefault(key, []).append(s)
    keys = sorted(groups, key=lambda k: (k is None, (k or "").casefold(), k or ""))
    return [(k, changes(process, groups[k], since=since, until=until, cut=cut)) for k in keys]
