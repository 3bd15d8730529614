"""Milestone rules: how they are validated, evaluated and explained to a salesperson."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.files.parse import parse_process
from salesflow.method.gates import describe_criteria, rule_gaps, stage_gate, unmet_parts
from salesflow.model.deal import Deal
from salesflow.model.process import Process, Rule, StakeholderCriteria
from tests.conftest import WS


def deal(**fields: Any) -> Deal:
    return Deal.model_validate({"customer": "Acme", "stage": "C", **fields})


def person(name: str, level: str | None = None, attitude: str = "unknown",
           roles: list[str] | None = None, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "attitude": attitude, "roles": roles or [], **more}
    if level:
        data["level"] = level
    return data


def rule(data: dict[str, Any]) -> Rule:
    return Rule.model_validate(data)


# Meida's buying centre: the only supporter is at the operations level.
MEIDA = [
    person("Liang", "decision", "neutral", ["decision"], title="General manager",
           influence="high"),
    person("Luo", "decision", "unknown", ["user", "evaluator"], title="VP production",
           influence="high", reports_to="Liang"),
    person("Deng", "management", "neutral", ["technical", "evaluator"], title="IT manager",
           influence="high", reports_to="Liang"),
    person("Chen", "operations", "supporter", ["user", "coach"], title="Planner",
           influence="medium", reports_to="Luo"),
]


def test_only_an_operations_supporter_fails_stage_c_saying_who_to_win(process: Process) -> None:
    d = deal(stakeholders=MEIDA)
    gate = {s.milestone.id: s for s in stage_gate(d, process.stage("C"), process)}
    senior = gate["senior-supporter"]
    assert not senior.met
    assert senior.missing == (
        "a supporter at the decision level, or a supporter at the management level who is an "
        "evaluator — none yet. "
        "Supporters now: Chen (Planner; operations level; user buyer, coach). "
        "Win over one of: Liang (General manager; decision level; decision buyer; neutral), "
        "Deng (IT manager; management level; technical buyer, evaluator; neutral), "
        "Luo (VP production; decision level; user buyer, evaluator; attitude unknown).",
    )
    assert senior.gaps[0].lines()[0].endswith("— none yet.")


def test_a_recorded_tick_does_not_override_a_failing_rule(process: Process) -> None:
    d = deal(stakeholders=MEIDA, milestones={"senior-supporter": "2026-10-01"})
    status = {s.milestone.id: s for s in stage_gate(d, process.stage("C"), process)}
    assert status["senior-supporter"].met is False
    assert status["senior-supporter"].record is not None


def test_a_rule_holds_without_a_record(process: Process) -> None:
    people = [*MEIDA[:1], person("Luo", "decision", "supporter", ["evaluator"])]
    d = deal(stakeholders=people)
    status = {s.milestone.id: s for s in stage_gate(d, process.stage("C"), process)}
    assert status["senior-supporter"].met and status["senior-supporter"].record is None


def test_no_stakeholders_at_all(process: Process) -> None:
    r = rule({"stakeholders": {"attitude": "supporter", "level": ["decision", "management"]}})
    assert unmet_parts(r, deal(), process) == [
        "a supporter at the decision or management level — the deal lists no `stakeholders:` "
        "yet. Add the people you have met under `stakeholders:`, each with level, roles and "
        "attitude."
    ]


def test_nobody_at_the_level_asks_the_coach(process: Process) -> None:
    r = rule({"stakeholders": {"attitude": "supporter", "level": "decision"}})
    d = deal(stakeholders=[person("Ma", "operations", "supporter", ["coach"])])
    assert unmet_parts(r, d, process) == [
        "a supporter at the decision level — none yet. Supporters now: Ma (operations level; "
        "coach). Nobody at the decision level is listed under `stakeholders:`: find out who "
        "that is (ask your coach Ma) and add them."
    ]


def test_more_than_one_wanted(process: Process) -> None:
    r = rule({"stakeholders": {"attitude": "supporter", "roles": ["evaluator"], "min": 2}})
    d = deal(stakeholders=[person("A", "management", "supporter", ["evaluator"]),
                           person("B", None, "opponent", ["evaluator", "financial"]),
                           person("C", "operations", "neutral", ["user"])])
    assert unmet_parts(r, d, process) == [
        "2 supporters who are evaluators — found 1: A. Win over one of: B (level not set; "
        "evaluator, financial buyer; opponent)."
    ]


def test_criteria_without_attitude_counts_people(process: Process) -> None:
    r = rule({"stakeholders": {"level": "decision", "min": 2}})
    d = deal(stakeholders=[person("A", "decision")])
    assert unmet_parts(r, d, process) == [
        "2 stakeholders at the decision level — found 1: A. Only 1 person at the decision "
        "level is listed under `stakeholders:`: find out who else and add them."
    ]


def test_many_candidates_are_cut_short(process: Process) -> None:
    r = rule({"stakeholders": {"attitude": "supporter"}})
    d = deal(stakeholders=[person(f"P{i}") for i in range(6)])
    (text,) = unmet_parts(r, d, process)
    assert text.startswith("a supporter — none yet. No supporters at all yet. Win over one "
                           "of: P0 (level not set; attitude unknown), ")
    assert text.endswith(" and 2 more.")


@pytest.mark.parametrize(("crit", "words"), [
    ({"attitude": "supporter"}, "a supporter"),
    ({"attitude": ["supporter", "neutral"], "min": 3}, "3 supporters or neutral people"),
    ({"roles": ["coach"], "min": 2}, "2 stakeholders who are coaches"),
    ({"roles": ["evaluator", "user"]}, "a stakeholder who is an evaluator or a user buyer"),
    ({"attitude": "opponent", "level": "decision", "influence": ["high", "medium"]},
     "an opponent at the decision level with high or medium influence"),
])
def test_describe_criteria(crit: dict[str, Any], words: str) -> None:
    assert describe_criteria(StakeholderCriteria.model_validate(crit)) == words


def test_fields_gap(process: Process) -> None:
    d = deal(amount=5)
    assert unmet_parts(rule({"fields": ["amount", "expected_close", "needs"]}), d, process) == [
        "the deal's `expected_close` is not set. Add it to the deal file, e.g. "
        "`expected_close: 2027-03-31`.",
        "at least one entry under `needs:` — none yet.",
    ]


def test_procurement_gap(process: Process) -> None:
    r = rule({"procurement": {"at_least": "budget-set"}})
    assert unmet_parts(r, deal(procurement_step="need-raised"), process) == [
        "the customer's buying process at step 4/16 “The budget is set” or later — it is at "
        "step 2/16 “The using department raises a need”. Update `procurement_step:` when the "
        "customer moves on."
    ]
    assert unmet_parts(r, deal(), process)[0].endswith(
        "— the deal records no `procurement_step:`. Ask your coach where the customer's buying "
        "process stands and record it, e.g. `procurement_step: budget-set`.")
    assert unmet_parts(r, deal(procurement_step="budget-set"), process) == []
    assert unmet_parts(r, deal(procurement_step="tender-issued"), process) == []


def test_needs_gap_lists_the_implied_needs(process: Process) -> None:
    r = rule({"needs": {"explicit": True}})
    d = deal(needs=[{"kind": "P", "text": "Pumps fail under peak load"},
                    {"kind": "I", "text": "x" * 60}])
    assert unmet_parts(r, d, process) == [
        "an explicit need — none yet. Implied so far: P “Pumps fail under peak load”, I “"
        + "x" * 39 + "…”. Confirm one with the customer (need-payoff questions) and mark it "
        "`explicit: true`."
    ]
    assert unmet_parts(r, deal(), process) == [
        "an explicit need — none yet. Record what you learn under `needs:` as SPIN notes "
        "(kind S, P, I or N)."
    ]


def test_needs_gap_by_kind_gives_spin_advice(process: Process) -> None:
    r = rule({"needs": {"kind": "N", "min": 2}})
    d = deal(needs=[{"kind": "P", "text": "p"}])
    assert unmet_parts(r, d, process) == [
        "2 needs of kind N (need-payoff) — none yet. To find one, ask need-payoff questions: "
        "what solving it would be worth to them."
    ]


def test_any_of_with_mixed_parts(process: Process) -> None:
    r = rule({"any_of": [{"fields": ["amount"]},
                         {"stakeholders": {"attitude": "supporter"},
                          "procurement": {"at_least": "budget-set"}}]})
    d = deal(stakeholders=[person("A")], procurement_step="budget-set")
    assert unmet_parts(r, d, process) == [
        "one of: the deal's `amount` is not set; or a supporter (none yet). Add it to the deal "
        "file, e.g. `amount: 1250000`. No supporters at all yet. Win over one of: A (level not "
        "set; attitude unknown)."
    ]
    assert unmet_parts(r, deal(amount=3), process) == []


def test_every_part_must_hold(process: Process) -> None:
    r = rule({"fields": ["amount"], "needs": {}})
    assert len(rule_gaps(r, deal(), process)) == 2
    assert rule_gaps(r, deal(amount=1, needs=[{"kind": "S", "text": "s"}]), process) == []


# ------------------------------------------------------------- validation

RULE_AT = ("currency: CNY\nprocurement: [{id: budget-set, name: Budget}]\nstages:\n"
           "  - code: G\n    name: a\n    probability: 10\n    exit:\n      - id: m\n"
           "        text: t\n        rule: {}\n  - {code: S, name: b, probability: 100}\n")

BROKEN_RULES: dict[str, tuple[str, int, int, str]] = {
    "empty rule": ("{}", 10, 15, "this rule checks nothing: give it at least one of fields, "
                   "stakeholders, account, procurement, needs, any_of (or remove `rule:`"),
    "null rule": ("null", 10, 15, "the rule is empty: write one"),
    "empty alternative": ("{any_of: [{fields: [amount]}, {}]}", 10, 45,
                          "this rule checks nothing: give it at least one of fields, "
                          "stakeholders, account, procurement, needs, any_of (or remove this "
                          "alternative)"),
    "no alternatives": ("{any_of: []}", 10, 16, "`any_of: []` offers no alternative"),
    "empty fields": ("{fields: []}", 10, 16, "`fields: []` checks nothing"),
    "field twice": ("{fields: [amount, amount]}", 10, 33, "field 'amount' is listed twice"),
    "unknown field": ("{fields: [ammount]}", 10, 25, "did you mean 'amount'?"),
    "empty level": ("{stakeholders: {level: []}}", 10, 31, "`level: []` matches nobody"),
    "empty kind": ("{needs: {kind: []}}", 10, 24, "`kind: []` matches no need"),
    "min zero": ("{stakeholders: {min: 0}}", 10, 36, "min: 0 is out of range (must be greater "
                 "than or equal to 1)"),
    "min huge": ("{needs: {min: 5000}}", 10, 29, "min: 5000 is out of range"),
    "min not a number": ("{needs: {min: two}}", 10, 29, "min: expected a whole number"),
    "bad role": ("{stakeholders: {roles: [boss]}}", 10, 39, "expected one of 'decision', "
                 "'financial'"),
    "bad level": ("{stakeholders: {level: top}}", 10, 38, "expected one of 'decision', "
                  "'management' or 'operations', found 'top'"),
    "unknown step": ("{procurement: {at_least: budget}}", 10, 40,
                     "unknown procurement step 'budget'; did you mean 'budget-set'?"),
    "far-off step": ("{procurement: {at_least: zzz}}", 10, 40, "unknown procurement step 'zzz' "
                     "(expected one of the ids under `procurement:`: budget-set)"),
    "missing at_least": ("{procurement: {}}", 10, 29, "missing required key 'at_least'"),
    "unknown key": ("{stakeholder: {min: 1}}", 10, 16, "unknown key 'stakeholder' (did you mean "
                    "'stakeholders'?)"),
    "nested unknown": ("{any_of: [{needs: {explicit: true, mni: 2}}]}", 10, 50,
                       "unknown key 'mni' (did you mean 'min'?)"),
}


@pytest.mark.parametrize(("text", "line", "col", "fragment"), BROKEN_RULES.values(),
                         ids=BROKEN_RULES.keys())
def test_broken_rule(text: str, line: int, col: int, fragment: str) -> None:
    source = RULE_AT.replace("rule: {}", f"rule: {text}")
    process, problems = parse_process(source.encode())
    assert process is None
    assert [(p.line, p.col) for p in problems] == [(line, col)], problems
    assert fragment in problems[0].message


def test_rule_vocabulary_examples_in_the_docs_are_valid() -> None:
    """Every `rule:` example in docs/files.md parses and passes the process checks."""
    import re

    from tests.conftest import REPO

    doc = (REPO / "docs" / "files.md").read_text(encoding="utf-8")
    section = doc.split("### Milestone rules", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"^\s*rule: (\{.*\})\s*(?:#.*)?$", section, re.M)
    assert len(examples) >= 6
    for example in examples:
        source = RULE_AT.replace("rule: {}", f"rule: {example}").replace(
            "[{id: budget-set, name: Budget}]",
            "[{id: budget-set, name: Budget}, {id: tender-issued, name: T}]")
        _, problems = parse_process(source.encode())
        assert problems == [], example


# -------------------------------------------------------------------- CLI


STAGE_C = """\
customer: Meida
stage: C
amount: 100
expected_close: 2027-02-28
stakeholders:
  - {name: Liang, level: decision, roles: [decision], attitude: neutral, influence: high}
  - {name: Chen, level: operations, roles: [user, coach], attitude: supporter, reports_to: Liang}
