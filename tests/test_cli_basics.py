"""The read-side commands through the CLI, with exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import WS

ACME = """\
name: Pump station retrofit
customer: Acme Water Works
owner: li.wei
amount: 1250000
stage: C
expected_close: 2027-03-31
segment: municipal
product_line: pumps
milestones:
  visit-committed: 2026-08-02
history:
  - {date: 2026-07-15, to: G, by: li.wei}
"""

USD = """\
customer: Gulf Coast Utility
owner: sarah.ortiz
amount: 100000.50
currency: USD
stage: G
"""

WON = """\
customer: 华东水务集团
name: 泵站改造项目
owner: 张敏
amount: 200000
stage: S
status: won
"""

LOST = "customer: Lost Co\nstage: E\nstatus: lost\nlost_reason: price\namount: 5\n"
HOLD = "customer: Held Co\nstage: D\nstatus: hold\namount: 7\n"
NOAMOUNT = "customer: No Amount Co\nstage: G\n"


@pytest.fixture
def pipeline(ws: WS) -> WS:
    ws.write("stages.yaml", ws.read("stages.yaml").replace("currency: CNY", "currency: CNY\n"
                                                          "rates: {USD: 7.1, EUR: 7.8}", 1)
             if "rates:" not in ws.read("stages.yaml") else ws.read("stages.yaml"))
    ws.deal("acme", ACME)
    ws.deal("gulf", USD)
    ws.deal("huadong", WON)
    ws.deal("lost", LOST)
    ws.deal("hold", HOLD)
    ws.deal("noamount", NOAMOUNT)
    return ws


def test_funnel_json_arithmetic(pipeline: WS) -> None:
    result = pipeline.run("funnel", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["currency"] == "CNY"
    rows = {r["code"]: r for r in data["stages"]}
    assert [r["code"] for r in data["stages"]] == ["G", "F", "E", "D", "C", "B", "A", "S"]
    # USD 100000.50 x 7.1 = 710003.55, at 10% = 71000.355 -> 71000.36 (half up)
    assert rows["G"] == {"code": "G", "name": rows["G"]["name"], "probability": 10, "count": 2,
                         "amount": "710003.55", "weighted": "71000.36",
                         "without_amount": ["noamount"]}
    assert (rows["C"]["count"], rows["C"]["amount"], rows["C"]["weighted"]) == (
        1, "1250000.00", "625000.00")
    assert (rows["S"]["count"], rows["S"]["amount"], rows["S"]["weighted"]) == (
        1, "200000.00", "200000.00")
    assert data["total"] == {"count": 4, "amount": "2160003.55", "weighted": "896000.36",
                             "without_amount": ["noamount"]}
    assert data["excluded"] == {"lost": {"count": 1, "ids": ["lost"]},
                                "hold": {"count": 1, "ids": ["hold"]}}


def test_funnel_csv(pipeline: WS) -> None:
    result = pipeline.run("funnel", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "code,name,probability,count,amount,weighted,without_amount"
    assert lines[1].startswith("G,") and lines[1].endswith(",10,2,710003.55,71000.36,1")
    assert lines[-1] == "TOTAL,,,4,2160003.55,896000.36,1"


def test_funnel_table_when_piped(pipeline: WS) -> None:
    result = pipeline.run("funnel")
    assert result.exit_code == 0
    out = result.stdout
    assert "\x1b[" not in out
    assert "Left out: 1 lost, 1 on hold." in out
    assert "1 deal(s) without an amount (counted, not valued; marked ?): noamount" in out
    g_row = next(line for line in out.splitlines() if line.startswith("G "))
    assert "2 +1?" in g_row and "710,004" in g_row and "71,000" in g_row
    total = next(line for line in out.splitlines() if "Total" in line)
    assert "2,160,004" in total
    assert all(line == line.rstrip() for line in out.splitlines())


def test_funnel_leaves_out_invalid_deals_and_says_so(pipeline: WS) -> None:
    pipeline.deal("broken", "customer: X\nstage: Q\n")
    result = pipeline.run("funnel", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["total"]["count"] == 4
    assert "deals/broken.yaml:2:8: unknown stage 'Q'" in result.stderr


def test_list_json_shape(pipeline: WS) -> None:
    result = pipeline.run("list", "--format", "json", "--status", "all")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["huadong", "acme", "hold", "lost", "gulf", "noamount"]
    acme = rows[1]
    assert acme == {"id": "acme", "name": "Pump station retrofit",
                    "customer": "Acme Water Works", "owner": "li.wei", "stage": "C",
                    "status": "open", "amount": "1250000.00", "currency": None,
                    "expected_close": "2027-03-31", "segment": "municipal",
                    "product_line": "pumps", "path": "deals/acme.yaml"}


def test_list_filters(pipeline: WS) -> None:
    result = pipeline.run("list", "--format", "csv", "--owner", "li.wei")
    assert result.stdout.splitlines()[1].startswith("acme,")
    assert len(result.stdout.splitlines()) == 2
    assert pipeline.run("list", "--status", "closed").exit_code == 2
    assert pipeline.run("list", "--stage", "Q").exit_code == 2


def test_list_table_aligns_cjk(pipeline: WS) -> None:
    from rich.cells import cell_len

    out = pipeline.run("list", "--status", "all").stdout.splitlines()
    header = out[0]
    col = header.index("Owner")
    for line in out[1:]:
        # every row's Owner column starts at the same display cell as the header's
        for i in range(len(line)):
            if cell_len(line[:i]) == col:
                assert line[i - 2 : i] == "  ", line
                break


def test_show_json_and_text(pipeline: WS) -> None:
    result = pipeline.run("show", "acme", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "acme"
    assert data["amount"] == "1250000.00"
    assert data["weighted"] == "625000.00"
    assert data["milestones"] == {"visit-committed": {"date": "2026-08-02"}}
    text = pipeline.run("show", "deals/huadong.yaml").stdout
    assert "huadong — 泵站改造项目" in text
    assert "张敏" in text


def test_show_unknown_deal_is_a_usage_error(pipeline: WS) -> None:
    result = pipeline.run("show", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no deal with id 'nope'")
    assert pipeline.run("show", "../etc/passwd").exit_code == 2
    assert pipeline.run("show", "A B").exit_code == 2


def test_check_exit_codes_and_json(pipeline: WS, ws: WS) -> None:
    result = pipeline.run("check", "gulf", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["id"] == "gulf" and data["stage"] == "G" and data["ready"] is False
    assert [(m["id"], m["met"]) for m in data["milestones"]] == [("visit-committed", False)]
    pipeline.deal("gulf", USD + "milestones: {visit-committed: 2026-11-01}\n")
    result = pipeline.run("check", "gulf")
    assert result.exit_code == 0
    assert "[x] visit-committed" in result.stdout
    assert "ready to advance to F: salesflow advance gulf" in result.stdout


def test_validate_clean_is_silent(pipeline: WS) -> None:
    result = pipeline.run("validate")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "ok: stages.yaml and 6 deal file(s) are valid\n"


def test_validate_reports_every_problem(pipeline: WS) -> None:
    pipeline.deal("a", "customer: X\nstage: Q\n")
    pipeline.deal("b", "customer: X\nstage: G\nammount: 3\n")
    pipeline.write("deals/sub/acme.yaml", "customer: X\nstage: G\n")
    result = pipeline.run("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "deals/a.yaml:2:8: unknown stage 'Q' (expected one of G, F, E, D, C, B, A, S)",
        "deals/acme.yaml: deal id 'acme' is also used by deals/sub/acme.yaml; ids (file names) "
        "must be unique",
        "deals/b.yaml:3:1: unknown key 'ammount' (did you mean 'amount'?)",
        "deals/sub/acme.yaml: deal id 'acme' is also used by deals/acme.yaml; ids (file names) "
        "must be unique",
    ]
    assert result.stderr == "4 problem(s) in 4 file(s)\n"
    one = pipeline.run("validate", "deals/b.yaml", "--format", "json")
    assert json.loads(one.stdout) == {"valid": False, "checked": 1, "problems": [
        {"path": "deals/b.yaml", "line": 3, "column": 1,
         "message": "unknown key 'ammount' (did you mean 'amount'?)", "code": "unknown-key"}]}


def test_validate_broken_process(ws: WS) -> None:
    ws.write("stages.yaml", "currency: CNY\nstages: []\n")
    result = ws.run("validate")
    assert result.exit_code == 1
    assert result.stdout == "stages.yaml:2:9: stages: expected at least 2 entries, found 0\n"


def test_outside_a_workspace(tmp_path: Path, ws: WS) -> None:
    result = ws.run("funnel", cwd=tmp_path)
    assert result.exit_code == 2
    assert "not inside a salesflow workspace" in result.stderr
    assert "salesflow init" in result.stderr


def test_root_option_and_env(ws: WS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.deal("a", "customer: X\nstage: G\n")
    assert ws.run("--root", str(ws.root), "list", "--format", "csv", cwd=tmp_path).stdout.count(
        "\n") == 2
    monkeypatch.setenv("SALESFLOW_ROOT", str(ws.root))
    assert ws.run("list", "--format", "csv", cwd=tmp_path).exit_code == 0
    monkeypatch.setenv("SALESFLOW_ROOT", str(tmp_path))
    assert ws.run("list", cwd=tmp_path).exit_code == 2


def test_found_from_a_subfolder(ws: WS) -> None:
    ws.deal("a", "customer: X\nstage: G\n")
    assert ws.run("list", "--format", "csv", cwd=ws.root / "deals").exit_code == 0


def test_init_and_refuse_overwrite(tmp_path: Path, ws: WS) -> None:
    target = tmp_path / "new"
    result = ws.run("init", str(target))
    assert result.exit_code == 0
    assert (target / "stages.yaml").read_bytes() == (
        b"# yaml-language-server: $schema=.salesflow/schema/stages.json\n"
        + (Path(__file__).parent.parent / "src/salesflow/templates/stages.en.yaml").read_bytes())
    assert (target / "deals").is_dir()
    assert sorted(p.name for p in (target / ".salesflow" / "schema").iterdir()) == [
        "account.json", "deal.json", "stages.json"]
    before = (target / "stages.yaml").read_bytes()
    again = ws.run("init", str(target))
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert (target / "stages.yaml").read_bytes() == before
    assert ws.run("init", str(tmp_path / "x"), "--lang", "fr").exit_code == 2


def test_new_writes_a_valid_deal(ws: WS) -> None:
    result = ws.run("new", "acme-pumps", "--customer", "no", "--name", "2026-01-01",
                    "--amount", "1,250,000.50", "--close", "2027-03-31", "--owner", "yes",
                    "--segment", "municipal: north", "--product-line", "泵")
    assert result.exit_code == 0, result.stderr
    text = ws.read("deals/acme-pumps.yaml")
    assert text.splitlines()[:10] == [
        'name: "2026-01-01"',
        'customer: "no"',
        'owner: "yes"',
        "amount: 1250000.50",
        "stage: G",
        "status: open",
        "expected_close: 2027-03-31",
        'segment: "municipal: north"',
        "product_line: 泵",
        "history:",
    ]
    assert text.splitlines()[10].startswith("  - {date: ")
    assert text.splitlines()[10].endswith(", to: G, by: tester}")
    shown = json.loads(ws.run("show", "acme-pumps", "--format", "json").stdout)
    assert (shown["customer"], shown["owner"], shown["name"]) == ("no", "yes", "2026-01-01")


@pytest.mark.parametrize("bad", ["../x", "A B", "Acme", "_x", "x/y", "", "x" * 121])
def test_new_refuses_bad_ids(ws: WS, bad: str) -> None:
    before = ws.snapshot()
    result = ws.run("new", bad, "--customer", "X")
    assert result.exit_code == 2
    assert "not a valid deal id" in result.stderr
    assert ws.snapshot() == before


def test_new_refuses_existing_and_bad_options(ws: WS) -> None:
    ws.write("deals/sub/acme.yaml", "customer: X\nstage: G\n")
    before = ws.snapshot()
    assert ws.run("new", "acme", "--customer", "Y").exit_code == 1
    assert ws.run("new", "b", "--customer", "Y", "--stage", "Q").exit_code == 2
    assert ws.run("new", "b", "--customer", "Y", "--amount", "lots").exit_code == 2
    assert ws.run("new", "b", "--customer", "Y", "--close", "31/03/2027").exit_code == 2
    assert ws.run("new", "b", "--customer", "Y", "--currency", "JPY").exit_code == 1
    assert ws.snapshot() == before


def test_version() -> None:
    from typer.testing import CliRunner

    from salesflow import __version__
    from salesflow.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout == f"salesflow {__version__}\n"


def test_init_over_a_file_is_a_clean_error(ws: WS) -> None:
    ws.deal("a", "customer: X\nstage: G\n")
    result = ws.run("init", "deals/a.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot access deals/a.yaml: File exists")
