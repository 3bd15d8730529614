"""How long `salesflow board` takes to open on a big pipeline, warm: start to first full paint.

    .venv/bin/python benchmarks/board_open.py --deals 10000 --workspace /tmp/ws10k

Uses the workspace at --workspace, generating --deals deals into it first
(benchmarks/generate.py, deterministic) when it holds no deals yet; warms
the cache (one `load_overview`, as any earlier command would have); then,
in this process, times from the app's construction until its first full
paint headless (Textual's `App.run_test`, 160x48): every column drawn with
its header and the cards on screen with their risk badges, and the refresh
after it (`BoardApp.painted`). The imports come before the clock starts
(a whole process is what benchmarks/bench.py times). Prints one line of JSON:
{"deals": N, "seconds": S, "size": [160, 48]}. Each run uses a fresh app;
--rounds N reports the median of N runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZE = (160, 48)


def prepare(root: Path, deals: int) -> int:
    """The workspace with its deals (generated when missing), its cache warm; the count."""
    import salesflow.board.app  # noqa: F401 - the imports are not part of the figure
    from generate import generate
    from salesflow.files.load import load_overview

    if not (root / "stages.yaml").exists() or not any((root / "deals").rglob("*.yaml")):
        generate(root, deals)
    load_overview(root, cache=True)  # records the cache when it is cold
    return len(load_overview(root, cache=True).deals)  # the warm read; one held at a time


async def open_once(root: Path) -> float:
    """Seconds from constructing the app to its first full paint."""
    from salesflow.board.app import BoardApp  # imported by prepare(): not timed
    from salesflow.board.session import Session

    start = time.perf_counter()
    app = BoardApp(Session(root, by="bench"))
    async with app.run_test(size=SIZE):
        while not app.painted:  # set once the first full board has been refreshed
            await asyncio.sleep(0.001)
        seconds = time.perf_counter() - start
        app.exit()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=10000,
                        help="deals to generate when the workspace has none")
    parser.add_argument("--workspace", type=Path, required=True,
                        help="the workspace folder (created and filled when empty)")
    parser.add_argument("--rounds", type=int, default=1, help="runs; the median is printed")
    args = parser.parse_args()
    count = prepare(args.workspace, args.deals)
    runs = [asyncio.run(open_once(args.workspace)) for _ in range(max(1, args.rounds))]
    print(json.dumps({"deals": count, "seconds": round(statistics.median(runs), 3),
                      "size": list(SIZE)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
