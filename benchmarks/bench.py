"""salesflow at team scale: every command as a whole process, as a ratio to one baseline.

    .venv/bin/python benchmarks/bench.py --deals 10000 --deals 50000 [--200k]

For each N, generates N realistic deals (benchmarks/generate.py, deterministic;
`--workspaces DIR` keeps them there and reuses them next time) into a
workspace, then measures in rounds, each round timing every figure once, so
that all figures share the machine's load of the moment; the median of the
rounds is reported:

- B: a bare Python loop reading and parsing every deal file with pyyaml's C
  loader (no validation): what reading the workspace costs at the least;
- cold `funnel --format json` with an empty cache; every report warm (nothing
  changed): funnel, forecast, stats, export --format csv, review (table and
  csv), list (table and csv), changes, trend, show and check on one deal;
  `changes` in a copy of the workspace kept in git (one commit, 1 % of the
  deals edited since), as a team runs it; the funnel warm after editing one
  deal; `validate`, which reads every file by
  design; cold, warm and edited funnels must print what `--no-cache` prints;
- the board's open time, warm, when benchmarks/board_open.py is there;
- the peak memory (max RSS of the child process) of every figure.

Each ratio is the median of paired ratios: a round's figure (the median of its
repeats) against that round's B, so that a figure and its baseline share the
machine's load. Targets (issue 16): every warm report <= 0.10 x B, after one
edit <= 0.12 x B, cold funnel <= 0.5 x B, validate <= 0.6 x B, peak memory of
every warm report <= 150 MB at 50,000 deals (and at fewer). Prints one table
per N with PASS/FAIL per row, writes everything to benchmarks/results/
latest.json (or --out), exits 1 if a target is missed.

`--200k` adds a 200,000-deal point (it takes long: generating alone is
minutes) and reports, for every figure, how time and peak memory grew from
the smallest N to 200,000: linear time is a growth of 20 x, flat memory 1 x.

Before measuring, salesflow's modules are compiled to bytecode, as `pip
install` does for a regular install and Python does on first use: without
that, under PYTHONDONTWRITEBYTECODE an editable install would compile its
source on every run, while typer, pyyaml and pydantic come precompiled.
"""

from __future__ import annotations

import argparse
import contextlib
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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import deal_id, generate  # noqa: E402

ONE = deal_id(3)  # the deal `show` and `check` read
WARM_LIMIT = 0.10
EDIT_LIMIT = 0.12
COLD_LIMIT = 0.5
VALIDATE_LIMIT = 0.6
MEMORY_LIMIT_MB = 150.0
BOARD_LIMIT_S = 1.0  # the board opens in under a second at 10,000 deals, warm (issue 20)
BOARD_SCRIPT = HERE / "board_open.py"
GIT_COMMIT_DAY = dt.date(2026, 11, 20)  # the commit `changes` in git compares with
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None  # GNU time, for peaks

BASELINE = """\
import os, sys, yaml
n = 0
for folder, dirs, files in os.walk(os.path.join(sys.argv[1], "deals")):
    for name in files:
        with open(os.path.join(folder, name), "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
        n += 1
print(n)
"""

# figure: (label, salesflow arguments, exit codes that are fine, target ratio to B)
WARM: dict[str, tuple[str, list[str], tuple[int, ...], float]] = {
    "funnel": ("funnel --format json", ["funnel", "--format", "json"], (0,), WARM_LIMIT),
    "forecast": ("forecast --format json", ["forecast", "--format", "json"], (0,), WARM_LIMIT),
    "stats": ("stats --format json", ["stats", "--format", "json"], (0,), WARM_LIMIT),
    "export": ("export --format csv", ["export", "--format", "csv"], (0,), WARM_LIMIT),
    "review": ("review (table)", ["review"], (0,), WARM_LIMIT),
    "review_csv": ("review --format csv", ["review", "--format", "csv"], (0,), WARM_LIMIT),
    "list": ("list (table)", ["list"], (0,), WARM_LIMIT),
    "list_csv": ("list --format csv", ["list", "--format", "csv"], (0,), WARM_LIMIT),
    "changes": ("changes --format json", ["changes", "--format", "json"], (0,), WARM_LIMIT),
    "trend": ("trend --format json", ["trend", "--format", "json"], (0,), WARM_LIMIT),
    "show": ("show ID", ["show", ONE], (0,), WARM_LIMIT),
    "check": ("check ID", ["check", ONE], (0, 1), WARM_LIMIT),
}


