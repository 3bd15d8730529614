"""Reports by account: funnel --by account|tier|relationship, forecast --by account, review."""

from __future__ import annotations

import json

from tests.conftest import WS


def _totals(data: dict[str, object]) -> dict[object, tuple[int, str, str]]:
    groups = data["groups"]
    assert isinstance(groups, list)
    return {g["group"]: (g["total"]["count"], g["total"]["amount"], g["total"]["weighted"])
            for g in groups}


def test_funnel_by_relationship_gives_exact_figures(demo: WS) -> None:
    result = demo.run("funnel", "--by", "relationship", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by"] == "relationship"
    # in the method's order; the account's stage stands for its deals' own
    assert _totals(data) == {
        "gestation": (1, "0.00", "0.00"),
        "initial": (6, "13897000.00", "6771200.00"),
        "middle": (4, "15580000.00", "11260000.00"),
    }
    assert (data["total"]["count"], data["total"]["weighted"]) == (11, "18031200.00")


def test_funnel_by_account_and_tier(demo: WS) -> None:
    data = json.loads(demo.run("funnel", "--by", "account", "--format", "json").stdout)
    assert _totals(data) == {
        "gulf-coast-water": (2, "6035000.00", "2627000.00"),
        "huadong-water": (2, "7400000.00", "3700000.00"),
        None: (7, "16042000.00", "11704200.00"),
    }
    tiers = json.loads(demo.run("funnel", "--by", "tier", "--format", "json").stdout)
    assert list(_totals(tiers)) == ["A", "B", None]
    table = demo.run("funnel", "--by", "relationship", "--layout", "stacked")
    assert "Relationship: middle" in table.stdout
    assert "All 3 relationship groups together" in table.stdout


def test_an_account_stage_change_moves_every_deal_of_it(demo: WS) -> None:
    assert demo.run("account", "set", "huadong-water", "relationship=high").exit_code == 0
    data = json.loads(demo.run("funnel", "--by", "relationship", "--format", "json").stdout)
    assert _totals(data)["high"] == (2, "7400000.00", "3700000.00")
    assert _totals(data)["middle"] == (2, "8180000.00", "7560000.00")


def test_forecast_by_account(demo: WS) -> None:
    result = demo.run("forecast", "--by", "account", "--from", "2026-10-01", "--to",
                      "2027-06-30", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "account,count,best_case,weighted,won_count,won",
        "gulf-coast-water,1,4544000.00,1136000.00,0,0.00",
        "huadong-water,2,7400000.00,3700000.00,0,0.00",
        "(none),6,14062000.00,9724200.00,1,1980000.00",
        "TOTAL,9,26006000.00,14560200.00,1,1980000.00",
    ]
    data = json.loads(demo.run("forecast", "--by", "account", "--from", "2026-10-01",
                               "--to", "2027-06-30", "--format", "json").stdout)
    assert [g["account"] for g in data["groups"]] == ["gulf-coast-water", "huadong-water",
                                                      None]
    assert data["groups"][1]["total"]["weighted"] == "3700000.00"


def test_review_gains_account_risks(demo: WS) -> None:
    result = demo.run("review", "--as-of", "2026-11-27", "--format", "json")
    found = {d["id"]: {r["code"]: r for r in d["risks"]}
             for d in json.loads(result.stdout)["deals"]}
    pumps = found["huadong-water-pump-station"]
    assert pumps["share-falling"]["reason"] == (
        "our share of account huadong-water's spend fell from 35.0% (2025) to 30.0% (2026)")
    assert pumps["plan-overdue"]["reason"] == (
        "relationship plan moves overdue: 陈国平: 年底高层拜访：汇报一期运行数据 (due 2026-11-20)")
    assert found["gulf-coast-ro-expansion"]["relationship-too-low"]["reason"] == (
        "the relationship with account gulf-coast-water is at initial, yet this deal "
        "(4,544,000 CNY) is more than all we sold them in 2026 (1,491,000)")
    # a key person against us on one deal, for us on another
    path = "deals/huadong-water-plant-scada.yaml"
    demo.write(path, demo.read(path).replace(
        "  - {name: 刘建华, roles: [technical, evaluator]}",
        "  - {name: 刘建华, roles: [technical, evaluator], attitude: opponent}"))
    demo.run("account", "person", "set", "huadong-water", "刘建华", "attitude=supporter")
    result = demo.run("review", "--as-of", "2026-11-27", "--format", "json")
    found = {d["id"]: {r["code"]: r for r in d["risks"]}
             for d in json.loads(result.stdout)["deals"]}
    assert found["huadong-water-plant-scada"]["key-person-split"]["reason"] == (
        "刘建华 is an opponent here but a supporter on huadong-water-pump-station")
    assert "key-person-split" not in found["huadong-water-pump-station"]


STAGES_WITH_ACCOUNT_RULE = """\
currency: CNY
stages:
  - code: G
    name: Plan
    probability: 10
    exit:
      - id: account-ready
        text: The account relationship is far enough, and a decision-maker supports us.
        rule:
          account:
            relationship: middle
            people: {attitude: supporter, level: decision}
  - code: S
    name: Won
    probability: 100
"""


def test_a_rule_over_account_data(ws: WS) -> None:
    ws.write("stages.yaml", STAGES_WITH_ACCOUNT_RULE)
    ws.write("accounts/acme.yaml", "name: Acme\nrelationship: initial\npeople:\n"
             "  - {name: Wang, level: decision, attitude: neutral}\n")
    ws.deal("a", "customer: Acme\naccount: acme\nstage: G\n")
    ws.deal("b", "customer: Acme\naccount: acme\nstage: G\n")
    ws.deal("c", "customer: Other\nstage: G\n")
    result = ws.run("check", "a", "--format", "json")
    assert result.exit_code == 1
    missing = json.loads(result.stdout)["milestones"][0]["missing"]
    assert missing[0] == ("the relationship with account acme at stage middle or further — "
                          "it is at initial. Develop it with the plan in `salesflow account "
                          "show acme`; record the stage with `salesflow account set acme "
                          "relationship=...`.")
    assert missing[1].startswith("a supporter at the decision level among account acme's "
                                 "people — none yet.")
    unlinked = json.loads(ws.run("check", "c", "--format", "json").stdout)
    assert unlinked["milestones"][0]["missing"] == [
        "the deal linked to its customer's account — `account:` is not set. Link it, e.g. "
        "`account: <id>` (`salesflow account list` shows the ids, `salesflow accounts "
        "migrate` creates them)."]
    assert ws.run("account", "set", "acme", "relationship=middle").exit_code == 0
    assert ws.run("account", "person", "set", "acme", "Wang",
                  "attitude=supporter").exit_code == 0
    for deal in ("a", "b"):
        assert ws.run("check", deal).exit_code == 0, deal
    assert ws.run("advance", "b", "--date", "2026-11-30").exit_code == 0


def test_a_malformed_account_rule_is_located(ws: WS) -> None:
    ws.write("stages.yaml", STAGES_WITH_ACCOUNT_RULE.replace(
        "relationship: middle", "relationship: medium"))
    result = ws.run("validate")
    assert result.exit_code == 1
    assert result.stdout.startswith("stages.yaml:11:27: ")
    assert "'medium'" in result.stdout


def test_import_accounts_and_link_deals_by_name(ws: WS) -> None:
    ws.deal("a", "customer: Acme Water\nstage: G\n")
    ws.deal("b", "customer: ACME  water\nstage: F\n")
    ws.deal("c", "customer: Other\nstage: G\n")
    ws.write("accounts.csv", "Company,Tier,Relationship\nAcme Water,a,initial\n"
             "Beta Ltd,B,\n")
    before = ws.snapshot()
    dry = ws.run("import", "accounts.csv", "--kind", "account", "--map", "name=Company",
                 "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout == ("would create accounts/acme-water.yaml (Acme Water)\n"
                          "would create accounts/beta-ltd.yaml (Beta Ltd)\n"
                          "would link deals/a.yaml to acme-water\n"
                          "would link deals/b.yaml to acme-water\n")
    assert ws.snapshot() == before
    done = ws.run("import", "accounts.csv", "--kind", "account", "--map", "name=Company")
    assert done.exit_code == 0, done.stderr
    assert ws.read("accounts/acme-water.yaml") == (
        "name: Acme Water\ntier: A\nrelationship: initial\n")
    assert ws.read("deals/a.yaml") == "customer: Acme Water\naccount: acme-water\nstage: G\n"
    assert ws.read("deals/c.yaml") == "customer: Other\nstage: G\n"
    assert ws.run("validate").exit_code == 0
    again = ws.run("import", "accounts.csv", "--kind", "account", "--map", "name=Company")
    assert again.exit_code == 0
    assert "account 'acme-water' (Acme Water) is already there: left as it is" in again.stderr


def test_import_accounts_refuses_bad_rows_and_writes_nothing(ws: WS) -> None:
    ws.write("accounts.csv", "name,tier\nAcme,A\nBeta,Z\n,B\n")
    before = ws.snapshot()
    result = ws.run("import", "accounts.csv", "--kind", "account")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "accounts.csv:3:2: tier: expected one of 'A', 'B' or 'C', found 'Z'",
        "accounts.csv:4:1: the account has no name",
    ]
    assert ws.snapshot() == before
    assert ws.run("import", "accounts.csv", "--kind", "contact").exit_code == 2
