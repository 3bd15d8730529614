"""`model.jsontext.loads` gives exactly `json.loads`'s values, whatever the text."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from salesflow.model.jsontext import loads

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