class Runner:
    """Runs whole processes and records wall time and peak memory."""

    def __init__(self, env: dict[str, str], out: Path) -> None:
        self.env = env
        self.out = out

    def run(self, cmd: list[str], *, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
        """(seconds, peak RSS of the child in MB, stdout) of one run of `cmd`.

        The peak is taken by GNU time when it is there: a child forked from
        this process starts with this process's peak as its own (Linux keeps
        the high-water mark across exec), which would hide a small command's
        memory under the benchmark's own; time's child is forked from time.
        """
        memory = self.out.with_suffix(".rss")
        wrapped = ([TIME, "-f", "%M", "-o", str(memory), *cmd] if TIME else cmd)
        with self.out.open("wb") as stdout:
            start = time.perf_counter()
            proc = subprocess.Popen(wrapped, stdout=stdout, stderr=subprocess.PIPE,
                                    env=self.env)
            assert proc.stderr is not None
            err = proc.stderr.read()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{err.decode()}")
        peak = usage.ru_maxrss / 1024
        if TIME:
            with contextlib.suppress(OSError, ValueError, IndexError):
                peak = int(memory.read_text().split()[-1]) / 1024
        return seconds, peak, self.out.read_text(encoding="utf-8")


def salesflow_command() -> list[str]:
    script = Path(sys.executable).parent / "salesflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesflow"]


