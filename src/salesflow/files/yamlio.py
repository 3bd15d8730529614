"""Safe YAML reading with line/column marks, and mapping errors back to them.

Only the safe composer is used (libyaml's when available). Values are built
here from the node tree with a YAML 1.2 core-schema resolver instead of
pyyaml's YAML 1.1 constructor, so `owner: no` stays the text "no", dates stay
text until a date field asks for one, and numbers become int or Decimal,
never float. Anchors, aliases, tags, duplicate keys, conflict markers, binary
or badly encoded bytes and over-large or over-deep files are refused, each as a
`Problem` at its line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from salesflow.files import fastyaml
from salesflow.model.edits import DataPath
from salesflow.model.errors import Problem
from salesflow.model.i18n import _

try:  # pragma: no cover - depends on how pyyaml was built
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1 << 20  # 1 MiB: a deal file is a few KB; anything this big is a mistake
MAX_DEPTH = 24
# A number written with more characters than this is refused where it stands:
# no amount, rate or count needs it, and a 5,000-digit integer would hit the
# interpreter's int-to-text limit (a ValueError) far from the file it came from.
MAX_NUMBER_CHARS = 100

Path = DataPath  # a place in a document: keys and list indexes

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)
# The union of every plain scalar that is not text (null, numbers, inf, nan): most
# plain scalars are words or dates, and one failed match proves they are text.
_SPECIAL = re.compile(
    r"^(?:~|null|Null|NULL|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


@dataclass
class Marks:
    """Where each value and key of a document starts (0-based line, column)."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Path, *, key: bool = False) -> tuple[int, int]:
        """The 1-based line and column best matching a data path.

        Falls back to the nearest enclosing value that has a mark, so an error
        about a missing key points at the mapping that lacks it.
        """
        if key and loc in self.keys:
            line, col = self.keys[loc]
            return line + 1, col + 1
        probe = tuple(loc)
        while probe:
            if probe in self.values:
                line, col = self.values[probe]
                return line + 1, col + 1
            probe = probe[:-1]
        line, col = self.values.get((), (0, 0))
        return line + 1, col + 1


class YamlProblem(Exception):
    """Raised inside the loader; carries exactly one Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Document:
    """A decoded file: its text, the data built from it, and the marks."""

    text: str
    data: Any
    marks: Marks
    bom: bool = False


def decode(raw: bytes, path: str, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[str, bool]:
    """Bytes to text, refusing what is not a small UTF-8 text file.

    Returns the text (without a BOM) and whether the file started with one.
    """
    if len(raw) > max_bytes:
        raise YamlProblem(Problem(
            path, 0, 0,
            _("file is {n:,} bytes, more than the {max_bytes:,} bytes "
              "salesflow reads; a deal file is a few KB: is this the right "
              "file?").format(n=len(raw), max_bytes=max_bytes),
            "too-large",
        ))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(Problem(
            path, 1, 1, _("file is UTF-16 encoded; salesflow reads UTF-8: save it as UTF-8"),
            "encoding",
        ))
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    nul = body.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(body, nul)
        raise YamlProblem(Problem(
            path, line, col, _("file contains NUL bytes: it is binary, not YAML text"), "binary",
        ))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(body, exc.start)
        raise YamlProblem(Problem(
            path, line, col,
            _("invalid UTF-8 (byte 0x{value:02x}); save the file as UTF-8").format(
                value=body[exc.start]),
            "encoding",
        )) from None
    if text.startswith("\ufeff"):
        raise YamlProblem(Problem(
            path, 1, 1, _("file starts with more than one byte-order mark (U+FEFF): "
            "remove the extra ones and save it as UTF-8"), "encoding",
        ))
    return text, bom


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def check_conflict_markers(text: str, path: str) -> None:
    """Refuse a file git left half-merged, before YAML makes a mess of it."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:  # a tenth of the regex's time
        return
    match = _CONFLICT.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise YamlProblem(Problem(
            path, line, 1,
            _("unresolved git merge conflict marker: finish the merge (keep the right lines, "
            "delete the <<<<<<< ======= >>>>>>> lines), then `git add` the file"),
            "conflict",
        ))


