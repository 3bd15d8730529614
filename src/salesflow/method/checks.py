"""Cross-field checks: each a small named function yielding findings.

Pydantic checks each value's shape; these check what relates values to each
other and to the process (unique codes, known stages, reports_to trees, ...).
A finding carries the data path of the offending value so the loader can
point at its line and column.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from salesflow.model.deal import Deal, HistoryEntry
from salesflow.model.edits import DataPath as Path
from salesflow.model.i18n import N_, _
from salesflow.model.process import Process, Rule


@dataclass(frozen=True)
class Finding:
    """A problem at a data path; `key` points at the key rather than its value."""

    loc: Path
    message: str
    code: str
    key: bool = False


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return _("; did you mean {value!r}?").format(value=close[0]) if close else ""


# --------------------------------------------------------------------- process


def unique_stage_codes(process: Process) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, stage in enumerate(process.stages):
        if stage.code in seen:
            yield Finding(("stages", i, "code"), _("duplicate stage code {code!r}").format(
                                                     code=stage.code),
                          "duplicate-stage")
        seen.add(stage.code)


def unique_milestone_ids(process: Process) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.exit):
            if milestone.id in seen:
                yield Finding(
                    ("stages", i, "exit", j, "id"),
                    _("duplicate milestone id {id!r} (already used in stage "
                      "{value}); milestone ids must be unique across the process").format(
                        id=milestone.id, value=seen[milestone.id]),
                    "duplicate-milestone",
                )
            seen.setdefault(milestone.id, stage.code)


def probabilities_non_decreasing(process: Process) -> Iterator[Finding]:
    for i in range(1, len(process.stages)):
        before, stage = process.stages[i - 1], process.stages[i]
        if stage.probability < before.probability:
            yield Finding(
                ("stages", i, "probability"),
                _("probability {probability} of stage {code} is lower than "
                  "{probability2} of the stage before it ({code2}); probabilities must "
                  "not decrease along the process").format(
                    probability=stage.probability, code=stage.code,
                    probability2=before.probability, code2=before.code),
                "probability-order",
            )


def last_stage_is_won(process: Process) -> Iterator[Finding]:
    last = process.stages[-1]
    if last.probability != 100:
        yield Finding(
            ("stages", len(process.stages) - 1, "probability"),
            _("the last stage ({code}) is the won stage and must have "
              "probability 100, not {probability}").format(
                code=last.code, probability=last.probability),
            "won-stage",
        )


def procurement_steps_known(process: Process) -> Iterator[Finding]:
    seen: set[str] = set()
    codes = process.codes
    for i, step in enumerate(process.procurement):
        if step.id in seen:
            yield Finding(("procurement", i, "id"), _("duplicate procurement step {id!r}").format(
                                                        id=step.id),
                          "duplicate-procurement")
        seen.add(step.id)
        for j, code in enumerate(step.stages):
            if code not in codes:
                yield Finding(("procurement", i, "stages", j),
                              _("unknown stage {code!r} (expected one of {codes})").format(
                                  code=code, codes=', '.join(codes)),
                              "unknown-stage")


def unique_lost_reasons(process: Process) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, reason in enumerate(process.lost_reasons):
        if reason in seen:
            yield Finding(("lost_reasons", i), _("duplicate lost reason {reason!r}").format(
                                                   reason=reason), "duplicate")
        seen.add(reason)


def unique_targets(process: Process) -> Iterator[Finding]:
    """One target per period and owner: two would leave the gap ambiguous."""
    seen: dict[tuple[str, str | None], int] = {}
    for i, target in enumerate(process.targets):
        key = (target.period, target.owner)
        if key in seen:
            who = _("owner {owner!r}").format(
                      owner=target.owner) if target.owner else _("the team (no owner)")
            yield Finding(("targets", i, "period"),
                          _("a second target for {who} in {period} (the first is "
                            "targets[{value}]); give each period and owner one target").format(
                              who=who, period=target.period, value=seen[key]),
                          "duplicate-target")
        seen.setdefault(key, i)


RULE_PARTS = ("fields", "stakeholders", "account", "procurement", "needs", "any_of")


def rules_refer_to_known_things(process: Process) -> Iterator[Finding]:
    from salesflow.model.deal import DEAL_KEYS

    steps = [p.id for p in process.procurement]

    def walk(rule: Rule, at: Path) -> Iterator[Finding]:
        for k, name in enumerate(rule.fields or []):
            if name not in DEAL_KEYS:
                yield Finding((*at, "fields", k),
                              _("unknown deal field {name!r}{value}").format(
                                  name=name, value=did_you_mean(name, list(DEAL_KEYS))),
                              "unknown-field")
        if rule.procurement and rule.procurement.at_least not in steps:
            step = rule.procurement.at_least
            if not steps:
                hint = _("; stages.yaml has no `procurement:` steps")
            else:
                hint = did_you_mean(step, steps) or (
                    _(" (expected one of the ids under `procurement:`: {steps})").format(
                        steps=', '.join(steps)))
            yield Finding((*at, "procurement", "at_least"),
                          _("unknown procurement step {step!r}{hint}").format(
                              step=step, hint=hint), "unknown-procurement")
        for k, sub in enumerate(rule.any_of or []):
            yield from walk(sub, (*at, "any_of", k))

    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.exit):
            if milestone.rule is not None:
                yield from walk(milestone.rule, ("stages", i, "exit", j, "rule"))


def rules_are_well_formed(process: Process) -> Iterator[Finding]:
    """A rule that checks nothing, or a list that matches nobody, is a mistake, not a rule."""

    def empty_list(at: Path, key: str, what: str) -> Finding:
        return Finding((*at, key), _("`{key}: []` {what}: list at least one, or leave "
                                     "`{key}` out").format(
                                       key=key, what=what), "empty-rule", key=True)

    def walk(rule: Rule, at: Path) -> Iterator[Finding]:
        if all(getattr(rule, part) is None for part in RULE_PARTS):
            instead = (_("remove this alternative") if "any_of" in at else
                       _("remove `rule:` and record the milestone with `salesflow tick`"))
            yield Finding(at, _("this rule checks nothing: give it at least one of "
                                "{rule_parts} (or {instead})").format(
                                  rule_parts=', '.join(RULE_PARTS), instead=instead), "empty-rule")
        if rule.fields is not None:
            if not rule.fields:
                yield empty_list(at, "fields", _("checks nothing"))
            seen: set[str] = set()
            for k, name in enumerate(rule.fields):
                if name in seen:
                    yield Finding((*at, "fields", k), _("field {name!r} is listed twice").format(
                                                          name=name),
                                  "duplicate")
                seen.add(name)
        for part, crit in (("stakeholders", rule.stakeholders),
                           ("account", rule.account.people if rule.account else None)):
            if crit is None:
                continue
            where = (*at, part) if part == "stakeholders" else (*at, part, "people")
            for key in ("attitude", "level", "roles", "influence"):
                if getattr(crit, key) == []:
                    yield empty_list(where, key, _("matches nobody"))
        if rule.needs is not None and rule.needs.kind == []:
            yield empty_list((*at, "needs"), "kind", _("matches no need"))
        if rule.any_of is not None:
            if not rule.any_of:
                yield empty_list(at, "any_of", _("offers no alternative"))
            for k, sub in enumerate(rule.any_of):
                yield from walk(sub, (*at, "any_of", k))

    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.exit):
            if milestone.rule is not None:
                yield from walk(milestone.rule, ("stages", i, "exit", j, "rule"))


PROCESS_CHECKS: list[Callable[[Process], Iterator[Finding]]] = [
    unique_stage_codes,
    unique_milestone_ids,
    probabilities_non_decreasing,
    last_stage_is_won,
    procurement_steps_known,
    unique_lost_reasons,
    unique_targets,
    rules_refer_to_known_things,
    rules_are_well_formed,
]


# ------------------------------------------------------------------------ deal


def stage_known(deal: Deal, process: Process) -> Iterator[Finding]:
    if not process.has_stage(deal.stage):
        yield Finding(("stage",), _("unknown stage {stage!r} (expected one of {codes})").format(
                                      stage=deal.stage, codes=', '.join(process.codes)),
                      "unknown-stage")


def status_fits_stage(deal: Deal, process: Process) -> Iterator[Finding]:
    won = process.won.code
    if deal.status == "won" and deal.stage != won:
        yield Finding(("status",), _("status 'won' is only for deals in the last stage ({won}); "
                                     "this deal is in {stage}: advance it to {won}, or set another "
                                     "status").format(won=won, stage=deal.stage),
                      "won-stage")
    if deal.stage == won and deal.status == "open":
        yield Finding(("status",), _("a deal in the last stage ({won}) is won: set "
                                     "`status: won`").format(won=won),
                      "won-stage")


def milestones_known(deal: Deal, process: Process) -> Iterator[Finding]:
    ids = process.milestone_ids
    for mid in deal.milestones:
        if process.milestone(mid) is None:
            yield Finding(("milestones", mid),
                          _("unknown milestone {mid!r}{value}").format(
                              mid=mid, value=did_you_mean(mid, ids)),
                          "unknown-milestone", key=True)


def currency_has_rate(deal: Deal, process: Process) -> Iterator[Finding]:
    if deal.currency and process.rate(deal.currency) is None:
        yield Finding(("currency",),
                      _("no exchange rate for {currency}: add `{currency}: <value of 1 "
                        "{currency} in {currency2}>` under `rates:` in stages.yaml").format(
                          currency=deal.currency, currency2=process.currency),
                      "missing-rate")


def history_consistent(deal: Deal, process: Process) -> Iterator[Finding]:
    for i, entry in enumerate(deal.history):
        yield from entry_shape(deal, process, i, entry)
        if entry.kind in ("move", "status") and entry.to is None and entry.status is None:
            yield Finding(("history", i), _("a history entry needs `to:` (a stage) or `status:`"),
                          "history-entry")


def history_in_order(deal: Deal, process: Process) -> Iterator[Finding]:
    """History is kept oldest first: replays and the date checks of commands rely on it."""
    previous = None
    for i, entry in enumerate(deal.history):
        if previous is not None and entry.date < previous:
            yield Finding(("history", i, "date"),
                          _("history is out of order: {date} comes after {previous}; keep "
                            "entries oldest first").format(
                              date=entry.date, previous=previous), "history-order")
        previous = entry.date


# Keys each shape of history entry may hold besides date, by, note and reason.
_ENTRY_KEYS = {
    "move": ("from_", "to", "status", "forced", "skipped"),
    "status": ("status",),
    "field": ("field", "person", "from_", "to"),
    "activity": ("activity", "text", "with_"),
}
_KEY_NAMES = {"from_": "from", "with_": "with"}
_SHAPES = {"move": N_("a stage move"), "status": N_("a status change"),
           "field": N_("a field change"), "activity": N_("an activity")}


def entry_shape(deal: Deal, process: Process, i: int, entry: HistoryEntry,
                ) -> Iterator[Finding]:
    """One history entry holds the keys of one shape only: a move, a status change,
    a field change or an activity (see `HistoryEntry`), with known stage codes."""
    kind = entry.kind
    allowed = _ENTRY_KEYS[kind]
    for attr in ("field", "person", "from_", "to", "status", "activity", "text", "with_",
                 "forced", "skipped"):
        if getattr(entry, attr) is not None and attr not in allowed:
            key = _KEY_NAMES.get(attr, attr)
            yield Finding(("history", i, key), _("`{key}:` does not belong in {shape}").format(
                                                   key=key, shape=_(_SHAPES[kind])),
                          "history-entry", key=True)
    if kind == "move":
        for attr, key in (("from_stage", "from"), ("to_stage", "to")):
            code = getattr(entry, attr)
            if code is not None and not process.has_stage(code):
                yield Finding(("history", i, key), _("unknown stage {code!r} (expected "
                                                     "one of {codes})").format(
                                                       code=code, codes=', '.join(process.codes)),
                              "unknown-stage")
        if entry.skipped is not None and not entry.forced:
            yield Finding(("history", i, "skipped"), _("`skipped:` belongs to a forced move "
                          "(`forced: true`)"), "history-entry", key=True)
    elif kind == "field":
        if entry.field == "attitude" and entry.person is None:
            yield Finding(("history", i), _("an attitude change needs `person:` (whose "
                          "attitude changed)"), "history-entry")
        elif entry.field != "attitude" and entry.person is not None:
            yield Finding(("history", i, "person"), _("`person:` belongs to an attitude "
                          "change only"), "history-entry", key=True)
    elif kind == "activity" and not (entry.text or "").strip():
        yield Finding(("history", i), _("an activity needs `text:` (what happened)"),
                      "history-entry")


def procurement_step_known(deal: Deal, process: Process) -> Iterator[Finding]:
    step = deal.procurement_step
    if step is not None and process.procurement_index(step) is None:
        steps = [p.id for p in process.procurement]
        hint = did_you_mean(step, steps) if steps else _("; stages.yaml defines no procurement "
                                                         "steps")
        yield Finding(("procurement_step",), _("unknown procurement step {step!r}{hint}").format(
                                                 step=step, hint=hint),
                      "unknown-procurement")


def lost_reason_known(deal: Deal, process: Process) -> Iterator[Finding]:
    if deal.lost_reason and process.lost_reasons and deal.lost_reason not in process.lost_reasons:
        yield Finding(("lost_reason",), _("unknown lost reason {lost_reason!r} "
                                          "(expected one of {lost_reasons})").format(
                                            lost_reason=deal.lost_reason,
                                            lost_reasons=', '.join(process.lost_reasons)),
                      "unknown-lost-reason")


def stakeholders_form_a_tree(deal: Deal, process: Process) -> Iterator[Finding]:
    names: dict[str, int] = {}
    for i, person in enumerate(deal.stakeholders):
        if person.name in names:
            yield Finding(("stakeholders", i, "name"),
                          _("duplicate stakeholder {name!r}: names must be unique in a "
                            "deal").format(name=person.name),
                          "duplicate-stakeholder")
        else:
            names[person.name] = i
    for i, person in enumerate(deal.stakeholders):
        boss = person.reports_to
        if boss is None:
            continue
        if boss not in names:
            yield Finding(("stakeholders", i, "reports_to"),
                          _("reports_to {boss!r} is not a stakeholder of this "
                            "deal{value}").format(
                              boss=boss, value=did_you_mean(boss, list(names))),
                          "unknown-stakeholder")
    # cycles: walk up from each person; each name is visited once, so this is linear
    boss_of = {p.name: p.reports_to for p in deal.stakeholders}
    state: dict[str, int] = {}  # 1: on the current walk, 2: finished
    for person in deal.stakeholders:
        trail: list[str] = []
        current: str | None = person.name
        while current is not None and current in boss_of and current not in state:
            state[current] = 1
            trail.append(current)
            current = boss_of[current]
        if current is not None and state.get(current) == 1:
            cycle = trail[trail.index(current):]
            yield Finding(("stakeholders", names[cycle[-1]], "reports_to"),
                          _("reports_to forms a cycle: ") + " → ".join([*cycle, current]),
                          "reports-to-cycle")
        for name in trail:
            state[name] = 2


def needs_from_known(deal: Deal, process: Process) -> Iterator[Finding]:
    names = [p.name for p in deal.stakeholders]
    for i, need in enumerate(deal.needs):
        if need.from_ is not None and need.from_ not in names:
            yield Finding(("needs", i, "from"),
                          _("{from_!r} is not a stakeholder of this deal{value}; add them "
                            "under `stakeholders:`").format(
                              from_=need.from_, value=did_you_mean(need.from_, names)),
                          "unknown-stakeholder")


DEAL_CHECKS: list[Callable[[Deal, Process], Iterator[Finding]]] = [
    stage_known,
    status_fits_stage,
    milestones_known,
    currency_has_rate,
    history_consistent,
    history_in_order,
    procurement_step_known,
    lost_reason_known,
    stakeholders_form_a_tree,
    needs_from_known,
]


# ------------------------------------------------------------ against the clock


def history_not_in_future(deal: Deal, process: Process, today: dt.date) -> Iterator[Finding]:
    """The history records what has happened: an entry dated after today cannot be true."""
    for i, entry in enumerate(deal.history):
        if entry.date > today:
            yield Finding(("history", i, "date"),
                          _("history entry dated {day}, after today ({today}); it records "
                            "what has happened: give the day it happened").format(
                                day=entry.date.isoformat(), today=today.isoformat()),
                          "history-future")


DATED_CHECKS: list[Callable[[Deal, Process, dt.date], Iterator[Finding]]] = [
    history_not_in_future,
]
"""Checks that depend on the day they run (`salesflow validate` gives its today).

Kept apart from `DEAL_CHECKS` on purpose: those decide whether a deal loads,
and their verdict is cached by the file's bytes, which must not change from
one day to the next (nor between two machines whose clocks disagree).
"""


def check_deal_on(deal: Deal, process: Process, today: dt.date) -> list[Finding]:
    return [f for check in DATED_CHECKS for f in check(deal, process, today)]


def check_process(process: Process) -> list[Finding]:
    return [f for check in PROCESS_CHECKS for f in check(process)]


def check_deal(deal: Deal, process: Process) -> list[Finding]:
    return [f for check in DEAL_CHECKS for f in check(deal, process)]
