"""Long output on a terminal goes through a pager, as git does it.

A report of thousands of lines scrolls out of sight; git's answer is to hand
long output to `less`. So does salesflow: on a terminal, a command's output
is collected while it runs; at the end, if it has more lines than the
terminal is high, it goes to `$SALESFLOW_PAGER`, else `$PAGER`, else
`less -FRX` (quit if it fits, keep colours, leave the text on the screen),
and otherwise it is written as it is. An empty pager, or `cat`, means none.

Never for output that is not a terminal (a pipe, a file: scripts get exactly
the bytes), never for `--format json|csv` (the caller decides, see
`salesflow.cli._common.handle_errors`), never with `--no-pager`. A pager that
cannot be started, or that dies, is no error: the output is written plainly
instead, or what the user quit from is dropped, as git does.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

PAGER_ENV = "SALESFLOW_PAGER"
DEFAULT = "less -FRX"


def pager_command() -> list[str] | None:
    """The pager to run, as an argument list; None when the user chose none."""
    for name in (PAGER_ENV, "PAGER"):
        chosen = os.environ.get(name)
        if chosen is not None:
            try:
                words = shlex.split(chosen)
            except ValueError:
                words = chosen.split()
            if not words or words == ["cat"]:
                return None
            return words
    return shlex.split(DEFAULT)


class _Collected(io.StringIO):
    """What the command writes to stdout, kept until it ends; it stands for the terminal."""

    def __init__(self, real: Any) -> None:
        super().__init__()
        self._real = real

    def isatty(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._real, "encoding", None) or "utf-8"

    def fileno(self) -> int:
        return int(self._real.fileno())


def _terminal_lines(stream: object) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).lines  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        return shutil.get_terminal_size().lines


@contextlib.contextmanager
def paging(wanted: bool) -> Iterator[None]:
    """Run the block with stdout collected, then page it if long (see the module docstring).

    `wanted` is the caller's say (the format, `--no-pager`); without a
    terminal on stdout, or without a pager, the block writes straight out.
    """
    real = sys.stdout
    if not wanted or not _is_terminal(real) or pager_command() is None:
        yield
        return
    from salesflow.output.render import output

    collected = _Collected(real)
    sys.stdout = collected
    output.reset()  # the consoles are made again, on the collected stream
    try:
        yield
    finally:
        sys.stdout = real
        output.reset()
        show(collected.getvalue(), real)


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False


def show(text: str, stream: object) -> None:
    """Write `text` to the terminal `stream`: through the pager when it is taller than that."""
    if not text:
        return
    command = pager_command()
    if (command is not None and text.count("\n") > _terminal_lines(stream)
            and _through(command, text, stream)):
        return
    _write(stream, text)


def _through(command: list[str], text: str, stream: object) -> bool:
    """True when the pager ran (whatever the user did in it); False if it could not start.

    A pager that dies without reading (exit status not 0, its input cut) or
    that the shell could not run (126, 127) did not show anything.
    """
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git: a `less` named without options behaves the same
    env.setdefault("LV", "-c")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    with contextlib.suppress(AttributeError, ValueError, OSError):
        stream.flush()  # type: ignore[attr-defined]
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError, subprocess.SubprocessError):
        return False
    assert pager.stdin is not None
    cut = False
    try:
        pager.stdin.write(text.encode(encoding, "replace"))
        pager.stdin.close()
    except OSError:  # the user quit before the end (fine), or the pager died
        cut = True
        with contextlib.suppress(OSError):
            pager.stdin.close()
    while True:
        try:
            code = pager.wait()
            break
        except KeyboardInterrupt:  # ^C belongs to the pager (less uses it); wait on
            continue
    return not (code in (126, 127) or (code != 0 and cut))


def _write(stream: object, text: str) -> None:
    try:
        stream.write(text)  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
    except BrokenPipeError:
        pass
