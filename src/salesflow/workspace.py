"""The workspace on disk: finding its root, its deal files, and loading them.

Loading returns values and problems side by side (like beancount's loader):
one bad deal file never hides the others, and every problem carries the file,
line and column to fix.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from salesflow import yamlio
from salesflow.checks import Finding, check_deal, check_process
from salesflow.deal import Deal, DealFile
from salesflow.errors import Problem, ProblemsError, UsageError, WorkspaceNotFound
from salesflow.fields import ID_PATTERN
from salesflow.process import Process

PROCESS_FILE = "stages.yaml"
DEALS_DIR = "deals"
DEAL_SUFFIXES = (".yaml", ".yml")
ROOT_ENV = "SALESFLOW_ROOT"


@dataclass
class Workspace:
    """A loaded workspace: the process, the valid deals and every problem found."""

    root: Path
    process: Process
    deals: list[DealFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def by_id(self, deal_id: str) -> DealFile | None:
        for item in self.deals:
            if item.id == deal_id:
                return item
        return None


# ------------------------------------------------------------------ the root


def find_root(start: Path | None = None, override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding `stages.yaml`: `override`, else $SALESFLOW_ROOT, else walk up."""
    chosen = override if override is not None else os.environ.get(ROOT_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser()
        if not (root / PROCESS_FILE).is_file():
            raise WorkspaceNotFound(
                f"{root} is not a salesflow workspace (no {PROCESS_FILE} there)",
                hint=f"run `salesflow init {root}` to create one",
            )
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROCESS_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        f"not inside a salesflow workspace (no {PROCESS_FILE} in {here} or any folder above it)",
        hint="run `salesflow init` to create one here, or pass --root DIR",
    )


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def is_inside(root: Path, path: Path) -> bool:
    """True when `path`, with every symlink followed, is inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def deal_paths(root: Path) -> Iterator[Path]:
    """Every deal file under `deals/`, sorted, skipping hidden files and folders."""
    base = root / DEALS_DIR
    if not base.is_dir():
        return
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and name.endswith(DEAL_SUFFIXES):
                found.append(Path(dirpath) / name)
    yield from sorted(found)


def deal_id_of(path: Path) -> str:
    return path.stem


def check_deal_id(deal_id: str) -> None:
    import re

    if not re.match(ID_PATTERN, deal_id) or len(deal_id) > 120:
        raise UsageError(
            f"{deal_id!r} is not a valid deal id",
            hint="ids use lowercase letters, digits, '.', '_' and '-', starting with a letter "
            "or digit, e.g. acme-pumps",
        )


def locate_deal(root: Path, ref: str) -> Path:
    """The file of a deal given as an id (`acme-pumps`) or a path (`deals/acme-pumps.yaml`)."""
    if ref.endswith(DEAL_SUFFIXES) or "/" in ref or os.sep in ref:
        candidate = Path(ref)
        if not candidate.is_absolute():
            candidate = Path.cwd() / candidate
        if not is_inside(root / DEALS_DIR, candidate):
            raise UsageError(f"{ref} is not a deal file inside this workspace's {DEALS_DIR}/",
                             hint=f"deal files live under {root / DEALS_DIR}")
        if not candidate.is_file():
            raise UsageError(f"no such deal file: {ref}", hint="`salesflow list` shows the deals")
        return candidate
    check_deal_id(ref)
    matches = [p for p in deal_paths(root) if deal_id_of(p) == ref]
    if not matches:
        raise UsageError(f"no deal with id {ref!r}", hint="`salesflow list --status all` "
                         "shows every deal id")
    if len(matches) > 1:
        where = ", ".join(relative(root, p) for p in matches)
        raise UsageError(f"deal id {ref!r} is used by more than one file: {where}",
                         hint="rename one of them; ids must be unique")
    if not is_inside(root / DEALS_DIR, matches[0]):
        raise UsageError(f"{relative(root, matches[0])} points outside the workspace",
                         hint="replace the symlink with the file itself")
    return matches[0]


# ------------------------------------------------------------------ loading


def _problems(findings: list[Finding], marks: yamlio.Marks, path: str) -> list[Problem]:
    out = []
    for f in findings:
        line, col = marks.locate(f.loc, key=f.key)
        out.append(Problem(path, line, col, f.message, f.code))
    return out


def _validate(model: type[BaseModel], doc: yamlio.Document, path: str, what: str,
              ) -> tuple[Any, list[Problem]]:
    if doc.data is None:
        return None, [Problem(path, 1, 1, f"file is empty; {what}", "empty")]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        return None, [Problem(path, 1, 1, f"expected a mapping of `key: value` lines at the top "
                              f"level, found {kind}; {what}", "not-a-mapping")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return None, yamlio.problems_from_validation(
            errors, doc.marks, path, lambda loc: allowed_keys(model, loc))


def parse_process(raw: bytes, path: str = PROCESS_FILE) -> tuple[Process | None, list[Problem]]:
    """A Process from the bytes of `stages.yaml`, or the problems that prevent it."""
    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    process, problems = _validate(
        Process, doc, path, "stages.yaml needs `currency:` and a list of `stages:`")
    if process is None:
        return None, problems
    problems = _problems(check_process(process), doc.marks, path)
    return (None if problems else process), problems


def parse_deal(raw: bytes, path: str, process: Process) -> tuple[Deal | None, list[Problem]]:
    """A Deal from the bytes of a deal file, checked against the process."""
    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    return validate_deal_document(doc, path, process)


def validate_deal_document(doc: yamlio.Document, path: str, process: Process,
                           ) -> tuple[Deal | None, list[Problem]]:
    deal, problems = _validate(Deal, doc, path, "a deal needs at least `customer:` and `stage:`")
    if deal is None:
        return None, problems
    problems = _problems(check_deal(deal, process), doc.marks, path)
    return (None if problems else deal), problems


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, Problem | None]:
    try:
        with path.open("rb") as fh:
            raw = fh.read(yamlio.MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return None, Problem(rel, 0, 0, "is a folder, not a file", "unreadable")
    except OSError as exc:
        return None, Problem(rel, 0, 0, f"cannot read: {exc.strerror or exc}", "unreadable")
    return raw, None


def load_process(root: Path) -> Process:
    """The workspace's process; raises ProblemsError when `stages.yaml` is invalid."""
    raw, problem = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        raise ProblemsError([problem] if problem else [])
    process, problems = parse_process(raw)
    if process is None:
        raise ProblemsError(problems, hint=f"fix {PROCESS_FILE} first: every deal depends on it")
    return process


