"""Fuzzing by value substitution: any scalar of the demo files replaced by an edge value.

Each example takes the demo workspace, replaces one scalar (a value or a key,
found from the YAML node marks, in a deal file or `stages.yaml`) with one of
about thirty edge values written as raw YAML (5,000-digit numbers, year 9999,
`1e27`, NaN, escape sequences, markup, tags, aliases, broken syntax, ...), and
runs one command of the CLI on it. The only outcomes allowed are exit 0, 1 or
2 with no traceback and no internal error. CI runs a few examples; set
SALESFLOW_FUZZ_EXAMPLES (shared with test_fuzz_cli) for a long local session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, WS
from tests.test_hostile_workspaces import COMMANDS, _argv

EXAMPLES = int(os.environ.get("SALESFLOW_FUZZ_EXAMPLES", "40"))

EDGES = [
    "0x" + "f" * 5000, "0o" + "7" * 5000, "9" * 5000, "-" + "9" * 120,
    "9999-12-31", "0000-00-00", "1899-12-31", "2026-02-30", "2999-12-31",
    "1e27", "1e309", "1e-999999999", "-1", "-0", ".nan", "-.inf", "~", "''",
    '"\\e]52;c;cHduZWQ=\\a"', '"\\e[2J\\e[31m"', '"\\u009b31m"',
    "'[link=http://evil]x[/link]'", "'[bold]x'", "yes", "no", "[]", "{}", "[",
    "&a x", "!!python/object/apply:os.system [x]", '"' + "x" * 3000 + '"',
    "'=HYPERLINK(\"http://evil\")'", '"\\ufeff"', '"a\\nb"', '"\\0"',
]
FILES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "deals").rglob("*.yaml"))
FILES.append("stages.yaml")


def _scalars(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of every scalar node, keys included."""
    spans: list[tuple[int, int]] = []
    stack = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return sorted(spans)


SPANS = {rel: _scalars((REPO / rel).read_text(encoding="utf-8")) for rel in FILES}


def _workspace(base: Path) -> Path:
    root = base / "ws"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy(REPO / "stages.yaml", root / "stages.yaml")
    shutil.copytree(REPO / "deals", root / "deals")
    (root / "crm.csv").write_text("customer,stage\nNew Co,G\n")
    (root / "m").mkdir()
    for side in ("base", "ours", "theirs"):
        shutil.copy(REPO / "deals" / "lubei-compressor-plc.yaml", root / "m" / f"{side}.yaml")
    return root


@st.composite
def substitution(draw: st.DrawFn) -> tuple[str, int, str, list[str]]:
    rel = draw(st.sampled_from(FILES))
    where = draw(st.integers(0, len(SPANS[rel]) - 1))
    edge = draw(st.sampled_from(EDGES))
    command = draw(st.sampled_from(COMMANDS))
    deal = Path(rel).stem if rel != "stages.yaml" else "lubei-compressor-plc"
    argv = [deal if a == "acme" else a for a in _argv(command)]
    return rel, where, edge, argv


def test_every_file_has_scalars_to_replace() -> None:
    assert all(len(spans) >= 5 for spans in SPANS.values())


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=substitution())
def test_an_edge_value_anywhere_never_crashes_a_command(
    tmp_path: Path, case: tuple[str, int, str, list[str]],
) -> None:
    rel, where, edge, argv = case
    root = _workspace(tmp_path)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    start, end = SPANS[rel][where]
    path.write_text(text[:start] + edge + text[end:], encoding="utf-8")
    result = WS(root).run(*argv)
    assert result.exit_code in (0, 1, 2), (rel, where, edge, argv, result.stderr)
    assert "Traceback" not in result.stderr, (argv, result.stderr)
    assert "internal error" not in result.stderr, (rel, edge, argv, result.stderr)
    if argv[0] != "export":  # CSV and JSON keep exact values
        assert "\x1b" not in result.stdout + result.stderr, (rel, edge, argv)
