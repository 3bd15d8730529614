"""The fast paths of bulk loading give exactly what the careful paths give.

`yamlio.parse_data` (no marks, no YAML 1.1 resolver) must return `parse`'s
data, value for value and type for type, and must never accept a file that
`parse` refuses; `resolve_scalar`'s one-regex shortcut must agree with the
plain chain of checks; the cache's JSON encoding of parsed data must give
back the same values and types; a summary row must read back exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.files import bulk, yamlio
from salesflow.files.cache_rows import decode_data, encode_data
from salesflow.files.load import load_workspace
from salesflow.files.parse import parse_deal
from salesflow.model.process import Process
from salesflow.model.summary import from_row

REPO = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).parent / "data" / "broken"


def typed(value: Any) -> Any:
    """A value with its types spelled out: 1, Decimal('1') and True differ here."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return (type(value).__name__, value)


def agree(raw: bytes) -> None:
    """parse_data accepts exactly what parse accepts, with the same data."""
    try:
        careful = yamlio.parse(raw, "x.yaml").data
    except yamlio.YamlProblem:
        with pytest.raises((yamlio.YamlProblem, yamlio.NeedsMarks)):
            yamlio.parse_data(raw, "x.yaml")
        return
    try:
        fast = yamlio.parse_data(raw, "x.yaml")
    except yamlio.NeedsMarks:  # allowed (the caller re-parses), but should not happen
        pytest.fail(f"parse_data gave up on a file parse accepts: {raw!r}")
    assert typed(fast) == typed(careful)


def sample_files() -> list[Path]:
    return sorted([*BROKEN.glob("*.yaml"), *(REPO / "deals").rglob("*.yaml"),
                   REPO / "stages.yaml"])


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_parse_data_agrees_on_real_and_broken_files(path: Path) -> None:
    agree(path.read_bytes())


YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:- \n\t#&*!|>'\"{}[],?%@`0123456789.~eEoxn\u4e2d\ufeff\r")),
    max_size=200,
)


@settings(max_examples=600, deadline=None)
@given(YAMLISH)
def test_parse_data_agrees_on_yaml_like_text(text: str) -> None:
    agree(text.encode("utf-8"))


SCALARS = st.one_of(
    st.sampled_from(["~", "null", "Null", "NULL", "", "true", "False", "TRUE", "yes", "no",
                     "0o17", "0x1F", "0xg", "1e3", "-1.5E-2", ".5", "5.", "+12", "-0",
                     ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "2027-03-31", "1_000", "07",
                     "0b101", "12:30", "1" * 41, "inf", "nan", "1.2.3"]),
    st.text(alphabet="0123456789+-.eEoxabcfinINFA_~ntrul", max_size=12),
)


def reference_resolve(value: str, style: str | None) -> Any:
    """resolve_scalar as first written: the checks one after another."""
    if style:
        return value
    if re.match(r"^(?:~|null|Null|NULL|)$", value):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if re.match(r"^[-+]?[0-9]+$", value):
        return int(value) if len(value) <= 40 else Decimal(value)
    if re.match(r"^0o[0-7]+$", value):
        return int(value[2:], 8)
    if re.match(r"^0x[0-9a-fA-F]+$", value):
        return int(value[2:], 16)
    if re.match(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", value):
        return Decimal(value)
    if re.match(r"^[-+]?\.(?:inf|Inf|INF)$", value):
        return Decimal("-Infinity") if value.startswith("-") else Decimal("Infinity")
    if re.match(r"^\.(?:nan|NaN|NAN)$", value):
        return Decimal("NaN")
    return value


@settings(max_examples=1000, deadline=None)
@given(SCALARS, st.sampled_from([None, "", "'", '"', "|", ">"]))
def test_resolve_scalar_agrees_with_the_plain_chain(value: str, style: str | None) -> None:
    assert typed(yamlio.resolve_scalar(value, style)) == typed(reference_resolve(value, style))


@settings(max_examples=300, deadline=None)
@given(st.recursive(
    SCALARS.map(lambda s: yamlio.resolve_scalar(s, None)) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
))
def test_parse_data_agrees_on_dumped_data(data: Any) -> None:
    agree(yaml.safe_dump(_for_dump(data), allow_unicode=True).encode("utf-8"))


def _for_dump(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _for_dump(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_dump(v) for v in value]
    return value


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.sampled_from([Decimal("1."), Decimal("-0"), Decimal("1E+3"), Decimal("-0.0"),
                       Decimal("1" * 45), Decimal("NaN"), Decimal("-Infinity")]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAIN)
def test_cached_data_reads_back_exactly(data: Any) -> None:
    assert typed(decode_data(encode_data(data))) == typed(data)


def test_bulk_parsing_gives_parse_deals_problems(process: Process) -> None:
    for path in sorted(BROKEN.glob("deal.*.yaml")):
        raw = path.read_bytes()
        deal, problems = parse_deal(raw, "deals/x.yaml", process)
        result = bulk.parse_one(str(path), "deals/x.yaml", process, keep=True, data=True)
        assert result.problems == problems, path.name
        assert result.deal == deal, path.name
        assert (result.row is None) == (deal is None), path.name


def test_summary_rows_read_back_exactly() -> None:
    ws = load_workspace(REPO, cache=False)
    assert ws.deals
    for item in ws.deals:
        row = bulk.row_of(item.deal, ws.process)
        assert all(v is None or isinstance(v, str) for v in row)
        summary = from_row(item.id, item.path, row)
        assert summary == bulk.summarize_file(item, ws.process)
        assert (summary.id, summary.path) == (item.id, item.path)
        for name in ("name", "customer", "owner", "amount", "currency", "stage", "status",
                     "expected_close", "segment", "product_line", "relationship",
                     "procurement_step", "lost_reason", "notes", "extensions"):
            assert getattr(summary.deal, name) == getattr(item.deal, name), name
            assert type(getattr(summary.deal, name)) is type(getattr(item.deal, name)), name
        history = item.deal.history
        assert summary.deal.created == (history[0].date if history else None)
        assert summary.deal.changed == (history[-1].date if history else None)


def test_summaries_carry_what_forecast_and_export_read(tmp_path: Path) -> None:
    """A summary's won date, notes and `x-` keys equal what the full deal gives."""
    from salesflow.reports.replay import won_on
    from tests import generate

    generate.write(tmp_path, generate.walks(300), until=generate.END)
    ws = load_workspace(tmp_path, cache=False)
    assert ws.problems == []
    won = 0
    for item in ws.deals:
        summary = bulk.summarize_file(item, ws.process).deal
        assert summary.won_on == won_on(item.deal, ws.process), item.id
        assert summary.notes == item.deal.notes
        assert summary.extensions == item.deal.extensions
        won += summary.won_on is not None
    assert won > 20  # the generated pipeline has wins to date


def test_forecast_from_summaries_equals_forecast_from_full_deals(tmp_path: Path) -> None:
    import datetime as dt

    from salesflow.files.load import load_overview
    from salesflow.reports.forecast import forecast, won_from_summary
    from tests import generate

    generate.write(tmp_path, generate.walks(400), until=generate.END)
    full = load_workspace(tmp_path, cache=False)
    for cached in (load_overview(tmp_path), load_overview(tmp_path)):  # cold, then warm
        for period in ("month", "quarter"):
            for today in (dt.date(2025, 6, 1), dt.date(2026, 11, 15)):
                slim = forecast(cached.process, cached.deals, today=today, period=period,
                                won=won_from_summary)
                assert slim == forecast(full.process, full.deals, today=today, period=period)
