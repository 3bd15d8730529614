"""Account files: validated like deals, with a schema, merged by the driver, linked by deals."""

from __future__ import annotations

import json
from typing import Any

from salesflow.team.schema import account_schema
from tests.conftest import WS

HUADONG = """\
# 华东水务集团: the customer as a whole
name: 华东水务集团
segment: municipal
tier: A
relationship: middle
wallet:
  - {year: 2025, spend: 20000000, ours: 6000000}
  - {year: 2026, spend: 22000000, share: 25%}
people:
  - name: 陈国平
    title: 副总经理
    level: decision
    attitude: neutral
  - name: 刘建华
    title: 总工程师
    level: management
    roles: [technical, evaluator]
    attitude: neutral
    influence: high
    reports_to: 陈国平
plan:
  - {person: 刘建华, goal: high, next: 参观常州泵站, due: 2026-12-10}
x-crm: "HS-1"
"""

DEAL = """\
customer: 华东水务集团
account: huadong
stage: C
stakeholders:
  - name: 刘建华
    roles: [technical, evaluator]
  - name: 王磊
    level: management
    attitude: supporter
"""


def _ws(ws: WS) -> WS:
    ws.write("accounts/huadong.yaml", HUADONG)
    ws.deal("pumps", DEAL)
    return ws


def test_valid_accounts_and_links_validate(ws: WS) -> None:
    _ws(ws)
    result = ws.run("validate")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == "ok: stages.yaml, 1 account file(s) and 1 deal file(s) are valid\n"


def test_account_problems_are_located(ws: WS) -> None:
    _ws(ws)
    ws.write("accounts/bad.yaml", HUADONG.replace("tier: A", "tier: D").replace(
        "person: 刘建华,", "person: 刘建,").replace("share: 25%", "share: 25%, ours: 1"))
    result = ws.run("validate", "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "accounts/bad.yaml,4,7,\"tier: expected one of A, B or C, found 'D'\",literal_error",
        "accounts/bad.yaml,9,55,\"give our part as `ours:` (an amount) or `share:` (a "
        "percentage), not both\",wallet-both",
        "accounts/bad.yaml,25,14,\"'刘建' is not listed under `people:`; did you mean "
        "'刘建华'?; add them there first\",unknown-person",
    ] or result.stdout


def test_unknown_account_on_a_deal_says_did_you_mean(ws: WS) -> None:
    _ws(ws)
    ws.deal("pumps", DEAL.replace("account: huadong", "account: huadng"))
    before = ws.snapshot()
    result = ws.run("validate")
    assert result.exit_code == 1
    assert result.stdout == (
        "deals/pumps.yaml:2:10: unknown account 'huadng'; did you mean 'huadong'?; create it "
        "with `salesflow account new huadng --name ...` or fix the id\n")
    assert ws.snapshot() == before


def test_a_deal_adds_only_project_fields_to_an_account_person(ws: WS) -> None:
    _ws(ws)
    ws.deal("pumps", DEAL.replace("roles: [technical, evaluator]",
                                  "roles: [technical]\n    title: 总工"))
    result = ws.run("validate", "deals/pumps.yaml")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "deals/pumps.yaml:7:5: '刘建华' is a person of account 'huadong': `title` belongs in "
        "the account file (`salesflow account person set huadong '刘建华' title=...`)")


def test_unlinked_customer_is_a_warning(ws: WS) -> None:
    _ws(ws)
    ws.deal("other", "customer: 华东水务集团\nstage: G\n")
    result = ws.run("validate")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "warning: deals/other.yaml: customer '华东水务集团' is the name of account 'huadong', "
        "but the deal does not link to it: add `account: huadong` (or run `salesflow "
        "accounts migrate`)")


def test_validate_one_account_file(ws: WS) -> None:
    _ws(ws)
    result = ws.run("validate", "accounts/huadong.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "1 account file(s)" in result.stderr


def test_account_schema_accepts_the_example_and_refuses_typos(ws: WS) -> None:
    import jsonschema  # type: ignore[import-untyped]

    from salesflow.files import yamlio

    result = ws.run("schema", "account")
    assert result.exit_code == 0
    schema: dict[str, Any] = json.loads(result.stdout)
    assert schema == account_schema()
    data = yamlio.parse(HUADONG.encode(), "a.yaml").data
    data = json.loads(json.dumps(data, default=str))
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(data)) == []
    data["teir"] = "A"
    assert [e.message for e in validator.iter_errors(data)] == [
        "'teir' does not match any of the regexes: '^x-'"]


def _driver(ws: WS, base: str, ours: str, theirs: str, path: str) -> tuple[int, str, str]:
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        (ws.root / name).write_text(text, encoding="utf-8")
    result = ws.run("merge-driver", "O", "A", "B", path)
    return result.exit_code, (ws.root / "A").read_text(encoding="utf-8"), result.stderr


def test_merge_driver_merges_account_people_and_plan(ws: WS) -> None:
    ours = HUADONG.replace("x-crm:", "  - {person: 陈国平, next: 拜访, due: 2027-01-05}\nx-crm:")
    theirs = HUADONG.replace("plan:", "  - name: 何静\n    reports_to: 陈国平\nplan:").replace(
        "relationship: middle", "relationship: high")
    code, text, said = _driver(ws, HUADONG, ours, theirs, "accounts/huadong.yaml")
    assert (code, said) == (0, "")
    assert text == ours.replace("plan:", "  - name: 何静\n    reports_to: 陈国平\nplan:").replace(
        "relationship: middle", "relationship: high")


def test_merge_driver_refuses_an_invalid_merged_account(ws: WS) -> None:
    ours = HUADONG.replace("x-crm:", "  - {person: 何静, next: 拜访, due: 2027-01-05}\nx-crm:")
    theirs = HUADONG.replace("relationship: middle", "relationship: high")
    code, text, said = _driver(ws, HUADONG, ours, theirs, "accounts/huadong.yaml")
    assert code == 1
    assert "'何静' is not listed under `people:`" in said
    assert "<<<<<<< ours" in text