def edit(path: Path, round_no: int) -> None:
    """Change one deal's amount (it stays valid), as a salesperson would."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("amount: "):
            lines[i] = f"amount: {int(line.split()[1]) + round_no + 1}\n"
            break
    path.write_text("".join(lines), encoding="utf-8")


def workspace(root: Path, count: int) -> list[Path]:
    """The generated workspace of `count` deals at `root`, made once and reused."""
    marker = root / ".generated"
    if marker.exists() and marker.read_text() == str(count):
        return sorted((root / "deals").rglob("*.yaml"))
    if root.exists():
        shutil.rmtree(root)
    paths = generate(root, count)
    marker.write_text(str(count))
    return paths


def git_workspace(source: Path, root: Path) -> str:
    """A copy of `source` kept as a team keeps it; the day after its commit, for --since.

    One commit (dated 2026-11-20), then 1 % of the deals edited by hand and not
    committed yet: the week's work that `changes` compares with the commit.
    Made once and reused, like the workspace it copies.
    """
    marker = root / ".git-generated"
    stamp = (source / ".generated").read_text()
    if not (marker.exists() and marker.read_text() == stamp):
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(source, root)
        day = f"{GIT_COMMIT_DAY.isoformat()}T12:00:00"
        env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
                   GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
                   GIT_AUTHOR_DATE=day, GIT_COMMITTER_DATE=day)
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the pipeline"]):
            subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env,
                           check=True, capture_output=True)
        for path in sorted((root / "deals").rglob("*.yaml"))[::100]:
            edit(path, 0)
        marker.write_text(stamp)
    return (GIT_COMMIT_DAY + dt.timedelta(days=1)).isoformat()


def measure(count: int, rounds: int, repeats: int, work: Path, keep: Path | None,
            ) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    big = (keep or work) / f"ws-{count}"
    cache = work / f"cache-{count}"
    print(f"\n== {count:,} deals: preparing the workspace ...", flush=True)
    t = time.perf_counter()
    paths = workspace(big, count)
    size = sum(p.stat().st_size for p in paths) / len(paths)
    print(f"   {count:,} deals, {size:,.0f} bytes each on average, in "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    in_git = (keep or work) / f"ws-{count}-git"
    since = git_workspace(big, in_git)
    print(f"   its copy in git, 1 % edited since the commit, in "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    # Files younger than the cache's racy window are re-read by design; a real
    # workspace's files are older than that, so let these settle first.
    time.sleep(2.1)

    env = dict(os.environ, SALESFLOW_CACHE_DIR=str(cache), NO_COLOR="1")
    env.pop("SALESFLOW_ROOT", None)
    runner = Runner(env, work / "out.txt")
    sf = salesflow_command()
    baseline = work / "baseline.py"
    baseline.write_text(BASELINE, encoding="utf-8")

    def one(*args: str) -> list[str]:
        return [*sf, "--root", str(big), *args]

    funnel = one("funnel", "--format", "json")
    git_changes = [*sf, "--root", str(in_git), "changes", "--format", "json", "--since", since]
    git_env = dict(env, SALESFLOW_CACHE_DIR=str(work / f"cache-{count}-git"))
    git_runner = Runner(git_env, work / "out.txt")
    reference = runner.run(one("--no-cache", "funnel", "--format", "json"))[2]
    times: dict[str, list[list[float]]] = {}  # figure -> one list of samples per round
    memory: dict[str, float] = {}
    mismatches: list[str] = []

    def timed(name: str, cmd: list[str], ok: tuple[int, ...] = (0,), by: Runner = runner,
              ) -> str:
        """Run `cmd`, adding its time to `name`'s samples of the current round."""
        seconds, rss, text = by.run(cmd, ok=ok)
        per_round = times.setdefault(name, [])
        while len(per_round) < len(times["B"]):
            per_round.append([])
        per_round[-1].append(seconds)
        memory[name] = max(memory.get(name, 0.0), rss)
        return text

    edits = 0
    for r in range(rounds):
        print(f"   round {r + 1}/{rounds}", flush=True)
        times.setdefault("B", []).append([])
        timed("B", [sys.executable, str(baseline), str(big)])
        shutil.rmtree(cache, ignore_errors=True)
        if timed("cold", funnel) != reference:
            mismatches.append(f"cold, round {r + 1}")
        timed("validate", one("validate"), (0, 1))
        for _, args, ok, _ in WARM.values():  # warm means: the command ran before
            runner.run(one(*args), ok=ok)
        fresh = git_runner.run([*git_changes[:len(sf)], "--no-cache",
                                *git_changes[len(sf):]])[2]
        if git_runner.run(git_changes)[2] != fresh:
            mismatches.append(f"changes in git, round {r + 1}")
        for _ in range(repeats):
            for name, (_, args, ok, _) in WARM.items():
                text = timed(name, one(*args), ok)
                if name == "funnel" and text != reference:
                    mismatches.append(f"warm, round {r + 1}")
            timed("changes_git", git_changes, by=git_runner)
        for i in range(repeats):
            edit(paths[(edits * 7919) % len(paths)], edits)
            edits += 1
            if i == 0:
                reference = runner.run(one("--no-cache", "funnel", "--format", "json"))[2]
            text = timed("edit", funnel)
            if i == 0 and text != reference:
                mismatches.append(f"after one edit, round {r + 1}")
        reference = runner.run(one("--no-cache", "funnel", "--format", "json"))[2]

    board = board_open(count, big, runner, rounds)

    def ratio_of(name: str) -> float:
        """The median over rounds of (the round's median of `name`) / (the round's B)."""
        return statistics.median(statistics.median(f) / b[0]
                                 for f, b in zip(times[name], times["B"], strict=True))

    medians = {name: statistics.median(x for per in values for x in per)
               for name, values in times.items()}
    rows: list[dict[str, Any]] = []
    figures: list[tuple[str, str, float]] = [
        ("cold", "funnel --format json, cold (empty cache)", COLD_LIMIT),
        *((name, f"{label}, warm", limit) for name, (label, _, _, limit) in WARM.items()),
        ("changes_git", "changes --format json, in git, 1 % edited, warm", WARM_LIMIT),
        ("edit", "funnel --format json, warm after one edit", EDIT_LIMIT),
        ("validate", "validate (every file, never the cache)", VALIDATE_LIMIT),
    ]
    for name, label, limit in figures:
        ratio = ratio_of(name)
        peak = memory[name]
        warm = name in WARM or name in ("edit", "changes_git")
        rows.append({
            "figure": name, "label": label, "seconds": round(medians[name], 4),
            "ratio": round(ratio, 4), "limit": limit, "time_pass": ratio <= limit,
            "peak_mb": round(peak, 1),
            "memory_limit_mb": MEMORY_LIMIT_MB if warm else None,
            "memory_pass": peak <= MEMORY_LIMIT_MB if warm else None,
        })
    if board is not None:
        # Issue 16: every new command <= 0.10 x B (the board's time, taken in its
        # own process, against the median B); issue 20: under 1 s at 10,000 too.
        ratio = board[0] / medians["B"]
        rows.append({"figure": "board", "label": "board opens, first paint (<= 1 s at 10k)",
                     "seconds": board[0], "ratio": round(ratio, 4), "limit": WARM_LIMIT,
                     "time_pass": ratio <= WARM_LIMIT and (count > 10_000
                                                           or board[0] <= BOARD_LIMIT_S),
                     "peak_mb": board[1], "memory_limit_mb": MEMORY_LIMIT_MB,
                     "memory_pass": board[1] <= MEMORY_LIMIT_MB})
    results: dict[str, Any] = {
        "deals": count, "bytes_per_deal": round(size), "rounds": rounds, "repeats": repeats,
        "B_seconds": round(medians["B"], 4), "B_peak_mb": round(memory["B"], 1),
        "rows": rows, "board": "measured" if board is not None else
        f"skipped: {BOARD_SCRIPT.name} not found",
        "all_seconds": {k: [[round(x, 4) for x in per] for per in v] for k, v in times.items()},
        "mismatches": mismatches,
    }
    print_table(results)
    return results


