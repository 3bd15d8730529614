"""Two salespeople change the same account file; git merges it with salesflow's driver."""

from __future__ import annotations

import shutil

import pytest

from tests.test_merge_driver import Clone, team

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

__all__ = ["team"]

ACME = """\
# Acme: the customer across our projects
name: Acme Water Works
relationship: initial
people:
  - {name: Wang Wu, level: decision, attitude: neutral}
  - {name: Zhang San, level: management, attitude: neutral, reports_to: Wang Wu}
"""


def test_both_change_one_account_and_git_merges(team: tuple[Clone, Clone]) -> None:
    alice, bob = team
    (alice.root / "accounts").mkdir()
    alice.write("accounts/acme.yaml", ACME)
    alice.git("add", "-A")
    alice.git("commit", "-q", "-m", "The Acme account")
    alice.git("push", "-q", "origin", "HEAD:main")
    bob.git("pull", "-q", "origin", "main")

    bob.sf("account", "person", "set", "acme", "Wang Wu", "attitude=supporter")
    bob.sf("account", "plan", "acme", "Wang Wu", "--next", "Plant visit", "--due",
           "2026-12-10")
    bob.git("commit", "-q", "-am", "Bob: Wang supports us")
    bob.git("push", "-q", "origin", "HEAD:main")

    alice.sf("account", "person", "add", "acme", "Li Si", "--level", "operations",
             "--reports-to", "Zhang San")
    alice.sf("account", "set", "acme", "relationship=middle")
    alice.git("commit", "-q", "-am", "Alice: Li Si, relationship middle")
    code, said = alice.git("pull", "origin", "main", check=False)
    assert code == 0, said
    assert "CONFLICT" not in said
    assert alice.read("accounts/acme.yaml") == ACME.replace(
        "relationship: initial", "relationship: middle").replace(
        "  - {name: Wang Wu, level: decision, attitude: neutral}",
        "  - {name: Wang Wu, level: decision, attitude: supporter}") + (
        "  - {name: Li Si, level: operations, reports_to: Zhang San}\n"
        "plan:\n"
        "  - {person: Wang Wu, next: Plant visit, due: 2026-12-10}\n")
    assert alice.sf("validate", check=False) == ""
