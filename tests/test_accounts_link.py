"""Deals linked to accounts: the effective buying centre, in the gates, map, show and review."""

from __future__ import annotations

import json

from salesflow.method.accounts import effective_deal, merged_person
from salesflow.model.account import Account
from salesflow.model.deal import Deal, Stakeholder
from tests.conftest import WS

SCADA, PUMPS = "huadong-water-plant-scada", "huadong-water-pump-station"


def test_the_deal_entry_adds_only_what_it_sets() -> None:
    person = Stakeholder.model_validate({"name": "刘", "level": "management",
                                         "roles": ["technical"], "attitude": "neutral"})
    assert merged_person(person, None) is person
    entry = Stakeholder.model_validate({"name": "刘", "roles": ["evaluator"]})
    merged = merged_person(person, entry)
    assert (merged.level, merged.roles, merged.attitude) == ("management", ["evaluator"],
                                                              "neutral")
    own = Stakeholder.model_validate({"name": "刘", "attitude": "opponent"})
    assert merged_person(person, own).attitude == "opponent"
    assert merged_person(person, own).roles == ["technical"]


def test_effective_deal_merges_people_in_account_order_then_project_people() -> None:
    account = Account.model_validate({"name": "X", "relationship": "high", "people": [
        {"name": "a", "attitude": "supporter"}, {"name": "b"}]})
    deal = Deal.model_validate({"customer": "X", "account": "x", "stage": "C",
                                "relationship": "initial", "stakeholders": [
                                    {"name": "c", "attitude": "neutral"},
                                    {"name": "b", "roles": ["user"]}]})
    seen = effective_deal(deal, account)
    assert [(p.name, p.attitude, p.roles) for p in seen.stakeholders] == [
        ("a", "supporter", []), ("b", "unknown", ["user"]), ("c", "neutral", [])]
    assert seen.relationship == "high"
    unlinked = deal.model_copy(update={"account": None})
    assert effective_deal(unlinked, account) is unlinked
    assert effective_deal(deal, None) is deal


def test_an_attitude_set_once_on_the_account_opens_the_gate_of_every_deal(demo: WS) -> None:
    for deal in (SCADA, PUMPS):
        result = demo.run("check", deal, "--format", "json")
        assert result.exit_code == 1
        gate = {m["id"]: m["met"] for m in json.loads(result.stdout)["milestones"]}
        assert gate["senior-supporter"] is False
    text = demo.read("accounts/huadong-water.yaml")
    liu = text.index("  - name: 刘建华")
    demo.write("accounts/huadong-water.yaml", text[:liu] + text[liu:].replace(
        "attitude: neutral", "attitude: supporter", 1))
    for deal in (SCADA, PUMPS):
        result = demo.run("check", deal, "--format", "json")
        gate = {m["id"]: m["met"] for m in json.loads(result.stdout)["milestones"]}
        assert gate["senior-supporter"] is True, deal
    # the pump station had every other milestone: it may now advance
    before = demo.read(f"deals/{PUMPS}.yaml")
    moved = demo.run("advance", PUMPS, "--date", "2026-12-01")
    assert moved.exit_code == 0, moved.stderr
    assert moved.stdout == f"{PUMPS}: C → B (Project evaluation, 75%)\n"
    assert demo.read(f"deals/{PUMPS}.yaml") == before.replace("stage: C", "stage: B").replace(
        "  - {date: 2026-08-26, from: D, to: C, by: zhang.min}\n",
        "  - {date: 2026-08-26, from: D, to: C, by: zhang.min}\n"
        "  - {date: 2026-12-01, from: C, to: B, by: tester}\n")


def test_advance_is_refused_with_the_account_people_named(demo: WS) -> None:
    before = demo.snapshot()
    result = demo.run("advance", PUMPS)
    assert result.exit_code == 1
    assert ("Win over one of: 陈国平 (副总经理（分管生产运营）; decision level; decision buyer; "
            "neutral), 刘建华 (总工程师; management level; technical buyer, evaluator; neutral)"
            ) in " ".join(result.stderr.split())
    assert demo.snapshot() == before


def test_a_deal_may_keep_its_own_attitude_for_an_account_person(demo: WS) -> None:
    path = f"deals/{SCADA}.yaml"
    demo.write(path, demo.read(path).replace(
        "  - {name: 刘建华, roles: [technical, evaluator]}",
        "  - {name: 刘建华, roles: [technical, evaluator], attitude: supporter}"))
    result = demo.run("check", SCADA, "--format", "json")
    gate = {m["id"]: m["met"] for m in json.loads(result.stdout)["milestones"]}
    assert gate["senior-supporter"] is True
    result = demo.run("check", PUMPS, "--format", "json")
    gate = {m["id"]: m["met"] for m in json.loads(result.stdout)["milestones"]}
    assert gate["senior-supporter"] is False


def test_map_and_show_draw_the_account_people(demo: WS) -> None:
    result = demo.run("map", SCADA, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    names = json.dumps(data, ensure_ascii=False)
    for name in ("陈国平", "刘建华", "何静", "王磊", "周小军", "孙涛"):
        assert name in names
    shown = json.loads(demo.run("show", SCADA, "--format", "json").stdout)
    people = {p["name"]: p for p in shown["stakeholders"]}
    assert people["刘建华"]["title"] == "总工程师"
    assert people["何静"]["roles"] == ["financial"]  # the project's roles win
    assert shown["relationship"] == "middle"  # the account's stage


def test_a_broken_link_is_a_located_problem_in_commands(demo: WS) -> None:
    path = f"deals/{SCADA}.yaml"
    demo.write(path, demo.read(path).replace("account: huadong-water", "account: huadong"))
    result = demo.run("check", SCADA)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{path}:7:10: unknown account 'huadong'; did you mean 'huadong-water'?")
    review = demo.run("review", "--as-of", "2026-11-27")
    assert review.exit_code == 1
    assert f"{path}:7:10: unknown account 'huadong'" in review.stderr
