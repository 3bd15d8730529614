"""JSON Schemas of the two file kinds, for editors that check YAML while typing.

The schemas start from the pydantic models (so they cannot drift from what the
loader accepts) and are then made specific to one workspace: the stage codes,
milestone ids, procurement steps, currencies and lost reasons of its
`stages.yaml` become enums, so an editor running the YAML language server
completes `stage: ` with the team's own codes. Keys starting with `x-` are the
team's own and are allowed everywhere a hand-written mapping is.

Pure: data in, data out. The files under `.salesflow/schema/` are written by
`salesflow init` and `salesflow schema --write`.
"""

from __future__ import annotations

import copy
from typing import Any

from salesflow.model.process import Process

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = ".salesflow/schema"
DEAL_SCHEMA = f"{SCHEMA_DIR}/deal.json"
STAGES_SCHEMA = f"{SCHEMA_DIR}/stages.json"
ACCOUNT_SCHEMA = f"{SCHEMA_DIR}/account.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="

# What each key means, shown by editors on hover. Keyed by model, then by the
# key as written in the file. tests/test_schema.py checks every field has one.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Deal": {
        "name": "A short name for the deal, e.g. the project's name.",
        "customer": "The customer's name (required).",
        "account": "The id of the customer's account file (accounts/<id>.yaml): the deal then "
                   "takes the customer's people and relationship from it.",
        "owner": "Who in the team owns the deal (a login or name).",
        "amount": "The deal's value: a plain number such as 1250000 or 99.50; no separators.",
        "currency": "Currency of `amount` if not the report currency; needs a rate in "
                    "stages.yaml.",
        "stage": "The stage the deal is in (a stage code of stages.yaml).",
        "status": "open, won (only in the last stage), lost or hold.",
        "expected_close": "When the contract is expected to be signed (YYYY-MM-DD).",
        "segment": "Market segment, for funnel cuts.",
        "product_line": "Product or service line, for funnel cuts.",
        "relationship": "Where the account relationship stands: gestation, initial, middle, "
                        "high, strategic or interrupted.",
        "procurement_step": "Where the customer's own buying process stands (a procurement "
                            "step id of stages.yaml).",
        "milestones": "Milestone outputs reached: milestone id -> date, or {date, note, by}.",
        "stakeholders": "The people in the customer's buying centre.",
        "needs": "The customer's needs as SPIN notes.",
        "next_steps": "Agreed next actions with due dates.",
        "history": "Stage and status changes, oldest first; appended by salesflow.",
        "lost_reason": "Why the deal was lost (one of stages.yaml's lost_reasons if it has "
                       "them).",
        "notes": "Free text.",
    },
    "Account": {
        "name": "The customer's name (required); deals with this `customer` should link here.",
        "segment": "Market segment, for funnel cuts.",
        "tier": "The account's grade: A (target customers), B or C.",
        "owner": "Who in the team owns the account.",
        "relationship": "Where the relationship stands: gestation, initial, middle, high, "
                        "strategic or interrupted.",
        "currency": "Currency of the wallet amounts if not the report currency.",
        "wallet": "Per year: the customer's spend in our category and our part of it.",
        "people": "The customer's org chart: every person, with reports_to.",
        "plan": "The relationship development plan: per person a goal, the next move, its date.",
        "notes": "Free text.",
    },
    "WalletYear": {
        "year": "The year, e.g. 2026.",
        "spend": "The customer's whole spend in our category that year.",
        "ours": "What of it went to us (an amount); or give `share`.",
        "share": "Our share of the spend in percent, e.g. 30% or 30; or give `ours`.",
    },
    "PlanMove": {
        "person": "The person (a name under `people:`).",
        "goal": "The relationship stage to reach with them.",
        "next": "The next move.",
        "due": "When the next move is due (YYYY-MM-DD).",
        "done": "When it was done (YYYY-MM-DD); a done move is never overdue.",
    },
    "MilestoneRecord": {
        "date": "When the milestone output was reached (YYYY-MM-DD).",
        "note": "How it was reached, in a few words.",
        "by": "Who recorded it.",
    },
    "HistoryEntry": {
        "date": "When the change happened (YYYY-MM-DD).",
        "field": "For a field change: which field changed (amount, currency, expected_close, "
                 "procurement_step, or a person's attitude).",
        "person": "For an attitude change: whose attitude changed (a stakeholder's name).",
        "from": "The stage the deal left; for a field change, the field's old value.",
        "to": "The stage the deal entered; for a field change, the field's new value.",
        "status": "The status the deal took: open, won, lost or hold.",
        "activity": "For an activity: visit, call, email, meeting, demo, or step (a next "
                    "step done).",
        "text": "For an activity: what happened.",
        "with": "For an activity: the stakeholders it was with (names).",
        "by": "Who made the change.",
        "forced": "true when a move skipped unmet exit milestones (advance --force).",
        "skipped": "The milestone ids a forced move skipped.",
        "note": "A remark about the change.",
        "reason": "Why: required for a forced, backward or lost move.",
    },
    "Stakeholder": {
        "name": "The person's name, unique within the deal.",
        "title": "Job title.",
        "department": "Department.",
        "level": "Level in the organisation: decision, management or operations.",
        "roles": "Buyer roles: decision, financial, technical, user, evaluator, coach, "
                 "influencer.",
        "attitude": "Attitude towards us: supporter, neutral, opponent or unknown.",
        "relationship": "How far our relationship with this person has developed.",
        "influence": "How much weight the person carries: high, medium or low.",
        "reports_to": "The name of another stakeholder of this deal this person reports to.",
        "notes": "Free text.",
    },
    "Need": {
        "kind": "SPIN kind: S (situation), P (problem), I (implication), N (need-payoff).",
        "text": "The need, in the customer's words where possible.",
        "explicit": "true once the customer states the need outright; false while implied.",
        "from": "The stakeholder who voiced it (a name from stakeholders).",
        "date": "When it was learnt.",
    },
    "NextStep": {
        "due": "When it is due (YYYY-MM-DD).",
        "action": "What will be done.",
        "by": "Who does it.",
    },
    "Process": {
        "currency": "The report currency, a three-letter code such as CNY.",
        "language": "The language salesflow speaks in this workspace: en or zh "
                    "(--lang and $SALESFLOW_LANG override it).",
        "rates": "Value of one unit of each other currency in the report currency.",
        "lost_reasons": "The allowed reasons for losing a deal (ids).",
        "procurement": "The customer's internal buying process, step by step.",
        "targets": "What to win per month (2027-03) or quarter (2027-Q1), for the team "
                   "or one owner, in the report currency; `salesflow forecast` compares.",
        "coverage_goal": "Open pipeline wanted per unit still to win (default 3.0); "
                         "`salesflow forecast` flags periods below it.",
        "stages": "The sales stages in order; the last one is the won stage (100%).",
    },
    "Target": {
        "period": "A month (2027-03) or a quarter (2027-Q1).",
        "owner": "The owner the target is for; leave out for the whole team's target.",
        "amount": "The amount to win in the period, in the report currency.",
    },
    "Stage": {
        "code": "The stage code, e.g. G; deals refer to it.",
        "name": "The stage's name.",
        "probability": "Win probability in percent (0-100), never decreasing along the "
                       "process.",
        "task": "The work task of the stage.",
        "entry": "What must be true to be in the stage.",
        "rot_days": "A deal idle this many days in the stage is stalled.",
        "exit": "The milestone outputs needed to leave the stage.",
    },
    "Milestone": {
        "id": "The milestone id; deals record it under milestones.",
        "text": "What must be reached.",
        "rule": "A condition over the deal's data that meets the milestone automatically.",
    },
    "ProcurementStep": {
        "id": "The step id; deals refer to it in procurement_step.",
        "name": "The step's name.",
        "stages": "The sales stages that usually go with this step.",
    },
    "Rule": {
        "fields": "Deal fields that must be set.",
        "stakeholders": "Stakeholders that must exist.",
        "procurement": "The customer's buying process must have reached a step.",
        "needs": "SPIN needs that must be recorded.",
        "any_of": "At least one of these rules must hold.",
        "account": "The deal's account: its relationship stage, its people.",
    },
    "AccountCriteria": {
        "relationship": "The account's relationship stage must be this one or further: "
                        "gestation, initial, middle, high, strategic.",
        "people": "People of the deal's buying centre merged with its account that must "
                  "exist.",
    },
    "StakeholderCriteria": {
        "attitude": "Allowed attitudes (one or a list).",
        "level": "Allowed levels (one or a list).",
        "roles": "Roles of which the person must hold at least one.",
        "influence": "Allowed influence (one or a list).",
        "min": "How many such stakeholders at least.",
    },
    "ProcurementCriteria": {
        "at_least": "The procurement step id that must have been reached.",
    },
    "NeedsCriteria": {
        "kind": "Allowed SPIN kinds (one or a list).",
        "explicit": "Whether the needs must be explicit.",
        "min": "How many such needs at least.",
    },
}

