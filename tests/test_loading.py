"""The loader: every broken file yields exactly one clean `path:line:col: message`."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.files import yamlio
from salesflow.files.parse import parse_deal, parse_process
from salesflow.model.errors import Problem
from salesflow.model.process import Process

BROKEN = Path(__file__).parent / "data" / "broken"

# file name -> (line, column, a fragment of the message)
CASES: dict[str, tuple[int, int, str]] = {
    "deal.alias.yaml": (1, 11, "anchors and aliases"),
    "deal.amount-huge.yaml": (3, 9, "implausibly large"),
    "deal.amount-nan.yaml": (3, 9, "expected a finite amount"),
    "deal.amount-separators.yaml": (3, 9, "no thousands separators"),
    "deal.bad-attitude.yaml": (5, 15, "stakeholders[0].attitude: expected one of 'supporter'"),
    "deal.bad-date.yaml": (3, 17, "expected a date like 2027-03-31"),
    "deal.bad-indent.yaml": (3, 9, "check this line's indentation"),
    "deal.bad-need-kind.yaml": (4, 12, "needs[0].kind: expected one of 'S', 'P', 'I' or 'N'"),
    "deal.bad-status.yaml": (3, 9, "status: expected one of 'open', 'won', 'lost' or 'hold'"),
    "deal.binary.yaml": (1, 15, "binary"),
    "deal.conflict-markers.yaml": (3, 1, "finish the merge"),
    "deal.customer-bool.yaml": (1, 11, "put it in quotes"),
    "deal.customer-list.yaml": (1, 11, "customer: expected text, found a list"),
    "deal.duplicate-key.yaml": (4, 1, "duplicate key 'amount' (first at line 3)"),
    "deal.duplicate-nested-key.yaml": (5, 3, "duplicate key 'visit-committed' (first at line 4)"),
    "deal.duplicate-stakeholder.yaml": (5, 11, "duplicate stakeholder 'A'"),
    "deal.empty.yaml": (1, 1, "file is empty"),
    "deal.history-out-of-order.yaml": (5, 12, "history is out of order"),
    "deal.history-unknown-stage.yaml": (4, 37, "unknown stage 'Q'"),
    "deal.invalid-utf8.yaml": (3, 8, "invalid UTF-8 (byte 0xff)"),
    "deal.milestone-unknown-key.yaml": (4, 39, "unknown key 'nite' (did you mean 'note'?)"),
    "deal.missing-customer.yaml": (1, 1, "missing required key 'customer'"),
    "deal.missing-rate.yaml": (3, 11, "no exchange rate for JPY"),
    "deal.missing-stage.yaml": (1, 1, "missing required key 'stage'"),
    "deal.need-explicit-yes.yaml": (4, 34, "explicit: expected true or false, found 'yes'"),
    "deal.negative-amount.yaml": (3, 9, "amount: must not be negative, found -5"),
    "deal.number-as-date.yaml": (3, 17, "found 20270331"),
    "deal.only-comment.yaml": (1, 1, "file is empty"),
    "deal.python-tag.yaml": (1, 11, "tags like 'tag:yaml.org,2002:python/object:os.system'"),
    "deal.reports-to-cycle.yaml": (7, 17, "reports_to forms a cycle: A → B → A"),
    "deal.reports-to-unknown.yaml": (5, 17, "reports_to 'Zed' is not a stakeholder"),
    "deal.tab-indent.yaml": (3, 1, "indent with spaces, not tabs"),
    "deal.too-deep.yaml": (3, 33, "nesting is deeper than"),
    "deal.top-level-list.yaml": (1, 1, "found a list"),
    "deal.top-level-scalar.yaml": (1, 1, "found a single value"),
    "deal.unknown-key.yaml": (3, 1, "unknown key 'ammount' (did you mean 'amount'?)"),
    "deal.unknown-milestone.yaml": (4, 3, "did you mean 'visit-committed'?"),
    "deal.unknown-procurement-step.yaml": (3, 19, "did you mean 'budget-set'?"),
    "deal.unknown-stage.yaml": (2, 8, "unknown stage 'X' (expected one of G, F, E, D, C, B, A, S)"),
    "deal.unquoted-colon.yaml": (3, 8, "put text containing ': ' in quotes"),
    "deal.utf16.yaml": (1, 1, "UTF-16"),
    "deal.won-not-last.yaml": (3, 9, "status 'won' is only for deals in the last stage (S)"),
    "deal.zero-date.yaml": (3, 17, "found '0000-00-00'"),
}


def test_every_broken_file_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize(("name", "expected"), sorted(CASES.items()))
def test_broken_deal(process: Process, name: str, expected: tuple[int, int, str]) -> None:
    line, col, fragment = expected
    deal, problems = parse_deal((BROKEN / name).read_bytes(), f"deals/{name}", process)
    assert deal is None
    assert len(problems) == 1, problems
    (problem,) = problems
    assert (problem.line, problem.col) == (line, col)
    assert fragment in problem.message
    assert str(problem).startswith(f"deals/{name}:{line}:{col}: ")


def test_every_problem_is_reported_not_only_the_first(process: Process) -> None:
    text = b"customer: Acme\nstage: x\nstatus: closed\nammount: 1\n"
    _, problems = parse_deal(text, "deals/x.yaml", process)
    assert [(p.line, p.code) for p in problems] == [
        (2, "string-pattern-mismatch"),
        (3, "literal-error"),
        (4, "unknown-key"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("owner: no", "no"),
        ("owner: yes", "yes"),
        ("customer: on", "on"),
        ("name: 2026-01-01", "2026-01-01"),
        ("name: 0o17", 15),
        ("name: 12.50", Decimal("12.50")),
        ("name: '12.50'", "12.50"),
        ("name: true", True),
        ("name: ~", None),
        ("name: 1_000", "1_000"),
        ("name: 0x1F", 31),
    ],
)
def test_yaml_1_2_core_scalars(text: str, expected: object) -> None:
    doc = yamlio.parse(text.encode(), "x.yaml")
    value = next(iter(doc.data.values()))
    assert value == expected
    assert type(value) is type(expected)


def test_yes_and_no_stay_text_in_a_deal(process: Process) -> None:
    deal, problems = parse_deal(b"customer: on\nstage: G\nowner: no\n", "d.yaml", process)
    assert problems == []
    assert deal is not None
    assert (deal.customer, deal.owner) == ("on", "no")


def test_numbers_become_text_where_text_is_expected(process: Process) -> None:
    deal, _ = parse_deal(b"customer: 3M\nstage: G\nname: 2024\n", "d.yaml", process)
    assert deal is not None
    assert deal.name == "2024"


def test_money_is_exact(process: Process) -> None:
    deal, _ = parse_deal(b"customer: A\nstage: G\namount: 0.1\n", "d.yaml", process)
    assert deal is not None
    assert deal.amount == Decimal("0.1")


def test_negative_zero_amount_is_zero(process: Process) -> None:
    deal, _ = parse_deal(b"customer: A\nstage: G\namount: -0.0\n", "d.yaml", process)
    assert deal is not None
    assert str(deal.amount) == "0"


def test_bom_and_crlf_are_read(process: Process) -> None:
    raw = b"\xef\xbb\xbfcustomer: A\r\nstage: G\r\nammount: 1\r\n"
    _, problems = parse_deal(raw, "d.yaml", process)
    assert [(p.line, p.col) for p in problems] == [(3, 1)]


def test_oversized_file_is_refused_before_parsing(process: Process) -> None:
    raw = b"customer: A\nstage: G\nnotes: '" + b"x" * (yamlio.MAX_FILE_BYTES + 10) + b"'\n"
    _, problems = parse_deal(raw, "d.yaml", process)
    assert problems[0].code == "too-large"


def test_x_keys_are_the_teams_own(process: Process) -> None:
    raw = b"customer: A\nstage: G\nx-crm-id: 42\nstakeholders:\n  - {name: B, x-phone: '1'}\n"
    deal, problems = parse_deal(raw, "d.yaml", process)
    assert problems == []
    assert deal is not None
    assert deal.extensions == {"x-crm-id": 42}
    assert deal.stakeholders[0].extensions == {"x-phone": "1"}


def test_x_star_key_cannot_smuggle_fields(process: Process) -> None:
    deal, problems = parse_deal(b"customer: A\nstage: G\nextensions: {}\n", "d.yaml", process)
    assert deal is None
    assert problems[0].message.startswith("unknown key 'extensions'")


# ------------------------------------------------------------------ process


PROCESS_BROKEN = {
    "duplicate stage": (
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 10}\n"
        "  - {code: G, name: b, probability: 100}\n",
        (4, 12, "duplicate stage code 'G'"),
    ),
    "decreasing probability": (
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 50}\n"
        "  - {code: F, name: b, probability: 20}\n  - {code: S, name: c, probability: 100}\n",
        (4, 37, "lower than 50"),
    ),
    "last not 100": (
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 10}\n"
        "  - {code: S, name: b, probability: 90}\n",
        (4, 37, "must have probability 100"),
    ),
    "probability above 100": (
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 10}\n"
        "  - {code: S, name: b, probability: 101}\n",
        (4, 37, "out of range"),
    ),
    "one stage only": (
        "currency: CNY\nstages:\n  - {code: S, name: a, probability: 100}\n",
        (3, 3, "expected at least 2 entries, found 1"),
    ),
    "duplicate milestone": (
        "currency: CNY\nstages:\n"
        "  - {code: G, name: a, probability: 10, exit: [{id: m, text: t}]}\n"
        "  - {code: S, name: b, probability: 100, exit: [{id: m, text: u}]}\n",
        (4, 54, "duplicate milestone id 'm'"),
    ),
    "bad currency": (
        "currency: yuan\nstages:\n  - {code: G, name: a, probability: 10}\n"
        "  - {code: S, name: b, probability: 100}\n",
        (1, 11, "three-letter currency code"),
    ),
    "unknown rule field": (
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 10, exit: [{id: m, text: t,"
        " rule: {fields: [ammount]}}]}\n  - {code: S, name: b, probability: 100}\n",
        (3, 81, "did you mean 'amount'?"),
    ),
    "missing stages": ("currency: CNY\n", (1, 1, "missing required key 'stages'")),
    "stage key typo": (
        "currency: CNY\nstages:\n  - {code: G, nmae: a, probability: 10}\n"
        "  - {code: S, name: b, probability: 100}\n",
        (3, 15, "unknown key 'nmae' (did you mean 'name'?)"),
    ),
}


@pytest.mark.parametrize(("text", "expected"), PROCESS_BROKEN.values(), ids=PROCESS_BROKEN.keys())
def test_broken_process(text: str, expected: tuple[int, int, str]) -> None:
    line, col, fragment = expected
    process, problems = parse_process(text.encode())
    assert process is None
    assert len(problems) >= 1, problems
    assert any((p.line, p.col) == (line, col) and fragment in p.message for p in problems), (
        problems
    )


def test_rule_key_is_parsed(process: Process) -> None:
    rules = [m.rule for s in process.stages for m in s.exit if m.rule is not None]
    assert rules, "the default process uses rules"


# --------------------------------------------------------------- properties


FUZZ = int(os.environ.get("SALESFLOW_FUZZ_EXAMPLES", "0"))


@settings(max_examples=FUZZ or 300, deadline=None)
@given(st.binary(max_size=400))
def test_loader_given_any_bytes_only_reports_problems(process: Process, raw: bytes) -> None:
    _check_only_problems(process, raw)


YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:- \n\t#&*!|>'\"{}[],?%@`0123456789.~\u4e2d\ufeff\r")),
    max_size=200,
)


@settings(max_examples=FUZZ or 500, deadline=None)
@given(YAMLISH)
def test_loader_given_yaml_like_text_only_reports_problems(process: Process, text: str) -> None:
    _check_only_problems(process, text.encode("utf-8"))


def _check_only_problems(process: Process, raw: bytes) -> None:
    deal, problems = parse_deal(raw, "deals/fuzz.yaml", process)
    assert (deal is None) == bool(problems)
    for p in problems:
        assert isinstance(p, Problem)
        assert p.path == "deals/fuzz.yaml"
        assert p.message
    _, problems = parse_process(raw)
    assert all(isinstance(p, Problem) for p in problems)
