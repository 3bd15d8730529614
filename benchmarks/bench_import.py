"""`salesflow import` of a CRM export at team scale: 10,000 rows in under 5 s.

    .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--rounds 3]

Generates the export the import recipe in docs/team.md reads (an
opportunities file of the public sales-pipeline shape, joined with products
and accounts files: tests/crmexport.py, deterministic), then, in each round,
imports it into an empty workspace as one whole process and times it. Beside
each import it times the floor no import can go under on this disk: a bare
Python loop creating as many files of the same size in an empty folder (no
parsing, no validation, no sync). The median of the rounds is reported, the
import against its 5 s target and against that floor; results go to
benchmarks/results/import.json; exit 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from tests.crmexport import (  # noqa: E402
    RECIPE,
    accounts_csv,
    pipeline_csv,
    pipeline_rows,
    products_csv,
)

TARGET_SECONDS = 5.0

FLOOR = """\
import os, sys
folder, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = b"x" * size
for i in range(count):
    with open(os.path.join(folder, f"f{i}.yaml"), "wb") as fh:
        fh.write(data)
"""


def salesflow_command() -> list[str]:
    script = Path(sys.executable).parent / "salesflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesflow"]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "import.json")
    args = parser.parse_args()

    package = subprocess.run(
        [sys.executable, "-c", "import salesflow, os; print(os.path.dirname(salesflow.__file__))"],
        capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    work = Path(tempfile.mkdtemp(prefix="salesflow-bench-import-"))
    env = dict(os.environ, SALESFLOW_CACHE_DIR=str(work / "cache"), NO_COLOR="1")
    env.pop("SALESFLOW_ROOT", None)
    sf = salesflow_command()
    template = REPO / "src" / "salesflow" / "templates" / "stages.en.yaml"
    source = work / "export"
    source.mkdir()
    (source / "sales_pipeline.csv").write_text(pipeline_csv(pipeline_rows(args.rows)),
                                               encoding="utf-8")
    (source / "products.csv").write_text(products_csv(), encoding="utf-8")
    (source / "accounts.csv").write_text(accounts_csv(), encoding="utf-8")
    (work / "floor.py").write_text(FLOOR, encoding="utf-8")
    imports: list[float] = []
    floors: list[float] = []
    size = 0
    try:
        for r in range(args.rounds):
            ws = work / f"ws-{r}"
            shutil.copytree(source, ws)
            (ws / "deals").mkdir()
            shutil.copy(template, ws / "stages.yaml")
            imports.append(timed([*sf, "import", "sales_pipeline.csv", *RECIPE], ws, env))
            files = list((ws / "deals").iterdir())
            assert len(files) == args.rows, len(files)
            size = round(sum(p.stat().st_size for p in files) / len(files))
            empty = work / f"floor-{r}"
            empty.mkdir()
            floors.append(timed([sys.executable, str(work / "floor.py"), str(empty),
                                 str(args.rows), str(size)], work, env))
            print(f"round {r + 1}/{args.rounds}: import {imports[-1]:.2f} s, "
                  f"bare file creation {floors[-1]:.2f} s", flush=True)
            shutil.rmtree(ws)
            shutil.rmtree(empty)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds, floor = statistics.median(imports), statistics.median(floors)
    passed = seconds <= TARGET_SECONDS
    print(f"import of {args.rows:,} rows: {seconds:.2f} s (target <= {TARGET_SECONDS} s) "
          f"{'PASS' if passed else 'FAIL'}; creating {args.rows:,} bare files of {size} bytes: "
          f"{floor:.2f} s")
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0], "platform": platform.platform(),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "rows": args.rows, "bytes_per_deal": size, "rounds": args.rounds,
        "import_seconds": [round(x, 3) for x in imports],
        "bare_files_seconds": [round(x, 3) for x in floors],
        "median_seconds": round(seconds, 3), "target_seconds": TARGET_SECONDS, "pass": passed,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
