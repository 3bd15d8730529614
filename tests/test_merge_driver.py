"""The merge driver with real git: two clones change the same deal, then pull."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.files import yamlio
from salesflow.files.edit import apply
from salesflow.files.parse import parse_deal
from salesflow.model.deal import DEAL_KEYS
from salesflow.team.conflicts import key_spans
from salesflow.team.merge import merge_deal
from salesflow.team.mergefile import merge_files
from tests.conftest import WS
from tests.gitutil import BIN, env, git, salesflow
from tests.test_edit import _process, deal_files, edits

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ACME = """\
# yaml-language-server: $schema=../.salesflow/schema/deal.json
# Acme: the big pump retrofit.   Keep notes short!
name: Pump station retrofit
customer: Acme Water Works
owner: li.wei
amount: 1250000        # CNY, incl. installation
stage: G
status: open

milestones:
  deal-qualified: 2026-07-15   # from the tender notice

stakeholders:
  - name: Zhang San
    attitude: neutral

history:
  - {date: 2026-07-15, to: G, by: li.wei}   # found at the water fair
"""


@dataclass
class Clone:
    """One salesperson's clone of the team repository."""

    root: Path
    environ: dict[str, str]

    def sf(self, *args: str, check: bool = True) -> str:
        return salesflow(self.root, *args, environ=self.environ, check=check).stdout

    def git(self, *args: str, check: bool = True) -> tuple[int, str]:
        done = git(self.root, *args, environ=self.environ, check=check)
        return done.returncode, done.stdout + done.stderr

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).write_text(text, encoding="utf-8", newline="")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8")


@pytest.fixture
def team(tmp_path: Path) -> tuple[Clone, Clone]:
    """Alice set up the repository with one deal and pushed it; Bob cloned it."""
    origin = tmp_path / "origin.git"
    boot = env(tmp_path / "home-alice", "Alice")
    git(tmp_path, "init", "-q", "--bare", str(origin), environ=boot)
    people = []
    for name in ("Alice", "Bob"):
        home = tmp_path / f"home-{name.lower()}"
        home.mkdir(exist_ok=True)
        e = env(home, name)
        root = tmp_path / name.lower()
        git(tmp_path, "clone", "-q", str(origin), str(root), environ=e)
        git(root, "config", "user.name", name, environ=e)
        git(root, "config", "pull.rebase", "false", environ=e)
        people.append(Clone(root, e))
    alice, bob = people
    alice.sf("init", ".")
    alice.write("deals/acme.yaml", ACME)
    alice.sf("git-setup")
    alice.git("add", "-A")
    alice.git("commit", "-q", "-m", "Start the pipeline")
    alice.git("push", "-q", "origin", "HEAD:main")
    bob.git("pull", "-q", "origin", "main")
    bob.sf("git-setup")
    return alice, bob


def test_both_advance_and_tick_the_same_deal_and_git_merges(team: tuple[Clone, Clone]) -> None:
    alice, bob = team
    bob.sf("tick", "acme", "visit-committed", "--date", "2026-08-01")
    bob.sf("advance", "acme", "--date", "2026-08-02")
    bob.git("commit", "-q", "-am", "Bob: visit agreed, acme to F")
    bob.git("push", "-q", "origin", "HEAD:main")

    alice.sf("tick", "acme", "visit-committed", "--date", "2026-08-03", "--note", "phoned Zhang")
    alice.sf("advance", "acme", "--date", "2026-08-03")
    alice.sf("tick", "acme", "proposal-expected", "--date", "2026-08-05")
    alice.git("commit", "-q", "-am", "Alice: acme to F, proposal expected")
    code, said = alice.git("pull", "origin", "main", check=False)
    assert code == 0, said
    assert "CONFLICT" not in said
    assert alice.read("deals/acme.yaml") == ACME.replace(
        "stage: G", "stage: F").replace(
        "  deal-qualified: 2026-07-15   # from the tender notice\n",
        "  deal-qualified: 2026-07-15   # from the tender notice\n"
        "  visit-committed: {date: 2026-08-01, note: phoned Zhang, by: Bob}\n"
        "  proposal-expected: {date: 2026-08-05, by: Alice}\n").replace(
        "  - {date: 2026-07-15, to: G, by: li.wei}   # found at the water fair\n",
        "  - {date: 2026-07-15, to: G, by: li.wei}   # found at the water fair\n"
        "  - {date: 2026-08-02, from: G, to: F, by: Bob}\n"
        "  - {date: 2026-08-03, from: G, to: F, by: Alice}\n")
    assert "ok: stages.yaml and 1 deal file(s) are valid" in salesflow(
        alice.root, "validate", environ=alice.environ).stderr
    code, log = alice.git("log", "--oneline", "-3")
    assert "Merge branch 'main'" in log

    # and back: Bob pulls the merge without any conflict either
    alice.git("push", "-q", "origin", "HEAD:main")
    code, said = bob.git("pull", "origin", "main", check=False)
    assert code == 0, said
    assert bob.read("deals/acme.yaml") == alice.read("deals/acme.yaml")


