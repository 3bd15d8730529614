"""`import --preset`: each CRM's documented export columns, tried on a sample export."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import DATA, WS

PIPEDRIVE_STAGES = ["--stage-map", "Lead In=G", "--stage-map", "Contact Made=F",
                    "--stage-map", "Demo Scheduled=D", "--stage-map", "Proposal Made=C",
                    "--stage-map", "Negotiations Started=A",
                    "--lost-reason-map", "Price too high=price",
                    "--lost-reason-map", "Went with competitor=competitor"]
SAMPLES = {
    "hubspot": ("hubspot-deals.csv", ["--currency", "USD"], 9, "x-hubspot-id"),
    "salesforce": ("salesforce-opportunities.csv", ["--currency", "USD"], 10,
                   "x-salesforce-id"),
    "pipedrive": ("pipedrive-deals.csv", PIPEDRIVE_STAGES, 8, "x-pipedrive-id"),
}


def _import(ws: WS, preset: str, *extra: str) -> tuple[int, str, str]:
    name, args, _, _ = SAMPLES[preset]
    shutil.copy(DATA / name, ws.root / name)
    result = ws.run("import", name, "--preset", preset, *args, *extra)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("preset", sorted(SAMPLES))
def test_each_preset_imports_its_sample(ws: WS, preset: str) -> None:
    name, _, count, id_key = SAMPLES[preset]
    code, out, err = _import(ws, preset)
    assert code == 0, err
    assert out == f"imported {count} deal(s) from {name} into deals/\n"
    assert ws.run("validate").exit_code == 0
    deals = json.loads(ws.run("export", "-f", "json").stdout)
    assert len(deals) == count and all(d[id_key] for d in deals)
    report = json.loads(ws.run("stats", "-f", "json", "--min-sample", "1").stdout)
    assert (report["win_rate"]["won"], report["win_rate"]["lost"]) == (2, 2)
    assert report["cycle_days_to_won"]["sample"] == 2
    past = json.loads(ws.run("funnel", "--as-of", "2026-03-01", "-f", "json").stdout)
    assert past["replay"]["disagree"]["count"] == 0


def test_hubspot_fields_and_history(ws: WS) -> None:
    code, _, err = _import(ws, "hubspot")
    assert code == 0, err
    assert err.splitlines() == [
        "--preset hubspot: HubSpot deals export stages mapped by win probability: "
        "Appointment Scheduled=F, Qualified To Buy=D, Presentation Scheduled=C, "
        "Decision Maker Bought-In=B, Contract Sent=A, Closed Won=S, Closed Lost=G "
        "(change any with --stage-map)"]
    text = ws.read("deals/18120337002.yaml")
    assert text == (
        "name: Gulf Coast Utility – SCADA upgrade\n"
        "customer: Gulf Coast Utility\n"
        "owner: Tom Becker\n"
        "amount: 120000\n"
        "currency: USD\n"
        "stage: G\n"
        "status: lost\n"
        "expected_close: 2026-03-02\n"
        "lost_reason: price\n"
        'x-hubspot-id: "18120337002"\n'
        "x-pipeline: Sales Pipeline\n"
        "x-deal-type: New Business\n"
        "history:\n"
        "  - {date: 2025-12-01, to: G, by: tester, note: imported from hubspot-deals.csv}\n"
        "  - {date: 2026-03-02, status: lost, by: tester, reason: price}\n")
    won = ws.read("deals/18120337001.yaml")
    assert "  - {date: 2026-04-17, from: G, to: S, status: won, by: tester}\n" in won


def test_salesforce_dates_and_amounts(ws: WS) -> None:
    code, _, err = _import(ws, "salesforce")
    assert code == 0, err
    deal = {d["x-salesforce-id"]: d for d in json.loads(ws.run("export", "-f", "json").stdout)}
    one = deal["0065g00000Ab3XYAAZ"]
    assert (one["stage"], one["status"], one["amount"], one["expected_close"],
            one["created"]) == ("A", "open", "15500.00", "2026-07-31", "2026-02-20")
    assert deal["0065g00000Ab6XYAAZ"]["amount"] == "72250.50"


def test_pipedrive_needs_a_stage_map_said_in_one_line(ws: WS) -> None:
    shutil.copy(DATA / "pipedrive-deals.csv", ws.root / "p.csv")
    before = ws.snapshot()
    result = ws.run("import", "p.csv", "--preset", "pipedrive")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: --preset pipedrive: the stage names of a Pipedrive deals export are your "
        "company's own: map each with --stage-map NAME=CODE (the file has 'Contact Made', "
        "'Demo Scheduled', 'Lead In', 'Negotiations Started', 'Proposal Made')")
    assert ws.snapshot() == before


def test_pipedrive_won_deals_go_to_the_won_stage_with_their_won_time(ws: WS) -> None:
    code, _, err = _import(ws, "pipedrive")
    assert code == 0, err
    text = ws.read("deals/106.yaml")
    assert "stage: S\nstatus: won\n" in text
    assert text.endswith("  - {date: 2026-05-06, from: G, to: S, status: won, by: tester}\n")
    lost = ws.read("deals/108.yaml")
    assert "stage: D\nstatus: lost\n" in lost and "lost_reason: competitor\n" in lost
    assert lost.endswith("  - {date: 2026-04-30, from: G, to: D, status: lost, by: tester, "
                         "reason: competitor}\n")


def test_command_line_options_win_over_the_preset(ws: WS) -> None:
    code, _, err = _import(ws, "hubspot", "--stage-map", "Contract Sent=B",
                           "-m", "owner=Pipeline")
    assert code == 0, err
    assert "Contract Sent=" not in err
    deal = json.loads(ws.run("export", "-f", "json").stdout)
    by_id = {d["x-hubspot-id"]: d for d in deal}
    assert by_id["18120337003"]["stage"] == "B"
    assert by_id["18120337003"]["owner"] == "Sales Pipeline"


def test_an_unknown_preset(ws: WS) -> None:
    ws.write("crm.csv", "customer\nA\n")
    result = ws.run("import", "crm.csv", "--preset", "zoho")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --preset 'zoho' is not a preset")
