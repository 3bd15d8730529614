"""Snapshots of the board (pytest-textual-snapshot), at 80×24 and 160×48, in Chinese.

CJK data (names, customers, the Chinese process of stages.zh.yaml) and the
board's own words in Chinese, so that double-width text is laid out, cut
and padded where a Chinese team would see it.

The SVGs live in tests/__snapshots__/test_board_snapshots/; after a deliberate
change of the board's looks, look at the new ones and accept them with
`pytest tests/test_board_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from salesflow.board.app import BoardApp
from salesflow.board.session import Session
from salesflow.model.i18n import using
from tests.conftest import TEMPLATES

TODAY = dt.date(2026, 10, 1)

DEAL = """\
name: {name}
customer: {customer}
owner: {owner}
amount: {amount}
currency: CNY
stage: {stage}
status: {status}
expected_close: {close}
segment: 水务
history:
  - {{date: 2026-07-01, to: {stage}, by: {owner}}}
"""

DEALS = [
    ("huadong", "泵站节能改造", "华东水务集团有限公司", "李伟", 1250000, "C", "open", "2027-03-31"),
    ("binhai", "冷凝水泵变频改造", "滨海热电股份有限公司", "陈杰", 680000, "D", "open",
     "2026-12-15"),
    ("lubei", "压缩机PLC升级", "鲁北化工集团", "张敏", 2300000, "B", "open", "2027-01-20"),
    ("qiantang", "医院暖通空调系统", "钱塘人民医院", "李伟", 960000, "G", "open", "2027-06-30"),
    ("meida", "总装车间MES", "美达汽车零部件有限公司", "陈杰", 3100000, "A", "open",
     "2026-11-30"),
    ("ningbo", "循环冷却水处理系统改造", "宁波港化工有限公司", "张敏", 450000, "F", "open",
     "2027-02-28"),
    ("yangtze", "供水管网漏损监测", "长江水务有限公司", "李伟", 1800000, "S", "won",
     "2026-09-15"),
    ("gone", "污水处理扩容", "西江环保", "陈杰", 500000, "E", "lost", "2026-10-30"),
]


@pytest.fixture
def cjk(tmp_path: Path) -> Path:
    root = tmp_path / "销售漏斗"
    (root / "deals").mkdir(parents=True)
    shutil.copy(TEMPLATES / "stages.zh.yaml", root / "stages.yaml")
    for deal_id, name, customer, owner, amount, stage, status, close in DEALS:
        text = DEAL.format(name=name, customer=customer, owner=owner, amount=amount,
                           stage=stage, status=status, close=close)
        if status == "lost":
            text += "lost_reason: price\n"
        (root / "deals" / f"{deal_id}.yaml").write_text(text, encoding="utf-8")
    return root


def board(root: Path) -> BoardApp:
    return BoardApp(Session(root, by="tester", today=lambda: TODAY))


async def settled(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


Snap = Callable[..., bool]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_the_board(snap_compare: Snap, cjk: Path, size: tuple[int, int]) -> None:
    with using("zh"):
        assert snap_compare(board(cjk), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_an_opened_deal(snap_compare: Snap, cjk: Path, size: tuple[int, int]) -> None:
    async def open_first(pilot: Pilot[None]) -> Any:
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)

    with using("zh"):
        assert snap_compare(board(cjk), terminal_size=size, run_before=open_first)


def test_a_refused_advance(snap_compare: Snap, cjk: Path) -> None:
    async def advance(pilot: Pilot[None]) -> Any:
        await settled(pilot)
        await pilot.press("a")
        await settled(pilot)

    with using("zh"):
        assert snap_compare(board(cjk), terminal_size=(80, 24), run_before=advance)
