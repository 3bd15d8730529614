"""Writing account files safely: created exclusively, changed under the workspace lock.

The same guarantees as `salesflow.files.update.update_deal`: the file is read
afresh under the lock, a file that does not validate is never rewritten, the
change is a surgical edit (comments, key order and quoting stay), the new
text must validate before it atomically replaces the old. A refusal or
failure leaves every byte as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from salesflow.files import edit, yamlio
from salesflow.files.accounts import account_file, check_account_id
from salesflow.files.guard import write_file
from salesflow.files.load import load_process
from salesflow.files.lock import workspace_lock
from salesflow.files.parse import parse_account, validate_account_document
from salesflow.files.update import read_valid, unified_diff, write_planned
from salesflow.files.workspace import is_inside, relative
from salesflow.method.transitions import Change
from salesflow.model.account import ACCOUNT_KEYS, ACCOUNTS_DIR, Account
from salesflow.model.errors import DataError, ProblemsError, UsageError
from salesflow.model.i18n import _
from salesflow.model.process import Process

AccountCompute = Callable[[Account, Mapping[str, Any], Process], Change]


@dataclass(frozen=True)
class AccountOutcome:
    """What a change did (or, in a dry run, would do) to one account file."""

    path: str
    before: str
    after: str
    change: Change
    account: Account
    bom: bool = False
    written: bool = False

    def diff(self) -> list[str]:
        return unified_diff(self.before, self.after, self.path)


def account_text(fields: Mapping[str, Any],
                 people: Sequence[Mapping[str, Any]] = ()) -> str:
    """The text of a new account file: one `key: value` line per set field, then `people:`."""
    lines = [f"{key}: {yamlio.scalar(value)}" for key, value in fields.items()
             if value is not None]
    if people:
        lines.append("people:")
    for person in people:
        first = True
        for key, value in person.items():
            if value is None:
                continue
            shown = ("[" + ", ".join(yamlio.scalar(v, flow=True) for v in value) + "]"
                     if isinstance(value, list) else yamlio.scalar(value))
            lines.append(f"{'  - ' if first else '    '}{key}: {shown}")
            first = False
    return "\n".join(lines) + "\n"


def create_account(root: Path, account_id: str, text: str, process: Process) -> str:
    """Write a new account file (never over an existing one); its relative path."""
    check_account_id(account_id)
    target = account_file(root, account_id)
    rel = relative(root, target)
    if target.exists():
        raise DataError(_("account {account_id!r} already exists: {rel}").format(
                            account_id=account_id, rel=rel),
                        hint=_("choose another id, or change it with `salesflow account set`"))
    account, problems = parse_account(text.encode(), rel, process)
    if account is None:
        raise ProblemsError(problems, hint=_("fix the option values above and try again"))
    with workspace_lock(root):
        try:
            write_file(target, text.encode(), within=[root], exclusive=True, mkdir=True,
                       shown=rel)
        except FileExistsError:
            raise DataError(_("account {account_id!r} already exists: {rel}").format(
                                account_id=account_id, rel=rel)) from None
    return rel


def update_account(root: Path, account_id: str, compute: AccountCompute, *,
                   dry_run: bool = False) -> AccountOutcome:
    """Apply `compute`'s change to one account file, safely (see the module docstring)."""
    from salesflow.files.accounts import load_account

    process = load_process(root)
    load_account(root, account_id, process)  # a usage error with did-you-mean when missing
    target = account_file(root, account_id).resolve()
    if not is_inside(root / ACCOUNTS_DIR, target):
        raise UsageError(_("accounts/{account_id}.yaml leads outside this workspace; "
                           "salesflow does not write there").format(account_id=account_id))
    rel = relative(root, account_file(root, account_id))
    planned, written = write_planned(root, target, rel,
                                     lambda: _plan(target, rel, compute, process),
                                     dry_run=dry_run)
    return replace(planned, written=True) if written else planned


def _plan(target: Path, rel: str, compute: AccountCompute, process: Process) -> AccountOutcome:
    doc, account = read_valid(target, rel, process, validate_account_document)
    change = compute(account, doc.data, process)
    if change.empty:
        return AccountOutcome(rel, doc.text, doc.text, change, account, doc.bom)
    text = edit.apply(doc.text, change.ops, path=rel, key_order=ACCOUNT_KEYS)
    new, problems = parse_account(text.encode("utf-8"), rel, process)
    if new is None:
        raise ProblemsError(problems, hint=_("this change would leave the file invalid, so "
                            "nothing was written"))
    return AccountOutcome(rel, doc.text, text, change, new, doc.bom)
