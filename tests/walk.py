"""A scripted walk through every command in a workspace made by `init --lang X`.

Used by tests/test_zh_walk.py (no English word in a Chinese walk, no Chinese in an
English one) and by hand: `python -m tests.walk zh /tmp/walk` prints every output.
Every step is (name, command line, exit code, stdout, stderr); the name says what
the step is for, so a test can single out the steps whose words someone else owns.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from tests.conftest import WS
from tests.test_zh import LUBEI, PEOPLE

BROKEN = "name: 坏文件\ncustomer: x\nowner: 李伟\namount: -5\nstage: Q\n"


class Step(NamedTuple):
    name: str
    line: str
    code: int
    out: str
    err: str

    @property
    def said(self) -> str:
        return self.out + self.err


def walk(root: Path, lang: str) -> Iterator[Step]:
    """Each step of the walk, run in `lang` (the workspace is made by `init --lang lang`)."""
    flag = ("--lang", lang)
    base = WS(root.parent)
    done = base.run(*flag, "init", str(root), "--lang", lang)
    yield Step("init", f"init {root.name} --lang {lang}", done.exit_code, done.stdout,
               done.stderr)
    ws = WS(root)

    def go(name: str, *args: str) -> Step:
        done = ws.run(*flag, *args)
        return Step(name, " ".join(args), done.exit_code, done.stdout, done.stderr)

    yield go("new", "new", "meida-mes", "--customer", "佛山美达家电有限公司", "--name",
             "总装车间MES系统", "--amount", "1650000", "--close", "2027-02-28", "--owner", "陈杰")
    ws.write("deals/meida-mes.yaml", ws.read("deals/meida-mes.yaml") + PEOPLE)
    ws.deal("lubei-plc", LUBEI)
    yield go("validate", "validate")
    yield go("list", "list")
    yield go("show", "show", "meida-mes")
    yield go("show", "show", "lubei-plc")
    yield go("check", "check", "meida-mes")
    yield go("check", "check", "lubei-plc")
    yield go("advance-refused", "advance", "meida-mes")
    yield go("tick", "tick", "meida-mes", "visit-committed", "--note", "梁总同意12月上门拜访")
    yield go("advance", "advance", "meida-mes")
    yield go("advance-refused", "advance", "lubei-plc")
    # the daily commands
    yield go("person", "person", "add", "meida-mes", "王强", "--title", "设备科长", "--level",
             "management", "--role", "technical", "--attitude", "neutral")
    yield go("person", "person", "set", "meida-mes", "王强", "--attitude", "supporter")
    yield go("need", "need", "add", "meida-mes", "--kind", "I", "停线每月损失约20万元",
             "--from", "陈丽")
    yield go("step", "step", "add", "meida-mes", "提交初步方案", "--due", "2026-12-20")
    yield go("step", "step", "done", "meida-mes", "1")
    yield go("step", "step", "list")
    yield go("activity", "activity", "add", "meida-mes", "--kind", "visit", "参观总装车间",
             "--with", "陈丽")
    yield go("set", "set", "meida-mes", "amount=1800000")
    # the views
    yield go("show", "show", "meida-mes")
    yield go("map", "map", "meida-mes")
    yield go("map", "map", "lubei-plc")
    yield go("funnel", "funnel")
    yield go("funnel", "funnel", "--by", "owner")
    yield go("forecast", "forecast")
    yield go("stats", "stats")
    yield go("review", "review")
    yield go("log", "log", "meida-mes")
    yield go("changes", "changes", "--since", "7d")
    yield go("trend", "trend")
    # the customer as an account
    yield go("accounts", "accounts", "migrate")
    yield go("accounts", "accounts", "migrate", "--write")
    yield go("accounts", "account", "list")
    yield go("accounts", "account", "set", "meida", "relationship=initial", "spend.2026=5000000",
             "share.2026=10%")
    yield go("accounts", "account", "plan", "meida", "梁志明", "--next", "邀请参观样板工厂",
             "--due", "2026-12-15")
    yield go("accounts", "account", "show", "meida")
    yield go("accounts", "account", "map", "meida")
    yield go("report", "report", "--html", str(root / "report.html"))
    yield go("hold", "hold", "lubei-plc", "--reason", "客户预算冻结")
    yield go("reopen", "reopen", "lubei-plc")
    # errors
    yield go("error", "lose", "meida-mes", "--reason", "nope")
    yield go("error", "tick", "meida-mes", "no-such-milestone")
    yield go("error", "show", "meida-mse")
    yield go("error", "list", "--status", "nope")
    yield go("set-error", "set", "meida-mes", "amount=lots")
    yield go("click-error", "funnel", "--bogus")
    ws.deal("broken", BROKEN)
    yield go("validate-broken", "validate")
    yield go("funnel-broken", "funnel")


if __name__ == "__main__":
    for step in walk(Path(sys.argv[2]), sys.argv[1]):
        print(f"$ salesflow {step.line}   [{step.name}, exit {step.code}]\n{step.said}")
