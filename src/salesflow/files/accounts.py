"""Account files on disk: finding, reading and checking `accounts/<id>.yaml`.

Accounts are few (one per customer, not one per project), so they are read
afresh when a command needs them, without the cache; commands and reports
that do not ask for accounts never look at this folder, so the deal-only
paths stay as fast as before. A deal's link to its account relates two files:
`link_problems` checks it where both are at hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.files.parse import located, parse_account, parse_deal
from salesflow.files.workspace import DEAL_SUFFIXES, is_inside, read_bytes, relative
from salesflow.model.account import ACCOUNTS_DIR, AccountFile
from salesflow.model.errors import Problem, ProblemsError, UsageError
from salesflow.model.i18n import _
from salesflow.model.ids import ID_RE

if TYPE_CHECKING:
    from salesflow.model.account import Account
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process


def account_paths(root: Path) -> list[Path]:
    """Every account file under `accounts/`, sorted, skipping hidden files and folders."""
    top = root / ACCOUNTS_DIR
    found: list[Path] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in files
                     if f.endswith(DEAL_SUFFIXES) and not f.startswith("."))
    return sorted(found)


def is_account_path(root: Path, path: Path) -> bool:
    """Does `path` sit under the workspace's `accounts/` folder (as written, not resolved)?"""
    try:
        path.absolute().relative_to((root / ACCOUNTS_DIR).absolute())
    except ValueError:
        return False
    return True


def account_id_of(path: Path) -> str:
    return path.stem


def check_account_id(account_id: str) -> None:
    if not ID_RE.fullmatch(account_id) or len(account_id) > 120:
        raise UsageError(_("{account_id!r} is not a valid account id").format(
                             account_id=account_id),
                         hint=_("ids use lowercase letters, digits, '.', '_' and '-', starting "
                         "with a letter or digit, e.g. huadong-water"))


def _read(root: Path, path: Path, process: Process) -> tuple[AccountFile | None, list[Problem]]:
    rel = relative(root, path)
    if not is_inside(root / ACCOUNTS_DIR, path):
        return None, [Problem(rel, 0, 0, _("is a symlink pointing outside the workspace; "
                              "salesflow does not follow it"), "outside")]
    if not ID_RE.fullmatch(account_id_of(path)):
        return None, [Problem(rel, 0, 0, _(
            "file name {name!r} is not a valid account id: use lowercase letters, digits, "
            "'.', '_' and '-' (e.g. huadong-water.yaml)").format(name=path.name), "bad-id")]
    raw, problem = read_bytes(path, rel)
    if raw is None:
        return None, [problem] if problem else []
    account, problems = parse_account(raw, rel, process)
    return (AccountFile(account_id_of(path), rel, account) if account else None), problems


@dataclass
class Accounts:
    """Every valid account by id, and the problems of the files that are not."""

    by_id: dict[str, AccountFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    def accounts(self) -> dict[str, Account]:
        return {i: a.account for i, a in self.by_id.items()}


def load_accounts(root: Path, process: Process, paths: Iterable[Path] | None = None,
                  ) -> Accounts:
    """The account files (default: all), read afresh; one bad file never hides the others."""
    out = Accounts()
    every = account_paths(root)
    users: dict[str, list[str]] = {}
    for path in every:
        users.setdefault(account_id_of(path), []).append(relative(root, path))
    for path in (every if paths is None else list(paths)):
        out.files += 1
        item, problems = _read(root, path, process)
        out.problems.extend(problems)
        others = [o for o in users.get(account_id_of(path), []) if o != relative(root, path)]
        if others:
            out.problems.append(Problem(relative(root, path), 0, 0, _(
                "account id {id!r} is also used by {others}; ids (file names) must be "
                "unique").format(id=account_id_of(path), others=", ".join(others)),
                                        "duplicate-id"))
            continue
        if item is not None:
            out.by_id[item.id] = item
    return out


def account_file(root: Path, account_id: str) -> Path:
    """Where the file of `account_id` is (or would be): `accounts/<id>.yaml`."""
    for path in account_paths(root):
        if account_id_of(path) == account_id:
            return path
    return root / ACCOUNTS_DIR / f"{account_id}.yaml"


def load_account(root: Path, account_id: str, process: Process) -> AccountFile:
    """One account by id, validated; a usage error (with did-you-mean) when there is none."""
    from salesflow.method.checks import did_you_mean

    check_account_id(account_id)
    paths = [p for p in account_paths(root) if account_id_of(p) == account_id]
    if not paths:
        known = [account_id_of(p) for p in account_paths(root)]
        raise UsageError(_("no account with id {account_id!r}{maybe}").format(
                             account_id=account_id, maybe=did_you_mean(account_id, known)),
                         hint=_("`salesflow account list` shows every account id"))
    if len(paths) > 1:
        raise UsageError(_("account id {account_id!r} is used by more than one file: ").format(
                             account_id=account_id)
                         + ", ".join(relative(root, p) for p in paths),
                         hint=_("rename one of them; ids must be unique"))
    item, problems = _read(root, paths[0], process)
    if item is None:
        raise ProblemsError(problems, hint=_("fix the account file, then try again"))
    return item


def linked_account(root: Path, deal: Deal, process: Process) -> Account | None:
    """The account a deal links to, or None; raises when the link or the file is broken."""
    if deal.account is None:
        return None
    return load_account(root, deal.account, process).account


# ------------------------------------------------------------ checking links


def link_problems(root: Path, deals: Sequence[tuple[str, Deal]],
                  accounts: dict[str, Account]) -> list[Problem]:
    """Located problems of the deals' `account:` links (rel path, deal) pairs."""
    from salesflow.method.account_checks import link_findings

    known = sorted({account_id_of(p) for p in account_paths(root)})
    problems: list[Problem] = []
    for rel, deal in deals:
        findings = link_findings(deal, accounts, known)
        if findings:
            raw, problem = read_bytes(root / rel, rel)
            if raw is None:
                problems.extend([problem] if problem else [])
            else:
                problems.extend(located(findings, raw, rel))
    return problems


def linked_deals(root: Path, rels: Iterable[str], process: Process) -> list[tuple[str, Deal]]:
    """The Deals of the given valid deal files (read again: only linked deals are asked for)."""
    out = []
    for rel in rels:
        raw, _ = read_bytes(root / rel, rel)
        if raw is None:
            continue
        deal, _ = parse_deal(raw, rel, process)
        if deal is not None:
            out.append((rel, deal))
    return out


def unlinked_warnings(rows: Sequence[tuple[str, Sequence[object]]],
                      accounts: dict[str, Account]) -> list[Problem]:
    """Deals (rel, summary row) whose `customer` is an account's name but do not link to it."""
    from salesflow.method.account_checks import fold
    from salesflow.model.summary import ACCOUNT_AT

    by_name = {fold(a.name): account_id for account_id, a in accounts.items()}
    out = []
    for rel, row in rows:
        customer, account = row[1], row[ACCOUNT_AT]
        if account is None and isinstance(customer, str) and fold(customer) in by_name:
            target = by_name[fold(customer)]
            out.append(Problem(rel, 0, 0, _(
                "customer {customer!r} is the name of account {target!r}, but the deal does "
                "not link to it: add `account: {target}` (or run `salesflow accounts "
                "migrate`)").format(customer=customer, target=target),
                               "unlinked-customer"))
    return out
