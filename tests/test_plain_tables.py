"""Long tables as plain aligned text (`salesflow.output.plain`): fitted, aligned, fast."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from salesflow.output.fit import Col, plan
from salesflow.output.plain import GAP, LONG, cells, cut, printable, render
from tests.conftest import WS

COLUMNS = (Col("ID"), Col("Name", "text", drop=2, min=6), Col("Customer", "text", drop=1, min=6),
           Col("Amount", right=True))


def layout(cols: tuple[Col, ...], rows: list[list[str]], width: int) -> tuple[list[int],
                                                                             list[int]]:
    active, widths = plan(cols, rows, width, GAP, measure=cells)
    return active, [widths[i] for i in active]


def test_cut_counts_cells_and_ends_in_an_ellipsis() -> None:
    assert cut("Pump station", 20) == "Pump station"
    assert cut("Pump station", 6) == "Pump …"
    assert cut("鲁北石化股份有限公司", 7) == "鲁北石…"  # 3 characters = 6 cells, then the ellipsis
    assert cell_len(cut("鲁北石化股份有限公司", 8)) <= 8


def test_a_wide_table_shrinks_texts_then_drops_columns_never_ids() -> None:
    rows = [["acme-pumps-retrofit", "Pump station retrofit for the north works",
             "Acme Water Works Authority", "1,250,000"]]
    shown, widths = layout(COLUMNS, rows, 200)
    assert shown == [0, 1, 2, 3]
    assert widths == [19, 41, 26, 9]
    shown, widths = layout(COLUMNS, rows, 60)
    assert shown == [0, 1, 2, 3] and sum(widths) + 2 * 3 <= 60
    shown, widths = layout(COLUMNS, rows, 42)
    assert shown == [0, 2, 3]  # the name went first: the highest drop number
    lines = list(render(COLUMNS, rows, 42))
    assert lines[1].startswith("acme-pumps-retrofit  Acme ")
    assert all(cell_len(line) <= 42 for line in lines)


def test_control_characters_are_shown_escaped_never_sent() -> None:
    assert printable("Acme\x1b[2J\x9b") == "Acme\\x1b[2J\\x9b"
    [_, row] = render((Col("Name"),), [["a\x1b]52;c;ZXZpbA==\x07b"]], None)
    assert "\x1b" not in row and "\x07" not in row
    assert row == "a\\x1b]52;c;ZXZpbA==\\x07b"


text = st.text(alphabet=st.sampled_from("abcXYZ 0123-鲁北石化公司"), min_size=0, max_size=30)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), text,
                               text, st.from_regex(r"[0-9,]{1,11}", fullmatch=True)),
                     min_size=1, max_size=12),
       width=st.integers(min_value=30, max_value=200))
def test_every_line_fits_and_columns_align(rows: list[tuple[str, ...]], width: int) -> None:
    lines = list(render(COLUMNS, rows, width))
    shown, widths = layout(COLUMNS, [list(r) for r in rows], width)
    fixed = sum(w for i, w in zip(shown, widths, strict=True) if COLUMNS[i].kind == "key")
    texts = sum(COLUMNS[i].kind == "text" for i in shown)
    if fixed + 2 * (len(shown) - 1) + 6 * texts <= width:
        assert all(cell_len(line) <= width for line in lines)
    for line, row in zip(lines[1:], rows, strict=True):
        assert line.startswith(row[0] + " ")  # the id is whole, first
        assert line.endswith(row[3])  # the amount is whole, right-aligned at the end


def test_list_of_many_deals_is_one_line_a_deal(ws: WS) -> None:
    for n in range(LONG + 5):
        ws.deal(f"deal-{n:04d}", f"name: 压缩机站PLC控制系统改造 number {n} with a long name\n"
                f"customer: 鲁北石化股份有限公司 branch {n}\nstage: C\namount: {1000 + n}\n"
                "owner: li.wei\nexpected_close: 2027-03-31\n")
    result = ws.run("list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == LONG + 5 + 1
    assert lines[0].split() == ["ID", "Name", "Customer", "Owner", "Stage", "Status", "Amount",
                                "Close"]
    ids = sorted(line.split()[0] for line in lines[1:])
    assert ids == [f"deal-{n:04d}" for n in range(LONG + 5)]
    assert lines[-1].endswith("branch 204  li.wei  C 50%  open     1,204  2027-03-31")
    assert len({cell_len(line) for line in lines[1:]}) == 1  # aligned: every row as wide


def test_a_long_table_keeps_the_layout_of_a_short_one(ws: WS) -> None:
    """Over LONG rows, `list` is plain text: the same columns, widths and lines as rich's."""
    for n in range(LONG):
        ws.deal(f"deal-{n:04d}", f"name: 压缩机站PLC控制系统改造 {n} with a long name\n"
                f"customer: 鲁北石化股份有限公司 {n}\nstage: C\namount: {1000 + n}\n"
                "owner: li.wei\nexpected_close: 2027-03-31\n")
    long_text = ws.run("list").stdout
    (ws.root / "deals" / "deal-0000.yaml").unlink()
    short_text = ws.run("list").stdout  # LONG - 1 rows: drawn by rich
    assert short_text.splitlines()[0] == long_text.splitlines()[0]
    assert short_text.splitlines()[1:] == [line for line in long_text.splitlines()[1:]
                                           if not line.startswith("deal-0000 ")]


def _by_cell(cols: tuple[Col, ...], rows: list[list[str]], width: int) -> list[str]:
    """The layout done the slow way: every cell measured, cut and padded on its own."""
    body = [[printable(v) for v in r] for r in rows]
    active, widths = plan(cols, body, width, GAP, measure=cells)
    lines = []
    for values in ([c.header for c in cols], *body):
        parts = []
        for i in active:
            col, w = cols[i], widths[i]
            text = cut(values[i], w) if col.kind == "text" else values[i]
            pad = " " * max(w - cells(text), 0)
            parts.append(pad + text if col.right else text + pad)
        lines.append((" " * GAP).join(parts).rstrip())
    return lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(st.sampled_from("ab Z9-中文ｱé\x1b…"), max_size=14),
                         min_size=4, max_size=4), max_size=12),
       st.integers(min_value=8, max_value=120))
def test_column_at_a_time_layout_is_the_cell_by_cell_one(rows: list[list[str]],
                                                         width: int) -> None:
    """ASCII columns are laid out with len/ljust/rjust: the same lines as measuring
    every cell in terminal cells (CJK two wide, controls escaped, texts cut)."""
    assert list(render(COLUMNS, rows, width)) == _by_cell(COLUMNS, rows, width)
    ascii_rows = [[v.encode("ascii", "ignore").decode() for v in r] for r in rows]
    assert list(render(COLUMNS, ascii_rows, width)) == _by_cell(COLUMNS, ascii_rows, width)
