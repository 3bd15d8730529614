"""One file's bytes into a model, or the located problems that prevent it.

Pure but for imports: it takes bytes and gives values and problems, so the
loader, the parallel parser, the editor's read-back and the merge driver all
validate a file the same way.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import TYPE_CHECKING, Any

from salesflow.files.workspace import PROCESS_FILE
from salesflow.model.errors import Problem
from salesflow.model.i18n import _

if TYPE_CHECKING:
    from pydantic import BaseModel

    from salesflow.files import yamlio
    from salesflow.method.checks import Finding
    from salesflow.model.account import Account
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process


def _problems(findings: list[Finding], marks: yamlio.Marks, path: str) -> list[Problem]:
    out = []
    for f in findings:
        line, col = marks.locate(f.loc, key=f.key)
        out.append(Problem(path, line, col, f.message, f.code))
    return out


def _validate(model: type[BaseModel], doc: yamlio.Document, path: str, what: str,
              ) -> tuple[Any, list[Problem]]:
    from pydantic import ValidationError

    from salesflow.files import yamlio

    if doc.data is None:
        return None, [Problem(path, 1, 1, _("file is empty; {what}").format(what=what), "empty")]
    if not isinstance(doc.data, dict):
        kind = _("a list") if isinstance(doc.data, list) else _("a single value")
        return None, [Problem(path, 1, 1, _(
            "expected a mapping of `key: value` lines at the top level, found {kind}; "
            "{what}").format(kind=kind, what=what), "not-a-mapping")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return None, yamlio.problems_from_validation(
            errors, doc.marks, path, lambda loc: allowed_keys(model, loc))


def unchecked(path: str, exc: Exception) -> Problem:
    """The problem for a file whose checking raised: located at the file, never a crash.

    The last line of defence of "one bad file never stops a report on the
    others": each known fault has its own exact problem; this one means a bug.
    """
    return Problem(path, 1, 1, _("salesflow could not check this file ({kind}: {error}); this "
                                 "is a bug in salesflow: please report it").format(
                                   kind=type(exc).__name__, error=str(exc)[:200]),
                   "unchecked")


def parse_process(raw: bytes, path: str = PROCESS_FILE) -> tuple[Process | None, list[Problem]]:
    """A Process from the bytes of `stages.yaml`, or the problems that prevent it."""
    try:
        return _parse_process(raw, path)
    except Exception as exc:  # see `unchecked`
        return None, [unchecked(path, exc)]


def _parse_process(raw: bytes, path: str) -> tuple[Process | None, list[Problem]]:
    from salesflow.files import yamlio
    from salesflow.method.checks import check_process
    from salesflow.model.process import Process

    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    process, problems = _validate(
        Process, doc, path, _("stages.yaml needs `currency:` and a list of `stages:`"))
    if process is None:
        return None, problems
    problems = _problems(check_process(process), doc.marks, path)
    return (None if problems else process), problems


def parse_deal(raw: bytes, path: str, process: Process) -> tuple[Deal | None, list[Problem]]:
    """A Deal from the bytes of a deal file, checked against the process."""
    from salesflow.files import yamlio

    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    except Exception as exc:  # see `unchecked`
        return None, [unchecked(path, exc)]
    return validate_deal_document(doc, path, process)


def validate_deal_document(doc: yamlio.Document, path: str, process: Process,
                           ) -> tuple[Deal | None, list[Problem]]:
    """The Deal a parsed document holds, checked against the process, or its problems."""
    try:
        return _validate_deal_document(doc, path, process)
    except Exception as exc:  # see `unchecked`
        return None, [unchecked(path, exc)]


def _validate_deal_document(doc: yamlio.Document, path: str, process: Process,
                            ) -> tuple[Deal | None, list[Problem]]:
    from salesflow.method.checks import check_deal
    from salesflow.model.deal import Deal

    deal, problems = _validate(Deal, doc, path, _("a deal needs at least `customer:` and `stage:`"))
    if deal is None:
        return None, problems
    problems = _problems(check_deal(deal, process), doc.marks, path)
    return (None if problems else deal), problems


def dated_problems(raw: bytes, path: str, process: Process, today: dt.date) -> list[Problem]:
    """The problems of a valid deal file that depend on the day (`checks.DATED_CHECKS`)."""
    from salesflow.files import yamlio
    from salesflow.method.checks import check_deal_on
    from salesflow.model.deal import Deal

    try:
        doc = yamlio.parse(raw, path)
        deal = _validate(Deal, doc, path, "")[0]
        if deal is None:
            return []  # invalid: its problems are reported by the load already
        return _problems(check_deal_on(deal, process, today), doc.marks, path)
    except Exception as exc:  # see `unchecked`
        return [unchecked(path, exc)]


def allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at `loc` inside a `model` document may hold."""
    from pydantic import BaseModel

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
    for _step in range(8):
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
    from pydantic import BaseModel

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


def parse_account(raw: bytes, path: str, process: Process,
                  ) -> tuple[Account | None, list[Problem]]:
    """An Account from the bytes of an account file, checked against the process."""
    from salesflow.files import yamlio

    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    return validate_account_document(doc, path, process)


def validate_account_document(doc: yamlio.Document, path: str, process: Process,
                              ) -> tuple[Account | None, list[Problem]]:
    from salesflow.method.account_checks import check_account
    from salesflow.model.account import Account

    account, problems = _validate(Account, doc, path, _("an account needs at least `name:`"))
    if account is None:
        return None, problems
    problems = _problems(check_account(account, process), doc.marks, path)
    return (None if problems else account), problems


def located(findings: list[Finding], raw: bytes, path: str) -> list[Problem]:
    """Findings about a file already known to parse, at their lines (parsed again for marks)."""
    from salesflow.files import yamlio

    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return [exc.problem]
    return _problems(findings, doc.marks, path)
