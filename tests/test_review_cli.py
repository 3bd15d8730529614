"""`salesflow review` through the CLI: the demo's real risks, formats, options, exit codes."""

from __future__ import annotations

import csv
import json

from tests.aligned import assert_aligned
from tests.conftest import WS

AS_OF = "2026-11-27"


def test_review_names_the_demos_real_risks(demo: WS) -> None:
    result = demo.run("review", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == AS_OF and data["currency"] == "CNY"
    found = {d["id"]: [r["code"] for r in d["risks"]] for d in data["deals"]}
    assert list(found) == [  # biggest weighted amount first, held deals last
        "lubei-compressor-plc", "klinikum-nordstadt-ro", "huadong-water-pump-station",
        "huadong-water-plant-scada", "gulf-coast-ro-expansion", "binhai-condensate-pump-vfd",
        "meida-assembly-mes",
        "huaxin-leak-test-data", "ningbo-port-chem-cooling", "qiantang-hospital-hvac"]
    assert found["lubei-compressor-plc"] == ["opponent-buyer", "out-of-step"]
    assert found["meida-assembly-mes"] == ["rule-broken"]
    assert found["gulf-coast-ro-expansion"] == ["no-coach", "relationship-too-low"]
    assert found["huadong-water-pump-station"] == ["share-falling", "plan-overdue"]
    assert found["huaxin-leak-test-data"] == ["idle", "close-passed", "next-step-overdue",
                                              "no-coach", "no-decision-level"]
    assert found["klinikum-nordstadt-ro"] == []
    lubei = data["deals"][0]
    assert lubei == {
        "id": "lubei-compressor-plc", "name": "压缩机站PLC控制系统改造",
        "customer": "鲁北石化股份有限公司", "owner": "li.wei", "stage": "A", "status": "open",
        "amount": "6200000.00", "weighted": "5580000.00",
        "path": "deals/lubei-compressor-plc.yaml", "risks": lubei["risks"]}
    assert lubei["risks"][1]["reason"] == (
        "sales stage A is 3 stages ahead of the customer, who is at step 4/16 “The budget is "
        "set” (goes with E, D)")
    held = data["deals"][-1]
    assert (held["status"], held["amount"], held["weighted"]) == ("hold", "1350000.00", None)


def test_review_table(demo: WS) -> None:
    result = demo.run("review", "--as-of", AS_OF)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == ("Deal review as of 2026-11-27: 6 of 10 deal(s) at risk, 14 risk(s); "
                        "biggest weighted amount (CNY) first")
    assert lines[2] == ("lubei-compressor-plc · 压缩机站PLC控制系统改造 · 鲁北石化股份有限公司  "
                        "A 90% · li.wei · weighted 5,580,000 CNY")
    assert lines[3] == ("  opponent-buyer        郑强 (供应处处长), financial buyer, is an "
                        "opponent")
    assert lines[4] == ("                        → learn what 郑强 objects to and answer it "
                        "through someone they trust, e.g. 韩志强 or 许文斌; do not leave the "
                        "budget to 郑强 alone")
    assert lines[-1] == ("No risks found: klinikum-nordstadt-ro, binhai-condensate-pump-vfd, "
                         "ningbo-port-chem-cooling, qiantang-hospital-hvac")
    # the reasons of every deal start in one column, CJK or not
    risk_lines = [line for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert_aligned(["  risk                  why", *risk_lines])


def test_review_csv_has_a_row_per_risk(demo: WS) -> None:
    result = demo.run("review", "--as-of", AS_OF, "--format", "csv", "--owner", "chen.jie")
    lines = result.stdout.splitlines()
    assert lines[0] == "id,name,customer,owner,stage,status,weighted,risk,reason,move"
    assert [row[7] for row in csv.reader(lines[1:])] == [
        "rule-broken", "idle", "close-passed", "next-step-overdue", "no-coach",
        "no-decision-level"]
    assert lines[2].startswith("huaxin-leak-test-data,End-of-line leak test data system,"
                               "\"Shandong Huaxin Auto Parts Co., Ltd.\",chen.jie,F,open,37200.00,"
                               "idle,idle for 72 days in stage F (stalled after 30)")


def test_review_as_of_moves_the_clock(demo: WS) -> None:
    early = json.loads(demo.run("review", "--as-of", "2026-11-01", "--format", "json").stdout)
    risks = {d["id"]: [r["code"] for r in d["risks"]] for d in early["deals"]}
    assert risks["huaxin-leak-test-data"] == ["idle", "no-coach", "no-decision-level"]


def test_review_options_and_exit_codes(ws: WS) -> None:
    assert ws.run("review", "--as-of", "27/11/2026").exit_code == 2
    assert ws.run("review", "--format", "xml").exit_code == 2
    empty = ws.run("review")
    assert empty.exit_code == 0
    assert empty.stdout.startswith("Deal review as of ")
    ws.deal("ok", "customer: X\nstage: G\nnext_steps: [{due: 2999-01-01, action: call}]\n")
    ws.deal("broken", "customer: X\nstage: Q\n")
    before = ws.snapshot()
    result = ws.run("review", "--format", "json")
    assert result.exit_code == 1  # a report that left an invalid file out says so
    assert [d["id"] for d in json.loads(result.stdout)["deals"]] == ["ok"]
    assert "deals/broken.yaml:2:8: unknown stage 'Q'" in result.stderr
    assert ws.snapshot() == before