def compose(text: str, path: str) -> yaml.Node | None:
    """The node tree of a single YAML document (None for an empty one)."""
    if "&" in text or "*" in text or "!" in text:
        _refuse_anchors_and_tags(text, path)
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_syntax_problem(exc, path)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(path, 1, 1, _("YAML error: {exc}").format(
                                                  exc=exc), "yaml-syntax")) from None
    except RecursionError:
        raise YamlProblem(Problem(path, 1, 1, _("nesting is too deep"), "too-deep")) from None


def _refuse_anchors_and_tags(text: str, path: str) -> None:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                line, col = _event_position(event)
                raise YamlProblem(Problem(
                    path, line, col,
                    _("anchors and aliases (&name, *name) are not allowed: write the value out"),
                    "alias",
                ))
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                line, col = _event_position(event)
                raise YamlProblem(Problem(
                    path, line, col,
                    _("YAML tags like {tag!r} are not allowed: remove the tag").format(tag=tag),
                    "tag",
                ))
    except yaml.YAMLError as exc:
        raise YamlProblem(_yaml_problem(exc, text, path)) from None


def _yaml_problem(exc: yaml.YAMLError, text: str, path: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_problem(exc, path)
    if isinstance(exc, yaml.reader.ReaderError):
        offset = exc.position
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return Problem(path, line, col, _("character U+{char:04X} is not allowed in YAML (a "
                                          "control character): remove it").format(char=char),
                       "yaml-syntax")
    return Problem(path, 1, 1, _("YAML error: {exc}").format(exc=exc), "yaml-syntax")


def _event_position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or _("invalid YAML")
    if exc.context:
        problem = f"{problem} ({exc.context})"
    message = _("YAML syntax error: {problem}").format(problem=problem)
    if "\\t" in problem or "tab" in problem:
        message += _("; indent with spaces, not tabs")
    elif "mapping values are not allowed" in problem:
        message += _("; check this line's indentation, or put text containing ': ' in quotes")
    elif "found character '@'" in problem or "found character '`'" in problem:
        message += _("; put the value in quotes")
    return Problem(path, line, col, message, "yaml-syntax")


def build(node: yaml.Node | None, path: str) -> tuple[Any, Marks]:
    """Plain Python data and marks from a node tree."""
    marks = Marks()
    if node is None:
        return None, marks
    return _build(node, (), 0, marks, path), marks


def _build(node: yaml.Node, at: Path, depth: int, marks: Marks, path: str) -> Any:
    marks.values[at] = (node.start_mark.line, node.start_mark.column)
    if depth > MAX_DEPTH:
        raise YamlProblem(Problem(
            path, node.start_mark.line + 1, node.start_mark.column + 1,
            _("nesting is deeper than {max_depth} levels").format(max_depth=MAX_DEPTH), "too-deep",
        ))
    if isinstance(node, yaml.ScalarNode):
        try:
            return resolve_scalar(node.value, node.style)
        except NumberTooLarge as exc:
            raise YamlProblem(Problem(
                path, node.start_mark.line + 1, node.start_mark.column + 1, str(exc),
                "number-too-large",
            )) from None
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*at, i), depth + 1, marks, path) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(Problem(
                    path, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    _("a key must be plain text, not a list or mapping"), "bad-key",
                ))
            key = key_node.value
            if key in result:
                first = marks.keys[(*at, key)]
                raise YamlProblem(Problem(
                    path, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    _("duplicate key {key!r} (first at line {line}): keep one").format(
                        key=key, line=first[0] + 1),
                    "duplicate-key",
                ))
            marks.keys[(*at, key)] = (key_node.start_mark.line, key_node.start_mark.column)
            result[key] = _build(value_node, (*at, key), depth + 1, marks, path)
        return result
    raise YamlProblem(Problem(path, 1, 1, _("unsupported YAML node"), "yaml-syntax"))


class NumberTooLarge(ValueError):
    """A plain number longer than MAX_NUMBER_CHARS: refused at its place, never built."""


