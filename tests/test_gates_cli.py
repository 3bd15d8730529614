"""tick, untick, advance, lose, hold and reopen through the CLI: output, exit codes, files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import WS

pytestmark = pytest.mark.usefixtures("today")  # the CLI's clock: 2026-12-02

ACME = """\
# our biggest deal
customer: Acme Water Works
amount: 1250000
stage: C   # needs analysis
expected_close: 2027-03-31
milestones:
  requirements-fit: 2026-11-02
stakeholders:
  - {name: Wang, level: management, roles: [technical], attitude: supporter}
needs:
  - {kind: P, text: pumps fail, explicit: false}
history:
  - {date: 2026-11-01, to: C, by: li.wei}
"""

REFUSED = """\
error: cannot advance acme from C to B: 2 of 3 exit milestone(s) of stage C not met
  [ ] needs-explicit [rule]: The customer has stated explicit needs that our solution answers.
      missing: an explicit need — none yet.
        Implied so far: P “pumps fail”. Confirm one with the customer (need-payoff questions) and mark it `explicit: true`.
      fix: salesflow need explicit acme 1
  [ ] senior-supporter [rule]: We have developed more supporters, above all a senior executive or the head of the project evaluation.
      missing: a supporter at the decision level, or a supporter at the management level who is an evaluator — none yet.
        Supporters now: Wang (management level; technical buyer).
        Nobody is listed under `stakeholders:` at the decision level, nor at the management level who is an evaluator: find out who they are and add them.
      fix: salesflow person add acme NAME --level decision --attitude supporter
      fix: salesflow person add acme NAME --level management --role evaluator --attitude supporter
hint: nothing was changed. Reach the milestones above, then run `salesflow advance acme` again; to move anyway: salesflow advance acme --force --reason "why"
"""  # noqa: E501


@pytest.fixture
def acme(ws: WS) -> WS:
    ws.deal("acme", ACME)
    return ws


def test_refused_advance_changes_nothing_and_says_what_to_do(acme: WS) -> None:
    before = acme.snapshot()
    for extra in ([], ["--dry-run"]):
        result = acme.run("advance", "acme", "--date", "2026-12-01", *extra)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", REFUSED)
        assert acme.snapshot() == before


def test_refusal_names_the_tick_command_for_plain_milestones(ws: WS) -> None:
    ws.deal("g", "customer: A\nstage: G\n")
    result = ws.run("advance", "g")
    assert result.exit_code == 1
    assert "      record it: salesflow tick g visit-committed\n" in result.stderr


def test_walk_a_deal_from_c_to_won(acme: WS) -> None:
    path = acme.root / "deals" / "acme.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("explicit: false", "explicit: true")
                    .replace("roles: [technical]", "roles: [technical, evaluator]"),
                    encoding="utf-8")
    steps = [
        (("advance", "acme"), "acme: C → B (Project evaluation, 75%)\n",
         "task of B: Guide the customer's evaluation of the bids: make sure the evaluators "
         "understand our solution and how it solves their problem.\n"
         "entry condition of B: The requirements fit our solution, and a senior executive or "
         "the head of the project evaluation supports us.\n"
         "next: reach evaluation-leaning (`salesflow check acme`)\n"),
        (("tick", "acme", "evaluation-leaning"),
         "acme: recorded evaluation-leaning (B) on 2026-12-01\n",
         "stage B: 1 of 1 exit milestone(s) met; ready: salesflow advance acme\n"),
        (("advance", "acme"), "acme: B → A (Commercial negotiation, 90%)\n",
         "task of A: Negotiate the commercial terms: price, payment, delivery, warranty and "
         "the contract annexes.\n"
         "entry condition of A: The customer's evaluation clearly leans towards us.\n"
         "next: reach terms-agreed (`salesflow check acme`)\n"),
        (("tick", "acme", "terms-agreed", "--note", "payment 30/60/10"),
         "acme: recorded terms-agreed (A) on 2026-12-01\n",
         "stage A: 1 of 1 exit milestone(s) met; ready: salesflow advance acme\n"),
        (("advance", "acme"), "acme: A → S (Signed and handed over to delivery, 100%): won\n",
         "task of S: Sign the contract, hand the project over to the delivery department and "
         "keep developing the relationship.\n"
         "entry condition of S: Both sides have agreed on the content of the contract terms.\n"
         "the closing checklist: contract-signed, delivery-handed-over, after-sales-arranged "
         "(`salesflow tick acme MILESTONE` as each is done)\n"),
    ]
    for args, stdout, stderr in steps:
        result = acme.run(*args, "--date", "2026-12-01", "--by", "li.wei")
        assert (result.exit_code, result.stdout, result.stderr) == (0, stdout, stderr), args
    text = path.read_text(encoding="utf-8")
    assert "stage: S   # needs analysis\nstatus: won\n" in text
    assert text.endswith(
        "  - {date: 2026-11-01, to: C, by: li.wei}\n"
        "  - {date: 2026-12-01, from: C, to: B, by: li.wei}\n"
        "  - {date: 2026-12-01, from: B, to: A, by: li.wei}\n"
        "  - {date: 2026-12-01, from: A, to: S, status: won, by: li.wei}\n")
    assert ("  evaluation-leaning: {date: 2026-12-01, by: li.wei}\n"
            "  terms-agreed: {date: 2026-12-01, note: payment 30/60/10, by: li.wei}\n") in text
    assert acme.run("validate").exit_code == 0
    won = acme.run("advance", "acme")
    assert won.exit_code == 1
    assert won.stderr == ("error: acme is won (stage S): a won deal does not move\n"
                          'hint: to undo the win: salesflow reopen acme --reason "why" '
                          "(moves it back to A)\n")


def test_dry_run_prints_the_diff_and_writes_nothing(acme: WS) -> None:
    before = acme.snapshot()
    result = acme.run("tick", "acme", "needs-explicit", "--date", "2026-12-01", "--by", "x",
                      "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == """\