def board_open(count: int, root: Path, runner: Runner, rounds: int,
               ) -> tuple[float, float] | None:
    """(median seconds to the board's first paint, largest peak MB); None without the script.

    One board per process, as a user opens it: `rounds` runs of board_open.py,
    each opening one app (several apps in one process keep some of each
    other's memory, which no user's board does). Run as every figure is, so
    that its peak is its own, not this process's (`Runner.run`).
    """
    if not BOARD_SCRIPT.exists():
        print(f"   board: skipped ({BOARD_SCRIPT.name} not found)", flush=True)
        return None
    cmd = [sys.executable, str(BOARD_SCRIPT), "--deals", str(count), "--workspace", str(root),
           "--rounds", "1"]
    seconds: list[float] = []
    peak = 0.0
    for _ in range(max(1, rounds)):
        try:
            _, rss, text = runner.run(cmd)
        except SystemExit as failed:
            print(f"   board: {BOARD_SCRIPT.name} failed: {str(failed)[-300:]}")
            return None
        last = [line for line in text.splitlines() if line.startswith("{")][-1]
        seconds.append(float(json.loads(last)["seconds"]))
        peak = max(peak, rss)
    return round(statistics.median(seconds), 4), round(peak, 1)


def mark(ok: bool | None) -> str:
    return "" if ok is None else "PASS" if ok else "FAIL"


def print_table(results: dict[str, Any]) -> None:
    print(f"\n   {results['deals']:,} deals; B = {results['B_seconds']:.3f} s")
    print(f"   {'figure':50} {'seconds':>8} {'x B':>6} {'target':>7} {'':4} "
          f"{'peak MB':>8} {'':4}")
    for row in results["rows"]:
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.3f}"
        limit = (f"<= {row['limit']} s" if row["ratio"] is None else f"<= {row['limit']}")
        print(f"   {row['label']:50} {row['seconds']:8.3f} {ratio:>6} {limit:>7} "
              f"{mark(row['time_pass']):4} {row['peak_mb']:8.1f} {mark(row['memory_pass']):4}")
    if results["board"] != "measured":
        print(f"   board: {results['board']}")
    same = not results["mismatches"]
    print("   cold, warm and edited funnels, and changes in git, print what --no-cache prints: "
          f"{'yes' if same else 'NO: ' + ', '.join(results['mismatches'])}")


