"""`model.jsontext` reads and writes exactly what `json` does, whatever the value."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.model.jsontext import dumps, loads, loads_flags

# Values as a deal file can make them: any text (lone surrogates too), any
# integer (past 64 bits too), any float (NaN and infinities too).
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types throughout (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


@given(values)
def test_reads_what_json_reads(value: Any) -> None:
    for text in (json.dumps(value, ensure_ascii=False),
                 json.dumps(value, ensure_ascii=False, separators=(",", ":")),
                 json.dumps(value)):
        assert same(loads(text), json.loads(text))


def test_texts_orjson_refuses_are_read_by_json() -> None:
    for text, value in (('["\\ud800"]', ["\ud800"]), ("[NaN]", None), ("[123456789012345678901234]",
                        [123456789012345678901234])):
        got = loads(text)
        assert same(got, json.loads(text))
        if value is not None:
            assert got == value
    assert math.isnan(loads("[NaN]")[0])


# What the cache's texts are made of: JSON's own types, floats aside.
written = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(written)
def test_writes_what_json_writes(value: Any) -> None:
    assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_what_orjson_will_not_write_is_written_by_json() -> None:
    for value in (["\ud800"], [2**64], {1: "a"}, [10**30]):
        assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(TypeError):  # as json.dumps refuses it
        dumps([object()])


# The moves and review facts: texts, None and flags, in lists.
flagged = st.recursive(
    st.none() | st.booleans() | st.sampled_from([0, 1]) | st.text(),
    lambda inner: st.lists(inner, max_size=4), max_leaves=20,
)


@given(flagged)
def test_flags_read_as_json_reads_them(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert same(loads_flags(text), json.loads(text))
