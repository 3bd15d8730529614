"""All terminal output: results on stdout, problems on stderr.

Rich tables, trees and bars when stdout is a terminal; the same content as
plain aligned text when piped (no colour, no box lines, `#` bars), and colour
never when NO_COLOR is set. JSON and CSV have stable shapes: money is a
decimal string with two places, dates are ISO strings.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import enum
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.output.jsonout import _default, dumps

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

    from salesflow.model.errors import Problem


class Format(enum.StrEnum):
    """Output formats of reports and lists."""

    table = "table"
    json = "json"
    csv = "csv"


class GroupBy(enum.StrEnum):
    """What `funnel --by` cuts the funnel by."""

    owner = "owner"
    segment = "segment"
    product_line = "product_line"
    account = "account"  # the account cuts: the deal's account, its tier, its relationship
    tier = "tier"
    relationship = "relationship"


class Layout(enum.StrEnum):
    """How `funnel --by` shows its groups: side by side when they fit, or one under another."""

    auto = "auto"
    side = "side"
    stacked = "stacked"


class PeriodChoice(enum.StrEnum):
    """Forecast periods."""

    month = "month"
    quarter = "quarter"


class ForecastBy(enum.StrEnum):
    """What `forecast --by` takes: a period, or one line per account."""

    month = "month"
    quarter = "quarter"
    account = "account"


class ShowFormat(enum.StrEnum):
    """Output formats of single-object commands."""

    text = "text"
    json = "json"


PIPED_WIDTH = 100

# What a terminal would obey rather than show: C0 controls but tab and newline,
# DEL, and C1 controls (U+0080-U+009F; U+009B alone starts a CSI sequence).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def clean(text: str) -> str:
    """`text` with every control character shown as `\\x1b` (escape sequences never run).

    Applied to everything printed through the consoles, so a name, note,
    owner or file name holding ESC, OSC 52 or CSI bytes cannot clear the
    screen, write the clipboard or hide a link; JSON and CSV keep exact values.
    """
    return _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text


def safe(text: str) -> str:
    """A value from data, ready to go inside rich markup: controls escaped, markup escaped."""
    from rich.markup import escape

    return escape(clean(text))


def piped_width() -> int:
    """The width of output that is not a terminal: $COLUMNS when set, else a fixed 100.

    Fixed, so a script or a file gets the same table every time; COLUMNS lets
    a caller ask for wider (or narrower) tables.
    """
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return PIPED_WIDTH
    return columns if columns > 0 else PIPED_WIDTH


def money(value: Decimal | None, currency: str | None = None) -> str:
    """Money for people: whole units, the language's way (`output.numbers`); JSON keeps cents."""
    from salesflow.output.numbers import money as shown

    return shown(value, currency)


def _cell(value: Any) -> Any:
    """A CSV cell that is not a str: empty for None, money and dates as in JSON."""
    if value is None:
        return ""
    return _default(value) if isinstance(value, Decimal | dt.date) else value


