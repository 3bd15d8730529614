"""A Chinese workspace end to end: init --lang zh, new, hand edits, every view, aligned."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from salesflow.cli import _common
from salesflow.files.parse import parse_process
from tests.aligned import assert_aligned, table_after
from tests.conftest import TEMPLATES, WS

# What a salesperson adds by hand after the first visit, in Chinese.
PEOPLE = """\
relationship: initial
procurement_step: need-raised
stakeholders:
  - name: 梁志明
    title: 总经理
    level: decision
    roles: [decision]
    attitude: neutral
    influence: high
  - name: 陈丽
    title: 生产计划主管
    level: operations
    roles: [user, coach]
    attitude: supporter
    reports_to: 梁志明
needs:
  - {kind: P, text: "换型时物料齐套全靠人工核对，每次停线约40分钟", from: 陈丽}
next_steps:
  - {due: 2026-12-02, action: "请陈丽引荐，约梁总沟通"}
"""

# A second deal, further on and in trouble: negotiating before the budget is set,
# with the head of supply against us.
LUBEI = """\
name: 压缩机站PLC控制系统改造
customer: 鲁北石化股份有限公司
owner: 李伟
amount: 6200000
stage: C
expected_close: 2027-03-31
procurement_step: budget-set
stakeholders:
  - {name: 韩志强, title: 副总经理, level: decision, roles: [decision], attitude: supporter}
  - {name: 郑强, title: 供应处处长, level: management, roles: [financial], attitude: opponent,
     reports_to: 韩志强}
  - {name: 刘洋, title: 仪表工程师, level: operations, roles: [coach], attitude: supporter,
     reports_to: 韩志强}
needs:
  - {kind: N, text: "冗余控制器，在线无扰切换", explicit: true, from: 韩志强}
next_steps:
  - {due: 2026-12-03, action: "与郑处长第二轮商务谈判"}
milestones: {visit-committed: 2026-01-22, proposal-expected: 2026-02-25,
             tech-exchange-committed: 2026-04-08}
history:
  - {date: 2026-01-12, to: G, by: 李伟}
  - {date: 2026-01-26, from: G, to: F, by: 李伟}
  - {date: 2026-03-02, from: F, to: E, by: 李伟}
  - {date: 2026-04-13, from: E, to: D, by: 李伟}
  - {date: 2026-11-02, from: D, to: C, by: 李伟}
