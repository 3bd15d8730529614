"""The forecast against the targets: won, the gap still to win, and pipeline coverage.

A target (`targets:` in stages.yaml) is what the team, or one owner, must win
in a month or a quarter. Per forecast period this module gives the target,
what was won in it, the gap (target − won), the weighted and the open
pipeline expected to close in it, and the coverage: open pipeline ÷ gap, the
ratio managers want at about `coverage_goal` (3.0 by default). All of it is
exact Decimal arithmetic; coverage is rounded to two places for showing, and
the flag "below the goal" is decided on the unrounded figures.

Which target applies:

- the team's row uses the team's own target (a target without an owner) for
  that period; without one, the sum of the owners' targets for the period
  (`source: "owners"`);
- cut to some owners (`--owner`), the team row uses the sum of those owners'
  targets;
- cut any other way (segment, product line, customer, close window) no target
  applies: targets are set per team and owner, not per segment, and a
  segment's pipeline compared with the team's target would mislead.

A target whose period is a month only meets a monthly forecast, a quarter's
only a quarterly one: they are never split or added up across periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from salesflow.model.constants import DEFAULT_COVERAGE_GOAL
from salesflow.reports.forecast import forecast

if TYPE_CHECKING:
    from salesflow.model.process import Process
    from salesflow.reports.forecast import Forecast, ForecastRow
    from salesflow.reports.select import Cut

Source = Literal["team", "owners", "owner"]
RATIO = Decimal("0.01")


@dataclass(frozen=True)
class TargetRow:
    """One period for the team or one owner, measured against its target."""

    period: str
    start: dt.date
    end: dt.date
    target: Decimal | None  # None: no target for this period
    source: Source | None  # where the target came from
    won: Decimal
    won_count: int
    weighted: Decimal
    pipeline: Decimal  # open deals' amount (best case) expected to close in the period
    count: int  # open deals expected to close in the period

    @property
    def gap(self) -> Decimal | None:
        """Target − won: still to win (negative when the target is beaten)."""
        return None if self.target is None else self.target - self.won

    @property
    def met(self) -> bool:
        return self.target is not None and self.won >= self.target

    @property
    def coverage(self) -> Decimal | None:
        """Open pipeline ÷ gap, two places; None without a target or once it is met."""
        gap = self.gap
        if gap is None or gap <= 0:
            return None
        return (self.pipeline / gap).quantize(RATIO, rounding=ROUND_HALF_UP)

    def below(self, goal: Decimal) -> bool:
        """True when the open pipeline is less than `goal` times the gap (exactly)."""
        gap = self.gap
        return gap is not None and gap > 0 and self.pipeline < goal * gap


@dataclass(frozen=True)
class OwnerTargets:
    owner: str | None  # None: deals without an owner
    rows: tuple[TargetRow, ...]


@dataclass(frozen=True)
class Targets:
    """The team's rows (one per period) and each owner's."""

    goal: Decimal
    defined: int  # how many targets stages.yaml sets (in any period)
    applies: bool  # False under a cut that targets do not describe
    rows: tuple[TargetRow, ...]
    owners: tuple[OwnerTargets, ...]

    @property
    def any_target(self) -> bool:
        return any(r.target is not None for r in self.rows) or any(
            r.target is not None for o in self.owners for r in o.rows)


@dataclass(frozen=True)
class Untargeted:
    """A process that sets no targets: its summary, with no targets and the default goal.

    What `against_targets` reads of a `stages.yaml` without `targets:` or
    `coverage_goal:`, so a warm forecast need not validate the whole process
    again (pydantic, a tenth of a second) to learn there are none.
    """

    summary: Any  # a ProcessSummary (or Process): every other attribute is its
    targets: tuple[()] = ()
    coverage_goal: Decimal = DEFAULT_COVERAGE_GOAL

    def __getattr__(self, name: str) -> Any:
        return getattr(self.summary, name)


def targets_apply(cut: Cut) -> bool:
    """Targets describe the team and its owners: only an owner cut keeps them meaningful."""
    return not (cut.segments or cut.product_lines or cut.customer or cut.close_from
                or cut.close_to)


def _lookup(process: Process) -> dict[tuple[str, str | None], Decimal]:
    return {(t.period, t.owner): t.amount for t in process.targets}


def _rows(report: Forecast, target_of: dict[str, tuple[Decimal, Source]]) -> tuple[TargetRow, ...]:
    def one(r: ForecastRow) -> TargetRow:
        assert r.label is not None and r.start is not None and r.end is not None
        found = target_of.get(r.label)
        return TargetRow(r.label, r.start, r.end, found[0] if found else None,
                         found[1] if found else None, r.won, r.won_count, r.weighted,
                         r.best_case, r.count)

    return tuple(one(r) for r in report.rows if r.kind == "period")


def against_targets(process: Process, deals: Sequence[Any], report: Forecast,
                    cut: Cut, *, won: Callable[[Any], dt.date | None] | None = None,
                    ) -> Targets:
    """The forecast `report` (made from `deals`) measured against the process's targets.

    Each owner's rows come from a forecast of that owner's deals over the same
    periods, so the owners' won and pipeline add up to the team's. `deals` and
    `won` are as for `forecast` (full deals, or summaries with their won dates).
    """
    goal = process.coverage_goal
    applies = targets_apply(cut)
    table = _lookup(process) if applies else {}
    labels = [r.label for r in report.rows if r.kind == "period" and r.label]

    groups: dict[str | None, list[Any]] = {}
    for item in deals:
        groups.setdefault(item.deal.owner, []).append(item)
    named = set(cut.owners) if cut.owners else {o for (_, o) in table if o is not None}
    for name in named:
        if any((label, name) in table for label in labels):
            groups.setdefault(name, [])
    owners = []
    for owner in sorted(groups, key=lambda k: (k is None, (k or "").casefold(), k or "")):
        mine = forecast(process, groups[owner], today=report.today, period=report.period,
                        start=report.start, end=report.end, won=won)
        target_of: dict[str, tuple[Decimal, Source]] = {}
        if owner is not None:
            for label in labels:
                if (label, owner) in table:
                    target_of[label] = (table[(label, owner)], "owner")
        owners.append(OwnerTargets(owner, _rows(mine, target_of)))

    team: dict[str, tuple[Decimal, Source]] = {}
    for label in labels:
        if cut.owners:
            parts = [table[(label, o)] for o in cut.owners if (label, o) in table]
            if parts:
                team[label] = (sum(parts, Decimal(0)), "owners")
        elif (label, None) in table:
            team[label] = (table[(label, None)], "team")
        else:
            parts = [v for (p, o), v in table.items() if p == label and o is not None]
            if parts:
                team[label] = (sum(parts, Decimal(0)), "owners")
    return Targets(goal, len(process.targets), applies, _rows(report, team), tuple(owners))
