"""A forced advance is visible as one: `stats` (table, JSON, CSV), `log` and `show`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import WS

pytestmark = pytest.mark.usefixtures("today")

FORCED = """\
customer: Forced Co
amount: 100
stage: E
history:
  - {date: 2026-10-01, to: G, by: li}
  - {date: 2026-10-05, from: G, to: F, by: li, forced: true, skipped: [visit-committed],
     reason: boss}
  - {date: 2026-10-09, from: F, to: E, by: li}
"""
NORMAL = """\
customer: Normal Co
amount: 100
stage: F
milestones: {visit-committed: 2026-10-02}
history:
  - {date: 2026-10-01, to: G, by: li}
  - {date: 2026-10-03, from: G, to: F, by: li}
"""


@pytest.fixture
def two(ws: WS) -> WS:
    ws.deal("forced", FORCED)
    ws.deal("normal", NORMAL)
    return ws


def test_stats_table_shows_forced_moves_beside_the_conversion(two: WS) -> None:
    result = two.run("stats", "--min-sample", "1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == ("Stage  Name                                           Prob.  Won from "
                        "here  To next stage  Forced  Avg days  Median days  Days n")
    assert lines[2] == ("G      Account planning and appointment                 10%          "
                        "— n=0     100.0% n=2       1       3.0          3.0       2")
    assert lines[3].startswith("F      Customer visit and first needs survey            20%  "
                               "        — n=0     100.0% n=1          ")
    assert ("Forced moves (past unmet milestones): 1 (forced); counted in \"To next "
            "stage\", shown under \"Forced\".") in lines


def test_stats_json_and_csv_count_forced_moves(two: WS) -> None:
    data = json.loads(two.run("stats", "--format", "json").stdout)
    assert data["forced"] == {"moves": 1, "ids": ["forced"]}
    assert [s["forced"] for s in data["stages"]] == [1, 0, 0, 0, 0, 0, 0, None]
    rows = list(csv.DictReader(io.StringIO(two.run("stats", "--format", "csv").stdout)))
    assert {"section": "overall", "key": "", "metric": "forced_moves", "value": "1",
            "sample": ""} in rows
    assert {"section": "stage", "key": "G", "metric": "forced_moves", "value": "1",
            "sample": "2"} in rows


def test_stats_window_counts_forced_moves_in_it(two: WS) -> None:
    data = json.loads(two.run("stats", "--from", "2026-10-06", "--format", "json").stdout)
    assert data["forced"] == {"moves": 0, "ids": []}
    out = two.run("stats", "--from", "2026-10-06", "--min-sample", "1").stdout
    assert "Forced" not in out


def test_log_and_show_mark_the_forced_move(two: WS) -> None:
    log = two.run("log", "forced")
    assert log.exit_code == 0
    assert "G → F (forced past visit-committed)" in log.stdout
    show = two.run("show", "forced")
    assert "G → F (forced past visit-committed)" in show.stdout
    entries = json.loads(two.run("log", "forced", "--format", "json").stdout)
    text = json.dumps(entries)
    assert '"forced": true' in text and '"skipped": ["visit-committed"]' in text
