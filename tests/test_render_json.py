"""`--format json` writes exactly what `json.dumps(indent=2, ensure_ascii=False)` writes.

The output goes through orjson for speed (`output.render.dumps`); these tests
hold it to the standard library's bytes for every kind of value the reports
emit, and show that what orjson refuses still comes out, through json.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.output.render import _default, dumps


def stdlib(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_default)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(), st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.dates(), st.integers(0, 10**7).map(lambda n: round(n / 10, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=25)


@settings(max_examples=400)
@given(values)
def test_the_same_bytes_as_the_standard_library(value: Any) -> None:
    assert dumps(value) == stdlib(value)


@pytest.mark.parametrize("value", [
    {"big": 2**70}, {1: "an int key"}, ["\ud800 a lone surrogate"],
    {"when": dt.datetime(2026, 12, 2, 9, 30)}, {"set": {1}}, {"e": Decimal("1E+3")},
    {"ctrl": "\x00\x1f\u2028\u2029\x7f"}, {"nested": [[], {}, [[]]]},
])
def test_what_orjson_refuses_or_treats_otherwise_is_the_standard_librarys(value: Any) -> None:
    assert dumps(value) == stdlib(value)


def test_a_value_neither_can_write_is_an_error() -> None:
    with pytest.raises(TypeError):
        dumps({"x": object()})


def _lazily(value: Any, draw: Any) -> Any:
    """The value with some of its lists handed over as `Lazy` (made item by item)."""
    from salesflow.output.jsonout import Lazy

    if isinstance(value, dict):
        return {k: _lazily(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        items = [_lazily(v, draw) for v in value]
        return Lazy(items, lambda x: x) if draw(st.booleans()) else items
    return value


@settings(max_examples=300)
@given(values, st.data())
def test_lists_made_item_by_item_are_spliced_in_at_their_place(value: Any,
                                                               data: st.DataObject) -> None:
    """The JSON of a `Lazy` list, at any depth, is the JSON of the list itself."""
    lazy = _lazily(value, data.draw)
    assert dumps(lazy) == stdlib(value)


def test_a_lazy_list_that_orjson_refuses_falls_back_whole() -> None:
    from salesflow.output.jsonout import Lazy, dump_chunks

    value = {"deals": Lazy([1, 2**70, 3], lambda n: {"n": n}), "after": ["x"]}
    assert dump_chunks(value) is None  # nothing half-made
    assert dumps(value) == stdlib({"deals": [{"n": 1}, {"n": 2**70}, {"n": 3}],
                                   "after": ["x"]})


def test_the_place_holder_cannot_be_forged_by_the_data() -> None:
    from salesflow.output.jsonout import Lazy

    value = {"name": "\x00deadbeefdeadbeef:0", "deals": Lazy([{"id": "D-1"}], dict)}
    assert dumps(value) == stdlib({"name": "\x00deadbeefdeadbeef:0", "deals": [{"id": "D-1"}]})
