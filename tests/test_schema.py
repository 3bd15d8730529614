"""The editor schemas: generated from the models, specific to the workspace, and right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from salesflow.files import yamlio
from salesflow.model.process import Process
from salesflow.team.schema import DESCRIPTIONS, deal_schema, modeline, stages_schema
from tests.conftest import WS

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "src" / "salesflow" / "templates"


def _validator(schema: dict[str, Any]) -> Any:
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _data(text: str) -> Any:
    """What a YAML 1.2 editor sees: dates stay text, numbers are numbers."""
    return yamlio.parse(text.encode(), "x.yaml").data


def _errors(schema: dict[str, Any], text: str) -> list[str]:
    return sorted(e.message for e in _validator(schema).iter_errors(_data(text)))


def test_every_key_has_a_description(process: Process) -> None:
    for schema in (deal_schema(process), stages_schema()):
        for name, body in [("root", schema), *schema["$defs"].items()]:
            for key, prop in body.get("properties", {}).items():
                assert prop.get("description"), f"{name}.{key} has no description"
    # and no stale entries in the table
    from salesflow.model.deal import Deal

    assert set(DESCRIPTIONS["Deal"]) == {
        (f.validation_alias if isinstance(f.validation_alias, str) else n)
        for n, f in Deal.model_fields.items() if n != "extensions"}


def test_demo_deals_validate_against_the_demo_schema(demo: WS) -> None:
    result = demo.run("schema", "deal")
    assert result.exit_code == 0, result.stderr
    validator = _validator(json.loads(result.stdout))
    files = sorted((demo.root / "deals").rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        errors = [e.message for e in validator.iter_errors(_data(path.read_text("utf-8")))]
        assert errors == [], path.name


@pytest.mark.parametrize("template", ["stages.en.yaml", "stages.zh.yaml"])
def test_shipped_processes_validate_against_the_stages_schema(template: str) -> None:
    validator = _validator(stages_schema())
    assert list(validator.iter_errors(_data((TEMPLATES / template).read_text("utf-8")))) == []


def test_workspace_values_are_enums(process: Process) -> None:
    props = deal_schema(process)["properties"]
    assert props["stage"]["enum"] == ["G", "F", "E", "D", "C", "B", "A", "S"]
    assert "G 10% Account planning and appointment" in props["stage"]["description"]
    assert list(props["milestones"]["properties"])[:2] == ["visit-committed",
                                                            "proposal-expected"]
    assert props["milestones"]["additionalProperties"] is False
    assert props["procurement_step"]["anyOf"][0]["enum"][0] == "problem-found"
    assert "price" in props["lost_reason"]["anyOf"][0]["enum"]
    assert props["currency"]["anyOf"][0]["enum"] == ["CNY", "USD", "EUR"]
    generic = deal_schema(None)["properties"]
    assert "enum" not in generic["stage"]


GOOD = """\
customer: Acme
stage: C
owner: no
amount: 1250000.50
expected_close: 2027-03-31
x-crm-id: HS-1
milestones:
  visit-committed: 2026-08-02
  proposal-expected: {date: 2026-08-20, note: asked, by: li.wei, x-src: call}
stakeholders:
  - {name: Zhang, roles: [technical], attitude: supporter, x-wechat: zhang01}
history:
  - {date: 2026-07-15, to: G, by: li.wei}
