"""`salesflow set` through the real CLI, field history entries, and `--as-of` replaying them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WS

pytestmark = pytest.mark.usefixtures("today")  # the CLI's clock: 2026-12-02

ACME = """\
# our biggest deal
customer: Acme Water Works
amount: 1250000
stage: C   # needs analysis
expected_close: 2027-03-31
history:
  - {date: 2026-11-01, to: C, by: li.wei}
"""


@pytest.fixture
def acme(ws: WS) -> WS:
    ws.deal("acme", ACME)
    return ws


def test_set_changes_fields_and_records_the_ones_reports_replay(acme: WS) -> None:
    result = acme.run("set", "acme", "amount=1400000", "expected_close=2027-04-30",
                      "owner=li.wei", "--date", "2026-11-20", "--by", "li.wei")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == ("acme: amount 1250000 → 1400000; expected_close 2027-03-31 → "
                             "2027-04-30; owner (none) → li.wei\n")
    assert acme.read("deals/acme.yaml") == """\
# our biggest deal
customer: Acme Water Works
owner: li.wei
amount: 1400000
stage: C   # needs analysis
expected_close: 2027-04-30
history:
  - {date: 2026-11-01, to: C, by: li.wei}
  - {date: 2026-11-20, field: amount, from: 1250000, to: 1400000, by: li.wei}
  - {date: 2026-11-20, field: expected_close, from: 2027-03-31, to: 2027-04-30, by: li.wei}
"""
    assert acme.run("validate").exit_code == 0
    again = acme.run("set", "acme", "amount=1400000")
    assert (again.exit_code, again.stdout) == (
        0, "acme: nothing changed (the values are already so)\n")


def test_funnel_as_of_a_past_day_is_the_same_after_an_amount_edit(acme: WS) -> None:
    acme.deal("beta", "customer: Beta\namount: 300000\ncurrency: EUR\nstage: D\n"
                      "history:\n  - {date: 2026-10-01, to: D, by: x}\n")
    past = ["funnel", "--as-of", "2026-11-15", "--format", "json"]
    before = acme.run(*past)
    assert before.exit_code == 0
    for change in (["acme", "amount=1400000"], ["beta", "currency=USD", "amount=1"]):
        assert acme.run("set", *change, "--date", "2026-11-20").exit_code == 0
    after = acme.run(*past)
    assert after.stdout == before.stdout
    assert json.loads(after.stdout)["stages"][4]["amount"] == "1250000.00"
    today = json.loads(acme.run("funnel", "--format", "json").stdout)
    assert today["stages"][4]["amount"] == "1400000.00"


def test_replay_names_a_recorded_field_edited_by_hand_since(acme: WS) -> None:
    assert acme.run("set", "acme", "amount=1400000", "--date", "2026-11-20").exit_code == 0
    path = acme.root / "deals/acme.yaml"
    path.write_text(path.read_text().replace("amount: 1400000", "amount: 1500000"))
    result = acme.run("funnel", "--as-of", "2026-11-25")
    assert ("taken as the file says after it: 1 deal(s): acme" in result.stdout)
    data = json.loads(acme.run("funnel", "--as-of", "2026-11-25", "-f", "json").stdout)
    assert data["replay"]["fields_as_today"] == {"count": 1, "ids": ["acme"]}
    assert data["stages"][4]["amount"] == "1500000.00"
    earlier = json.loads(acme.run("funnel", "--as-of", "2026-11-19", "-f", "json").stdout)
    assert earlier["stages"][4]["amount"] == "1250000.00"


def test_forecast_as_of_replays_the_close_date(acme: WS) -> None:
    assert acme.run("set", "acme", "expected_close=2027-09-30",
                    "--date", "2026-11-20").exit_code == 0
    then = json.loads(acme.run("forecast", "--as-of", "2026-11-10", "-f", "json").stdout)
    now = json.loads(acme.run("forecast", "-f", "json").stdout)
    assert then != now
    assert "2027-Q1" in json.dumps(then) and "2027-Q3" in json.dumps(now)


@pytest.mark.parametrize(("args", "message"), [
    (["amout=1"], "error: unknown field 'amout'; did you mean 'amount'?\n"),
    (["currency=eux"], "error: currency='eux': 'eux' has no exchange rate in stages.yaml "
                       "(known: CNY, USD, EUR); did you mean 'EUR'?\n"),
    (["procurement_step=tendr"], "error: procurement_step='tendr': unknown procurement step "
                                 "'tendr'; did you mean 'tender-issued'?"),
    (["amount=1,400"], "error: amount='1,400': expected an amount like 1250000"),
    (["expected_close=31.03.2027"], "error: expected_close='31.03.2027': expected a date"),
    (["relationship=hi"], "error: relationship='hi': expected one of gestation"),
    (["stage=B"], "error: stage is not set with `salesflow set`\n"
                  "hint: salesflow advance acme --to CODE\n"),
    (["customer="], "error: customer cannot be removed: every deal needs one\n"),
    (["amount"], "error: 'amount' is not FIELD=VALUE\n"),
    (["amount=1", "amount=2"], "error: amount is given twice ('1' and '2')\n"),
    (["amount=5", "--date", "2026-10-02"], "error: --date 2026-10-02 for acme is before the "
     "day it was created; allowed: 2026-11-01 to 2026-12-02 (today)\n"),
    (["amount=5", "--date", "2999-01-01"], "error: --date 2999-01-01 for acme is in the "
     "future; allowed: 2026-11-01 to 2026-12-02 (today)\n"),
    (["owner=x", "amount=-5"], "error: amount='-5': must not be negative"),
])
def test_a_refused_set_changes_no_byte(acme: WS, args: list[str], message: str) -> None:
    before = acme.snapshot()
    result = acme.run("set", "acme", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert acme.snapshot() == before


def test_set_on_a_missing_deal_is_refused(acme: WS) -> None:
    before = acme.snapshot()
    result = acme.run("set", "acmee", "amount=1")
    assert result.exit_code == 2 and "acmee" in result.stderr
    assert acme.snapshot() == before


def test_dry_run_prints_the_diff_and_writes_nothing(acme: WS) -> None:
    before = acme.snapshot()
    result = acme.run("set", "acme", "amount=1400000", "segment=water", "--dry-run",
                      "--date", "2026-11-20", "--by", "me")
    assert result.exit_code == 0
    assert result.stdout == """\
