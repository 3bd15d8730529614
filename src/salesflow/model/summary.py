"""Summaries: the few fields of a deal and of the process that reports read.

A report over fifty thousand deals reads a handful of top-level fields of
each (stage, status, amount, owner, ...), never the stakeholders or the
needs. Summaries hold exactly those, as plain immutable values, so the cache
can hand them back without building a pydantic Deal per file, and without
importing YAML or the models (a quarter of a warm report's time). They are
made from validated models only, so they carry the models' guarantees, and
`salesflow.reports` reads them wherever it reads a Deal's top-level fields.

A summary travels through the cache as a *row*: a tuple of str/int/None in
`ROW_FIELDS` order. Fresh parses and cached entries both become summaries
through `from_row`, so the two paths cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from salesflow.model.jsontext import dumps, loads_flags

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process


class DealSummary(NamedTuple):
    """The top-level facts of one valid deal: what lists and reports read of a Deal."""

    name: str | None
    customer: str
    owner: str | None
    amount: Decimal | None
    currency: str | None
    stage: str
    status: str
    expected_close: dt.date | None
    segment: str | None
    product_line: str | None
    relationship: str | None
    procurement_step: str | None
    lost_reason: str | None
    created: dt.date | None  # the date of the first history entry
    changed: dt.date | None  # the date of the last history entry: the last move
    won_on: dt.date | None = None  # the date its history made it won (reports.replay.won_on)
    notes: str | None = None
    x: str | None = None  # the team's own `x-` keys, as JSON text (see `extensions`)
    moves: str | None = None  # its stage moves and status changes, as JSON (see `moves_of`)
    review: str | None = None  # what `review` judges of it, as JSON (method.review_facts)
    account: str | None = None  # the account id the deal links to
    ends: str | None = None  # where the whole history's replay ends (see ENDS; last column)

    @property
    def extensions(self) -> dict[str, Any]:
        """The team's own `x-` keys, as on the Deal (decoded on demand: rarely read)."""
        return json.loads(self.x) if self.x else {}

    @property
    def replayable(self) -> bool:
        """As `reports.replay.replayable` says of the Deal (read with `moves` kept)."""
        return self.moves is not None and self.moves.startswith("[1")

    @property
    def path_moves(self) -> tuple[Move, ...]:
        """The history's moves and status changes (`moves_of`), decoded on demand."""
        if self.moves is None:
            return ()
        return tuple([_new(Move, (_day(d), k, to, st, f))
                      for d, k, to, st, f in loads_flags(self.moves)[1]])


class Move(NamedTuple):
    """A stage move or status change of a deal's history: what `stats` replays of it.

    Reads like a `HistoryEntry` for `reports.replay.step`, so the replay of a
    summary and of a full deal is one piece of code.
    """

    date: dt.date
    kind: str  # "move" or "status"
    to_stage: str | None
    status: Any  # Status | None
    forced: bool | None


def moves_of(deal: Deal) -> tuple[bool, tuple[Move, ...]]:
    """Whether the history can be replayed, and its moves and status changes, in order."""
    history = deal.history
    replayable = bool(history) and history[0].to_stage is not None
    return replayable, tuple(Move(h.date, h.kind, h.to_stage, h.status, h.forced)
                             for h in history if h.kind in ("move", "status"))


REPLAYED_FIELDS: tuple[str, ...] = ("amount", "currency", "expected_close", "procurement_step")


class FieldChange(NamedTuple):
    """A recorded change of amount, currency, close date or procurement step."""

    date: dt.date
    field: str
    from_: Any  # Decimal for an amount, a date for expected_close, text otherwise
    to: Any


def field_changes_of(deal: Deal) -> tuple[FieldChange, ...]:
    """The history's changes of the fields a replay rebuilds, in order."""
    return tuple(FieldChange(h.date, h.field, h.from_, h.to) for h in deal.history
                 if h.field in REPLAYED_FIELDS and h.kind == "field")


