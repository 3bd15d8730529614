"""`import --update`: a changed CRM export applied to the deals it created, exactly."""

from __future__ import annotations

import copy
import datetime as dt
import json

from tests.conftest import WS
from tests.crmexport import (
    PRODUCTS,
    RECIPE,
    accounts_csv,
    pipeline_csv,
    pipeline_rows,
    products_csv,
)

TODAY = dt.date.today().isoformat()
PEOPLE = ("stakeholders:\n  - name: Ann Lee\n    roles: [financial]\n"
          "needs:\n  - {kind: I, text: fewer outages}\n")


def _workspace(ws: WS, rows: list[list[str]]) -> None:
    ws.write("sales_pipeline.csv", pipeline_csv(rows))
    ws.write("products.csv", products_csv())
    ws.write("accounts.csv", accounts_csv())


def test_update_applies_exactly_the_changes_of_the_crm(ws: WS) -> None:
    rows = pipeline_rows(400, seed=9)
    _workspace(ws, rows)
    assert ws.run("import", "sales_pipeline.csv", *RECIPE).exit_code == 0
    # salesflow's own content on a deal the CRM will change
    engaging = next(r for r in rows if r[4] == "Engaging" and r[3])
    path = f"deals/{engaging[0].lower()}.yaml"
    text = ws.read(path)
    ws.write(path, text.replace("history:\n", PEOPLE + "history:\n"))
    before = ws.snapshot()

    changed = copy.deepcopy(rows)
    by_id = {r[0]: r for r in changed}
    won = by_id[engaging[0]]  # Engaging -> Won, closed with a value
    won[4], won[6], won[7] = "Won", "2017-09-30", "5100"
    agent = next(r for r in changed if r[4] == "Lost" and r[0] != won[0])
    agent[1] = "Zane Levy" if agent[1] != "Zane Levy" else "Moses Frase"
    prospect = next(r for r in changed if r[4] == "Prospecting")
    prospect[3] = "Konex"  # the account became known
    changed.append(["NEWDEAL01", "Zane Levy", "GTX Pro", "Codehow", "Engaging", "2017-10-01",
                    "", ""])
    _workspace(ws, changed)
    result = ws.run("import", "sales_pipeline.csv", *RECIPE, "--update")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1 new, 3 updated, 397 unchanged\n"

    after = ws.snapshot()
    touched = {f"deals/{r[0].lower()}.yaml" for r in (won, agent, prospect)}
    new = "deals/newdeal01.yaml"
    for rel, data in before.items():
        if rel not in touched and rel.startswith("deals/"):
            assert after[rel] == data, rel  # byte for byte
    assert set(after) - set(before) == {new}

    text = ws.read(path)
    assert PEOPLE in text  # what salesflow owns is kept
    assert "stage: S\nstatus: won\n" in text and "amount: 5100\n" in text
    assert text.endswith(
        "  - {date: 2017-09-30, from: D, to: S, status: won, by: tester, "
        "note: updated from sales_pipeline.csv}\n"
        f"  - {{date: {TODAY}, field: amount, from: {PRODUCTS[engaging[2]][1]}, to: 5100, "
        "by: tester}\n")
    assert f"owner: {agent[1]}\n" in ws.read(f"deals/{agent[0].lower()}.yaml")
    assert "customer: Konex\nowner:" in ws.read(f"deals/{prospect[0].lower()}.yaml")
    assert ws.run("validate").exit_code == 0
    report = json.loads(ws.run("stats", "-f", "json").stdout)
    assert report["win_rate"]["won"] == sum(1 for r in changed if r[4] == "Won")
    past = json.loads(ws.run("funnel", "--as-of", "2017-06-01", "-f", "json").stdout)
    assert past["replay"]["disagree"]["count"] == 0

    # the same file again changes nothing
    again = ws.run("import", "sales_pipeline.csv", *RECIPE, "--update")
    assert again.stdout == "0 new, 0 updated, 401 unchanged\n"
    assert ws.snapshot() == after