def test_their_older_entry_goes_before_ours_and_their_edits_keep_their_lines(
        team: tuple[Clone, Clone]) -> None:
    alice, bob = team
    theirs = bob.read("deals/acme.yaml").replace(
        "amount: 1250000        # CNY, incl. installation",
        "amount: 1400000        # CNY, incl. installation and spares").replace(
        "    attitude: neutral\n", "    attitude: supporter   # after the site visit\n")
    bob.write("deals/acme.yaml", theirs)
    bob.sf("hold", "acme", "--date", "2026-08-01", "--reason", "budget freeze")
    bob.git("commit", "-q", "-am", "Bob: acme on hold, new amount")
    bob.git("push", "-q", "origin", "HEAD:main")

    alice.sf("tick", "acme", "visit-committed", "--date", "2026-08-04")
    alice.sf("advance", "acme", "--date", "2026-08-04")
    alice.git("commit", "-q", "-am", "Alice: acme to F")
    code, said = alice.git("pull", "origin", "main", check=False)
    assert code == 0, said
    merged = alice.read("deals/acme.yaml")
    assert "amount: 1400000        # CNY, incl. installation and spares\n" in merged
    assert "    attitude: supporter   # after the site visit\n" in merged
    assert "stage: F\nstatus: hold\n" in merged
    assert merged.endswith(
        "  - {date: 2026-07-15, to: G, by: li.wei}   # found at the water fair\n"
        "  - {date: 2026-08-01, status: hold, by: Bob, reason: budget freeze}\n"
        "  - {date: 2026-08-04, from: G, to: F, by: Alice}\n")
    assert merged.startswith(ACME.split("name:", maxsplit=1)[0])  # the comments at the top


def test_a_true_conflict_is_reported_and_left_for_a_person(team: tuple[Clone, Clone]) -> None:
    alice, bob = team
    bob.write("deals/acme.yaml", bob.read("deals/acme.yaml").replace("1250000 ", "1300000 "))
    bob.sf("tick", "acme", "visit-committed", "--date", "2026-08-01")
    bob.git("commit", "-q", "-am", "Bob: amount 1.3M")
    bob.git("push", "-q", "origin", "HEAD:main")

    alice.write("deals/acme.yaml", alice.read("deals/acme.yaml").replace("1250000 ", "990000 "))
    alice.git("commit", "-q", "-am", "Alice: amount 990k")
    code, said = alice.git("pull", "origin", "main", check=False)
    assert code == 1
    assert "CONFLICT (content): Merge conflict in deals/acme.yaml" in said
    assert ("salesflow merge-driver: deals/acme.yaml: both sides changed amount (ours: 990000, "
            "theirs: 1300000); conflict markers left around it") in said
    text = alice.read("deals/acme.yaml")
    assert (
        "customer: Acme Water Works\nowner: li.wei\n"
        "<<<<<<< ours\n"
        "amount: 990000        # CNY, incl. installation\n"
        "=======\n"
        "amount: 1300000        # CNY, incl. installation\n"
        ">>>>>>> theirs\n"
        "stage: G\n") in text
    # what did not conflict is merged already: Bob's tick is there
    assert "  visit-committed: {date: 2026-08-01, by: Bob}\n" in text
    _, status = alice.git("status", "--short")
    assert "UU deals/acme.yaml" in status
    refused = salesflow(alice.root, "validate", environ=alice.environ, check=False)
    assert refused.returncode == 1
    assert refused.stdout.startswith("deals/acme.yaml:6:1: unresolved git merge conflict marker: "
                                     "finish the merge")

    # a person keeps Bob's amount, and the merge completes
    lines = [line for line in text.splitlines(keepends=True)
             if not line.startswith(("<<<<<<<", "=======", ">>>>>>>", "amount: 990000"))]
    alice.write("deals/acme.yaml", "".join(lines))
    assert salesflow(alice.root, "validate", environ=alice.environ).returncode == 0
    alice.git("commit", "-q", "-am", "Merge: keep Bob's amount")