def _moves_text(deal: Deal) -> str:
    """The `moves` column: [replayable, moves, field changes (only when there are some)]."""
    replayable, moves = moves_of(deal)
    fields = [[c.date.isoformat(), c.field, _plain(c.from_), _plain(c.to)]
              for c in field_changes_of(deal)]
    return dumps([1 if replayable else 0,
                  [[m.date.isoformat(), m.kind, m.to_stage, m.status, m.forced]
                   for m in moves], *([fields] if fields else [])])


def _plain(value: Any) -> str | None:
    """A field change's value as text: an amount's exact digits, a date in ISO form."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _typed(name: str, value: str | None) -> Any:
    if value is None:
        return None
    if name == "amount":
        return Decimal(value)
    if name == "expected_close":
        return _day(value)
    return value


def decode_moves(text: str | None) -> tuple[bool, tuple[Move, ...], tuple[FieldChange, ...]]:
    """What `moves` holds: replayable, the moves, the field changes (see `_moves_text`)."""
    if text is None:
        return False, (), ()
    parts = loads_flags(text)
    moves = tuple(Move(_day(d), k, to, st, f) for d, k, to, st, f in parts[1])
    fields = tuple(FieldChange(_day(d), name, _typed(name, a), _typed(name, b))
                   for d, name, a, b in (parts[2] if len(parts) > 2 else ()))
    return bool(parts[0]), moves, fields


class SummaryFile(NamedTuple):
    """A valid deal file, summarized: like `deal.DealFile`, with a DealSummary as `deal`."""

    id: str
    path: str  # relative to the workspace root, with forward slashes
    deal: DealSummary


Row = tuple[str | None, ...]

ROW_FIELDS: tuple[str, ...] = DealSummary._fields  # the cached columns
ACCOUNT_AT = ROW_FIELDS.index("account")  # where a row holds the linked account


# `ends`: what replaying the deal's whole history gives, against its file.
ENDS_FILE = "="  # the file's stage and status, and every recorded field's last value
ENDS_UNTRACKED = "~"  # the file's stage and status, but a recorded field was edited by hand
ENDS_ELSEWHERE = "!"  # another stage or status than the file says (`replay.disagrees`)
# None: the history puts the deal in no stage at all


def summary_row(deal: Deal, *, won_on: dt.date | None, review: str | None = None,
                ends: str | None = None, brief: bool = False) -> Row:
    """A validated deal's summary as plain text values, in ROW_FIELDS order.

    `won_on` is the date the deal's history made it won and `ends` where its
    replay ends (ENDS_*), which only the history replay
    (`salesflow.reports.replay.ending`) can say, and `review` the facts the
    review judges (`salesflow.method.review_facts`); the loader works them out
    as it parses (`salesflow.files.bulk.row_of`). `brief` leaves the moves out
    too: a row for `validate`, never cached.
    """
    history = deal.history
    return (
        deal.name, deal.customer, deal.owner,
        None if deal.amount is None else str(deal.amount),
        deal.currency, deal.stage, deal.status,
        _iso(deal.expected_close), deal.segment, deal.product_line, deal.relationship,
        deal.procurement_step, deal.lost_reason,
        _iso(history[0].date) if history else None,
        _iso(history[-1].date) if history else None,
        _iso(won_on), deal.notes,
        json.dumps(deal.extensions, ensure_ascii=False, default=str) if deal.extensions
        else None,
        None if brief else _moves_text(deal), review,
        deal.account, ends,
    )


def from_row(deal_id: str, path: str, row: Row | tuple[Any, ...],
             shared: dict[Any, Any] | None = None, *, keep: bool | str = False,
             ) -> SummaryFile:
    """The summarized deal file of a row (see `summary_of`)."""
    return _new(SummaryFile, (deal_id, path, summary_of(row, shared, keep=keep)))


def summary_of(row: Sequence[Any], shared: dict[Any, Any] | None = None,
               *, keep: bool | str = True) -> DealSummary:
    """The summary of a row; exact: Decimal and ISO dates read back as they were.

    With `shared`, equal texts become one object across the rows given the
    same dict (dates always do): owners, stages and segments repeat across
    tens of thousands of deals, and SQLite returns a new string for each.
    `keep=False` leaves out the per-deal history facts (`moves`, `review`),
    which only `stats` and `review` read: the other reports hold less;
    `keep="moves"` or `keep="review"` keeps that one only.
    """
    (name, customer, owner, amount, currency, stage, status, close, segment, product_line,
     relationship, step, lost_reason, created, changed, won_on, notes, x, moves, review,
     account, ends) = row
    if keep is not True:
        if keep != "moves":
            moves = None
        if keep != "review":
            review = None
    one = (shared if shared is not None else {}).setdefault
    return _new(DealSummary, (
        name, one(customer, customer), one(owner, owner),
        None if amount is None else Decimal(amount), one(currency, currency),
        one(stage, stage), one(status, status), None if close is None else _day(close),
        one(segment, segment), one(product_line, product_line),
        one(relationship, relationship), one(step, step), one(lost_reason, lost_reason),
        None if created is None else _day(created), None if changed is None else _day(changed),
        None if won_on is None else _day(won_on), notes, x, moves, review,
        one(account, account), one(ends, ends),
    ))


# One date object per ISO date: a workspace has a few thousand distinct dates.
_day = functools.lru_cache(maxsize=1 << 14)(dt.date.fromisoformat)
_new = tuple.__new__  # a NamedTuple without its Python-level __new__: one per deal, warm


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# --------------------------------------------------------------------- process


@dataclass(frozen=True)
class StageSummary:
    code: str
    name: str
    probability: int
    rot_days: int | None = None


@dataclass(frozen=True)
class ProcessSummary:
    """What reports read from `stages.yaml`: currency, rates and the stages in order."""

    currency: str
    rates: tuple[tuple[str, Decimal], ...]
    stages: tuple[StageSummary, ...]
    lost_reasons: tuple[str, ...] = ()
    _by_code: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _rates: dict[str, Decimal] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {s.code: i for i, s in enumerate(self.stages)})
        object.__setattr__(self, "_rates", dict(self.rates))

    @classmethod
    def of(cls, process: Process) -> ProcessSummary:
        return cls(
            currency=process.currency,
            rates=tuple(process.rates.items()),
            stages=tuple(StageSummary(s.code, s.name, s.probability, s.rot_days)
                         for s in process.stages),
            lost_reasons=tuple(process.lost_reasons),
        )

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.stages]

    @property
    def first(self) -> StageSummary:
        return self.stages[0]

    @property
    def won(self) -> StageSummary:
        """The last stage is the won stage."""
        return self.stages[-1]

    def has_stage(self, code: str) -> bool:
        return code in self._by_code

    def index(self, code: str) -> int:
        return self._by_code[code]

    def stage(self, code: str) -> StageSummary:
        return self.stages[self._by_code[code]]

    def rate(self, currency: str) -> Decimal | None:
        """Value of one unit of `currency` in the report currency, if known."""
        if currency == self.currency:
            return Decimal(1)
        return self._rates.get(currency)

    def to_json(self) -> str:
        return json.dumps({
            "currency": self.currency,
            "rates": [[code, str(rate)] for code, rate in self.rates],
            "stages": [[s.code, s.name, s.probability, s.rot_days] for s in self.stages],
            "lost_reasons": list(self.lost_reasons),
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ProcessSummary:
        data = json.loads(text)
        return cls(
            currency=data["currency"],
            rates=tuple((code, Decimal(rate)) for code, rate in data["rates"]),
            stages=tuple(StageSummary(*s) for s in data["stages"]),
            lost_reasons=tuple(data["lost_reasons"]),
        )
