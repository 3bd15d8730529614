"""Money and dates the Chinese way where a person reads them; exact where a program does.

Through the real CLI: Chinese tables write `¥1,250,000`, `--units short`
gives 万/亿 in them (aligned at 80 and 120 columns, CJK counted double) and
K/M in English ones, JSON keeps
the exact decimal string whatever the language or units, the HTML report
shows ¥ before the amount in Chinese.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.model import i18n
from salesflow.output import numbers
from tests.aligned import assert_aligned, table_after
from tests.conftest import WS

BIG = """\
name: 压缩机站PLC控制系统改造
customer: 鲁北石化股份有限公司
owner: 李伟
amount: 125000000
stage: C
expected_close: 2027-03-31
"""
SMALL = """\
name: 总装车间MES一期
customer: 佛山美达家电有限公司
owner: 王芳
amount: 1250000
stage: B
expected_close: 2027-02-15
"""


@pytest.fixture
def zh(tmp_path: Path) -> WS:
    root = tmp_path / "管道"
    assert WS(tmp_path).run("init", str(root), "--lang", "zh").exit_code == 0
    ws = WS(root)
    ws.deal("lubei-plc", BIG)
    ws.deal("meida-mes", SMALL)
    return ws


@pytest.mark.parametrize("width", [80, 120])
def test_short_units_in_a_chinese_funnel_stay_aligned(zh: WS, width: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = zh.run("--units", "short", "funnel")
    assert result.exit_code == 0, result.stderr
    block = table_after(result.stdout, "阶段", rows=8)
    assert_aligned(block, right=("概率", "商机数", "金额 CNY", "加权 CNY"))
    text = result.stdout
    assert "¥1.25亿" in text and "¥125万" in text  # 125,000,000 and 1,250,000
    assert "¥6250万" in text  # C at 50%: 62,500,000 weighted
    from rich.cells import cell_len
    assert max(cell_len(line) for line in text.splitlines()) <= width


def test_full_units_are_the_default_and_json_never_changes(zh: WS) -> None:
    table = zh.run("funnel").stdout
    assert "¥125,000,000" in table and "¥126,250,000" in table and "亿" not in table
    assert_aligned(table_after(table, "阶段", rows=8),
                   right=("概率", "商机数", "金额 CNY", "加权 CNY"))
    assert "¥" not in zh.run("--lang", "en", "funnel").stdout  # English as it always was
    plain = json.loads(zh.run("funnel", "--format", "json").stdout)
    short = json.loads(zh.run("--units", "short", "funnel", "--format", "json").stdout)
    assert plain == short
    assert plain["total"]["amount"] == "126250000.00"
    csv = zh.run("--units", "short", "funnel", "--format", "csv").stdout
    assert "126250000.00" in csv and "万" not in csv


def test_english_short_units_and_the_environment(zh: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    english = zh.run("--lang", "en", "--units", "short", "funnel").stdout
    assert "125M" in english and "1.25M" in english
    monkeypatch.setenv("SALESFLOW_UNITS", "short")
    assert "¥1.25亿" in zh.run("funnel").stdout


def test_a_wrong_units_value_is_a_usage_error(zh: WS) -> None:
    result = zh.run("--units", "wan", "funnel")
    assert result.exit_code == 2
    assert "'wan'" in result.stderr and "full" in result.stderr and "short" in result.stderr


def test_the_chinese_report_shows_yuan_and_short_units(zh: WS) -> None:
    page = zh.run("report", "--html", "-").stdout
    assert "¥125,000,000" in page and "¥126,250,000" in page
    assert 'data-exact="125000000.00"' in page
    short = zh.run("--units", "short", "report", "--html", "-").stdout
    assert "¥1.25亿" in short and "¥125万" in short
    assert 'data-exact="125000000.00"' in short  # the exact figure stays for programs


@pytest.mark.parametrize(("lang", "units", "value", "currency", "shown"), [
    ("en", "full", "1250000.40", "CNY", "1,250,000"),  # English as it always was
    ("en", "full", "-80000.5", None, "-80,001"),
    ("zh", "full", "1250000", "CNY", "¥1,250,000"),
    ("zh", "full", "80000", "EUR", "€80,000"),
    ("zh", "full", "1250000", None, "1,250,000"),
    ("zh", "short", "1250000", None, "125万"),
    ("zh", "short", "125000000", "CNY", "¥1.25亿"),
    ("zh", "short", "9999", None, "9999"),
    ("en", "short", "1250000", "CNY", "1.25M"),
])
def test_money_for_people(lang: str, units: str, value: str, currency: str | None,
                          shown: str) -> None:
    with i18n.using(lang):
        numbers.use_units(units)
        try:
            assert numbers.money(Decimal(value), currency) == shown
        finally:
            numbers.use_units("full")


def test_dates_in_prose() -> None:
    day = dt.date(2027, 3, 31)
    with i18n.using("zh"):
        assert numbers.day(day) == "2027年3月31日"
        assert numbers.day("2027-01-05") == "2027年1月5日"
        assert numbers.money(None) == "—"
    with i18n.using("en"):
        assert numbers.day(day) == "2027-03-31"


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.integers(min_value=-10**21, max_value=10**21).map(Decimal),
                       st.decimals(min_value=-10**12, max_value=10**12, places=2),
                       st.just(Decimal("-0")), st.just(Decimal("-0.4"))),
       currency=st.sampled_from([None, "CNY", "USD", "EUR", "JPY", "GBP", "HKD", "XYZ"]))
def test_chinese_money_is_babels_text_without_asking_babel_each_time(
        value: Decimal, currency: str | None) -> None:
    """`money` groups the digits itself around Babel's sign and symbol, asked once."""
    from decimal import ROUND_HALF_UP

    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    with i18n.using("zh"):
        assert numbers.money(value, currency) == numbers._babel_money(
            whole, "zh_Hans_CN", currency)


def test_babel_is_asked_once_per_currency_not_once_per_amount(
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Decimal, str | None]] = []
    real = numbers._babel_money

    def counted(whole: Decimal, locale: str, currency: str | None) -> str:
        asked.append((whole, currency))
        return real(whole, locale, currency)

    numbers._shapes.cache_clear()
    monkeypatch.setattr(numbers, "_babel_money", counted)
    try:
        with i18n.using("zh"):
            shown = [numbers.money(Decimal(n * 1000 + 7), "CNY") for n in range(200)]
            assert numbers.money(Decimal(-5), "USD") == "-US$5"
    finally:
        numbers._shapes.cache_clear()
    assert shown[1] == "¥1,007" and shown[199] == "¥199,007"
    assert len(asked) == 4  # two probes (positive, negative) for each of two currencies


def test_a_locale_that_writes_digits_its_own_way_is_left_to_babel(
        monkeypatch: pytest.MonkeyPatch) -> None:
    numbers._shapes.cache_clear()
    monkeypatch.setattr(numbers, "_babel_money", lambda whole, locale, currency: f"<{whole}>")
    try:
        with i18n.using("zh"):
            assert numbers._shapes("zh_Hans_CN", "CNY") is None
            assert numbers.money(Decimal(1234), "CNY") == "<1234>"
    finally:
        numbers._shapes.cache_clear()
