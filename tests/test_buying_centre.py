"""The buying centre: the org chart by reports_to, role and level coverage, `salesflow map`."""

from __future__ import annotations

import json
from typing import Any

from salesflow.method.buying_centre import buying_centre, coverage, org_chart
from salesflow.model.deal import Deal, Stakeholder
from tests.conftest import WS


def people(*rows: dict[str, Any]) -> list[Stakeholder]:
    return [Stakeholder.model_validate(r) for r in rows]


def drawn(chart: Any) -> list[tuple[int, str]]:
    return [(depth, p.name) for node in chart for depth, p in node.walk()]


def test_org_chart_follows_reports_to_with_several_roots() -> None:
    chart = org_chart(people(
        {"name": "Ops"},
        {"name": "GM"},
        {"name": "Eng", "reports_to": "CTO"},
        {"name": "CTO", "reports_to": "GM"},
        {"name": "CFO", "reports_to": "GM"},
        {"name": "Contractor", "reports_to": "Someone not listed"},
    ))
    assert drawn(chart) == [(0, "Ops"), (0, "GM"), (1, "CTO"), (2, "Eng"), (1, "CFO"),
                            (0, "Contractor")]


def test_org_chart_draws_everyone_once_even_in_a_cycle() -> None:
    # validation refuses cycles; the chart must still not loop or lose anyone
    chart = org_chart(people({"name": "A", "reports_to": "B"}, {"name": "B", "reports_to": "A"},
                             {"name": "C", "reports_to": "C"}))
    assert sorted(name for _, name in drawn(chart)) == ["A", "B", "C"]


def test_coverage_words() -> None:
    def of(*attitudes: str) -> str:
        return coverage(people(*({"name": str(i), "attitude": a}
                                 for i, a in enumerate(attitudes))))

    assert of() == "missing"
    assert of("supporter", "neutral") == "supported"
    assert of("supporter", "opponent") == "contested"
    assert of("opponent", "unknown") == "opposed"
    assert of("neutral", "unknown") == "not won"


def test_roles_and_levels() -> None:
    d = Deal.model_validate({"customer": "X", "stage": "D", "stakeholders": [
        {"name": "GM", "level": "decision", "roles": ["decision", "financial"]},
        {"name": "Eng", "level": "operations", "roles": ["technical", "coach"],
         "attitude": "supporter"},
        {"name": "Temp", "roles": ["user"]},
    ]})
    centre = buying_centre(d)
    assert [(c.key, [p.name for p in c.people]) for c in centre.roles] == [
        ("decision", ["GM"]), ("financial", ["GM"]), ("technical", ["Eng"]), ("user", ["Temp"]),
        ("evaluator", []), ("coach", ["Eng"]), ("influencer", [])]
    assert centre.missing_roles == ["evaluator", "influencer"]
    assert [(c.key, c.coverage) for c in centre.levels] == [
        ("decision", "not won"), ("management", "missing"), ("operations", "supported"),
        (None, "not won")]
    assert centre.missing_levels == ["management"]


# -------------------------------------------------------------------- CLI

PLANT = """\
customer: 佛山美达家电有限公司
stage: C
stakeholders:
  - {name: 梁志明, title: 总经理, level: decision, roles: [decision],
     attitude: neutral, influence: high}
  - {name: 罗伟, title: 生产副总经理, level: decision,
     roles: [user, evaluator], reports_to: 梁志明}
  - {name: 杨帆, title: 财务总监, level: management, roles: [financial],
     attitude: opponent, reports_to: 梁志明}
  - {name: 陈丽, title: 生产计划主管, level: operations, roles: [user, coach],
     attitude: supporter, influence: medium, reports_to: 罗伟}
  - {name: Jens Möller, department: Procurement, roles: [influencer]}
"""


def test_map_text(ws: WS) -> None:
    ws.deal("meida", PLANT)
    result = ws.run("map", "meida")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "meida — 佛山美达家电有限公司: 5 people in the buying centre",
        "",
        "Org chart (by reports_to)",
        "梁志明  总经理 · decision level · decision buyer · neutral · high "
        "influence",
        "├── 罗伟  生产副总经理 · decision level · user buyer, evaluator · unknown",
        "│   └── 陈丽  生产计划主管 · operations level · user buyer, coach · supporter · "
        "medium influence",
        "└── 杨帆  财务总监 · management level · financial buyer · opponent",
        "Jens Möller  Procurement · level not set · influencer · unknown",
        "",
        "Buyer roles",
        "Role             Held by                           Coverage",
        "decision buyer   梁志明 (neutral)                  not won",
        "financial buyer  杨帆 (opponent)                   opposed",
        "technical buyer  —                                 missing",
        "user buyer       罗伟 (unknown), 陈丽 (supporter)  supported",
        "evaluator        罗伟 (unknown)                    not won",
        "coach            陈丽 (supporter)                  supported",
        "influencer       Jens Möller (unknown)             not won",
        "Missing roles: technical buyer (sets and checks the technical standard)",
        "",
        "Levels",
        "Level             People                            Coverage",
        "decision level    梁志明 (neutral), 罗伟 (unknown)  not won",
        "management level  杨帆 (opponent)                   opposed",
        "operations level  陈丽 (supporter)                  supported",
        "level not set     Jens Möller (unknown)             not won",
    ]


def test_map_json(ws: WS) -> None:
    ws.deal("meida", PLANT)
    data = json.loads(ws.run("map", "meida", "--format", "json").stdout)
    assert list(data) == ["id", "customer", "chart", "roles", "missing_roles", "levels",
                          "missing_levels"]
    gm = data["chart"][0]
    assert gm["name"] == "梁志明" and gm["level"] == "decision"
    assert [r["name"] for r in gm["reports"]] == ["罗伟", "杨帆"]
    assert gm["reports"][0]["reports"][0] == {
        "name": "陈丽", "title": "生产计划主管", "department": None, "level": "operations",
        "roles": ["user", "coach"], "attitude": "supporter", "influence": "medium",
        "relationship": None, "reports": []}
    assert data["roles"][1] == {"role": "financial", "coverage": "opposed",
                                "people": [{"name": "杨帆", "attitude": "opponent"}]}
    assert data["missing_roles"] == ["technical"]
    assert data["levels"][-1]["level"] is None
    assert data["missing_levels"] == []


def test_map_without_stakeholders(ws: WS) -> None:
    ws.deal("new", "customer: X\nstage: G\n")
    result = ws.run("map", "new")
    assert result.exit_code == 0
    assert "No stakeholders recorded yet: add the people you meet under `stakeholders:` in " \
           "deals/new.yaml" in result.stdout
    assert "Missing roles: decision buyer (makes the final call); financial buyer" in result.stdout
    assert "Nobody known at the decision, management and operations levels." in result.stdout


def test_map_errors(ws: WS) -> None:
    assert ws.run("map", "nope").exit_code == 2
    ws.deal("bad", "customer: X\nstage: G\nstakeholders: [{name: A, reports_to: B}]\n")
    result = ws.run("map", "bad")
    assert result.exit_code == 1
    assert "deals/bad.yaml:3:38: reports_to 'B' is not a stakeholder of this deal" in result.stderr


def test_map_on_the_demo(demo: WS) -> None:
    out = demo.run("map", "lubei-compressor-plc").stdout
    assert ("│       └── 刘洋  压缩机站仪表工程师 · operations level · user buyer, "
            "technical buyer, coach · supporter · low influence") in out
    assert "financial buyer  郑强 (opponent)" in out
    assert "Every buyer role is covered." in out
