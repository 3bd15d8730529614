"""Cross-field checks of an account file, and of a deal's link to its account.

Like `salesflow.method.checks`: small named functions yielding findings at
data paths, so each problem points at its own line. The link checks relate
two files (a deal and the account it names); they run where both are at hand
(`salesflow validate`, loading a workspace), never inside the one-file parse
the cache vouches for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from salesflow.method.checks import Finding, did_you_mean
from salesflow.model.account import Account
from salesflow.model.deal import Deal, Stakeholder
from salesflow.model.i18n import _
from salesflow.model.process import Process

# What a deal's entry for an account person may add: the project's own view of them.
PROJECT_FIELDS = frozenset({"name", "roles", "attitude", "notes", "extensions"})


def people_form_a_tree(people: Sequence[Stakeholder], key: str, what: str,
                       ) -> Iterator[Finding]:
    """Unique names; every `reports_to` names someone listed; no cycles."""
    names: dict[str, int] = {}
    for i, person in enumerate(people):
        if person.name in names:
            yield Finding((key, i, "name"), _("duplicate person {name!r}: names must be unique in "
                                              "{what}").format(name=person.name, what=what),
                          "duplicate-stakeholder")
        else:
            names[person.name] = i
    for i, person in enumerate(people):
        boss = person.reports_to
        if boss is not None and boss not in names:
            yield Finding((key, i, "reports_to"), _("reports_to {boss!r} is not listed under "
                                                    "`{key}:`{maybe}").format(
                                                      boss=boss, key=key,
                                                      maybe=did_you_mean(boss, list(names))),
                          "unknown-stakeholder")
    boss_of = {p.name: p.reports_to for p in people}
    state: dict[str, int] = {}
    for person in people:
        trail: list[str] = []
        current: str | None = person.name
        while current is not None and current in boss_of and current not in state:
            state[current] = 1
            trail.append(current)
            current = boss_of[current]
        if current is not None and state.get(current) == 1:
            cycle = trail[trail.index(current):]
            yield Finding((key, names[cycle[-1]], "reports_to"),
                          _("reports_to forms a cycle: ") + " → ".join([*cycle, current]),
                          "reports-to-cycle")
        for name in trail:
            state[name] = 2


def account_people_tree(account: Account, process: Process) -> Iterator[Finding]:
    yield from people_form_a_tree(account.people, "people", _("an account"))


def plan_people_known(account: Account, process: Process) -> Iterator[Finding]:
    names = [p.name for p in account.people]
    for i, move in enumerate(account.plan):
        if move.person not in names:
            yield Finding(("plan", i, "person"), _("{person!r} is not listed under "
                                                   "`people:`{value}; add them there first").format(
                                                     person=move.person,
                                                     value=did_you_mean(move.person, names)),
                          "unknown-person")


def wallet_years_consistent(account: Account, process: Process) -> Iterator[Finding]:
    seen: set[int] = set()
    for i, year in enumerate(account.wallet):
        if year.year in seen:
            yield Finding(("wallet", i, "year"), _("year {year} is listed twice under `wallet:`; "
                                                   "one entry per year").format(
                                                     year=year.year), "duplicate-year")
        seen.add(year.year)
        if year.ours is not None and year.share is not None:
            yield Finding(("wallet", i, "share"), _("give our part as `ours:` (an amount) or "
                          "`share:` (a percentage), not both"), "wallet-both")
        elif year.ours is not None and year.ours > year.spend:
            yield Finding(("wallet", i, "ours"), _("ours ({ours}) is more than the customer's "
                                                   "whole spend ({spend}) that year").format(
                                                     ours=year.ours, spend=year.spend),
                          "wallet-ours")


def account_currency_has_rate(account: Account, process: Process) -> Iterator[Finding]:
    if account.currency and process.rate(account.currency) is None:
        yield Finding(("currency",), _("no exchange rate for {currency}: add `{currency}: <value "
                                       "of 1 {currency} in {currency2}>` under `rates:` in "
                                       "stages.yaml").format(
                                         currency=account.currency, currency2=process.currency),
                      "missing-rate")


ACCOUNT_CHECKS: list[Callable[[Account, Process], Iterator[Finding]]] = [
    account_people_tree,
    plan_people_known,
    wallet_years_consistent,
    account_currency_has_rate,
]


def check_account(account: Account, process: Process) -> list[Finding]:
    return [f for check in ACCOUNT_CHECKS for f in check(account, process)]


# ------------------------------------------------------------- deal ↔ account


def unknown_account(deal: Deal, ids: Sequence[str]) -> Finding | None:
    """A deal naming an account no file holds."""
    if deal.account is None or deal.account in ids:
        return None
    return Finding(("account",), _("unknown account {account!r}{maybe}; create it with "
                                   "`salesflow account new {account} --name ...` or fix the "
                                   "id").format(account=deal.account,
                                                maybe=did_you_mean(deal.account, list(ids))),
                   "unknown-account")


def project_entries_only(deal: Deal, account: Account) -> Iterator[Finding]:
    """A deal may add to an account person only what is the project's own.

    Title, level, influence and the rest belong to the person, in the
    account file, so that they cannot drift apart between two deals.
    """
    for i, entry in enumerate(deal.stakeholders):
        person = account.person(entry.name)
        if person is None:
            continue
        for name in sorted(entry.model_fields_set - PROJECT_FIELDS):
            key = "reports_to" if name == "reports_to" else name
            yield Finding(("stakeholders", i, key), _("{name!r} is a person of account "
                                                      "{account!r}: `{key}` belongs in the account "
                                                      "file (`salesflow account person set "
                                                      "{account} {name!r} {key}=...`); a deal adds "
                                                      "only roles, attitude and notes").format(
                                                        name=entry.name, account=deal.account,
                                                        key=key), "account-field",
                          key=True)


def link_findings(deal: Deal, accounts: dict[str, Account],
                  known: Sequence[str] | None = None) -> list[Finding]:
    """Everything wrong with a deal's `account:` link (nothing for an unlinked deal).

    `known` are the ids of every account file, valid or not (default: the
    valid ones): an invalid account is its own file's problem, not the deal's.
    """
    if deal.account is None:
        return []
    missing = unknown_account(deal, sorted(known if known is not None else accounts))
    if missing is not None:
        return [missing]
    account = accounts.get(deal.account)
    return [] if account is None else list(project_entries_only(deal, account))


def unlinked_customers(deals: Sequence[tuple[str, Deal]], accounts: dict[str, Account],
                       ) -> list[tuple[str, str]]:
    """(deal id, account id) of deals whose `customer` is an account's name, unlinked."""
    by_name = {fold(a.name): account_id for account_id, a in accounts.items()}
    out = []
    for deal_id, deal in deals:
        if deal.account is None and fold(deal.customer) in by_name:
            out.append((deal_id, by_name[fold(deal.customer)]))
    return out


def fold(name: str) -> str:
    return " ".join(name.split()).casefold()
