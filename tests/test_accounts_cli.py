"""`salesflow account ...` and `accounts migrate` through the real CLI, on exact output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from salesflow.cli import _common
from tests.conftest import WS

REPO = Path(__file__).resolve().parent.parent
SCADA, PUMPS = "huadong-water-plant-scada", "huadong-water-pump-station"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    monkeypatch.setattr(_common, "today", lambda: dt.date(2026, 12, 2))


def test_person_set_attitude_once_opens_the_gate_of_every_deal(demo: WS) -> None:
    result = demo.run("account", "person", "set", "huadong-water", "刘建华",
                      "attitude=supporter")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "huadong-water: 刘建华: attitude=supporter\n"
    assert result.stderr == (
        f"{SCADA}: stage C: 2 of 3 exit milestone(s) met; still open: requirements-fit\n"
        f"{PUMPS}: stage C: 3 of 3 exit milestone(s) met; ready: salesflow advance {PUMPS}\n")
    text = (REPO / "accounts/huadong-water.yaml").read_text(encoding="utf-8")
    liu = text.index("  - name: 刘建华")
    assert demo.read("accounts/huadong-water.yaml") == text[:liu] + text[liu:].replace(
        "attitude: neutral", "attitude: supporter", 1)
    for deal in (SCADA, PUMPS):
        shown = json.loads(demo.run("show", deal, "--format", "json").stdout)
        people = {p["name"]: p["attitude"] for p in shown["stakeholders"]}
        assert people["刘建华"] == "supporter"
        gate = {m["id"]: m["met"] for m in shown["gate"]}
        assert gate["senior-supporter"] is True


def test_refusals_change_nothing(demo: WS) -> None:
    before = demo.snapshot()
    cases = [
        (("account", "person", "set", "huadong-water", "刘建", "attitude=supporter"),
         "error: '刘建' is not a person of account 'huadong-water'; did you mean '刘建华'?"),
        (("account", "person", "set", "huadong-water", "刘建华", "attitude=suporter"),
         "error: attitude: 'suporter' is not one of supporter, neutral, opponent, unknown; "
         "did you mean 'supporter'?"),
        (("account", "set", "huadong-water", "tiers=A"),
         "error: 'tiers' is not a field `account set` changes"),
        (("account", "set", "huadong-wate", "tier=A"),
         "error: no account with id 'huadong-wate'; did you mean 'huadong-water'?"),
        (("account", "person", "add", "huadong-water", "王磊"),
         "error: '王磊' is already a person of account 'huadong-water'"),
        (("account", "set", "huadong-water", "ours.2030=5"),
         "error: ours.2030: no wallet entry for 2030 yet"),
        (("account", "new", "huadong-water", "--name", "X"),
         "error: account 'huadong-water' already exists: accounts/huadong-water.yaml"),
    ]
    for args, said in cases:
        result = demo.run(*args)
        assert result.exit_code in (1, 2), args
        assert result.stderr.startswith(said), (args, result.stderr)
    assert demo.snapshot() == before


def test_account_set_edits_surgically_and_dry_run_writes_nothing(demo: WS) -> None:
    path = "accounts/huadong-water.yaml"
    old = demo.read(path)
    dry = demo.run("account", "set", "huadong-water", "tier=B", "share.2026=28%",
                   "spend.2027=21000000", "--dry-run")
    assert dry.exit_code == 0
    assert demo.read(path) == old
    assert "+  - {year: 2027, spend: 21000000}" in dry.stdout
    done = demo.run("account", "set", "huadong-water", "tier=B", "share.2026=28%",
                    "spend.2027=21000000", "ours.2027=7000000")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ("huadong-water: tier=B; share.2026=28%; spend.2027=21000000; "
                           "ours.2027=7000000\n")
    assert demo.read(path) == old.replace("tier: A", "tier: B").replace(
        "share: 30%}", "share: 28%}").replace(
        "  - {year: 2026, spend: 20000000, share: 28%}\n",
        "  - {year: 2026, spend: 20000000, share: 28%}\n"
        "  - {year: 2027, spend: 21000000, ours: 7000000}\n")
    assert demo.run("validate").exit_code == 0


def test_new_person_and_plan_build_a_valid_account(ws: WS) -> None:
    assert ws.run("account", "new", "acme", "--name", "Acme Water", "--tier", "a",
                  "--relationship", "initial").stdout == "created accounts/acme.yaml\n"
    assert ws.run("account", "person", "add", "acme", "Wang Wu", "--level",
                  "decision").exit_code == 0
    assert ws.run("account", "person", "add", "acme", "Zhang San", "--title", "Head",
                  "--level", "management", "--roles", "technical,evaluator", "--attitude",
                  "neutral", "--reports-to", "Wang Wu").exit_code == 0
    assert ws.run("account", "plan", "acme", "Zhang San", "--next", "Site visit", "--due",
                  "2026-12-10", "--goal", "middle").exit_code == 0
    assert ws.read("accounts/acme.yaml") == (
        "name: Acme Water\ntier: A\nrelationship: initial\n"
        "people:\n"
        "  - {name: Wang Wu, level: decision}\n"
        "  - {name: Zhang San, title: Head, level: management, roles: [technical, evaluator], "
        "attitude: neutral, reports_to: Wang Wu}\n"
        "plan:\n"
        "  - {person: Zhang San, goal: middle, next: Site visit, due: 2026-12-10}\n")
    assert ws.run("validate").exit_code == 0


def test_account_show_gives_exact_figures(demo: WS) -> None:
    result = demo.run("account", "show", "huadong-water")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:13] == [
        "huadong-water — 华东水务集团",
        "tier A · segment municipal · owner zhang.min",
        "",
        "Relationship: middle — trust is established; the customer still buys from others",
        "  too; it stands for a share of wallet of 30–50%",
        "Share of wallet (falling):",
        "  2026: 30.0% — ours 6,000,000 of 20,000,000 CNY",
        "  2025: 35.0% — ours 6,300,000 of 18,000,000 CNY",
        "  2024: 15.0% — ours 2,400,000 of 16,000,000 CNY",
        "",
        "Deals: 2 open (7,400,000 CNY, weighted 3,700,000), 0 won (0), 0 lost (0)",
        "Deal                        Stage  Status     Amount   Weighted",
        "huadong-water-plant-scada   C 50%  open    2,600,000  1,300,000",
    ]
    assert "  OVERDUE 2026-11-20  陈国平 (goal: middle):" in lines
    assert "      · huadong-water-pump-station: user buyer, coach" in lines
    assert max(len(line) for line in lines if line.isascii()) <= 80
    data = json.loads(demo.run("account", "show", "gulf-coast-water", "--format",
                               "json").stdout)
    assert data["deals"]["open"] == {"count": 1, "amount": "4544000.00"}
    assert data["deals"]["won"] == {"count": 1, "amount": "1491000.00"}
    assert data["deals"]["weighted"] == "1136000.00"
    assert data["wallet"][-1] == {"year": 2026, "spend": "3100000.00", "ours": "210000.00",
                                  "share": "6.8"}
    assert data["share_trend"] == "rising"
    assert data["relationship"]["share_of_wallet"] == "small"
    marcus = next(p for p in data["people"] if p["name"] == "Marcus Reyes")
    assert marcus["deals"] == [
        {"deal": "gulf-coast-intake-screens", "roles": ["user", "coach"],
         "attitude": "supporter"},
        {"deal": "gulf-coast-ro-expansion", "roles": ["user"], "attitude": None}]


def test_account_list_and_map(demo: WS) -> None:
    result = demo.run("account", "list", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id,name,tier,relationship,segment,owner,open,won,lost,weighted,share,share_year,path",
        "gulf-coast-water,Gulf Coast Regional Water Authority,B,initial,municipal,sarah.ortiz,"
        "1,1,0,1136000.00,6.8,2026,accounts/gulf-coast-water.yaml",
        "huadong-water,华东水务集团,A,middle,municipal,zhang.min,2,0,0,3700000.00,30.0,2026,"
        "accounts/huadong-water.yaml",
    ]
    mapped = json.loads(demo.run("account", "map", "gulf-coast-water", "--format",
                                 "json").stdout)
    coach = next(r for r in mapped["roles"] if r["role"] == "coach")
    assert [p["name"] for p in coach["people"]] == ["Marcus Reyes"]


def test_migrate_todays_demo_dry_run_then_write(tmp_path: Path, demo: WS) -> None:
    # today's demo without accounts: drop the accounts and the links
    shutil.rmtree(demo.root / "accounts")
    for path in (demo.root / "deals").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text("".join(line for line in text.splitlines(keepends=True)
                                if not line.startswith("account:")), encoding="utf-8")
    before = demo.snapshot()
    dry = demo.run("accounts", "migrate")
    assert dry.exit_code == 0, dry.stderr
    assert demo.snapshot() == before
    assert ("new account gulf-coast-regional-water (Gulf Coast Regional Water Authority): "
            "2 deal(s), 3 people") in dry.stdout
    assert "new account huadong-water (华东水务集团): 2 deal(s), 6 people" in dry.stdout
    assert "new account termoelectrica-del-pacifico-s (Termoeléctrica del Pacífico" in dry.stdout
    assert dry.stderr.startswith("dry run: 11 account(s), 13 deal(s); nothing was written")
    done = demo.run("accounts", "migrate", "--write")
    assert done.exit_code == 0, done.stderr
    assert "created accounts/huadong-water.yaml" in done.stdout
    valid = demo.run("validate")
    assert valid.exit_code == 0, valid.stdout
    assert valid.stderr == "ok: stages.yaml, 11 account file(s) and 13 deal file(s) are valid\n"
    assert demo.run("accounts", "migrate").stdout == (
        "nothing to migrate: every deal links to an account\n")


def test_migrate_merges_people_and_reports_conflicting_attitudes(ws: WS) -> None:
    ws.deal("acme-a", "customer: Acme\nstage: D\nstakeholders:\n"
            "  - {name: Wang, title: GM, level: decision, attitude: supporter}\n"
            "  - {name: Li, roles: [user], attitude: neutral}\n")
    ws.deal("acme-b", "customer: ACME \nstage: C\nstakeholders:\n"
            "  - {name: Wang, level: decision, roles: [decision], attitude: opponent}\n")
    result = ws.run("accounts", "migrate", "--write")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "new account acme (Acme): 2 deal(s), 2 people",
        "  deals/acme-a.yaml",
        "  deals/acme-b.yaml",
        "  conflict: Wang's attitude: supporter in acme-a, opponent in acme-b; the account "
        "takes supporter (kept on each deal that differs)",
    ]
    assert ws.read("accounts/acme.yaml") == (
        "name: Acme\npeople:\n"
        "  - name: Wang\n    title: GM\n    level: decision\n    attitude: supporter\n"
        "  - name: Li\n    attitude: neutral\n")
    assert ws.read("deals/acme-a.yaml") == (
        "customer: Acme\naccount: acme\nstage: D\nstakeholders:\n"
        "  - {name: Wang}\n  - {name: Li, roles: [user]}\n")
    assert ws.read("deals/acme-b.yaml") == (
        "customer: ACME \naccount: acme\nstage: C\nstakeholders:\n"
        "  - {name: Wang, roles: [decision], attitude: opponent}\n")
    assert ws.run("validate").exit_code == 0
