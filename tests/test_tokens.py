"""History tokens: two entries share a token exactly when the models call them equal.

`changes` inside git compares a deal's history then and now through these
tokens (`model.tokens`), cached beside summaries; the models' own equality is
what the comparison meant when it read whole deals. Entries are drawn from a
small vocabulary, so that equal pairs are frequent: the same amount written
as `50000`, `50000.0` or `5E+4`, the team's `x-` keys with values that Python
calls equal across types (`1`, `1.0`, `true`), dates, lists and mappings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from salesflow.model.deal import HistoryEntry
from salesflow.model.tokens import entry_token, touched

AMOUNTS = st.sampled_from([50000, Decimal("50000"), Decimal("50000.0"), Decimal("5E+4"),
                           Decimal("50000.5"), 60000, None])
EXTRA = st.sampled_from([1, Decimal("1.0"), True, False, 0, Decimal("-0"), "1", "a", None,
                         [1], [Decimal("1.00")], ["1"], {"k": 1}, {"k": True}, {"k": "1"},
                         dt.date(2026, 1, 1), "2026-01-01"])


@st.composite
def entries(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["move", "status", "amount", "activity"]))
    entry: dict[str, Any] = {"date": draw(st.sampled_from([dt.date(2026, 1, 5),
                                                           dt.date(2026, 1, 6)]))}
    if kind == "move":
        entry |= {"from": draw(st.sampled_from(["G", "F"])), "to": "E"}
    elif kind == "status":
        entry |= {"status": draw(st.sampled_from(["lost", "hold"]))}
    elif kind == "amount":
        entry |= {"field": "amount", "from": draw(AMOUNTS), "to": draw(AMOUNTS)}
    else:
        entry |= {"activity": "call", "text": draw(st.sampled_from(["a", "b"]))}
    for key in draw(st.lists(st.sampled_from(["by", "note", "x-a", "x-b"]), max_size=2,
                             unique=True)):
        entry[key] = draw(st.sampled_from(["li.wei", "wang.fang"])) if key in (
            "by", "note") else draw(EXTRA)
    return entry


@settings(max_examples=600, deadline=None)
@given(entries(), entries())
def test_tokens_are_equal_exactly_when_the_entries_are(a: dict[str, Any],
                                                       b: dict[str, Any]) -> None:
    try:
        first, second = HistoryEntry.model_validate(a), HistoryEntry.model_validate(b)
    except ValidationError:
        assume(False)
        return
    assert (entry_token(first) == entry_token(second)) == (first == second), (a, b)
    assert entry_token(first) == entry_token(HistoryEntry.model_validate(dict(a)))


def test_what_an_entry_may_change_is_said_before_the_colon() -> None:
    def token(**entry: Any) -> str:
        return entry_token(HistoryEntry.model_validate({"date": "2026-01-05", **entry}))

    assert token(to="G").startswith("stage:") and token(status="lost").startswith("stage:")
    assert token(field="amount", to=5).startswith("amount:")
    assert token(field="currency", to="USD").startswith("amount:")  # changes the amount
    assert token(field="expected_close", to="2027-01-31").startswith("expected_close:")
    assert token(activity="call", text="x").startswith(":")
    assert touched([token(to="G"), token(field="currency", to="USD"),
                    token(activity="call", text="x")]) == {"stage", "status", "amount"}
