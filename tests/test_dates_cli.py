"""`--date` on every write command, and the one range check that refuses impossible dates.

The CLI's clock is pinned to 2026-12-02 (the `today` fixture); the deal was
created on 2026-11-01 and its last history entry is of 2026-11-20.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.method.transitions import Context, check_date, date_floor
from salesflow.model.deal import Deal
from salesflow.model.errors import DataError, UsageError
from tests.conftest import WS

pytestmark = pytest.mark.usefixtures("today")

ACME = """\
customer: Acme Water Works
amount: 1250000
stage: C
stakeholders:
  - {name: Wang, level: management, roles: [technical], attitude: neutral}
needs:
  - {kind: P, text: pumps fail, explicit: false}
next_steps:
  - {due: 2026-12-10, action: send the offer}
history:
  - {date: 2026-11-01, to: C, by: li.wei}
  - {date: 2026-11-20, activity: call, text: first call, by: li.wei}
"""

FUTURE = ("error: --date 2026-12-03 for acme is in the future; allowed: {floor} to "
          "2026-12-02 (today)\nhint: it records something that has happened; e.g. --date "
          "2026-12-02\n")
AFTER_LAST = FUTURE.format(floor="2026-11-20")
AFTER_CREATED = FUTURE.format(floor="2026-11-01")
BEFORE_LAST = ("error: --date 2026-11-19 for acme is before its last history entry; allowed: "
               "2026-11-20 to 2026-12-02 (today)\nhint: the history is kept oldest first; "
               "e.g. --date 2026-11-20\n")
BEFORE_CREATED = ("error: --date 2026-10-31 for acme is before the day it was created; "
                  "allowed: 2026-11-01 to 2026-12-02 (today)\nhint: e.g. --date 2026-11-01\n")

# Every write command that dates what it writes; `held` runs on a held deal.
HISTORY_COMMANDS = [
    ("advance", "acme", "--force", "--reason", "x"),
    ("lose", "acme", "--reason", "price"),
    ("hold", "acme"),
    ("set", "acme", "amount=1"),
    ("person", "add", "acme", "Li", "--attitude", "supporter"),
    ("person", "set", "acme", "Wang", "--attitude", "supporter"),
    ("person", "remove", "acme", "Wang"),
    ("step", "done", "acme", "1"),
    ("activity", "add", "acme", "--kind", "visit", "plant tour"),
]
DATE_ONLY_COMMANDS = [  # they date a record, not a history entry: from the day of creation
    ("tick", "acme", "visit-committed"),
    ("need", "add", "acme", "--kind", "S", "two plants"),
    ("need", "explicit", "acme", "1"),
]


@pytest.fixture
def acme(ws: WS) -> WS:
    ws.deal("acme", ACME)
    return ws


def _refused(ws: WS, args: tuple[str, ...], code: int, message: str) -> None:
    before = ws.snapshot()
    result = ws.run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message), args
    assert ws.snapshot() == before


@pytest.mark.parametrize("args", [*HISTORY_COMMANDS, ("reopen", "acme")])
def test_history_writers_refuse_the_future_and_the_past(acme: WS, args: tuple[str, ...],
                                                        ) -> None:
    if args[0] == "reopen":
        acme.deal("acme", ACME.replace("stage: C", "stage: C\nstatus: hold"))
    _refused(acme, (*args, "--date", "2026-12-03"), 2, AFTER_LAST)
    _refused(acme, (*args, "--date", "2026-11-19"), 2, BEFORE_LAST)
    ok = acme.run(*args, "--date", "2026-11-20")
    assert ok.exit_code == 0, ok.stderr
    assert "{date: 2026-11-20, " in acme.read("deals/acme.yaml").split("history:")[1]


@pytest.mark.parametrize("args", DATE_ONLY_COMMANDS)
def test_record_writers_refuse_the_future_and_before_creation(acme: WS, args: tuple[str, ...],
                                                              ) -> None:
    _refused(acme, (*args, "--date", "2026-12-03"), 2, AFTER_CREATED)
    _refused(acme, (*args, "--date", "2026-10-31"), 2, BEFORE_CREATED)
    ok = acme.run(*args, "--date", "2026-11-05")  # before the last history entry: fine
    assert ok.exit_code == 0, ok.stderr
    assert "2026-11-05" in acme.read("deals/acme.yaml").split("history:")[0]


def test_yesterday_and_today_are_words_for_dates(acme: WS) -> None:
    out = acme.run("activity", "add", "acme", "--kind", "call", "x", "--date", "yesterday")
    assert out.stdout == "acme: call on 2026-12-01 recorded\n"
    _refused(acme, ("activity", "add", "acme", "--kind", "call", "x", "--date", "tomorrow"),
             2, AFTER_LAST.replace("2026-11-20", "2026-12-01"))


def test_a_next_step_is_due_in_the_future(acme: WS) -> None:
    out = acme.run("step", "add", "acme", "call back", "--due", "2027-01-15")
    assert (out.exit_code, out.stdout) == (0, "acme: step 2 added, due 2027-01-15\n")


def test_a_history_dated_after_today_leaves_no_date_to_write(acme: WS) -> None:
    acme.deal("acme", ACME.replace("2026-11-20", "2026-12-24"))
    _refused(acme, ("activity", "add", "acme", "--kind", "call", "x"), 1,
             "error: acme's history has an entry dated 2026-12-24, after today (2026-12-02); "
             "no date fits after it\nhint: correct that entry's date in the file (`salesflow "
             "validate` shows its line), then try again\n")


def test_new_takes_the_day_the_deal_was_created(ws: WS) -> None:
    out = ws.run("new", "acme", "-c", "Acme", "--date", "2026-11-03", "--owner", "li")
    assert (out.exit_code, out.stdout) == (
        0, "created deals/acme.yaml in stage G (Account planning and appointment)\n")
    assert ws.read("deals/acme.yaml").endswith(
        "history:\n  - {date: 2026-11-03, to: G, by: tester}\n")
    funnel = ws.run("log", "acme")
    assert "2026-11-03" in funnel.stdout


def test_new_refuses_a_deal_created_in_the_future(ws: WS) -> None:
    _refused(ws, ("new", "acme", "-c", "Acme", "--date", "2026-12-03"), 2,
             "error: --date 2026-12-03 for acme is in the future; allowed: up to 2026-12-02 "
             "(today)\nhint: it records something that has happened; e.g. --date 2026-12-02\n")
    _refused(ws, ("new", "acme", "-c", "Acme", "--date", "someday"), 2,
             "error: --date: 'someday' is not a date\n"
             "hint: write dates as YYYY-MM-DD, e.g. 2027-03-31\n")


def test_new_without_date_is_created_today(ws: WS) -> None:
    assert ws.run("new", "acme", "-c", "Acme").exit_code == 0
    assert "{date: 2026-12-02, to: G, by: tester}" in ws.read("deals/acme.yaml")


# ------------------------------------------------------------ the pure check

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@given(history=st.lists(days, min_size=0, max_size=5), on=days, today=days,
       appends=st.booleans())
def test_check_date_accepts_exactly_the_allowed_range(history: list[dt.date], on: dt.date,
                                                      today: dt.date, appends: bool) -> None:
    history = sorted(history)
    deal = Deal.model_validate({"customer": "x", "stage": "C", "history": [
        {"date": d, "activity": "call", "text": "t"} for d in history]})
    floor = (history[-1] if appends else history[0]) if history else None
    assert date_floor(deal, history=appends)[0] == floor
    ctx = Context("acme", on, "me", today)
    if floor is not None and floor > today:
        with pytest.raises(DataError):
            check_date(deal, ctx, history=appends)
        return
    allowed = on <= today and (floor is None or on >= floor)
    try:
        check_date(deal, ctx, history=appends)
    except UsageError as exc:
        assert not allowed
        assert today.isoformat() in exc.message  # the range is named in the one line
        assert floor is None or floor.isoformat() in exc.message
    else:
        assert allowed


# ------------------------------------------------------------------ validate

def test_validate_reports_history_in_the_future_at_its_line(acme: WS) -> None:
    acme.deal("acme", ACME.replace("2026-11-20", "2026-12-24"))
    result = acme.run("validate")
    assert (result.exit_code, result.stdout) == (1, (
        "deals/acme.yaml:12:12: history entry dated 2026-12-24, after today (2026-12-02); it "
        "records what has happened: give the day it happened\n"))
    assert result.stderr == "1 problem(s) in 1 file(s)\n"
    data = acme.run("validate", "--format", "json")
    assert '"code": "history-future"' in data.stdout


def test_validate_reports_history_out_of_order_at_its_line(acme: WS) -> None:
    acme.deal("acme", ACME.replace("2026-11-20", "2026-10-20"))
    result = acme.run("validate", "deals/acme.yaml")
    assert (result.exit_code, result.stdout) == (1, (
        "deals/acme.yaml:12:12: history is out of order: 2026-10-20 comes after 2026-11-01; "
        "keep entries oldest first\n"))


def test_validate_follows_the_clock(acme: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.cli import _common

    acme.deal("acme", ACME.replace("2026-11-20", "2026-12-24"))
    monkeypatch.setattr(_common, "today", lambda: dt.date(2026, 12, 24))
    result = acme.run("validate")
    assert (result.exit_code, result.stderr) == (
        0, "ok: stages.yaml and 1 deal file(s) are valid\n")


def test_the_demo_workspace_is_valid_today(demo: WS) -> None:
    result = demo.run("validate")
    assert result.exit_code == 0, result.stdout
