"""Twenty processes advancing, ticking and losing deals in one workspace at once.

Every process runs its commands in its own interpreter, all released at the
same moment. Afterwards no update is lost, every file is valid and every
history is complete.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from salesflow.files.load import load_workspace
from tests.conftest import REPO, WS

RUNNER = """
import json, os, sys, time
from salesflow.cli import app
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.001)
failures = []
for cmd in json.loads(sys.argv[2]):
    try:
        app(cmd, standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            failures.append([cmd, exc.code])
print(json.dumps(failures))
"""

M1 = ["visit-committed", "proposal-expected", "tech-exchange-committed"]
M2 = ["requirements-fit", "evaluation-leaning", "terms-agreed"]


def _deal(i: int) -> str:
    return (f"# deal {i}, written by hand\ncustomer: Customer {i}   # 客户 {i}\nstage: G\n"
            f"amount: {(i + 1) * 1000}\nhistory:\n  - {{date: 2026-01-01, to: G, by: t}}\n")


def test_twenty_writers_lose_nothing(ws: WS) -> None:
    for i in range(10):
        ws.deal(f"d{i}", _deal(i))
    jobs: list[list[list[str]]] = []
    for i in range(7):  # two tickers per deal; the first also advances G -> F
        jobs.append([["tick", f"d{i}", m, "--by", "a"] for m in M1]
                    + [["advance", f"d{i}", "--by", "a", "--date", "2026-02-01"]])
        jobs.append([["tick", f"d{i}", m, "--by", "b"] for m in M2])
    for i in range(7, 10):  # tick, advance, lose; another process ticks meanwhile
        jobs.append([["tick", f"d{i}", "visit-committed"],
                     ["advance", f"d{i}", "--date", "2026-02-01"],
                     ["lose", f"d{i}", "--reason", "price", "--date", "2026-03-01"]])
        jobs.append([["tick", f"d{i}", m] for m in M2])
    assert len(jobs) == 20

    go = ws.root.parent / "go"
    env = dict(os.environ, SALESFLOW_ROOT=str(ws.root), PYTHONPATH=str(REPO / "src"))
    procs = [subprocess.Popen([sys.executable, "-c", RUNNER, str(go), json.dumps(job)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for job in jobs]
    time.sleep(1.0)  # let every interpreter start and wait at the line
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == [], err

    loaded = load_workspace(ws.root)
    assert loaded.problems == []
    deals = {d.id: d.deal for d in loaded.deals}
    for i in range(10):
        deal = deals[f"d{i}"]
        text = ws.read(f"deals/d{i}.yaml")
        assert text.startswith(_deal(i).split("stage:")[0])
        if i < 7:
            assert set(deal.milestones) == set(M1) | set(M2)
            assert (deal.stage, deal.status) == ("F", "open")
            assert [(h.from_, h.to, h.status) for h in deal.history] == [
                (None, "G", None), ("G", "F", None)]
        else:
            assert set(deal.milestones) == {"visit-committed"} | set(M2)
            assert (deal.stage, deal.status, deal.lost_reason) == ("F", "lost", "price")
            assert [(h.from_, h.to, h.status) for h in deal.history] == [
                (None, "G", None), ("G", "F", None), (None, None, "lost")]
    assert list(Path(ws.root / "deals").glob(".*.tmp")) == []
