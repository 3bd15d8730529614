"""Shell completion: deal ids, the milestones of a deal's stage, the people of a deal.

Typer asks these while the user presses Tab (`salesflow --install-completion`
sets it up). They must answer at once and never fail: a broken workspace,
a missing cache or a deal that does not load gives no suggestions, never a
traceback on the user's prompt. Deal ids come from the cache's names (a
report recorded them), else from a listing of `deals/`; milestones and
people read the one deal file named on the line.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process

LIMIT = 200  # more suggestions than this help nobody at a prompt


def _root(ctx: typer.Context) -> Path | None:
    from salesflow.files.workspace import find_root

    top = ctx.find_root().params.get("root")
    with contextlib.suppress(Exception):
        return find_root(override=top or None)
    return None



def deal_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """The deal ids that start with what is typed, from the cache when it has them."""
    try:
        from salesflow.files.workspace import known_deal_ids

        root = _root(ctx)
        if root is None:
            return []
        return [i for i in known_deal_ids(root) if i.startswith(incomplete)][:LIMIT]
    except Exception:  # completion never fails on the user's prompt
        return []


def _deal(ctx: typer.Context) -> tuple[Process, Deal] | None:
    """The deal named earlier on the line (its `DEAL` argument), when it loads."""
    from salesflow.files.load import load_deal_file, load_process
    from salesflow.files.workspace import locate_deal

    ref = _deal_ref(ctx)
    root = _root(ctx)
    if not isinstance(ref, str) or root is None:
        return None
    process = load_process(root)
    item, _problems = load_deal_file(root, locate_deal(root, ref), process)
    return None if item is None else (process, item.deal)


def _deal_ref(ctx: typer.Context) -> str | None:
    """The `DEAL` on the line: parsed, or, when the parser stopped at the option being
    completed (`--with ` has no value yet, so click assigns no argument), read from the
    words the shell handed over: the first one after the command that is no option."""
    ref = ctx.params.get("deal")
    if isinstance(ref, str):
        return ref
    words = _line_words()
    name = ctx.info_name
    if name is None or name not in words:
        return None
    valued = {opt for p in ctx.command.params if p.param_type_name == "option"
              and not getattr(p, "is_flag", False) for opt in p.opts}
    skip = False
    for word in words[words.index(name) + 1:]:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in valued
        else:
            return word
    return None


def _line_words() -> list[str]:
    """The command line being completed, as the shell gives it to Typer."""
    import os
    import shlex

    line = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    try:
        return shlex.split(line)
    except ValueError:  # an open quote: the word being typed
        return line.split()


def milestones(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The exit milestones of the deal's current stage, with their texts as help."""
    try:
        found = _deal(ctx)
        if found is None:
            return []
        process, deal = found
        return [(m.id, m.text) for m in process.stage(deal.stage).exit
                if m.id.startswith(incomplete)]
    except Exception:
        return []


def people(ctx: typer.Context, incomplete: str) -> list[str]:
    """The names of the deal's buying centre."""
    try:
        found = _deal(ctx)
        if found is None:
            return []
        return [p.name for p in found[1].stakeholders if p.name.startswith(incomplete)]
    except Exception:
        return []