"""

# fault -> (text, a fragment of one schema error)
BAD: dict[str, tuple[str, str]] = {
    "unknown-stage": ("customer: A\nstage: Q\n", "'Q' is not one of"),
    "unknown-key": ("customer: A\nstage: G\nammount: 5\n",
                    "'ammount' does not match any of the regexes: '^x-'"),
    "missing-customer": ("stage: G\n", "'customer' is a required property"),
    "unknown-milestone": ("customer: A\nstage: G\nmilestones: {visit-comitted: 2026-01-01}\n",
                          "'visit-comitted' was unexpected"),
    "bad-status": ("customer: A\nstage: G\nstatus: closed\n", "'closed' is not one of"),
    "customer-bool": ("customer: true\nstage: G\n", "True is not of type"),
    "negative-amount": ("customer: A\nstage: G\namount: -5\n", "-5 is not valid under any"),
    "amount-separators": ("customer: A\nstage: G\namount: '1,000'\n", "'1,000' is not valid"),
    "bad-date": ("customer: A\nstage: G\nexpected_close: 31/03/2027\n",
                 "'31/03/2027' is not valid under any"),
    "bad-attitude": ("customer: A\nstage: G\nstakeholders: [{name: B, attitude: friendly}]\n",
                     "'friendly' is not one of"),
    "history-unknown-stage": ("customer: A\nstage: G\nhistory: [{date: 2026-01-01, to: Z}]\n",
                              "'Z' is not valid under any"),
    "milestone-unknown-key": ("customer: A\nstage: G\nmilestones:\n  visit-committed: "
                              "{date: 2026-01-01, nite: x}\n", "is not valid under any"),
    "unknown-procurement": ("customer: A\nstage: G\nprocurement_step: budget\n",
                            "'budget' is not valid under any"),
    "unknown-lost-reason": ("customer: A\nstage: G\nlost_reason: weather\n",
                            "'weather' is not valid under any"),
    "unknown-currency": ("customer: A\nstage: G\ncurrency: JPY\n", "'JPY' is not valid under"),
}


def test_a_good_deal_with_own_keys_passes(process: Process) -> None:
    assert _errors(deal_schema(process), GOOD) == []


@pytest.mark.parametrize("fault", sorted(BAD))
def test_known_bad_deals_fail(process: Process, fault: str) -> None:
    text, fragment = BAD[fault]
    errors = _errors(deal_schema(process), text)
    assert any(fragment in e for e in errors), errors


def test_the_loader_agrees_on_the_bad_deals(process: Process) -> None:
    from salesflow.files.parse import parse_deal

    for fault, (text, _) in BAD.items():
        deal, problems = parse_deal(text.encode(), "x.yaml", process)
        assert deal is None and problems, fault


def test_modeline_path_is_relative_to_the_deal() -> None:
    assert modeline("deals/a.yaml") == (
        "# yaml-language-server: $schema=../.salesflow/schema/deal.json")
    assert modeline("deals/eu/de/a.yaml").endswith("=../../../.salesflow/schema/deal.json")


def test_schema_write_and_new_writes_the_modeline(ws: WS) -> None:
    assert ws.run("new", "plain", "-c", "X").exit_code == 0
    assert ws.read("deals/plain.yaml").startswith("customer: X\n")  # no schema, no modeline
    first = ws.run("schema", "--write")
    assert first.exit_code == 0
    assert first.stdout == ("wrote .salesflow/schema/deal.json\n"
                            "wrote .salesflow/schema/stages.json\n"
                            "wrote .salesflow/schema/account.json\n")
    again = ws.run("schema", "--write")
    assert (again.exit_code, again.stdout) == (0, "")
    assert "up to date" in again.stderr
    written = json.loads(ws.read(".salesflow/schema/deal.json"))
    assert written == json.loads(ws.run("schema", "deal").stdout)

    assert ws.run("new", "acme", "-c", "Acme").exit_code == 0
    text = ws.read("deals/acme.yaml")
    assert text.splitlines()[:2] == [
        "# yaml-language-server: $schema=../.salesflow/schema/deal.json", "customer: Acme"]
    assert ws.run("validate").exit_code == 0
    assert _errors(written, text) == []


def test_schema_command_errors(ws: WS, tmp_path: Path) -> None:
    assert ws.run("schema").exit_code == 2
    assert ws.run("schema", "people").exit_code == 2
    outside = ws.run("schema", "deal", cwd=tmp_path)
    assert outside.exit_code == 0
    assert "not inside a workspace" in outside.stderr
    assert "enum" not in json.loads(outside.stdout)["properties"]["stage"]
    ws.write("stages.yaml", "currency: CNY\nstages: []\n")
    broken = ws.run("schema", "deal")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("stages.yaml:2:9: stages: expected at least 2 entries")