def load_deal_file(root: Path, path: Path, process: Process) -> tuple[DealFile | None,
                                                                      list[Problem]]:
    rel = relative(root, path)
    if not is_inside(root / DEALS_DIR, path):
        return None, [Problem(rel, 0, 0, "is a symlink pointing outside the workspace; "
                              "salesflow does not follow it", "outside")]
    deal_id = deal_id_of(path)
    import re

    if not re.match(ID_PATTERN, deal_id):
        return None, [Problem(rel, 0, 0, f"file name {path.name!r} is not a valid deal id: "
                              "use lowercase letters, digits, '.', '_' and '-' (e.g. "
                              "acme-pumps.yaml)", "bad-id")]
    raw, problem = read_bytes(path, rel)
    if raw is None:
        return None, [problem] if problem else []
    deal, problems = parse_deal(raw, rel, process)
    return (DealFile(deal_id, rel, deal) if deal is not None else None), problems


def load_workspace(root: Path) -> Workspace:
    """The process and every deal; invalid deals become problems, not exceptions."""
    process = load_process(root)
    ws = Workspace(root=root, process=process)
    seen: dict[str, str] = {}
    for path in deal_paths(root):
        item, problems = load_deal_file(root, path, process)
        ws.problems.extend(problems)
        if item is None:
            continue
        if item.id in seen:
            ws.problems.append(Problem(item.path, 0, 0, f"deal id {item.id!r} is also used by "
                                       f"{seen[item.id]}; ids (file names) must be unique",
                                       "duplicate-id"))
            continue
        seen[item.id] = item.path
        ws.deals.append(item)
    return ws


def validate_files(root: Path, files: list[Path] | None = None) -> tuple[int, list[Problem]]:
    """Check stages.yaml and the given deal files (default: all): (files checked, problems).

    Every problem of every file is returned, sorted, including ids used twice.
    """
    problems: list[Problem] = []
    raw, problem = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        return 0, [problem] if problem else []
    process, found = parse_process(raw)
    problems.extend(found)
    if process is None:
        return 0, sorted(problems)
    every = list(deal_paths(root))
    users: dict[str, list[str]] = {}
    for path in every:
        users.setdefault(deal_id_of(path), []).append(relative(root, path))
    targets = every if files is None else files
    for path in targets:
        _, found = load_deal_file(root, path, process)
        problems.extend(found)
        rel = relative(root, path)
        others = [o for o in users.get(deal_id_of(path), []) if o != rel]
        if others:
            problems.append(Problem(rel, 0, 0, f"deal id {deal_id_of(path)!r} is also used by "
                                    f"{', '.join(others)}; ids (file names) must be unique",
                                    "duplicate-id"))
    return len(targets), sorted(problems)


# ------------------------------------------------------- did-you-mean support


def allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at `loc` inside a `model` document may hold."""
    current: Any = model
    for item in loc:
        current = _step(current, item)
        if current is None:
            return []
    current = _plain(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [_key(name, f) for name, f in current.model_fields.items() if name != "extensions"]
    return []


def _key(name: str, f: Any) -> str:
    return f.validation_alias if isinstance(f.validation_alias, str) else name


def _plain(tp: Any) -> Any:
    """Strip Annotated[...] and `| None`."""
    for _ in range(8):
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is typing.Union or isinstance(tp, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            break
    return tp


def _step(tp: Any, item: str | int) -> Any:
    tp = _plain(tp)
    origin = typing.get_origin(tp)
    if origin is list and isinstance(item, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(item, str):
        for name, f in tp.model_fields.items():
            if _key(name, f) == item:
                return f.annotation
    return None


def default_author(root: Path) -> str:
    """Who is making a change: `git config user.name` in the workspace, else the login."""
    import getpass
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "user.name"], cwd=root, capture_output=True, text=True,
            timeout=5, check=False,
        )
        name = done.stdout.strip()
        if done.returncode == 0 and name:
            return name
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