"""


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "today", lambda: dt.date(2026, 11, 27))


def test_the_zh_template_is_the_same_process_in_the_methods_words() -> None:
    en, _ = parse_process((TEMPLATES / "stages.en.yaml").read_bytes())
    zh, _ = parse_process((TEMPLATES / "stages.zh.yaml").read_bytes())
    assert en is not None and zh is not None
    # same codes, probabilities, rot_days, milestone ids, rules and procurement ids
    assert [(s.code, s.probability, s.rot_days, s.milestone_ids, [m.rule for m in s.exit])
            for s in zh.stages] == [
        (s.code, s.probability, s.rot_days, s.milestone_ids, [m.rule for m in s.exit])
        for s in en.stages]
    assert [(p.id, p.stages) for p in zh.procurement] == [(p.id, p.stages)
                                                         for p in en.procurement]
    assert zh.lost_reasons == en.lost_reasons
    # the method's own words (docs/method.md, in Simplified characters)
    assert [s.name for s in zh.stages] == [
        "客户规划与电话邀约", "客户拜访与初步调研", "提交初步方案", "方案演示与技术交流",
        "需求分析与正式方案设计", "项目评估", "商务谈判", "签约成交并移交实施"]
    assert [p.name for p in zh.procurement] == [
        "发现问题", "使用部门提出需求", "项目可行性研究", "确定预算", "项目立项",
        "组建项目采购小组", "建立项目采购的技术标准", "对外进行招标", "初步技术筛选", "项目评标",
        "确立首选供应商", "合同审核", "商务谈判", "增加附件", "签定协议", "确保实施"]
    texts = {m.id: m.text for s in zh.stages for m in s.exit}
    assert texts["visit-committed"] == "客户经手人士给予上门拜访明确的承诺。"
    assert texts["key-supporter"] == "透过技术交流，至少让客户内部的关键人物成为支持者。"
    assert texts["senior-supporter"] == "发展更多的支持者，特别重要的是高层或项目评估负责人。"
    assert texts["evaluation-leaning"].startswith("使项目评估已经有了明确的倾向性态度")
    assert texts["terms-agreed"] == "对合同条款的内容达成共识。"


def test_the_zh_template_uses_simplified_characters() -> None:
    text = (TEMPLATES / "stages.zh.yaml").read_text(encoding="utf-8")
    # characters the deck prints in Traditional form; their Simplified forms are used instead
    traditional = "項銷與買採購戶關係對說話發現預評標審議確實權貨質後續擬聯絡層決財務經會議員導階"
    assert not set(traditional) & set(text), sorted(set(traditional) & set(text))


def test_zh_workspace_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "销售漏斗"
    assert WS(tmp_path).run("init", str(root), "--lang", "zh").exit_code == 0
    ws = WS(root)
    assert ws.read("stages.yaml") == (
        "# yaml-language-server: $schema=.salesflow/schema/stages.json\n"
        + (TEMPLATES / "stages.zh.yaml").read_text(encoding="utf-8"))

    created = ws.run("new", "meida-mes", "--customer", "佛山美达家电有限公司", "--name",
                     "总装车间MES系统", "--amount", "1650000", "--close", "2027-02-28",
                     "--owner", "陈杰", "--date", "2026-11-13")
    assert created.exit_code == 0, created.stderr
    assert created.stdout == "已创建 deals/meida-mes.yaml，当前阶段 G（客户规划与电话邀约）\n"
    ws.write("deals/meida-mes.yaml", ws.read("deals/meida-mes.yaml") + PEOPLE)
    ws.deal("lubei-plc", LUBEI)
    assert ws.run("validate").exit_code == 0

    show = ws.run("show", "meida-mes")
    assert show.exit_code == 0, show.stderr
    out = show.stdout
    assert re.search(r"\n阶段 +G 客户规划与电话邀约 \(10%\)\n", out)
    assert "步调一致：客户处于第 2/16 “使用部门提出需求” 步，与阶段 G 相符。" in out
    assert_aligned(table_after(out, "   销售流程", rows=16), right=("#",))
    assert ">  G 客户规划与电话邀约" in out
    assert_aligned(table_after(out, "相关人员  ", rows=2))
    assert_aligned(table_after(out, "类型", rows=4))

    check = ws.run("check", "meida-mes")
    assert check.exit_code == 1
    assert "  [ ] visit-committed: 客户经手人士给予上门拜访明确的承诺。" in check.stdout
    assert "记录里程碑：salesflow tick meida-mes visit-committed" in check.stdout
    gate = json.loads(ws.run("check", "lubei-plc", "--format", "json").stdout)
    senior = next(m for m in gate["milestones"] if m["id"] == "senior-supporter")
    assert senior["met"] is True  # 韩志强, a supporter at the decision level

    chart = ws.run("map", "meida-mes").stdout
    assert "梁志明  总经理 · 决策层 · 决策买家 · 中立 · 影响力高" in chart
    assert "└── 陈丽  生产计划主管 · 操作层 · 使用买家、教练 · 支持者" in chart
    assert_aligned(table_after(chart, "角色 ", rows=7))
    assert_aligned(table_after(chart, "层级 ", rows=3))

    review = ws.run("review", "--as-of", "2026-11-27")
    assert review.exit_code == 0
    lines = review.stdout.splitlines()
    assert lines[2] == ("lubei-plc · 压缩机站PLC控制系统改造 · 鲁北石化股份有限公司  C 50% · "
                        "李伟 · 加权 3,100,000 CNY")
    assert lines[3] == "  opponent-buyer  郑强 (供应处处长)是财务买家，持反对态度"
    assert lines[5] == ("  out-of-step     销售阶段 C 领先客户 1 个阶段，"
                        "客户处于第 4/16 “确定预算” 步（对应 E, D）")
    assert lines[-1] == "未发现风险：meida-mes"

    funnel = ws.run("funnel")
    assert funnel.exit_code == 0
    block = table_after(funnel.stdout, "阶段", rows=8)
    assert block[1].startswith("G     客户规划与电话邀约")
    assert_aligned(block, right=("概率", "商机数", "金额 CNY", "加权 CNY"))

    listed = ws.run("list")
    assert_aligned(table_after(listed.stdout, "ID"), right=("金额",))
    assert "陈杰" in listed.stdout

    # walk a deal forward with tick and advance, as a salesperson would
    before = ws.read("deals/meida-mes.yaml")
    refused = ws.run("advance", "meida-mes")
    assert refused.exit_code == 1
    assert "客户经手人士给予上门拜访明确的承诺。" in refused.stderr
    assert ws.read("deals/meida-mes.yaml") == before
    ticked = ws.run("tick", "meida-mes", "visit-committed", "--note", "梁总同意12月上门拜访",
                    "--date", "2026-11-20")
    assert ticked.exit_code == 0, ticked.stderr
    moved = ws.run("advance", "meida-mes")
    assert moved.exit_code == 0, moved.stderr
    assert "stage: F\n" in ws.read("deals/meida-mes.yaml")
    assert "梁总同意12月上门拜访" in ws.read("deals/meida-mes.yaml")
    assert re.search(r"\n阶段 +F 客户拜访与初步调研 \(20%\)\n", ws.run("show", "meida-mes").stdout)
    # at C the rules decide: lubei has its supporters and needs, only a tick is missing
    refused = ws.run("advance", "lubei-plc")
    assert refused.exit_code == 1
    assert "requirements-fit" in refused.stderr and "senior-supporter" not in refused.stderr
    assert ws.run("tick", "lubei-plc", "requirements-fit").exit_code == 0
    assert ws.run("advance", "lubei-plc").exit_code == 0
    assert "stage: B\n" in ws.read("deals/lubei-plc.yaml")
    assert ws.run("validate").exit_code == 0


def test_the_alignment_check_catches_padding_by_characters() -> None:
    """Padding by characters (not display cells) misaligns CJK rows; the check sees it."""
    rows = [("梁志明", "neutral"), ("Ma", "supporter")]
    naive = ["Name    Attitude", *(f"{a.ljust(6)}  {b}" for a, b in rows)]
    with pytest.raises(AssertionError, match="starts late"):
        assert_aligned(naive)
    by_cells = ["Name    Attitude", "梁志明  neutral", "Ma      supporter"]
    assert_aligned(by_cells)


def test_a_persons_coded_facts_are_said_in_the_methods_words(tmp_path: Path) -> None:
    """`person add|set` and `activity add` summaries: 管理层, 技术买家, 中立, 高, 拜访.

    Influence "high" is 高, not the relationship stage 高期 (two words, one code).
    """
    root = tmp_path / "p"
    assert WS(tmp_path).run("init", str(root), "--lang", "zh").exit_code == 0
    ws = WS(root)
    assert ws.run("new", "mes", "--customer", "美达", "--date", "2026-11-13").exit_code == 0
    added = ws.run("person", "add", "mes", "王强", "--level", "management", "--role",
                   "technical", "--attitude", "neutral", "--influence", "high")
    assert added.stdout == ("mes：已添加 王强 (level 管理层, roles [技术买家], attitude 中立, "
                            "influence 高)\n"), added.stderr
    turned = ws.run("person", "set", "mes", "王强", "--attitude", "supporter")
    assert turned.stdout == "mes: 王强: attitude 中立 → 支持者\n"
    visit = ws.run("activity", "add", "mes", "--kind", "visit", "参观总装车间")
    assert visit.stdout == "mes：已记录 2026-11-27 的拜访\n"  # the pinned today
    english = ws.run("--lang", "en", "person", "set", "mes", "王强", "--attitude", "opponent")
    assert english.stdout == "mes: 王强: attitude supporter → opponent\n"
