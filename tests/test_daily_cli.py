"""person, need, step and activity through the real CLI; a deal walked to won by commands only."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import WS

pytestmark = pytest.mark.usefixtures("today")  # the CLI's clock: 2026-12-02

ACME = """\
customer: Acme Water Works
amount: 1250000
stage: C
expected_close: 2027-03-31
stakeholders:
  - {name: Wang, level: management, roles: [technical], attitude: supporter}
needs:
  - {kind: P, text: pumps fail, explicit: false}
history:
  - {date: 2026-11-01, to: C, by: li.wei}
"""


@pytest.fixture
def acme(ws: WS) -> WS:
    ws.deal("acme", ACME)
    return ws


def run_ok(ws: WS, *args: str) -> str:
    result = ws.run(*args)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def test_person_add_set_remove_and_the_attitude_history(acme: WS) -> None:
    out = run_ok(acme, "person", "add", "acme", "罗伟", "--level", "decision", "--role",
                 "decision", "--attitude", "neutral", "--reports-to", "Wang", "--date",
                 "2026-11-02", "--by", "li")
    assert out == ("acme: added 罗伟 (level decision, roles [decision], attitude neutral, "
                   "reports_to Wang)\n")
    out = run_ok(acme, "person", "set", "acme", "罗伟", "--attitude", "supporter",
                 "--title", "CIO", "--date", "2026-11-03", "--by", "li")
    assert out == "acme: 罗伟: title (none) → CIO; attitude neutral → supporter\n"
    text = acme.read("deals/acme.yaml")
    assert ("  - {name: 罗伟, level: decision, roles: [decision], attitude: supporter, "
            "reports_to: Wang, title: CIO}\n") in text
    assert text.endswith(
        "  - {date: 2026-11-02, field: attitude, person: 罗伟, to: neutral, by: li}\n"
        "  - {date: 2026-11-03, field: attitude, person: 罗伟, from: neutral, to: supporter, "
        "by: li}\n")
    log = run_ok(acme, "log", "acme")
    assert "罗伟's attitude neutral → supporter" in log
    refused = acme.run("person", "remove", "acme", "Wang")
    assert refused.exit_code == 2
    assert refused.stderr == ("error: 罗伟 report(s) to Wang; removing Wang would leave that "
                              "line dangling\nhint: first: salesflow person set acme 罗伟 "
                              "--reports-to \"\"\n")
    run_ok(acme, "person", "set", "acme", "罗伟", "--reports-to", "")
    assert "reports_to" not in acme.read("deals/acme.yaml")
    run_ok(acme, "person", "remove", "acme", "Wang")
    assert "name: Wang," not in acme.read("deals/acme.yaml")
    assert acme.run("validate").exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["person", "set", "acme", "Wnag", "--attitude", "supporter"],
     "error: 'Wnag' is not a stakeholder of acme; did you mean 'Wang'?\n"),
    (["person", "add", "acme", "Li", "--reports-to", "Wnag"],
     "error: --reports-to 'Wnag' is not a person of acme; did you mean 'Wang'?\n"),
    (["person", "add", "acme", "Wang"], "error: 'Wang' is already a stakeholder of acme\n"),
    (["person", "add", "acme", "Li", "--attitude", "suporter"],
     "error: --attitude 'suporter' is not one of supporter, neutral, opponent, unknown; "
     "did you mean 'supporter'?\n"),
    (["person", "add", "acme", "Li", "--role", "coach", "--role", "buyer"],
     "error: --role 'buyer' is not one of decision"),
    (["person", "add", "acme", " "], "error: NAME must not be empty\n"),
    (["need", "add", "acme", "--kind", "X", "text"], "error: --kind 'X' is not one of S, P"),
    (["need", "add", "acme", "--kind", "P", "  "], "error: TEXT must not be empty\n"),
    (["need", "add", "acme", "--kind", "P", "t", "--from", "Wan"],
     "error: 'Wan' is not a stakeholder of acme; did you mean 'Wang'?\n"),
    (["need", "explicit", "acme", "2"], "error: acme has no need 2: it has 1 (need 1 to 1)\n"),
    (["step", "done", "acme", "1"], "error: acme has no step 1: it has no steps\n"),
    (["step", "add", "acme", "call", "--due", "soon"], "error: --due: 'soon' is not a date\n"),
    (["activity", "add", "acme", "--kind", "lunch", "x"], "error: --kind 'lunch' is not one"),
    (["activity", "add", "acme", "--kind", "call", "x", "--with", "Nobody"],
     "error: 'Nobody' is not a stakeholder of acme\n"),
    (["activity", "add", "acme", "--kind", "call", "x", "--date", "2026-10-01"],
     "error: --date 2026-10-01 for acme is before the day it was created; allowed: "
         "2026-11-01 to 2026-12-02 (today)\nhint: the history is kept oldest first; "
         "e.g. --date 2026-11-01\n"),
    (["activity", "add", "acme", "--kind", "call", "x", "--date", "2999-01-01"],
     "error: --date 2999-01-01 for acme is in the future; allowed: 2026-11-01 to "
         "2026-12-02 (today)\nhint: it records something that has happened; e.g. --date "
         "2026-12-02\n"),
    (["person", "set", "nope", "Wang", "--attitude", "supporter"], "error: "),
])
def test_refused_edits_change_no_byte(acme: WS, args: list[str], message: str) -> None:
    before = acme.snapshot()
    result = acme.run(*args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert acme.snapshot() == before


def test_needs_steps_and_activities(acme: WS) -> None:
    run_ok(acme, "need", "add", "acme", "--kind", "N", "save 2 MWh a year", "--from", "Wang",
           "--date", "2026-11-02")
    out = run_ok(acme, "need", "explicit", "acme", "1", "--date", "2026-11-03")
    assert out == "acme: need 1 (P “pumps fail”) is explicit since 2026-11-03\n"
    text = acme.read("deals/acme.yaml")
    assert "  - {kind: P, text: pumps fail, explicit: true, date: 2026-11-03}\n" in text
    assert ("  - {kind: \"N\", text: save 2 MWh a year, explicit: false, from: Wang, "
            "date: 2026-11-02}\n") in text
    run_ok(acme, "step", "add", "acme", "send proposal", "--due", "2026-11-20", "--who", "li")
    run_ok(acme, "step", "add", "acme", "call Wang", "--due", "2026-11-10")
    acme.deal("beta", "customer: B\nowner: li\nstage: G\nnext_steps:\n"
                      "  - {due: 2099-01-05, action: first visit}\nhistory:\n"
                      "  - {date: 2026-11-01, to: G, by: li}\n")
    listed = json.loads(run_ok(acme, "step", "list", "--format", "json"))
    assert [(s["due"], s["deal"], s["n"]) for s in listed["steps"]] == [
        ("2026-11-10", "acme", 2), ("2026-11-20", "acme", 1), ("2099-01-05", "beta", 1)]
    overdue = run_ok(acme, "step", "list", "--overdue", "--format", "csv")
    assert overdue.splitlines()[0] == "due,deal,n,action,by,owner,overdue"
    assert len(overdue.splitlines()) == 3
    mine = json.loads(run_ok(acme, "step", "list", "--owner", "li", "-f", "json"))
    assert [(s["deal"], s["n"]) for s in mine["steps"]] == [("acme", 1), ("beta", 1)]
    out = run_ok(acme, "step", "done", "acme", "2", "--note", "he agreed", "--date",
                 "2026-11-10", "--by", "li")
    assert out == "acme: step 2 done: call Wang\n"
    run_ok(acme, "activity", "add", "acme", "--kind", "visit", "plant tour", "--with", "Wang",
           "--date", "2026-11-12", "--by", "li")
    text = acme.read("deals/acme.yaml")
    assert "call Wang" not in text.split("history:")[0]
    assert text.endswith(
        "  - {date: 2026-11-10, activity: step, text: call Wang, by: li, note: he agreed}\n"
        "  - {date: 2026-11-12, activity: visit, text: plant tour, with: [Wang], by: li}\n")
    assert acme.run("validate").exit_code == 0
    table = run_ok(acme, "step", "list")
    assert "send proposal" in table and "first visit" in table


def test_review_counts_activities_as_contact(acme: WS) -> None:
    review = json.loads(acme.run("review", "--as-of", "2027-01-20", "-f", "json").stdout)
    assert "idle" in {k["code"] for k in review["deals"][0]["risks"]}
    acme.run("activity", "add", "acme", "--kind", "call", "budget talk", "--date",
             "2026-12-01")
    review = json.loads(acme.run("review", "--as-of", "2026-12-05", "-f", "json").stdout)
    assert "idle" not in {k["code"] for k in review["deals"][0]["risks"]}


def test_refusals_name_the_fixing_commands(ws: WS) -> None:
    ws.deal("meida", "customer: Meida\nstage: C\nmilestones:\n  requirements-fit: 2026-11-02\n"
                     "stakeholders:\n  - {name: 罗伟, level: decision, roles: [decision], "
                     "attitude: neutral}\n  - {name: Li Na, level: decision, attitude: "
                     "opponent}\nneeds:\n  - {kind: P, text: slow, explicit: false}\nhistory:\n"
                     "  - {date: 2026-11-01, to: C, by: x}\n")
    result = ws.run("advance", "meida")
    assert result.exit_code == 1
    fixes = [line.strip() for line in result.stderr.splitlines() if "fix:" in line]
    assert fixes == [
        "fix: salesflow need explicit meida 1",
        "fix: salesflow person set meida 罗伟 --attitude supporter",
        "fix: salesflow person set meida 'Li Na' --attitude supporter",
        "fix: salesflow person add meida NAME --level management --role evaluator "
        "--attitude supporter",
    ]
    for fix in fixes[:2]:
        args = fix.removeprefix("fix: salesflow ").split()
        assert ws.run(*args).exit_code == 0
    moved = ws.run("advance", "meida")
    assert moved.exit_code == 0, moved.stderr


def _git(ws: WS, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=ws.root, check=True, capture_output=True,
                          text=True).stdout


def test_from_new_to_won_using_only_commands(ws: WS) -> None:
    _git(ws, "init", "-q")
    _git(ws, "add", "-A")
    _git(ws, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    steps = [
        ("new", "acme", "--customer", "Acme Water", "--amount", "1250000"),
        ("tick", "acme", "visit-committed"), ("advance", "acme"),
        ("tick", "acme", "proposal-expected"), ("advance", "acme"),
        ("tick", "acme", "tech-exchange-committed"),
        ("set", "acme", "expected_close=2027-03-31"), ("advance", "acme"),
        ("person", "add", "acme", "Zhang", "--level", "management", "--role", "technical",
         "--attitude", "supporter"), ("advance", "acme"),
        ("tick", "acme", "requirements-fit"),
        ("need", "add", "acme", "--kind", "P", "pumps fail at peak load", "--from", "Zhang"),
        ("need", "explicit", "acme", "1"),
        ("person", "add", "acme", "王总", "--level", "decision", "--role", "decision",
         "--attitude", "neutral"),
        ("activity", "add", "acme", "--kind", "visit", "met the GM", "--with", "王总"),
        ("person", "set", "acme", "王总", "--attitude", "supporter"), ("advance", "acme"),
        ("tick", "acme", "evaluation-leaning"), ("advance", "acme"),
        ("set", "acme", "amount=1400000"),
        ("tick", "acme", "terms-agreed"), ("advance", "acme"),
    ]
    for args in steps:
        result = ws.run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    shown = json.loads(ws.run("show", "acme", "--format", "json").stdout)
    assert (shown["stage"], shown["status"]) == ("S", "won")
    assert ws.run("validate").exit_code == 0
    _git(ws, "add", "-N", ".")
    diff = _git(ws, "diff", "--", "deals/acme.yaml")
    added = [line[1:] for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    assert removed == []  # a new file: every line added, none rewritten
    text = ws.read("deals/acme.yaml")
    assert added == text.splitlines()
    assert "amount: 1400000" in text and "status: won" in text
    assert "  - {name: 王总, level: decision, roles: [decision], attitude: supporter}" in text
    assert [line for line in text.splitlines() if "field:" in line] == [
        line for line in text.splitlines() if "field: " in line]
    kinds = [line.split(",")[1].strip() for line in text.splitlines()
             if line.startswith("  - {date:")]
    assert kinds == [
        "to: G", "from: G", "from: F", "field: expected_close", "from: E",
        "field: attitude", "from: D", "field: attitude", "activity: visit",
        "field: attitude", "from: C", "from: B", "field: amount", "from: A"]


def test_deal_ids_are_forgiving(ws: WS) -> None:
    for name in ("acme-pumps", "acme-valves", "beta-mes"):
        ws.deal(name, "customer: A\nstage: G\nhistory:\n  - {date: 2026-11-01, to: G, by: x}\n")
    ws.write("deals/export/klinikum-nordstadt-ro.yaml",
             "customer: K\nstage: G\nhistory:\n  - {date: 2026-11-01, to: G, by: x}\n")
    assert ws.run("set", "beta", "amount=5").stdout == "beta-mes: amount (none) → 5\n"
    before = ws.snapshot()
    ambiguous = ws.run("set", "acme", "amount=5")
    assert (ambiguous.exit_code, ambiguous.stderr) == (
        2, "error: 'acme' is the start of 2 deal ids: acme-pumps, acme-valves\n"
        "hint: give more of the id\n")
    typo = ws.run("check", "acme-pumsp")
    assert typo.exit_code == 2
    assert typo.stderr.startswith("error: no deal with id 'acme-pumsp'; did you mean "
                                  "'acme-pumps'")
    assert ws.snapshot() == before
    assert ws.run("check", "export/klinikum-nordstadt-ro.yaml").exit_code in (0, 1)
    assert ws.run("show", "klinikum").exit_code == 0


def test_a_forced_advance_records_what_it_skipped(ws: WS) -> None:
    ws.deal("g", "customer: A\nstage: G\nhistory:\n  - {date: 2026-11-01, to: G, by: x}\n")
    result = ws.run("advance", "g", "--force", "--reason", "framework contract",
                    "--date", "2026-11-02", "--by", "li")
    assert result.exit_code == 0, result.stderr
    assert ws.read("deals/g.yaml").endswith(
        "  - {date: 2026-11-02, from: G, to: F, by: li, forced: true, skipped: "
        "[visit-committed], reason: framework contract}\n")
    assert "G → F (forced past visit-committed)" in ws.run("log", "g").stdout
    assert "G → F (forced past visit-committed)" in ws.run("show", "g").stdout
    assert ws.run("validate").exit_code == 0
