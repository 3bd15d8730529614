"""The page's sections about people: each owner's pipeline, and the biggest deals' risks.

A meeting goes round the table owner by owner, then talks about the deals
that matter most; these sections are in that order and come from the same
funnel shape and `review` shape the terminal prints.
"""

from __future__ import annotations

from html import escape
from typing import Any

from salesflow.model.i18n import _


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def owners_section(owners: list[dict[str, Any]], currency: str, human: Any) -> str:
    """One card per owner: deals per stage, amount, weighted, won, overdue next steps."""
    if not owners:
        return ""
    cards = []
    for o in owners:
        name = o["owner"] or _("(no owner)")
        won = o["stages"][-1]
        stages = "".join(
            f'<li data-code="{_e(s["code"])}"><b>{_e(s["code"])}</b> {s["count"]}</li>'
            for s in o["stages"] if s["count"])
        late = o["overdue_steps"]
        steps = ("".join(f'<li><code>{_e(s["id"])}</code> {_e(s["due"])}: {_e(s["action"])}'
                         "</li>" for s in late)
                 if late else f"<li>{_e(_('none'))}</li>")
        in_won = _("({n} in {code})").format(n=won["count"], code=won["code"])
        cards.append(
            f'<div class="owner" data-owner="{_e(o["owner"] or "")}"><h3>{_e(name)}</h3>'
            f'<dl><dt>{_e(_("Deals"))}</dt><dd data-owner-field="count">'
            f'{o["total"]["count"]}</dd>'
            f'<dt>{_e(_("Amount {currency}").format(currency=currency))}</dt>'
            f'<dd data-owner-field="amount" '
            f'data-exact="{_e(o["total"]["amount"])}">{_e(human(o["total"]["amount"]))}</dd>'
            f'<dt>{_e(_("Weighted {currency}").format(currency=currency))}</dt>'
            f'<dd data-owner-field="weighted" '
            f'data-exact="{_e(o["total"]["weighted"])}">{_e(human(o["total"]["weighted"]))}'
            f'</dd><dt>{_e(_("Won {currency}").format(currency=currency))}</dt>'
            f'<dd data-owner-field="won" '
            f'data-exact="{_e(won["amount"])}">{_e(human(won["amount"]))} '
            f"<small>{_e(in_won)}</small></dd></dl>"
            f'<ul class="stages">{stages}</ul>'
            f'<p class="late{" warn" if late else ""}"><b>'
            f'{_e(_("Overdue next steps: {n}").format(n=len(late)))}</b></p>'
            f"<ul class=\"steps\">{steps}</ul></div>")
    return (f'<section id="owners"><h2>{_e(_("By owner"))}</h2><div class="owners">'
            f'{"".join(cards)}</div></section>')


def risks_section(risks: list[dict[str, Any]], currency: str, human: Any) -> str:
    """The open deals with the biggest weighted amounts that `review` finds at risk."""
    heading = f'<section id="risks"><h2>{_e(_("Risks of the biggest deals"))}</h2>'
    if not risks:
        return f'{heading}<p>{_e(_("No risks found in the open deals."))}</p></section>'
    items = []
    for r in risks:
        money = human(r["weighted"]) if r["weighted"] is not None else _("no amount")
        lines = "".join(f'<li><span class="risk">{_e(k["code"])}</span> {_e(k["reason"])}'
                        f'<div class="move">→ {_e(k["move"])}</div></li>' for k in r["risks"])
        facts = _("{customer} · {stage} · {owner} · weighted {amount} {currency}").format(
            customer=r["customer"], stage=r["stage"], owner=r["owner"] or _("no owner"),
            amount=money, currency=currency)
        items.append(
            f'<div class="risky" data-id="{_e(r["id"])}"><h3><code>{_e(r["id"])}</code> '
            f'{_e(r["name"] or "")} <small>{_e(facts)}</small>'
            f"</h3><ul>{lines}</ul></div>")
    intro = _e(_("From {command}: the open deals with the largest weighted amounts that "
                 "have a risk, with the next move.")).format(
        command="<code>salesflow review</code>")
    return f'{heading}<p class="meta">{intro}</p>{"".join(items)}</section>'