class _RStrip:
    """A text stream that drops trailing spaces from each line (rich pads table cells)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        whole = self._pending + text
        if " \n" not in whole:  # plain lines (a long review, a list): nothing to strip
            cut = whole.rfind("\n") + 1
            self._pending = whole[cut:]
            if cut:
                self._stream.write(whole[:cut])
            return len(text)
        lines = whole.split("\n")
        self._pending = lines.pop()
        if lines:  # the complete lines, written at once
            self._stream.write("\n".join([line.rstrip(" ") for line in lines]) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending.rstrip(" "))
            self._pending = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", "utf-8") or "utf-8"


def _utf8(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


class Output:
    """The two streams of a command, created lazily so `--version` stays fast."""

    def __init__(self) -> None:
        self._out: Console | None = None
        self._err: Console | None = None

    @staticmethod
    def _console(stream: Any) -> Console:
        terminal = stream.isatty() if hasattr(stream, "isatty") else False
        console: Console = _safe_console()(
            file=stream if terminal else _RStrip(stream),
            highlight=False,
            soft_wrap=not terminal,
            width=None if terminal else piped_width(),
            no_color=bool(os.environ.get("NO_COLOR")) or None,
            color_system="auto" if terminal else None,
            force_terminal=terminal or None,
            emoji=False,
        )
        return console

    @property
    def out(self) -> Console:
        if self._out is None:
            self._out = self._console(sys.stdout)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = self._console(sys.stderr)
        return self._err

    @property
    def fancy(self) -> bool:
        """True on a real terminal: colours, boxes and block bars allowed."""
        return bool(self.out.is_terminal)

    # -------------------------------------------------------------- results

    def print(self, *items: RenderableType | str, **kwargs: Any) -> None:
        self.out.print(*items, **kwargs)

    def text(self, line: str = "", indent: int = 0) -> None:
        """A plain line on stdout, never interpreted as markup.

        With `indent`, a terminal wraps the line under its own first character
        (a hanging indent); piped output is never wrapped.
        """
        if indent and self.fancy:
            from rich.padding import Padding
            from rich.text import Text

            self.out.print(Padding(Text(line), (0, 0, 0, indent)))
        else:
            self.out.print(" " * indent + line, markup=False, highlight=False)

    def verbatim(self, line: str, style: str | None = None) -> None:
        """A line on stdout exactly as given, e.g. of a diff, where trailing spaces matter.

        On a terminal it may be coloured with `style`; piped, it is written raw.
        """
        if self.fancy:
            self.out.print(line, style=style, markup=False, highlight=False, soft_wrap=True,
                           emoji=False)
        else:
            sys.stdout.write(clean(line) + "\n")

    def json(self, value: Any) -> None:
        """`dumps(value)` and a newline on stdout.

        On a UTF-8 stream the encoder's bytes go out as they are: the JSON of
        `changes` over 50,000 deals is 30 MB, and decoding it to text only for
        the stream to encode it again held two more copies at once.
        """
        from salesflow.output.jsonout import dump_chunks

        stream = sys.stdout
        buffer = getattr(stream, "buffer", None)
        chunks = dump_chunks(value) if buffer is not None and _utf8(stream) else None
        if chunks is None or buffer is None:
            stream.write(dumps(value))
            stream.write("\n")
            return
        stream.flush()  # what was written as text comes first
        buffer.writelines(chunks)
        buffer.write(b"\n")
        buffer.flush()

    def raw(self, text: str) -> None:
        """Text on stdout exactly as given (a whole HTML page, say): no wrapping, no markup."""
        sys.stdout.write(text)
        sys.stdout.flush()

    def csv(self, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        # the csv module does not quote a lone "\r" with a "\n" line end, and readers
        # would split the row there: such rows are written fully quoted
        quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for n, row in enumerate(rows, 1):
            cells = [v if v.__class__ is str else _cell(v) for v in row]
            (quoted if "\r" in "".join(map(str, cells)) else writer).writerow(cells)
            if n % 2000 == 0:  # written as it goes: memory stays flat for long exports
                sys.stdout.write(buf.getvalue())
                buf.seek(0)
                buf.truncate()
        sys.stdout.write(buf.getvalue())

    def table(self, *headers: str, title: str | None = None,
              right: Iterable[str] = ()) -> Table:
        """An empty table styled for where the output goes; fill and print it.

        Headers and the title are said in the invocation's language (`_()`); `right`
        names the English headers. tests/catalog.py extracts literal headers and titles
        of `output.table(...)` calls, so callers need not mark them.
        """
        from rich import box
        from rich.table import Table

        from salesflow.model.i18n import _

        fancy = self.fancy
        table = Table(
            title=_(title) if title else title,
            box=box.SIMPLE_HEAD if fancy else None,
            show_edge=False,
            pad_edge=False,
            header_style="bold" if fancy else "",
            title_style="bold" if fancy else "",
            title_justify="left",
        )
        right = set(right)
        for name in headers:  # numbers (right-aligned) never break across lines
            table.add_column(_(name), justify="right" if name in right else "left",
                             overflow="fold", no_wrap=name in right)
        return table

    def lines(self, lines: Iterable[str]) -> None:
        """Plain lines on stdout, written as they come: no markup, no wrapping, no layout.

        About 64 KB at a time: one write per line was a tenth of a long list's
        time, and joining all of a long review at once held it twice over.
        """
        stream = self.out.file
        batch: list[str] = []
        size = 0
        for line in lines:  # a "line" may hold several (a review writes a deal's at once)
            batch.append(line)
            size += len(line)
            if size >= 65536:
                stream.write("\n".join(batch) + "\n")
                batch.clear()
                size = 0
        if batch:
            stream.write("\n".join(batch) + "\n")
        stream.flush()

    def bar(self, fraction: float, width: int = 24) -> str:
        fraction = min(max(fraction, 0.0), 1.0)
        if not self.fancy:
            return "#" * round(fraction * width)
        eighths = round(fraction * width * 8)
        full, part = divmod(eighths, 8)
        return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[part]

    def style(self, text: str, style: str) -> str:
        """Rich markup for `text` on a terminal; the bare text when piped."""
        from rich.markup import escape

        return f"[{style}]{escape(text)}[/{style}]" if self.fancy else escape(text)

    # ------------------------------------------------------------- problems

    def problem(self, problem: Problem) -> None:
        self.err.print(str(problem), markup=False, highlight=False)

    def problems(self, problems: Iterable[Problem], *, stream: str = "err") -> None:
        console = self.err if stream == "err" else self.out
        for p in problems:
            console.print(str(p), markup=False, highlight=False)

    def note(self, message: str) -> None:
        """A remark about the result (not the result itself): stderr."""
        self.err.print(message, markup=False, highlight=False)

    def error(self, message: str, hint: str | None = None) -> None:
        from rich.markup import escape

        from salesflow.model.i18n import _

        word, tip = _("error:"), _("hint:")
        label = f"[bold red]{word}[/bold red] " if self.err.is_terminal else f"{word} "
        self.err.print(label + escape(message), highlight=False)
        if hint:
            self.err.print((f"[dim]{tip}[/dim] " if self.err.is_terminal else f"{tip} ")
                           + escape(hint), highlight=False)


    @contextlib.contextmanager
    def progress(self, total: int, description: str, *,
                 minimum: int = 100) -> Iterator[Callable[[int], None]]:
        """A progress bar on stderr for a long job; nothing when stderr is not a terminal.

        Yields `advance(n)`. Jobs of fewer than `minimum` steps get no bar: it
        would only flicker.
        """
        if total < minimum or not self.err.is_terminal:
            yield lambda n: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=self.err) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)

    def reset(self) -> None:
        """Forget the consoles: the CLI calls this per invocation, streams may change."""
        self._out = None
        self._err = None


_SAFE_CONSOLE: Any = None


def _safe_console() -> Any:
    """A rich Console class whose every text segment goes through `clean` when written.

    The segments of rich's own styling (colours, a link's OSC 8) are added
    after this, from styles; only the text, which may come from data, is cleaned.
    """
    global _SAFE_CONSOLE  # noqa: PLW0603 - a class built once, on first use (rich is heavy)
    if _SAFE_CONSOLE is None:
        from rich.console import Console
        from rich.segment import Segment

        class SafeConsole(Console):
            def _render_buffer(self, buffer: Iterable[Segment]) -> str:
                return super()._render_buffer(
                    Segment(clean(text), style, control) if control is None else
                    Segment(text, style, control) for text, style, control in buffer)

        _SAFE_CONSOLE = SafeConsole
    return _SAFE_CONSOLE


output = Output()