def test_update_dry_run_shows_and_writes_nothing(ws: WS) -> None:
    ws.write("crm.csv", "id,customer,amount,stage\na,A,5,G\nb,B,6,G\n")
    assert ws.run("import", "crm.csv", "-m", "x-crm-id=id").exit_code == 0
    ws.write("crm.csv", "id,customer,amount,stage\na,A,7,G\nb,B,6,F\nc,C,1,G\n")
    before = ws.snapshot()
    result = ws.run("import", "crm.csv", "-m", "x-crm-id=id", "--update", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["a: amount 5 → 7", "b: G/open → F/open", "c: new"]
    assert result.stderr == "dry run: 1 new, 2 updated, 0 unchanged; nothing was written\n"
    assert ws.snapshot() == before


def test_update_matches_by_the_crm_id_key_even_after_a_rename(ws: WS) -> None:
    ws.write("crm.csv", "Record,customer,amount\nR-1,Acme,5\n")
    assert ws.run("import", "crm.csv", "--id-column", "Record", "-m",
                  "x-crm-id=Record").exit_code == 0
    (ws.root / "deals" / "r-1.yaml").rename(ws.root / "deals" / "acme-pumps.yaml")
    ws.write("crm.csv", "Record,customer,amount\nR-1,Acme,8\n")
    result = ws.run("import", "crm.csv", "--id-column", "Record", "-m", "x-crm-id=Record",
                    "--update")
    assert result.stdout == "0 new, 1 updated, 0 unchanged\n", result.stderr
    assert "amount: 8\n" in ws.read("deals/acme-pumps.yaml")
    assert sorted(p.name for p in (ws.root / "deals").iterdir()) == ["acme-pumps.yaml"]


def test_update_never_removes_what_an_empty_cell_leaves_out(ws: WS) -> None:
    ws.write("crm.csv", "id,customer,amount,owner\na,A,5,li\n")
    assert ws.run("import", "crm.csv").exit_code == 0
    ws.write("crm.csv", "id,customer,amount,owner\na,A,,\n")
    result = ws.run("import", "crm.csv", "--update")
    assert result.stdout == "0 new, 0 updated, 1 unchanged\n", result.stderr
    assert "amount: 5\nowner: li\n" not in ws.read("deals/a.yaml")  # key order: owner first
    assert "owner: li\namount: 5\n" in ws.read("deals/a.yaml")


def test_update_needs_an_id_and_refuses_a_deal_twice(ws: WS) -> None:
    ws.write("crm.csv", "customer\nA\n")
    result = ws.run("import", "crm.csv", "--update")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: import --update matches rows to deals by the "
                                    "CRM's id")
    ws.write("crm.csv", "id,customer\na,A\n")
    assert ws.run("import", "crm.csv").exit_code == 0
    ws.write("crm.csv", "id,customer\na,A\na,B\n")
    before = ws.snapshot()
    twice = ws.run("import", "crm.csv", "--update")
    assert twice.exit_code == 1
    assert twice.stderr.splitlines()[0] == ("crm.csv:3:1: column 'id': deal 'a' is given by "
                                            "line 2 too: one row per deal")
    assert ws.snapshot() == before


def test_a_failed_update_puts_everything_back(ws: WS, monkeypatch: object) -> None:
    import pytest

    from salesflow.files import yamlio

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    ws.write("crm.csv", "id,customer,amount\na,A,1\nb,B,2\n")
    assert ws.run("import", "crm.csv").exit_code == 0
    ws.write("crm.csv", "id,customer,amount\na,A,3\nb,B,4\nc,C,5\n")
    before = ws.snapshot()
    real = yamlio.write_atomic
    calls: list[object] = []

    def flaky(path: object, data: bytes, *, exclusive: bool = False) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        real(path, data, exclusive=exclusive)

    monkeypatch.setattr(yamlio, "write_atomic", flaky)
    result = ws.run("import", "crm.csv", "--update")
    assert result.exit_code == 1
    assert "import stopped: No space left on device" in result.stderr
    after = ws.snapshot()
    assert after == before
