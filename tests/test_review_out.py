"""The review's own writers give the bytes of the general ones (`output.csv`, `json.dumps`,
rich's cell counting and cutting), whatever the text: commas, quotes, line breaks, a lone
carriage return, control characters, Chinese."""

from __future__ import annotations

import io
import json
import sys
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salesflow.cli import review, review_out
from salesflow.method.reviewed import DealReview
from salesflow.method.risk_words import Risk
from salesflow.model.summary import DealSummary, SummaryFile
from salesflow.output.render import output

TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t\x1b·…中文 ')), max_size=12)


def _reviews(texts: list[str]) -> list[DealReview]:
    out = []
    for i, text in enumerate(texts):
        deal = DealSummary(text or None, text, text or None, Decimal(5), None, "F", "open",
                           None, None, None, None, None, None, None, None)
        risks = tuple(Risk(f"code-{j}", texts[j], text) for j in range(i % 3))
        out.append(DealReview(SummaryFile(f"d-{i}", f"deals/{text}.yaml", deal), Decimal(5),
                              Decimal("0.5") if i % 2 else None, risks))
    return out


def _stdout(write: object, *args: object) -> str:
    old, sys.stdout = sys.stdout, io.StringIO()
    try:
        write(*args)  # type: ignore[operator]
        return sys.stdout.getvalue()
    finally:
        sys.stdout = old


@given(st.lists(TEXT, min_size=1, max_size=6))
def test_csv_lines_are_output_csvs(texts: list[str]) -> None:
    from salesflow.model.money import money_json

    reviews = _reviews(texts)
    rows = [[r.item.id, r.item.deal.name, r.item.deal.customer, r.item.deal.owner,
             r.item.deal.stage, r.item.deal.status, money_json(r.weighted), *k]
            for r in reviews for k in r.risks]
    tail = [["INVALID", t, 1, 2, t, "", "", "", "", ""] for t in texts]
    want = _stdout(output.csv, review.REVIEW_CSV, rows + tail)
    got = _stdout(review_out.write, review_out.csv_lines(review.REVIEW_CSV, reviews, tail))
    assert got == want


@given(st.lists(TEXT, max_size=6))
def test_review_json_is_json_dumps(texts: list[str]) -> None:
    reviews = _reviews(texts)
    head, tail = {"as_of": "2026-01-01", "currency": "中"}, {"invalid": {"count": 0}}
    want = _stdout(output.json, {**head, "deals": [review.review_json(r) for r in reviews],
                                 **tail})
    got = _stdout(review_out.write_json, head, "deals", review_out.deals_json(reviews), tail)
    assert got == want
    assert json.loads(got)["currency"] == "中"


@given(TEXT, st.integers(min_value=1, max_value=14))
def test_cells_and_cuts_are_richs(text: str, width: int) -> None:
    from rich.cells import cell_len
    from rich.text import Text

    assert review._cells(text) == cell_len(text)
    if cell_len(text) > width:
        cut = Text(text)
        cut.truncate(width, overflow="ellipsis")
        assert review._cut(text, width) == cut.plain