def test_without_the_driver_git_conflicts_on_the_same_change(tmp_path: Path,
                                                           team: tuple[Clone, Clone]) -> None:
    """The reason for the driver: git's line merge alone conflicts on concurrent ticks."""
    alice, bob = team
    (alice.root / ".gitattributes").unlink()
    alice.git("commit", "-q", "-am", "no driver")
    alice.git("push", "-q", "origin", "HEAD:main")
    bob.git("pull", "-q", "origin", "main")
    bob.sf("tick", "acme", "visit-committed", "--date", "2026-08-01")
    bob.git("commit", "-q", "-am", "Bob ticks")
    bob.git("push", "-q", "origin", "HEAD:main")
    alice.sf("tick", "acme", "proposal-expected", "--date", "2026-08-05")
    alice.git("commit", "-q", "-am", "Alice ticks")
    code, said = alice.git("pull", "origin", "main", check=False)
    assert code == 1 and "CONFLICT" in said


def test_git_setup_is_idempotent_and_keeps_existing_attributes(
        team: tuple[Clone, Clone]) -> None:
    alice, _ = team
    assert alice.read(".gitattributes") == (
        "# deal and account files are merged by `salesflow merge-driver` (see `salesflow "
        "git-setup`)\n"
        "deals/**/*.yaml merge=salesflow\ndeals/**/*.yml merge=salesflow\n"
        "accounts/**/*.yaml merge=salesflow\naccounts/**/*.yml merge=salesflow\n")
    again = salesflow(alice.root, "git-setup", environ=alice.environ)
    assert (again.stdout, again.stderr) == (
        "", "already set up: git merges deal files with `salesflow merge-driver`\n")
    _, driver = alice.git("config", "--get", "merge.salesflow.driver")
    # the Python that ran git-setup, by its full path: no PATH or virtualenv needed
    python, _, command = driver.strip().partition(" -m ")
    assert Path(python).parent == BIN and Path(python).name.startswith("python")
    assert command == "salesflow merge-driver %O %A %B %P"

    alice.write(".gitattributes", "*.png binary")
    salesflow(alice.root, "git-setup", environ=alice.environ)
    assert alice.read(".gitattributes").startswith(
        "*.png binary\n# deal and account files are merged")
    assert alice.read(".gitattributes").count("merge=salesflow") == 4


def test_git_setup_outside_git(ws: WS) -> None:
    result = ws.run("git-setup")
    assert result.exit_code == 2
    assert "is not in a git repository" in result.stderr


# ---------------------------------------------- the driver, called as git would


def _driver(ws: WS, base: str, ours: str, theirs: str,
            newline: str = "") -> tuple[int, str, str]:
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        (ws.root / name).write_text(text, encoding="utf-8", newline=newline)
    result = ws.run("merge-driver", "O", "A", "B", "deals/acme.yaml")
    return result.exit_code, (ws.root / "A").read_bytes().decode("utf-8"), result.stderr


BASE = "customer: Acme\nstage: C\nstakeholders:\n  - name: Zhang\nneeds: []\n"