--- a/deals/acme.yaml
+++ b/deals/acme.yaml
@@ -1,7 +1,9 @@
 # our biggest deal
 customer: Acme Water Works
-amount: 1250000
+amount: 1400000
 stage: C   # needs analysis
 expected_close: 2027-03-31
+segment: water
 history:
   - {date: 2026-11-01, to: C, by: li.wei}
+  - {date: 2026-11-20, field: amount, from: 1250000, to: 1400000, by: me}
"""
    assert result.stderr == ("dry run: acme: amount 1250000 → 1400000; segment (none) → "
                             "water; nothing was written\n")
    assert acme.snapshot() == before


def test_an_empty_value_removes_a_field_and_records_it(acme: WS) -> None:
    result = acme.run("set", "acme", "expected_close=", "x-source=fair 2026",
                      "--date", "2026-11-20", "--by", "me")
    assert result.exit_code == 0, result.stderr
    text = acme.read("deals/acme.yaml")
    assert "expected_close:" not in text.split("history:")[0]
    assert "  - {date: 2026-11-20, field: expected_close, from: 2027-03-31, by: me}\n" in text
    assert "x-source: fair 2026\n" in text
    assert acme.run("validate").exit_code == 0


def test_log_and_show_describe_field_changes(acme: WS) -> None:
    acme.run("set", "acme", "amount=1400000", "--date", "2026-11-20", "--by", "me")
    log = acme.run("log", "acme")
    assert "amount 1250000 → 1400000" in log.stdout
    assert "amount 1250000 → 1400000" in acme.run("show", "acme").stdout
    entries = json.loads(acme.run("log", "acme", "-f", "json").stdout)
    assert {"field": "amount", "from": "1250000", "to": "1400000"}.items() <= (
        next(e for e in entries if e.get("field")).items())


@pytest.mark.parametrize(("entry", "message"), [
    ("{date: 2026-11-02, field: amount, from: 1, to: lots}",
     "4:52: history[0].to: expected an amount"),
    ("{date: 2026-11-02, field: attitude, from: neutral, to: supporter}",
     "4:5: an attitude change needs `person:`"),
    ("{date: 2026-11-02, field: amount, to: 5, status: lost}",
     "4:46: `status:` does not belong in a field change"),
    ("{date: 2026-11-02, activity: call}", "4:5: an activity needs `text:`"),
    ("{date: 2026-11-02, from: C, to: B, skipped: [x]}", "4:40: `skipped:` belongs to a forced"),
    ("{date: 2026-11-02, field: size, to: 5}", "4:31: history[0].field: expected one of "
     "'amount', 'currency', 'expected_close', 'procurement_step' or 'attitude', found "
     "'size'\n1 problem"),
])
def test_history_entries_of_the_wrong_shape_are_problems_at_their_line(
        ws: WS, entry: str, message: str) -> None:
    ws.deal("d", "customer: D\nstage: C\nhistory:\n  " f"- {entry}\n")
    result = ws.run("validate")
    assert result.exit_code == 1
    assert f"deals/d.yaml:{message}" in result.stdout + result.stderr


def test_the_new_history_shapes_validate(ws: WS) -> None:
    ws.deal("d", """\
customer: D
stage: B
stakeholders:
  - {name: Luo, attitude: supporter}
history:
  - {date: 2026-11-01, to: C, by: a}
  - {date: 2026-11-02, field: amount, from: 1250000, to: 1400000, by: a}
  - {date: 2026-11-02, field: currency, to: EUR, by: a}
  - {date: 2026-11-02, field: expected_close, from: 2027-03-31, by: a}
  - {date: 2026-11-02, field: procurement_step, to: budget-set, by: a}
  - {date: 2026-11-03, field: attitude, person: Luo, from: neutral, to: supporter, by: a}
  - {date: 2026-11-04, activity: visit, text: plant tour, with: [Luo], by: a}
  - {date: 2026-11-05, from: C, to: B, by: a, forced: true, skipped: [needs-explicit], reason: x}
""")
    result = ws.run("validate")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert ws.run("stats").exit_code == 0
    funnel = json.loads(ws.run("funnel", "--as-of", "2026-11-04", "-f", "json").stdout)
    assert [s["count"] for s in funnel["stages"]][4] == 1  # still in C that day


def test_set_help_has_an_example(ws: WS) -> None:
    result = ws.run("set", "--help")
    assert "Example: salesflow set acme-pumps amount=1400000" in result.stdout