needs:
  - {kind: N, text: "Halve the changeover time", explicit: true}
milestones:
  requirements-fit: 2026-10-28
  senior-supporter: 2026-10-29
"""


def test_check_says_who_is_missing(ws: WS) -> None:
    ws.deal("meida", STAGE_C)
    before = ws.snapshot()
    result = ws.run("check", "meida")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[3:] == [
        "  [ ] senior-supporter [rule]: We have developed more supporters, above all a senior "
        "executive or the head of the project evaluation. (2026-10-29)",
        "      missing: a supporter at the decision level, or a supporter at the management "
        "level who is an evaluator — none yet.",
        "        Supporters now: Chen (operations level; user buyer, coach).",
        "        Nobody at the management level who is an evaluator is listed under "
        "`stakeholders:`: find out who that is (ask your coach Chen) and add them.",
        "        Win over one of: Liang (decision level; decision buyer; neutral).",
        "[rule] milestones are checked from the deal's own data (a tick does not count): update "
        "the deal file as the missing lines say, then run `salesflow check meida` again",
    ]
    assert ws.snapshot() == before


# ------------------------------------------------------------- properties

PEOPLE = st.lists(st.fixed_dictionaries({
    "attitude": st.sampled_from(["supporter", "neutral", "opponent", "unknown"]),
    "level": st.sampled_from(["decision", "management", "operations", None]),
    "roles": st.lists(st.sampled_from(["decision", "financial", "evaluator", "coach"]),
                      unique=True, max_size=2),
    "influence": st.sampled_from(["high", "low", None]),
}), max_size=7)
CRITERIA = st.fixed_dictionaries({}, optional={
    "attitude": st.sampled_from(["supporter", ["supporter", "neutral"]]),
    "level": st.sampled_from(["decision", ["decision", "management"]]),
    "roles": st.sampled_from([["evaluator"], ["coach", "financial"]]),
    "influence": st.sampled_from(["high"]),
    "min": st.integers(1, 3),
})


@settings(max_examples=300, deadline=None)
@given(PEOPLE, CRITERIA)
def test_a_stakeholder_rule_fails_exactly_when_too_few_match(
        process: Process, rows: list[dict[str, Any]], crit: dict[str, Any]) -> None:
    people = [{k: v for k, v in row.items() if v is not None} | {"name": f"P{i}"}
              for i, row in enumerate(rows)]
    d = deal(stakeholders=people)
    criteria = StakeholderCriteria.model_validate(crit)

    def fits(p: dict[str, Any], attitude: bool = True) -> bool:
        def one(key: str, value: Any) -> bool:
            wanted = [value] if isinstance(value, str) else value
            if key == "roles":
                return bool(set(p["roles"]) & set(wanted))
            return p.get(key) in wanted
        return all(one(k, v) for k, v in crit.items()
                   if k != "min" and (attitude or k != "attitude"))

    matching = [p for p in people if fits(p)]
    gaps = rule_gaps(rule({"stakeholders": crit}), d, process)
    assert bool(gaps) == (len(matching) < criteria.min)
    if gaps:
        (gap,) = gaps
        assert gap.text().startswith(describe_criteria(criteria))
        names = {p.name for p in gap.candidates}
        # candidates fit everything but the attitude, and do not already count
        assert names <= {p["name"] for p in people if fits(p, attitude=False)}
        assert not names & {p["name"] for p in matching}


RULES = st.recursive(st.fixed_dictionaries({}, optional={
    "fields": st.sampled_from([["amount"], ["expected_close", "owner"], ["needs"]]),
    "stakeholders": CRITERIA,
    "procurement": st.sampled_from([{"at_least": "need-raised"},
                                    {"at_least": "tender-issued"}]),
    "needs": st.fixed_dictionaries({}, optional={
        "kind": st.sampled_from(["N", ["P", "N"]]), "explicit": st.booleans(),
        "min": st.integers(1, 2)}),
    "account": st.fixed_dictionaries({}, optional={
        "relationship": st.sampled_from(["initial", "high"]), "people": CRITERIA}),
}), lambda inner: st.fixed_dictionaries({"any_of": st.lists(inner, min_size=1, max_size=3)}),
    max_leaves=4)
DEALS = st.fixed_dictionaries({"stakeholders": PEOPLE}, optional={
    "amount": st.just(1250000), "owner": st.just("li.wei"),
    "procurement_step": st.sampled_from(["need-raised", "tender-issued", "contract-signed"]),
    "needs": st.lists(st.fixed_dictionaries({
        "kind": st.sampled_from(["S", "P", "I", "N"]), "text": st.just("x"),
        "explicit": st.booleans()}), max_size=3),
    "account": st.just("acme"),
    "relationship": st.sampled_from(["gestation", "initial", "high"]),
})


@settings(max_examples=400, deadline=None)
@given(DEALS, RULES)
def test_a_rule_holds_exactly_when_it_has_no_gap(process: Process, fields: dict[str, Any],
                                                 data: dict[str, Any]) -> None:
    """`holds.rule_holds` (asked of every deal read) says what `rule_gaps` finds, unsaid."""
    from hypothesis import assume
    from pydantic import ValidationError

    from salesflow.method.holds import rule_holds

    people = [{k: v for k, v in row.items() if v is not None} | {"name": f"P{i}"}
              for i, row in enumerate(fields["stakeholders"])]
    try:
        d, r = deal(**{**fields, "stakeholders": people}), rule(data)
    except ValidationError:
        assume(False)
        return
    assert rule_holds(r, d, process) == (not rule_gaps(r, d, process))


def test_advance_is_refused_at_c_saying_who_is_missing(ws: WS) -> None:
    """The issue's promise: the only supporter at the operations level is not enough at C."""
    ws.deal("meida", STAGE_C.replace("  senior-supporter: 2026-10-29\n", ""))
    before = ws.read("deals/meida.yaml")
    result = ws.run("advance", "meida")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:5] == [
        "error: cannot advance meida from C to B: 1 of 3 exit milestone(s) of stage C not met",
        "  [ ] senior-supporter [rule]: We have developed more supporters, above all a senior "
        "executive or the head of the project evaluation.",
        "      missing: a supporter at the decision level, or a supporter at the management "
        "level who is an evaluator — none yet.",
        "        Supporters now: Chen (operations level; user buyer, coach).",
        "        Nobody at the management level who is an evaluator is listed under "
        "`stakeholders:`: find out who that is (ask your coach Chen) and add them.",
    ]
    assert "        Win over one of: Liang (decision level; decision buyer; neutral).\n" \
        in result.stderr
    assert ws.read("deals/meida.yaml") == before