--- a/deals/acme.yaml
+++ b/deals/acme.yaml
@@ -5,6 +5,7 @@
 expected_close: 2027-03-31
 milestones:
   requirements-fit: 2026-11-02
+  needs-explicit: {date: 2026-12-01, by: x}
 stakeholders:
   - {name: Wang, level: management, roles: [technical], attitude: supporter}
 needs:
"""
    assert result.stderr.startswith(
        "dry run: acme: recorded needs-explicit (C) on 2026-12-01; nothing was written\n"
        "note: needs-explicit is checked from the deal's data by a rule")
    assert acme.snapshot() == before


def test_unknown_milestone_is_a_usage_error(acme: WS) -> None:
    before = acme.snapshot()
    result = acme.run("tick", "acme", "visit-comitted")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown milestone 'visit-comitted'; did you mean 'visit-committed'?\n"
        "hint: the milestones of stage C are: requirements-fit, needs-explicit, "
        "senior-supporter; `salesflow check acme` shows them with their texts\n")
    assert acme.snapshot() == before


def test_ticking_twice_changes_nothing_the_second_time(acme: WS) -> None:
    assert acme.run("tick", "acme", "visit-committed", "--date", "2026-12-01").exit_code == 0
    before = acme.snapshot()
    again = acme.run("tick", "acme", "visit-committed")
    assert (again.exit_code, again.stdout) == (
        0, "acme: visit-committed is already recorded (on 2026-12-01); nothing changed\n")
    assert acme.snapshot() == before
    moved = acme.run("tick", "acme", "visit-committed", "--date", "2026-12-02")
    assert moved.stdout == "acme: updated the date of visit-committed\n"
    assert "  visit-committed: {date: 2026-12-02, by: tester}\n" in acme.read("deals/acme.yaml")


def test_untick_removes_the_line(acme: WS) -> None:
    result = acme.run("untick", "acme", "requirements-fit")
    assert (result.exit_code, result.stdout) == (0, "acme: removed the record of "
                                                    "requirements-fit\n")
    assert "milestones: {}\nstakeholders:" in acme.read("deals/acme.yaml")


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (("advance", "acme", "--force"), 2,
         "error: --force needs --reason: say why the milestones are skipped; it is recorded "
         "in the deal's history\n"),
        (("advance", "acme", "--to", "E"), 2,
         "error: moving acme back from C to E needs --reason\n"
         'hint: salesflow advance acme --to E --reason "why"\n'),
        (("advance", "acme", "--to", "Q"), 2,
         "error: --to 'Q' is not a stage of this process\n"
         "hint: use one of G, F, E, D, C, B, A, S\n"),
        (("advance", "acme", "--date", "2026-13-01"), 2,
         "error: --date: '2026-13-01' is not a date\n"
         "hint: write dates as YYYY-MM-DD, e.g. 2027-03-31\n"),
        (("advance", "acme", "--date", "2026-01-01", "--force", "--reason", "x"), 2,
         "error: --date 2026-01-01 for acme is before the day it was created; allowed: "
         "2026-11-01 to 2026-12-02 (today)\n"
         "hint: the history is kept oldest first; e.g. --date 2026-11-01\n"),
        (("lose", "acme", "--reason", "too expensive"), 2, None),
        (("lose", "acme", "--reason", " "), 2, "error: --reason must not be empty\n"),
        (("tick", "nobody", "visit-committed"), 2,
         "error: no deal with id 'nobody'\nhint: `salesflow list --status all` shows every "
         "deal id\n"),
        (("reopen", "acme"), 0, ""),
    ],
)
def test_bad_requests_change_nothing(acme: WS, args: tuple[str, ...], code: int,
                                     stderr: str | None) -> None:
    before = acme.snapshot()
    result = acme.run(*args)
    assert result.exit_code == code, result.stderr
    if stderr is not None:
        assert result.stderr == stderr
    assert acme.snapshot() == before


def test_force_records_the_reason(acme: WS) -> None:
    result = acme.run("advance", "acme", "--force", "--reason", "CEO's call", "--date",
                      "2026-12-01", "--by", "li.wei")
    assert result.exit_code == 0
    assert result.stderr.startswith("note: forced past unmet milestone(s): needs-explicit, "
                                    "senior-supporter\n")
    assert acme.read("deals/acme.yaml").endswith(
        "  - {date: 2026-12-01, from: C, to: B, by: li.wei, forced: true, skipped: "
        "[needs-explicit, senior-supporter], reason: CEO's call}\n")


def test_lose_hold_reopen(acme: WS) -> None:
    path = "deals/acme.yaml"
    common = ("--date", "2026-12-01", "--by", "li.wei")
    assert acme.run("hold", "acme", "--reason", "budget frozen", *common).stdout == (
        "acme: on hold in stage C\n")
    blocked = acme.run("advance", "acme")
    assert (blocked.exit_code, blocked.stderr) == (
        1, "error: acme is on hold: only open deals move between stages\n"
        'hint: reopen it first: salesflow reopen acme --reason "why"\n')
    assert acme.run("reopen", "acme", *common).stdout == "acme: reopened (was hold) in stage C\n"
    lost = acme.run("lose", "acme", "--reason", "competitor", "--note", "lost to X", *common)
    assert lost.stdout == "acme: lost (competitor) in stage C\n"
    text = acme.read(path)
    assert "stage: C   # needs analysis\nstatus: lost\n" in text
    assert text.endswith(
        "  - {date: 2026-12-01, status: hold, by: li.wei, reason: budget frozen}\n"
        "  - {date: 2026-12-01, status: open, by: li.wei}\n"
        "  - {date: 2026-12-01, status: lost, by: li.wei, note: lost to X, reason: competitor}\n"
        "lost_reason: competitor\n")
    again = acme.run("lose", "acme", "--reason", "price")
    assert (again.exit_code, again.stdout) == (
        0, "acme is already lost (competitor); nothing changed\n")
    assert acme.run("reopen", "acme", "--reason", "new tender", *common).exit_code == 0
    assert "lost_reason" not in acme.read(path)
    assert acme.run("validate").exit_code == 0


def test_unknown_lost_reason_lists_the_allowed_ones(acme: WS) -> None:
    result = acme.run("lose", "acme", "--reason", "pricing")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --reason 'pricing' is not one of this process's lost reasons; did you mean "
        "'price'?\nhint: use one of: price, competitor, no-budget, no-decision, timing, "
        "requirements-mismatch, relationship (stages.yaml `lost_reasons`); tell the story "
        "with --note\n")


def test_by_defaults_to_git_user_name(acme: WS) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(acme.root)], check=True)
    subprocess.run(["git", "-C", str(acme.root), "config", "user.name", "Zhang Min"],
                   check=True)
    assert acme.run("tick", "acme", "visit-committed", "--date", "2026-12-01").exit_code == 0
    assert "visit-committed: {date: 2026-12-01, by: Zhang Min}" in acme.read("deals/acme.yaml")
    assert (acme.root / ".git" / "salesflow.lock").exists()
    assert not (acme.root / ".salesflow.lock").exists()


def test_date_defaults_to_today(acme: WS) -> None:
    assert acme.run("tick", "acme", "visit-committed").exit_code == 0
    assert "visit-committed: {date: 2026-12-02, by: tester}" in acme.read("deals/acme.yaml")
    yesterday = acme.run("tick", "acme", "key-supporter", "--date", "yesterday")
    assert yesterday.exit_code == 0


def test_a_deal_given_by_path(acme: WS) -> None:
    result = acme.run("tick", "deals/acme.yaml", "visit-committed", "--date", "2026-12-01")
    assert result.stdout == "acme: recorded visit-committed (G) on 2026-12-01\n"


# ------------------------------------------------------------------ the files


def test_an_invalid_file_is_never_rewritten(ws: WS) -> None:
    ws.deal("bad", "customer: A\nstage: C\nammount: 5\n")
    before = ws.snapshot()
    result = ws.run("tick", "bad", "visit-committed")
    assert result.exit_code == 1
    assert result.stderr == (
        "deals/bad.yaml:3:1: unknown key 'ammount' (did you mean 'amount'?)\n"
        "error: 1 problem(s) found\n"
        "hint: salesflow never rewrites a file that does not validate: fix the problems above "
        "first (`salesflow validate` lists them)\n")
    assert ws.snapshot() == before


def test_a_change_that_would_make_the_file_invalid_is_refused(
        acme: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    # the pipeline never asks for this; the check after editing is the safety net if it did
    from salesflow.method import transitions as pipeline
    from salesflow.model.edits import Set

    monkeypatch.setattr(pipeline, "hold", lambda *a, **k: pipeline.Change(
        (Set(("status",), "won"),), "acme: won?"))
    before = acme.snapshot()
    result = acme.run("hold", "acme")
    assert result.exit_code == 1
    assert result.stderr == (
        "deals/acme.yaml:5:9: status 'won' is only for deals in the last stage (S); this deal "
        "is in C: advance it to S, or set another status\n"
        "error: 1 problem(s) found\n"
        "hint: this change would leave the file invalid, so nothing was written\n")
    assert acme.snapshot() == before


def test_symlink_out_of_the_workspace_is_not_followed(ws: WS, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("customer: A\nstage: G\n", encoding="utf-8")
    (ws.root / "deals" / "evil.yaml").symlink_to(outside)
    for ref in ("evil", "deals/evil.yaml"):
        result = ws.run("tick", ref, "visit-committed")
        assert result.exit_code == 2, ref
        assert "outside" in result.stderr or "not a deal file inside" in result.stderr
    assert outside.read_text(encoding="utf-8") == "customer: A\nstage: G\n"


def test_a_deals_folder_linked_outside_is_read_but_never_written(ws: WS,
                                                                 tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "far.yaml").write_text("customer: A\nstage: G\n", encoding="utf-8")
    (ws.root / "deals").rmdir()
    (ws.root / "deals").symlink_to(elsewhere)
    assert ws.run("check", "far").exit_code == 1  # read: fine
    result = ws.run("tick", "far", "visit-committed")
    assert (result.exit_code, result.stderr) == (
        2, "error: far leads outside this workspace; salesflow does not write there\n"
        "hint: replace the symlink with the file (or folder) itself\n")
    assert (elsewhere / "far.yaml").read_text(encoding="utf-8") == "customer: A\nstage: G\n"


def test_symlink_inside_the_workspace_is_kept(ws: WS) -> None:
    real = ws.deal("real", "customer: A\nstage: G\n")
    (ws.root / "deals" / "alias").mkdir()
    link = ws.root / "deals" / "alias" / "other.yaml"
    link.symlink_to(real)
    real.unlink()
    (ws.root / "deals" / "store").mkdir()
    target = ws.write("deals/store/data.yml", "customer: A\nstage: G\n")
    link.unlink()
    link.symlink_to(target)
    assert ws.run("tick", "other", "visit-committed", "--date", "2026-12-01").exit_code == 0
    assert link.is_symlink()
    assert "visit-committed" in target.read_text(encoding="utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_a_read_only_file_is_left_alone(acme: WS) -> None:
    path = acme.root / "deals" / "acme.yaml"
    path.chmod(0o444)
    result = acme.run("tick", "acme", "visit-committed")
    assert result.exit_code == 1
    assert "read-only" in result.stderr
    path.chmod(0o644)


def test_permissions_are_kept(acme: WS) -> None:
    path = acme.root / "deals" / "acme.yaml"
    path.chmod(0o640)
    assert acme.run("tick", "acme", "visit-committed").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o640


def test_init_makes_git_ignore_the_lock_file(ws: WS, tmp_path: Path) -> None:
    target = tmp_path / "fresh"
    result = ws.run("init", str(target))
    assert result.exit_code == 0
    assert (target / ".gitignore").read_text(encoding="utf-8") == (
        "# salesflow's write lock\n.salesflow.lock\n")
    other = tmp_path / "existing"
    other.mkdir()
    (other / ".gitignore").write_text("*.pdf", encoding="utf-8")
    assert ws.run("init", str(other)).exit_code == 0
    assert (other / ".gitignore").read_text(encoding="utf-8") == "*.pdf\n.salesflow.lock\n"


def test_the_docs_show_the_real_refusal(ws: WS) -> None:
    import re

    docs = Path(__file__).resolve().parent.parent / "docs" / "moving-deals.md"
    shown = re.search(r"A refused advance exits 1.*?```text\n(.*?)```",
                      docs.read_text(encoding="utf-8"), re.S)
    assert shown is not None
    ws.deal("acme-pumps", "customer: Acme\nstage: G\n")
    result = ws.run("advance", "acme-pumps")
    assert result.exit_code == 1
    assert result.stderr == shown.group(1)


def test_what_cannot_be_edited_surgically_is_left_to_a_person(ws: WS) -> None:
    ws.deal("odd", "customer: A\nstage: >-\n  G\nmilestones: {visit-committed: 2026-01-01}\n")
    before = ws.snapshot()
    result = ws.run("advance", "odd")
    assert (result.exit_code, result.stderr) == (
        1, "error: deals/odd.yaml: cannot change stage surgically: its value is a block scalar "
        "(| or >); nothing was written\nhint: make this change by hand\n")
    assert ws.snapshot() == before


def test_check_on_a_won_deal_exits_0_and_says_the_closing_checklist(ws: WS) -> None:
    ws.deal("signed", "customer: S\namount: 10\nstage: S\nstatus: won\nmilestones:\n"
            "  contract-signed: 2026-10-28\n")
    result = ws.run("check", "signed")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "signed: stage S Signed and handed over to delivery (100%)"
    assert lines[1].startswith("  [x] contract-signed: ")
    assert lines[-1] == ("won: the closing checklist is not a gate; 1 of 3 done "
                         "(2 still open)")
    data = json.loads(ws.run("check", "signed", "--format", "json").stdout)
    assert data["checklist"] == {"done": 1, "of": 3} and data["ready"] is False
    ws.deal("signed", "customer: S\namount: 10\nstage: S\nstatus: won\nmilestones:\n"
            "  contract-signed: 2026-10-28\n  delivery-handed-over: 2026-11-01\n"
            "  after-sales-arranged: 2026-11-02\n")
    done = ws.run("check", "signed")
    assert done.exit_code == 0
    assert done.stdout.splitlines()[-1].endswith("3 of 3 done (complete)")
    open_deal = json.loads(ws.run("check", "signed", "--format", "json").stdout)
    assert open_deal["ready"] is True