def resolve_scalar(value: str, style: str | None) -> Any:
    """YAML 1.2 core schema: only true/false are booleans; numbers are exact.

    Raises NumberTooLarge for a number of more than MAX_NUMBER_CHARS characters.
    """
    if style:  # quoted or block scalar: always text
        return value
    if not value:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if not _SPECIAL.match(value):
        return value
    if _NULL.match(value):
        return None
    if len(value) > MAX_NUMBER_CHARS:
        raise NumberTooLarge(
            _("number too large: {n:,} characters, more than the "
              "{max_number_chars} salesflow reads; put it in quotes if it is "
              "text").format(n=len(value), max_number_chars=MAX_NUMBER_CHARS))
    if _INT.match(value):
        return int(value) if len(value) <= 40 else Decimal(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return Decimal(value)
    if _INF.match(value):
        return Decimal("-Infinity") if value.startswith("-") else Decimal("Infinity")
    if _NAN.match(value):
        return Decimal("NaN")
    return value


class _DataLoader(_Loader):
    """The safe loader without pyyaml's YAML 1.1 resolver.

    `parse_data` never reads node tags (`resolve_scalar` decides from the style),
    so resolving every scalar against pyyaml's regular expressions is wasted
    work: about a third of the time of composing a deal file.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class NeedsMarks(Exception):
    """`parse_data` met something only `parse` can report with its place."""


def parse_data(raw: bytes, path: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """The data `parse(raw, path).data` would return, built faster and without marks.

    For the bulk loading of many files, nearly all of them valid: marks are
    only needed to place a problem, so a file that fails here (any exception:
    YamlProblem or NeedsMarks) or later in validation is parsed again with
    `parse`, whose problems are exact. For every file it accepts, the result
    equals `parse`'s data, value for value and type for type.
    """
    text, _ = decode(raw, path, max_bytes=max_bytes)
    check_conflict_markers(text, path)
    if "&" in text or "*" in text or "!" in text:
        _refuse_anchors_and_tags(text, path)
    try:
        return fastyaml.read(text, _plain_value)
    except fastyaml.Unsure:
        pass  # pyyaml reads it
    try:
        loader = _DataLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError) as exc:
        raise NeedsMarks(str(exc)) from None
    return None if node is None else _plain(node, 0)


_RESOLVED: dict[str, Any] = {}  # plain scalar -> value: stage codes, owners, dates repeat
_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


def _scalar(node: Any) -> Any:
    return node.value if node.style else _plain_value(node.value)


def _plain_value(value: str) -> Any:
    """A plain scalar's value (`resolve_scalar`), remembered for short texts."""
    try:
        return _RESOLVED[value]
    except KeyError:
        try:
            resolved = resolve_scalar(value, None)
        except NumberTooLarge:
            raise NeedsMarks("number too large") from None
        if len(value) <= 32 and len(_RESOLVED) < 100_000:  # the values are immutable
            _RESOLVED[value] = resolved
        return resolved


def _plain(node: Any, depth: int) -> Any:
    """`_build` without marks; scalars are handled inline (most nodes are scalars)."""
    if depth > MAX_DEPTH:
        raise NeedsMarks("too deep")
    kind = node.__class__
    if kind is _ScalarNode:
        return _scalar(node)
    if kind is _MappingNode:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.__class__ is not _ScalarNode or key in result:
                raise NeedsMarks("bad or duplicate key")
            if value_node.__class__ is _ScalarNode and depth < MAX_DEPTH:
                result[key] = _scalar(value_node)
            else:
                result[key] = _plain(value_node, depth + 1)
        return result
    if kind is _SequenceNode:
        return [_scalar(item) if item.__class__ is _ScalarNode and depth < MAX_DEPTH
                else _plain(item, depth + 1) for item in node.value]
    raise NeedsMarks("unsupported node")


def parse(raw: bytes, path: str, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Decode, check and parse one YAML file; raises YamlProblem."""
    text, bom = decode(raw, path, max_bytes=max_bytes)
    check_conflict_markers(text, path)
    node = compose(text, path)
    data, marks = build(node, path)
    return Document(text=text, data=data, marks=marks, bom=bom)


def problems_from_validation(
    errors: Iterable[Any], marks: Marks, path: str, describe_keys: Any = None,
) -> list[Problem]:
    """Turn pydantic error dicts into Problems at their YAML marks.

    `describe_keys(loc)` returns the keys allowed at a mapping location, for
    did-you-mean suggestions on unknown keys.
    """
    problems = []
    for err in errors:
        loc: Path = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            line, col = marks.locate(loc, key=True)
            key = str(loc[-1]) if loc else "?"
            allowed = describe_keys(loc[:-1]) if describe_keys else []
            message = _("unknown key {key!r}{suggestion}").format(
                key=key, suggestion=_suggest(key, allowed))
            code = "unknown-key"
        elif kind == "missing":
            line, col = marks.locate(loc[:-1])
            message = _("missing required key {key!r}").format(key=loc[-1])
            code = "missing-key"
        else:
            line, col = marks.locate(loc)
            message = f"{_loc_label(loc)}: {_message(err)}" if loc else _message(err)
            code = kind.replace("_", "-")
        problems.append(Problem(path, line, col, message, code))
    return problems


def _suggest(key: str, allowed: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return _(" (did you mean {key!r}?)").format(key=close[0])
    if allowed:
        return _(" (expected one of: {allowed}; the team's own keys start with "
                 "'x-')").format(allowed=', '.join(allowed))
    return ""


def _loc_label(loc: Path) -> str:
    out = ""
    for item in loc:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    found = err.get("input")
    ctx = err.get("ctx") or {}
    shown = _found(found)
    if kind == "literal_error":
        return _("expected one of {allowed}, found {shown}").format(
            allowed=ctx.get("expected", "?"), shown=shown)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("expected a whole number, found {shown}").format(shown=shown)
    if kind in ("bool_type", "bool_parsing"):
        return _("expected true or false, found {shown}").format(shown=shown)
    if kind in ("list_type",):
        return _("expected a list, found {shown}").format(shown=shown)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("expected a mapping (key: value lines), found {shown}").format(shown=shown)
    if kind == "string_pattern_mismatch":
        return _("{shown} has the wrong format (expected {what})").format(
            shown=shown, what=_pattern_words(ctx.get("pattern", "")))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next((ctx[k] for k in ("ge", "le", "gt", "lt") if k in ctx), "?")
        bound = {"greater_than_equal": _("greater than or equal to {limit}"),
                 "less_than_equal": _("less than or equal to {limit}"),
                 "greater_than": _("greater than {limit}"),
                 "less_than": _("less than {limit}")}[kind].format(limit=limit)
        return _("{shown} is out of range (must be {bound})").format(shown=shown, bound=bound)
    if kind == "too_short":
        return _("expected at least {min} entries, found {found}").format(
            min=ctx.get("min_length", "?"), found=ctx.get("actual_length", "?"))
    if kind.startswith(("decimal", "finite")):
        return _("expected a number, found {shown}").format(shown=shown)
    msg: str = err.get("msg", _("invalid value"))
    return msg


def _pattern_words(pattern: str) -> str:
    return {
        r"^[A-Z][A-Z0-9]{0,7}$": _("a stage code such as G, an uppercase letter"),
        r"^[A-Z]{3}$": _("a three-letter currency code such as CNY or USD"),
    }.get(pattern, _("text matching {pattern}").format(pattern=pattern))


def _found(value: Any) -> str:
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    return type(value).__name__


# ------------------------------------------------------------------ writing


def write_atomic(path: Any, data: bytes, *, exclusive: bool = False) -> None:
    """Replace (or, with `exclusive`, create) `path` so readers see old or new, never half.

    A temporary file in the same folder is written, flushed and fsynced, given
    the old file's permissions, then renamed over the target. With `exclusive`
    the final step is a hard link, which fails if the file appeared meanwhile.
    """
    import os
    import tempfile
    from pathlib import Path as FsPath

    target = FsPath(path)
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = FsPath(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        tmp.chmod(mode)
        if exclusive:
            os.link(tmp, target)  # FileExistsError if someone was quicker
            tmp.unlink()
        else:
            tmp.replace(target)
        _fsync_dir(folder)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_new_batch(files: Sequence[tuple[Any, bytes]], *,
                    before_each: Callable[[], None] | None = None,
                    progress: Callable[[int], None] | None = None) -> None:
    """Create many new files at once: each atomically, all or none, one sync for all.

    Writing thousands of files one `write_atomic` at a time costs two fsyncs
    each, which is most of an import's time. Here every file is first written
    to a temporary file beside its target; then one `os.sync()` makes all of
    their data durable (each file is fsynced where the platform has no
    `sync`); only then is each linked to its name (a hard link: it fails if
    the name appeared meanwhile), so a reader or a crash never sees a file
    half written; and each folder is fsynced once at the end. If anything
    fails or `before_each` raises (an interrupt), every file already linked
    and every temporary file is removed and the exception propagates: the
    folders are as they were.
    """
    import os
    import secrets
    from pathlib import Path as FsPath

    umask = os.umask(0)
    os.umask(umask)
    mode = 0o666 & ~umask
    temps: list[tuple[FsPath, FsPath]] = []
    linked: list[FsPath] = []
    has_sync = hasattr(os, "sync")
    try:
        for path, data in files:
            if before_each is not None:
                before_each()
            target = FsPath(path)
            tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         mode)
            temps.append((tmp, target))
            try:
                _write_all(fd, data)
                if not has_sync:  # pragma: no cover - Windows
                    os.fsync(fd)
            finally:
                os.close(fd)
        if has_sync:
            os.sync()
        for tmp, target in temps:
            if before_each is not None:
                before_each()
            os.link(tmp, target)  # FileExistsError if someone was quicker
            linked.append(target)
            if progress is not None:
                progress(1)
        for folder in {t.parent for _, t in temps}:
            _fsync_dir(folder)
    except BaseException:
        for target in linked:
            target.unlink(missing_ok=True)
        raise
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)


def _write_all(fd: int, data: bytes) -> None:
    import os

    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_dir(folder: Any) -> None:
    import os

    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


_NEEDS_QUOTES = re.compile(
    r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|[:#]\s|\s#|[:]$|\s$|[\n\r\t]"
)
_FLOW_INDICATORS = re.compile(r"[,\[\]{}:]")
# Characters YAML allows unescaped in a stream (YAML 1.2, 5.1), minus the
# ones pyyaml treats as line breaks inside text (NEL, LS, PS) and the BOM.
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]"
)
_YAML11_WORDS = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF true True TRUE false False FALSE".split()
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def scalar(value: Any, *, flow: bool = False) -> str:
    """A value written as a YAML scalar that reads back as exactly that value.

    Text that a YAML 1.1 or 1.2 reader could take for something else (a number,
    a date, `no`), or that would end early (` #` starts a comment), is quoted,
    so every tool reads the file the same way. With `flow` the result is also
    safe inside `{...}` and `[...]`, where `,` and brackets end a plain scalar.
    """
    import datetime as dt

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if (
        not text
        or resolve_scalar(text, None) != text
        or text in _YAML11_WORDS
        or _NEEDS_QUOTES.search(text)
        or _UNPRINTABLE.search(text)
        or (flow and _FLOW_INDICATORS.search(text))
        or re.match(r"^\d{4}-\d{2}-\d{2}", text)
        or (re.match(r"^[0-9+.\-]", text) and _looks_numeric(text))
    ):
        return double_quoted(text)
    return text


def single_quoted(text: str) -> str | None:
    """`text` as a YAML single-quoted scalar, or None when it needs escapes (double quotes)."""
    if _UNPRINTABLE.search(text) or any(c in text for c in "\n\r\t"):
        return None
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, escaping whatever YAML cannot hold raw."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _ESCAPES:
            return _ESCAPES[char]
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError(_("text contains a lone surrogate (bytes that are not UTF-8)"))
        if code <= 0xFF:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return '"' + re.sub(r'[\\"\n\t\r\x00]|' + _UNPRINTABLE.pattern, escape, text) + '"'


def _looks_numeric(text: str) -> bool:
    stripped = text.replace("_", "").replace(":", "")
    return bool(_FLOAT.match(stripped) or _INT.match(stripped))