def test_each_side_valid_but_the_merge_is_not(ws: WS) -> None:
    ours = BASE.replace("needs: []", "needs:\n  - {kind: P, text: leaks, from: Zhang}")
    theirs = BASE.replace("- name: Zhang", "- name: Zhang Wei")
    code, text, said = _driver(ws, BASE, ours, theirs)
    assert code == 1
    assert ("deals/acme.yaml:6:34: 'Zhang' is not a stakeholder of this deal; did you mean "
            "'Zhang Wei'?") in said
    assert "each side was valid, the merge is not" in said
    assert text == (
        "customer: Acme\nstage: C\n"
        "<<<<<<< ours\nstakeholders:\n  - name: Zhang\n=======\n"
        "stakeholders:\n  - name: Zhang Wei\n>>>>>>> theirs\n"
        "<<<<<<< ours\nneeds:\n  - {kind: P, text: leaks, from: Zhang}\n=======\n"
        "needs: []\n>>>>>>> theirs\n")


def test_crlf_lines_and_a_bom_stay(ws: WS) -> None:
    base = "\ufeffcustomer: Acme\r\nstage: C\r\nhistory:\r\n  - {date: 2026-01-01, to: C}\r\n"
    ours = base + "  - {date: 2026-02-01, status: hold}\r\n"
    theirs = (base.replace("\r\n", "\n").removeprefix("\ufeff")
              .replace("customer: Acme", "customer: Acme Ltd") + "owner: bob\n")
    code, text, _ = _driver(ws, base, ours, theirs)
    assert code == 0
    assert text == ("\ufeffcustomer: Acme Ltd\r\nstage: C\r\nhistory:\r\n"
                    "  - {date: 2026-01-01, to: C}\r\n  - {date: 2026-02-01, status: hold}\r\n"
                    "owner: bob\r\n")


def test_a_side_that_does_not_parse_falls_back_to_git_merge_file(ws: WS) -> None:
    base = "customer: Acme\nowner: li\nstage: C\nsegment: x\namount: 5\n"
    ours = base.replace("owner: li", "owner: [li")
    theirs = base.replace("amount: 5", "amount: 6")
    code, text, said = _driver(ws, base, ours, theirs)
    assert ("salesflow merge-driver: deals/acme.yaml: cannot merge as data (deals/acme.yaml "
            "(ours):3:6: YAML syntax error") in said
    assert "merging lines instead" in said
    assert code == 0
    assert text == "customer: Acme\nowner: [li\nstage: C\nsegment: x\namount: 6\n"
    # lines both sides changed: git's markers, exit 1
    code, text, _ = _driver(ws, base, ours, base.replace("owner: li", "owner: bob"))
    assert code == 1
    assert text == ("customer: Acme\n<<<<<<< ours\nowner: [li\n=======\nowner: bob\n"
                    ">>>>>>> theirs\nstage: C\nsegment: x\namount: 5\n")


def test_added_on_both_sides(ws: WS) -> None:
    code, text, _ = _driver(ws, "", "customer: Acme\nstage: G\n",
                            "customer: Acme\nstage: G\nowner: bob\n")
    assert (code, text) == (0, "customer: Acme\nstage: G\nowner: bob\n")


def test_unreadable_input_is_a_usage_error(ws: WS) -> None:
    result = ws.run("merge-driver", "nope", "A", "B", "deals/acme.yaml")
    assert result.exit_code == 2
    assert "%O: cannot read nope" in result.stderr


