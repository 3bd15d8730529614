"""A scripted walk through every command in a workspace made by `init --lang X`.

Used by tests/test_zh_walk.py (no English word in a Chinese walk, no Chinese in an
English one) and by hand: `python -m tests.walk zh /tmp/walk` prints every output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.conftest import WS
from tests.test_zh import LUBEI, PEOPLE

BROKEN = "name: 坏文件\ncustomer: x\nowner: 李伟\namount: -5\nstage: Q\n"


def walk(root: Path, lang: str, run: Callable[..., object] | None = None,
         ) -> Iterator[tuple[str, int, str, str]]:
    """(command line, exit code, stdout, stderr) for each step of the walk."""
    base = WS(root.parent)
    steps: list[tuple[str, ...]] = [("init", str(root), "--lang", lang)]
    for step in steps:
        done = base.run(*step)
        yield " ".join(step), done.exit_code, done.stdout, done.stderr
    ws = WS(root)
    flag = ("--lang", lang)

    def go(*args: str) -> tuple[str, int, str, str]:
        done = ws.run(*flag, *args)
        return " ".join(args), done.exit_code, done.stdout, done.stderr

    yield go("new", "meida-mes", "--customer", "佛山美达家电有限公司", "--name",
             "总装车间MES系统", "--amount", "1650000", "--close", "2027-02-28", "--owner", "陈杰")
    ws.write("deals/meida-mes.yaml", ws.read("deals/meida-mes.yaml") + PEOPLE)
    ws.deal("lubei-plc", LUBEI)
    yield go("validate")
    yield go("list")
    yield go("show", "meida-mes")
    yield go("show", "lubei-plc")
    yield go("check", "meida-mes")
    yield go("check", "lubei-plc")
    yield go("advance", "meida-mes")
    yield go("tick", "meida-mes", "visit-committed", "--note", "梁总同意12月上门拜访")
    yield go("advance", "meida-mes")
    yield go("advance", "lubei-plc")
    yield go("map", "meida-mes")
    yield go("map", "lubei-plc")
    yield go("funnel")
    yield go("forecast")
    yield go("stats")
    yield go("review")
    yield go("log", "lubei-plc")
    yield go("report", "--out", str(root / "report.html"))
    yield go("hold", "lubei-plc", "--note", "客户预算冻结")
    yield go("reopen", "lubei-plc")
    yield go("lose", "meida-mes", "--reason", "nope")
    ws.deal("broken", BROKEN)
    yield go("validate")
    yield go("funnel")
    yield go("tick", "meida-mes", "no-such-milestone")
    yield go("show", "no-such-deal")


if __name__ == "__main__":
    for line, code, out, err in walk(Path(sys.argv[2]), sys.argv[1]):
        print(f"$ salesflow {line}   [exit {code}]\n{out}{err}")