def markdown(report: dict[str, Any]) -> str:
    """The results as the Markdown table of docs/performance.md."""
    runs = report["runs"]
    head = "| figure | target |" + "".join(f" {r['deals']:,} deals | × B | peak MB |"
                                          for r in runs)
    rule = "|---|---|" + "--:|--:|--:|" * len(runs)
    lines = [head, rule, "| B: read and parse every file (pyyaml C loader) | |" + "".join(
        f" {r['B_seconds']:.2f} s | | {r['B_peak_mb']:.0f} |" for r in runs)]
    for i, row in enumerate(runs[0]["rows"]):
        target = (f"≤ {row['limit']} s" if row["ratio"] is None else f"≤ {row['limit']} × B")
        if row["memory_limit_mb"]:
            target += f", ≤ {row['memory_limit_mb']:.0f} MB"
        cells = ""
        for r in runs:
            got = r["rows"][i] if i < len(r["rows"]) else None
            if got is None or got["figure"] != row["figure"]:
                cells += " | | |"
                continue
            ratio = "" if got["ratio"] is None else f"{got['ratio']:.3f}"
            flag = "" if got["time_pass"] and got["memory_pass"] is not False else " ✗"
            cells += f" {got['seconds']:.3f} s{flag} | {ratio} | {got['peak_mb']:.0f} |"
        lines.append(f"| {row['label'].replace('|', '/')} | {target} |{cells}")
    return "\n".join(lines)


def growth(report: dict[str, Any]) -> dict[str, Any]:
    """Time and memory at the largest N over the smallest, figure by figure."""
    runs = sorted(report["runs"], key=lambda r: r["deals"])
    low, high = runs[0], runs[-1]
    factor = high["deals"] / low["deals"]
    out: dict[str, Any] = {"from": low["deals"], "to": high["deals"], "deals_factor": factor,
                           "B": round(high["B_seconds"] / low["B_seconds"], 2), "figures": {}}
    by_name = {row["figure"]: row for row in low["rows"]}
    print(f"\n   growth from {low['deals']:,} to {high['deals']:,} deals ({factor:.0f} x the "
          f"deals; B grew {out['B']:.1f} x)")
    for row in high["rows"]:
        base = by_name.get(row["figure"])
        if base is None:
            continue
        t, m = row["seconds"] / base["seconds"], row["peak_mb"] / base["peak_mb"]
        out["figures"][row["figure"]] = {"time": round(t, 2), "memory": round(m, 2)}
        print(f"   {row['label']:50} time {t:6.1f} x   peak memory {m:5.2f} x")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, action="append",
                        help="workspace size (repeatable; default 10000)")
    parser.add_argument("--200k", dest="big", action="store_true",
                        help="add a 200,000-deal point and report growth to it")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every figure (median)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="runs per round of each warm figure")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--workspaces", type=Path, default=None,
                        help="keep the generated workspaces in DIR and reuse them")
    args = parser.parse_args()
    sizes = sorted(set(args.deals or [10_000]) | ({200_000} if args.big else set()))

    package = subprocess.run(
        [sys.executable, "-c", "import salesflow, os; print(os.path.dirname(salesflow.__file__))"],
        capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    work = Path(tempfile.mkdtemp(prefix="salesflow-bench-"))
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0], "platform": platform.platform(),
        "machine": platform.machine(), "processor": _cpu_model(),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "runs": [],
    }
    try:
        for count in sizes:
            report["runs"].append(measure(count, args.rounds, args.repeats, work / str(count),
                                          args.workspaces))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if len(sizes) > 1 and args.big:
        report["growth"] = growth(report)
    report["markdown"] = markdown(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    ok = all(row["time_pass"] and row["memory_pass"] is not False
             for run in report["runs"] for row in run["rows"]) and not any(
        run["mismatches"] for run in report["runs"])
    print(f"\n{report['markdown']}\n")
    print(f"{'every target met' if ok else 'SOME TARGETS MISSED'}; results in {args.out}")
    return 0 if ok else 1


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