_X_KEYS = {"^x-": {"description": "The team's own key: anything goes."}}


def deal_schema(process: Process | None = None) -> dict[str, Any]:
    """The JSON Schema of a deal file, made specific to `process` when given."""
    from salesflow.model.deal import Deal

    schema = _tidy(Deal.model_json_schema(by_alias=True))
    schema["title"] = "salesflow deal file"
    if process is not None:
        _enrich_deal(schema, process)
    return {"$schema": DRAFT, **schema}


def account_schema() -> dict[str, Any]:
    """The JSON Schema of an account file (`accounts/<id>.yaml`)."""
    from salesflow.model.account import Account

    schema = _tidy(Account.model_json_schema(by_alias=True))
    schema["title"] = "salesflow account file"
    share = schema["$defs"]["WalletYear"]["properties"]["share"]
    share.pop("anyOf", None)
    share.pop("type", None)
    share["anyOf"] = [{"type": "number", "minimum": 0, "maximum": 100},
                      {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$"},
                      {"type": "null"}]
    return {"$schema": DRAFT, **schema}


def stages_schema() -> dict[str, Any]:
    """The JSON Schema of `stages.yaml`."""
    from salesflow.model.deal import DEAL_KEYS
    from salesflow.model.process import Process

    schema = _tidy(Process.model_json_schema(by_alias=True))
    schema["title"] = "salesflow process file (stages.yaml)"
    rule = schema["$defs"]["Rule"]["properties"]["fields"]
    _replace_value(rule, {"type": "array", "items": {"enum": list(DEAL_KEYS)}})
    for name in ("StakeholderCriteria", "NeedsCriteria"):  # one value or a list of them
        for prop in schema["$defs"][name]["properties"].values():
            for branch in prop.get("anyOf", []):
                if branch.get("type") == "array":
                    prop["anyOf"] = [branch["items"], *prop["anyOf"]]
                    break
    return {"$schema": DRAFT, **schema}


def modeline(deal_rel_path: str) -> str:
    """The first line of a deal file that points editors at the workspace's schema.

    `deal_rel_path` is the deal's path relative to the workspace root
    (`deals/sub/acme.yaml`); the schema path is relative to the deal's folder.
    """
    depth = deal_rel_path.count("/")
    return f"{MODELINE_PREFIX}{'../' * depth}{DEAL_SCHEMA}"


# ------------------------------------------------------------------ internals


def _tidy(schema: dict[str, Any]) -> dict[str, Any]:
    """Descriptions from the table, `x-` keys allowed, pydantic's noise removed."""
    schema = copy.deepcopy(schema)
    models = dict(schema.get("$defs", {}))
    models[schema.get("title", "")] = schema
    for name, body in models.items():
        props = body.get("properties")
        if not isinstance(props, dict):
            continue
        if "x-*" in props:
            del props["x-*"]
            body["patternProperties"] = dict(_X_KEYS)
        texts = DESCRIPTIONS.get(name, {})
        for key, prop in props.items():
            prop.pop("title", None)
            if prop.get("default") is None or prop.get("default") in ([], {}):
                prop.pop("default", None)
            if key in texts:
                prop["description"] = texts[key]
    return schema


def _enrich_deal(schema: dict[str, Any], process: Process) -> None:
    props = schema["properties"]
    codes = process.codes
    stage_lines = "; ".join(f"{s.code} {s.probability}% {s.name}" for s in process.stages)
    props["stage"] = {"enum": codes, "description": f"{props['stage']['description']} "
                      f"Stages: {stage_lines}."}
    currencies = [process.currency, *process.rates]
    _typed_history(schema["$defs"]["HistoryEntry"], process, currencies)
    _replace_value(props["currency"], {"enum": currencies})
    if process.procurement:
        _replace_value(props["procurement_step"], {"enum": [p.id for p in process.procurement]})
        props["procurement_step"]["description"] += " Steps: " + "; ".join(
            f"{p.id} ({p.name})" for p in process.procurement) + "."
    if process.lost_reasons:
        _replace_value(props["lost_reason"], {"enum": list(process.lost_reasons)})
    record = {"anyOf": [{"type": "string", "format": "date"},
                        {"$ref": "#/$defs/MilestoneRecord"}]}
    milestones: dict[str, Any] = {}
    for stage in process.stages:
        for m in stage.exit:
            milestones[m.id] = {**record, "description": f"Stage {stage.code}: {m.text}"}
    props["milestones"] = {
        "type": "object",
        "description": props["milestones"]["description"],
        "properties": milestones,
        "additionalProperties": False,
    }


def _typed_history(entry: dict[str, Any], process: Process, currencies: list[str]) -> None:
    """`from:`/`to:` hold stage codes in a move, the changed field's values otherwise."""
    from salesflow.model.process import ATTITUDES

    props = entry["properties"]
    for key in ("from", "to"):
        props[key] = {"description": props[key]["description"],
                      "type": ["string", "number", "null"]}
    steps: dict[str, Any] = ({"enum": [p.id for p in process.procurement]}
                             if process.procurement else {"type": "string"})
    values: dict[str, dict[str, Any]] = {
        "amount": _AMOUNT,
        "currency": {"enum": currencies},
        "expected_close": {"type": "string", "format": "date"},
        "procurement_step": steps,
        "attitude": {"enum": list(ATTITUDES)},
    }
    rules: list[dict[str, Any]] = [{
        "if": {"not": {"required": ["field"]}},
        "then": {"properties": {k: {"anyOf": [{"enum": process.codes}, {"type": "null"}]}
                                for k in ("from", "to")}},
    }]
    for name, value in values.items():
        rules.append({
            "if": {"required": ["field"], "properties": {"field": {"const": name}}},
            "then": {"properties": {k: {"anyOf": [value, {"type": "null"}]}
                                    for k in ("from", "to")}},
        })
    entry["allOf"] = rules


# An amount as the deal's own `amount:` takes it: a number, or a quoted number.
_AMOUNT: dict[str, Any] = {"anyOf": [
    {"type": "number", "minimum": 0, "exclusiveMaximum": 1e15},
    {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*$"},
]}


def _replace_value(prop: dict[str, Any], value: dict[str, Any]) -> None:
    """Swap the non-null part of a (possibly nullable) property, keeping its description."""
    branches = prop.get("anyOf")
    if isinstance(branches, list) and {"type": "null"} in branches:
        prop["anyOf"] = [value, {"type": "null"}]
        for key in ("type", "enum", "pattern", "items"):
            prop.pop(key, None)
        return
    for key in ("type", "enum", "pattern", "items", "anyOf", "format"):
        prop.pop(key, None)
    prop.update(value)
