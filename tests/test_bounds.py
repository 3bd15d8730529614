"""Every value bounded at the edge: a located problem, never an internal error (exit 3).

Numbers too long for the interpreter's int-to-text limit, years that overflow
date arithmetic, rates that overflow Decimal, a file with two byte-order
marks, an encoding that cannot decode: each is refused where it stands, and
one bad file never stops a report on the others.
"""

from __future__ import annotations

import pytest

from salesflow.files import parse
from salesflow.files.parse import parse_deal, parse_process
from salesflow.model.process import Process
from tests.conftest import WS

GOOD = "customer: Good Co\nstage: G\namount: 1000\n"


@pytest.mark.parametrize(
    ("text", "line", "col", "code"),
    [
        ("customer: A\nstage: G\nx-big: 0x" + "f" * 5000 + "\n", 3, 8, "number-too-large"),
        ("customer: A\nstage: G\nx-big: 0o" + "7" * 5000 + "\n", 3, 8, "number-too-large"),
        ("customer: A\nstage: G\namount: " + "9" * 5000 + "\n", 3, 9, "number-too-large"),
        ("customer: A\nstage: G\nx-n: [1, " + "1" * 101 + "]\n", 3, 10, "number-too-large"),
        ("customer: A\nstage: G\nexpected_close: 9999-12-31\n", 3, 17, "date-range"),
        ("customer: A\nstage: G\nexpected_close: 1899-12-31\n", 3, 17, "date-range"),
        ("customer: A\nstage: G\nmilestones: {visit-committed: 9999-12-31}\n", 3, 31,
         "date-range"),
        ("customer: A\nstage: G\nhistory:\n  - {date: 9999-12-31, to: G}\n", 4, 12,
         "date-range"),
    ],
)
def test_out_of_bounds_values_are_located_problems(process: Process, text: str, line: int,
                                                   col: int, code: str) -> None:
    deal, problems = parse_deal(text.encode(), "deals/x.yaml", process)
    assert deal is None
    assert [(p.line, p.col, p.code) for p in problems] == [(line, col, code)]


def test_a_long_number_in_quotes_is_text(process: Process) -> None:
    deal, problems = parse_deal(f"customer: A\nstage: G\nx-id: '{'9' * 5000}'\n".encode(),
                                "deals/x.yaml", process)
    assert problems == [] and deal is not None


def test_the_years_2999_and_1900_are_accepted(process: Process) -> None:
    text = "customer: A\nstage: G\nexpected_close: 2999-12-31\nx-d: 1900-01-01\n"
    deal, problems = parse_deal(text.encode(), "deals/x.yaml", process)
    assert problems == [] and deal is not None


def test_two_byte_order_marks_are_refused(process: Process) -> None:
    raw = b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD.encode()
    deal, problems = parse_deal(raw, "deals/x.yaml", process)
    assert deal is None
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 1, "encoding")]
    assert "byte-order mark" in problems[0].message


@pytest.mark.parametrize("rate", ["1e27", "0.0000000001", "10000000", "0"])
def test_rates_outside_their_bounds_are_refused(rate: str) -> None:
    from tests.conftest import TEMPLATES

    text = (TEMPLATES / "stages.en.yaml").read_text().replace(
        "rates: {USD: 7.1,", f"rates: {{USD: {rate},")
    process, problems = parse_process(text.encode())
    assert process is None
    assert [p.line for p in problems] == [18]
    assert "out of range" in problems[0].message


def test_an_unexpected_exception_is_a_problem_of_that_file(
    process: Process, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(*args: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("salesflow.method.checks.check_deal", boom)
    deal, problems = parse.parse_deal(GOOD.encode(), "deals/x.yaml", process)
    assert deal is None
    assert [(p.path, p.line, p.code) for p in problems] == [("deals/x.yaml", 1, "unchecked")]
    assert "OverflowError" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "customer: A\nstage: G\nx-big: 0x" + "f" * 5000 + "\n",
        "customer: A\nstage: G\nexpected_close: 9999-12-31\n",
        "\ufeffcustomer: A\nstage: G\n",
    ],
    ids=["hex-5000-digits", "year-9999", "double-bom"],
)
@pytest.mark.parametrize("command", [["list"], ["funnel"], ["forecast"], ["review"],
                                     ["stats"], ["validate"], ["export"], ["advance", "bad"],
                                     ["show", "bad"]])
def test_one_bad_file_never_stops_the_others(ws: WS, text: str, command: list[str]) -> None:
    ws.deal("good", GOOD)
    ws.write("deals/bad.yaml", b"\xef\xbb\xbf" + text.encode())
    result = ws.run(*command)
    assert result.exit_code in (1, 2), (result.stdout, result.stderr)
    assert "internal error" not in result.stderr
    assert "deals/bad.yaml:" in result.stderr + result.stdout
    if command[0] in ("list", "export"):
        assert "good" in result.stdout


@pytest.mark.parametrize("option", ["--to", "--from"])
def test_date_options_are_bounded(ws: WS, option: str) -> None:
    ws.deal("good", GOOD)
    result = ws.run("forecast", option, "9999-12-31")
    assert result.exit_code == 2
    assert "out of range" in result.stderr and "1900 to 2999" in result.stderr


def test_import_with_an_encoding_that_cannot_decode(ws: WS) -> None:
    ws.write("crm.csv", "customer,stage\nAcme,G\n")
    for encoding in ("undefined", "base64", "no-such-codec"):
        result = ws.run("import", "crm.csv", "-m", "customer=customer", "--encoding", encoding)
        assert result.exit_code == 2, (encoding, result.stderr)
        assert "--encoding" in result.stderr and "internal error" not in result.stderr


def test_a_bad_byte_in_a_csv_with_a_bom_is_on_its_line(ws: WS) -> None:
    ws.write("crm.csv", b"\xef\xbb\xbfcustomer,stage\n\xffAcme,G\n")
    result = ws.run("import", "crm.csv", "-m", "customer=customer")
    assert result.exit_code == 1
    assert "crm.csv:2: byte 0xff is not utf-8" in result.stderr