# ------------------------------------------------------ the property, on any style

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_concurrent_edits_merge_into_our_text(data: st.DataObject) -> None:
    """Both sides edit a hand-written file (any style); the merge keeps our untouched lines."""
    process = _process()
    base = data.draw(deal_files())
    base_data = yamlio.parse(base.encode(), "d.yaml").data
    ours = apply(base, data.draw(edits(base_data)), key_order=DEAL_KEYS)
    theirs = apply(base, data.draw(edits(base_data)), key_order=DEAL_KEYS)
    a = yamlio.parse(ours.encode(), "d.yaml").data
    b = yamlio.parse(theirs.encode(), "d.yaml").data

    result = merge_files(base.encode(), ours.encode(), theirs.encode(), "d.yaml", process)
    expected = merge_deal(base_data, a, b, won_stage=process.won.code)
    if expected.conflicts or result.problems:
        assert not result.clean
        assert "\n<<<<<<< ours" in "\n" + result.text.replace("\r\n", "\n")
        assert parse_deal(result.text.encode(), "d.yaml", process)[0] is None
        return
    assert result.clean
    assert yamlio.parse(result.text.encode(), "d.yaml").data == expected.data
    assert parse_deal(result.text.encode(), "d.yaml", process)[1] == []
    # our lines for every top-level key the merge did not change are all still there, in order
    nl = "\r\n" if "\r\n" in ours else "\n"
    spans = key_spans(ours)
    out_lines = iter(result.text.split(nl))
    for key, (start, end) in sorted(spans.items(), key=lambda kv: kv[1]):
        if key in expected.data and expected.data[key] == a[key]:
            for line in ours.split(nl)[start:end]:
                assert any(line == new for new in out_lines), (key, line, ours, result.text)


@pytest.mark.parametrize(("history", "expected"), [
    ("history:\n- date: 2026-01-01\n  to: C\n- date: 2026-03-01   # ours\n  status: hold\n",
     "history:\n- date: 2026-01-01\n  to: C\n- date: 2026-02-01\n  status: lost\n"
     "  reason: price\n- date: 2026-03-01   # ours\n  status: hold\n"),
    ("history:\n    -   {date: 2026-01-01, to: C}\n    -   {date: 2026-03-01, status: hold}\n",
     "history:\n    -   {date: 2026-01-01, to: C}\n"
     "    -   {date: 2026-02-01, status: lost, reason: price}\n"
     "    -   {date: 2026-03-01, status: hold}\n"),
])
def test_their_older_entry_is_inserted_in_our_style(history: str, expected: str) -> None:
    head = "customer: Acme\nstage: C\nstatus: hold\n"
    ours_entry = history.index("2026-03-01")
    base = "customer: Acme\nstage: C\n" + history[:history.rindex("\n", 0, ours_entry) + 1]
    theirs = ("customer: Acme\nstage: C\nstatus: lost\nlost_reason: price\n"
              "history:\n  - {date: 2026-01-01, to: C}\n"
              "  - {date: 2026-02-01, status: lost, reason: price}\n")
    result = merge_files(base.encode(), (head + history).encode(), theirs.encode(), "d.yaml")
    # status: both changed it; the latest new history entry (ours, hold) decides
    assert result.clean, result.conflicts
    assert result.text == head + "lost_reason: price\n" + expected


def test_a_side_that_is_not_utf8_is_merged_byte_for_byte(ws: WS) -> None:
    """Never decoded with replacement: a Latin-1 byte stays the byte it was."""
    base = b"customer: Acme\nowner: li\nstage: C\nnotes: caf\xe9\namount: 5\n"
    ours = base.replace(b"owner: li", b"owner: bob")
    theirs = base.replace(b"amount: 5", b"amount: 6")
    for name, data in (("O", base), ("A", ours), ("B", theirs)):
        (ws.root / name).write_bytes(data)
    result = ws.run("merge-driver", "O", "A", "B", "deals/acme.yaml")
    assert result.exit_code == 0, result.stderr
    assert "merging lines instead" in result.stderr
    assert (ws.root / "A").read_bytes() == (
        b"customer: Acme\nowner: bob\nstage: C\nnotes: caf\xe9\namount: 6\n")
    # both sides changed the non-UTF-8 line: a conflict (exit 1), the bytes kept
    (ws.root / "A").write_bytes(base.replace(b"caf\xe9", b"caf\xe9s"))
    (ws.root / "B").write_bytes(base.replace(b"caf\xe9", b"\xff"))
    result = ws.run("merge-driver", "O", "A", "B", "deals/acme.yaml")
    assert result.exit_code == 1
    merged = (ws.root / "A").read_bytes()
    assert b"caf\xe9s" in merged and b"\xff" in merged and b"<<<<<<< ours" in merged
