"""`yamlio.scalar`: every value written reads back as exactly that value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.files import yamlio

# Characters that mean something to YAML, and a few that pyyaml treats as line breaks.
_TRICKY = [*" -?:,[]{}#&*!|>'\"%@`~.0123456789eExoNnyYtTfF\n\t\r\\",
           "\u2028", "\x85", "\ufeff", "\x7f", "泵", "é"]


def _read_back(text: str) -> Any:
    return yamlio.parse(text.encode("utf-8"), "x.yaml").data


def _round_trips(value: str) -> None:
    block = yamlio.scalar(value)
    assert _read_back(f"k: {block}\n")["k"] == value, block
    assert _read_back(f"- {block}\n") == [value], block
    flow = yamlio.scalar(value, flow=True)
    assert _read_back(f"k: {{a: {flow}, b: 1}}\n")["k"] == {"a": value, "b": 1}, flow
    assert _read_back(f"k: [{flow}, 1]\n")["k"] == [value, 1], flow


@settings(max_examples=1500)
@given(st.text(st.sampled_from(_TRICKY), max_size=8))
def test_tricky_text_round_trips(value: str) -> None:
    _round_trips(value)


@settings(max_examples=500)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12))
def test_any_text_round_trips(value: str) -> None:
    _round_trips(value)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Acme #1", '"Acme #1"'),  # ` #` would start a comment and cut the text short
        ("li.wei", "li.wei"),
        ("no", '"no"'),
        ("2026-01-01", '"2026-01-01"'),
        ("泵站改造", "泵站改造"),
        ("line\u2028break", '"line\\u2028break"'),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (Decimal("12.50"), "12.50"),
        (None, "null"),
        (True, "true"),
    ],
)
def test_written_forms(value: object, written: str) -> None:
    assert yamlio.scalar(value) == written


@pytest.mark.parametrize(("value", "written"), [("a, b", '"a, b"'), ("x:y", '"x:y"'),
                                                ("[x]", '"[x]"'), ("plain", "plain")])
def test_flow_forms(value: str, written: str) -> None:
    assert yamlio.scalar(value, flow=True) == written


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        yamlio.scalar("bad \udcff byte")


@given(st.text(st.sampled_from(_TRICKY), max_size=8))
def test_single_quoted_round_trips_or_declines(value: str) -> None:
    written = yamlio.single_quoted(value)
    if written is not None:
        assert _read_back(f"k: {written}\n")["k"] == value
        assert _read_back(f"k: {{a: {written}}}\n")["k"] == {"a": value}
