"""Piped output drops the spaces rich pads table cells with, however it is written.

rich writes a table in chunks that split lines anywhere; `output.render._RStrip`
must give what stripping each finished line would, and hold an unfinished one
until the next chunk or the flush.
"""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from salesflow.output.render import _RStrip

pieces = st.lists(st.text(alphabet=" a\n\t中", max_size=12), max_size=12)


@given(pieces)
def test_each_line_loses_its_trailing_spaces_and_nothing_else(chunks: list[str]) -> None:
    sink = io.StringIO()
    stream = _RStrip(sink)
    for chunk in chunks:
        assert stream.write(chunk) == len(chunk)
    stream.flush()
    whole = "".join(chunks)
    assert sink.getvalue() == "\n".join(line.rstrip(" ") for line in whole.split("\n"))


def test_an_unfinished_line_waits_for_the_rest() -> None:
    sink = io.StringIO()
    stream = _RStrip(sink)
    stream.write("total   ")
    assert sink.getvalue() == ""  # its spaces may yet be followed by text
    stream.write(" 12  \nnext")
    assert sink.getvalue() == "total    12\n"
    stream.flush()
    assert sink.getvalue() == "total    12\nnext"
