"""Git's conflict markers around the keys of a deal file that both sides changed.

A conflict left for a person looks as it does after any git merge: our lines
and theirs between `<<<<<<<`, `=======` and `>>>>>>>`, so editors and merge
tools recognise it. Markers go around whole top-level keys (`amount: ...`, or
the whole `milestones:` block), taken from each side's own text, so nothing
of either side is lost. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from salesflow.files import yamlio

MARKER = 7
_BREAK = re.compile(r"\r\n|\r|\n")


def newline_of(text: str) -> str:
    match = _BREAK.search(text)
    return match.group() if match else "\n"


def key_spans(text: str) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, end line) of its lines in `text` (0-based, end excluded).

    A key's lines run to the next key; comment and blank lines right before the
    next key belong to that key, not to this one.
    """
    node = yamlio.compose(text, "<text>")
    lines = text.splitlines(keepends=True)
    spans: dict[str, tuple[int, int]] = {}
    if not isinstance(node, yaml.MappingNode):
        return spans
    starts = [(str(k.value), int(k.start_mark.line)) for k, _ in node.value]
    for i, (key, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip()
                                   or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        spans[key] = (start, end)
    return spans


def mark_conflicts(ours: str, theirs: str, keys: Iterable[str], *, ours_label: str = "ours",
                   theirs_label: str = "theirs") -> str:
    """`ours` with each of `keys` replaced by a conflict block of our lines and theirs."""
    nl = newline_of(ours)
    mine, other = key_spans(ours), key_spans(theirs)
    our_lines = ours.splitlines(keepends=True)
    if our_lines and not our_lines[-1].endswith(("\n", "\r")):
        our_lines[-1] += nl
    their_lines = theirs.splitlines(keepends=True)
    if their_lines and not their_lines[-1].endswith(("\n", "\r")):
        their_lines[-1] += nl
    at_end: list[str] = []
    blocks: list[tuple[int, int, list[str]]] = []
    for key in dict.fromkeys(keys):
        theirs_part = their_lines[slice(*other[key])] if key in other else []
        if key in mine:
            start, end = mine[key]
            blocks.append((start, end, _block(our_lines[start:end], theirs_part, nl,
                                              ours_label, theirs_label)))
        else:
            at_end.extend(_block([], theirs_part, nl, ours_label, theirs_label))
    for start, end, block in sorted(blocks, reverse=True):
        our_lines[start:end] = block
    return "".join(our_lines + at_end)


def _block(ours: list[str], theirs: list[str], nl: str, ours_label: str,
           theirs_label: str) -> list[str]:
    return [f"{'<' * MARKER} {ours_label}{nl}", *ours, f"{'=' * MARKER}{nl}", *theirs,
            f"{'>' * MARKER} {theirs_label}{nl}"]
