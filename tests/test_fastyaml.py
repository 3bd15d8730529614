"""`fastyaml.read` gives exactly what pyyaml gives, or declines.

The line reader is only an accelerator: for every text it accepts, its data
must equal, value for value and type for type, what `yamlio.parse_data`
builds through pyyaml's composer; a text pyyaml refuses must never be
accepted. Texts are generated line by line from the pieces deal files are
made of, with every near miss beside them (indicators, quotes, comments,
colons, odd spaces, bad indentation), so that most are accepted and the rest
probe the edges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.files import fastyaml, yamlio
from tests.generate import deal_text, walks
from tests.test_fast_paths import typed

REPO = Path(__file__).resolve().parent.parent

Outcome = tuple[str, Any]


def by_pyyaml(text: str) -> Outcome:
    """What `parse_data` builds without the line reader."""
    try:
        loader = yamlio._DataLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        return "data", typed(None if node is None else yamlio._plain(node, 0))
    except (yaml.YAMLError, yamlio.NeedsMarks, RecursionError):
        return "refused", None


def by_lines(text: str) -> Outcome | None:
    """What the line reader builds; None when it declines."""
    try:
        return "data", typed(fastyaml.read(text, yamlio._plain_value))
    except fastyaml.Unsure:
        return None
    except yamlio.NeedsMarks:
        return "refused", None


def assert_agree(text: str) -> bool:
    """The reader agrees with pyyaml or declines; True when it read the text."""
    fast = by_lines(text)
    if fast is None:
        return False
    assert fast == by_pyyaml(text), text
    return True


WORDS = ["a", "name", "sofia.lin", "Osaka Chemical Plant", "2025-03-05", "12", "-5", "0x1F",
         "1.5", "1e3", "+3", "07", "null", "~", "true", "False", "yes", "no", "Vice president, ops",
         "10:30", "http://x.y/z", "a:b", "中文 客户", "王芳", "a  b", "x-y", "a_b", "a - b",
         "a ? b", "50%", "PO#12", "a&b", "C++", "1" * 101]
ODD = ["", "-", "- a", "-a", "?", "? a", ":", ": a", "a:", "a: b", "a :", "|", ">", "|-", "&x",
       "*x", "!t", "%x", "@x", "`x", ".5", "...", "---", "#", "a #c", "a# b", "[", "]", "{", "}",
       "[a", "a]", "{a}", "a, b", "\t", "a\tb", "\u3000a", "a\u3000", "\xa0", "\u2028", "\x85",
       "\ufeff", "\r", "a\\b", "'", '"']
KEYS = ["a", "b", "name", "visit-committed", "a.b", "k/v", "1", "true", "null", "中文",
        "2025-01-01", "x_y", "a b", "-a", "'q'", '"q"', "? k", "a:b", "[k]", "*k", "é"]


def quoted(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from([f'"{text}"', f"'{text}'", f"'{text.replace(chr(39), chr(39) * 2)}'"])


SCALAR = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS + ODD).flatmap(quoted),
    st.sampled_from(ODD),
    st.sampled_from(['""', "''", "'it''s'", '"a, b"', '"a: b"', '"#x"', '"a\\"b"', "'a'b'"]),
)
FLOW = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(KEYS), inner), max_size=4).map(
            lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"),
        st.sampled_from(["[]", "{}", "[a,b]", "[a ,b ]", "{a:b}", "{a: b,}", "[a, b,]",
                         "{ a: 1 }", "[ a ]", "{a: [b, c], d: {e: f}}", "[[a], [b]]",
                         "[a: b]", "{a, b}", "{a: }", "[a, , b]", "[a] x", "{a: b} # c",
                         "{a: 'b' }", '["a",b]']),
    ),
    max_leaves=6,
)
VALUE = st.one_of(SCALAR, FLOW)
LINE = st.one_of(
    st.tuples(st.sampled_from(KEYS), VALUE).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.sampled_from(KEYS).map(lambda k: f"{k}:"),
    VALUE.map(lambda v: f"- {v}"),
    st.tuples(st.sampled_from(KEYS), VALUE).map(lambda kv: f"- {kv[0]}: {kv[1]}"),
    st.sampled_from(KEYS).map(lambda k: f"- {k}:"),
    st.sampled_from(["-", "- -", "- - a", "# a comment", "", "  ", "#", "---", "...",
                     "--- a", "%YAML 1.2", "key:  value  ", "key: value # note", "- a # note",
                     "key: 'v' # note", "key:\tv", "key :v", "key:v"]),
    VALUE,
)
INDENT = st.sampled_from([0, 0, 0, 2, 2, 2, 4, 4, 6, 1, 3])
TEXT = st.lists(st.tuples(INDENT, LINE), min_size=1, max_size=12).map(
    lambda lines: "\n".join(" " * indent + line for indent, line in lines)
) | st.lists(st.tuples(INDENT, LINE), min_size=1, max_size=12).map(
    lambda lines: "\n".join(" " * indent + line for indent, line in lines) + "\n")


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_the_line_reader_agrees_with_pyyaml_or_declines(text: str) -> None:
    assert_agree(text)


# Texts shaped like deal files: a mapping whose keys are unique, with nested
# blocks, so that most are read (the property above then says something).
@st.composite
def documents(draw: st.DrawFn, depth: int = 0, indent: int = 0) -> str:
    keys = draw(st.lists(st.sampled_from(KEYS[:11]), min_size=1, max_size=5, unique=True))
    out = []
    for key in keys:
        kind = draw(st.sampled_from(["value", "value", "map", "list", "items", "empty"]))
        pad = " " * indent
        if kind == "value" or depth >= 2:
            out.append(f"{pad}{key}: {draw(VALUE)}")
        elif kind == "empty":
            out.append(f"{pad}{key}:")
        elif kind == "map":
            step = draw(st.sampled_from([2, 4]))
            out.append(f"{pad}{key}:\n" + draw(documents(depth + 1, indent + step)))
        else:
            step = draw(st.sampled_from([0, 2]))
            items = []
            for _ in range(draw(st.integers(1, 3))):
                if kind == "items":
                    body = draw(documents(depth + 1, indent + step + 2))
                    items.append(" " * (indent + step) + "- " + body[indent + step + 2:])
                else:
                    items.append(" " * (indent + step) + "- " + draw(VALUE))
            out.append(f"{pad}{key}:\n" + "\n".join(items))
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(["", "# note", "   # indented note"])))
    return "\n".join(out)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_line_reader_agrees_on_deal_shaped_texts(text: str) -> None:
    assert_agree(text)


def test_generated_texts_are_mostly_read() -> None:
    """The properties above test something: the reader accepts many of their texts."""
    read = sum(assert_agree(_example(seed)) for seed in range(300))
    assert read > 250


def _example(seed: int) -> str:
    import random

    rng = random.Random(seed)
    lines = []
    for key in rng.sample(KEYS[:11], rng.randint(1, 6)):
        value = rng.choice([*WORDS[:-1], '"quoted, text"', "[a, b]",
                            "{date: 2025-01-01, by: x}"])
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def deal_files() -> list[Path]:
    return sorted([*(REPO / "deals").rglob("*.yaml"), *(REPO / "tests").rglob("*.yaml"),
                   REPO / "stages.yaml"])


def test_every_yaml_file_of_the_repository_agrees() -> None:
    read = 0
    for path in deal_files():
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        read += assert_agree(text)
    assert read >= 30  # the demo deals without block scalars, the test data


def test_generated_deals_take_the_fast_path() -> None:
    """The deal files salesflow and its generators write are read without pyyaml."""
    import datetime as dt

    for walk in walks(60, seed=3):
        text = deal_text(walk, dt.date(2026, 11, 30))
        if text is not None:
            assert assert_agree(text), text


PATHOLOGICAL = [
    "a: {" + "k: v  , " * 400 + "k: v  x\n",  # each value could end before or after its spaces
    "a: [" + "v  , " * 400 + "v  x\n",
    "a: {" + "k: v w  , " * 400 + "k: v\n",
    "a: [" + "'v''' , " * 400 + "x\n",
    "a: " + "b " * 4000 + ":\n",
    "k" * 4000 + "x: y\n",
    "a: [" * 30 + "\n",
]


def test_no_line_makes_the_reader_backtrack_for_ever() -> None:
    """Lines that nearly match, with many ways to split them, are declined at once.

    Run in a child process with a bound a million times what a linear reading
    takes: a regular expression with an ambiguous split (once `[^,]*?` before
    ` *`) tried 3 ** 400 ways here and never returned, and C holds the GIL.
    """
    import subprocess
    import sys

    script = ("import sys; from salesflow.files import fastyaml\n"
              "for text in sys.argv[1:]:\n"
              "    try: fastyaml.read(text, str)\n"
              "    except fastyaml.Unsure: pass\n")
    subprocess.run([sys.executable, "-c", script, *PATHOLOGICAL], check=True, timeout=60)


LONG_NUMBER = "1" * 101  # more digits than salesflow reads as a number


@pytest.mark.parametrize("text", [
    "k" * 1025 + ": v\n",  # libyaml reads no key longer than 1,024 characters
    "- " + "k" * 1025 + ": v\n",
    "a:\n  " + "k" * 1025 + ": v\n",
    "a: {" + "k" * 1025 + ": v}\n",
    "a: {" + "k" * 1025 + ": v, b: [c, d]}\n",
    "中" * 1025 + ": v\n",
    "k" * 1024 + ": v\n",  # the longest it reads
    f"a: [{LONG_NUMBER}#x]\n",  # text to pyyaml, not a number cut at '#'
    f"a: [{LONG_NUMBER}'x]\n",
    f"a: [{LONG_NUMBER}:x]\n",
    f"a: {{b: {LONG_NUMBER}#x, c: [d]}}\n",
    f"- [{LONG_NUMBER}#c, [d]]\n",
])
def test_found_in_review(text: str) -> None:
    """Texts an adversarial review found the reader wrong about (the first six) or
    refusing what pyyaml reads (the last five): now it agrees or declines."""
    assert_agree(text)


@pytest.mark.parametrize(("text", "reason"), [
    ("a: |\n  x\n", "a block scalar"),
    ("a: b\n  c\n", "a plain value running on"),
    ("a: 1\na: 2\n", "a duplicate key"),
    ("a: \"x\\ty\"\n", "an escape"),
    ("a: 'b' # c\n", "a comment beside quotes"),
    ("a:\tb\n", "a tab"),
    ("--- \na: b\n", "a document marker"),
    ("a: {b: [c,\n  d]}\n", "a flow collection over lines"),
])
def test_the_reader_declines_what_it_does_not_read(text: str, reason: str) -> None:
    assert by_lines(text) is None, reason
