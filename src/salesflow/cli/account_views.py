"""What `salesflow account show` and `list` print: the JSON shape and the readable page.

Kept apart from the commands (`salesflow.cli.accounts`) so each module stays
small; the page is drawn from the JSON shape, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesflow.model.account import Account, AccountFile
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process
    from salesflow.reports.accounts import AccountDeals


def money_json(value: Any) -> str | None:
    from salesflow.model.money import money_json

    return money_json(value)


def dec(value: str | None) -> Any:
    from decimal import Decimal

    return None if value is None else Decimal(value)


def share_trend(account: Account) -> str | None:
    """rising, falling or steady: our share in the last two wallet years (None: unknown)."""
    years = sorted((w for w in account.wallet if w.share_percent() is not None),
                   key=lambda w: w.year)
    if len(years) < 2:
        return None
    before, now = years[-2].share_percent(), years[-1].share_percent()
    assert before is not None and now is not None
    return "rising" if now > before else "falling" if now < before else "steady"


def account_json(item: AccountFile, deals: AccountDeals, full: list[tuple[str, Deal]],
                 process: Process, today: dt.date) -> dict[str, Any]:
    """The `account show --format json` shape."""
    from salesflow.model.words import RELATIONSHIP_STAGES

    a = item.account
    data: dict[str, Any] = {"id": item.id, "path": item.path, "name": a.name,
                            "segment": a.segment, "tier": a.tier, "owner": a.owner}
    stage = RELATIONSHIP_STAGES.get(a.relationship or "")
    data["relationship"] = None if stage is None else {
        "stage": stage.code, "meaning": stage.meaning, "share_of_wallet": stage.share_of_wallet}
    data["wallet_currency"] = a.currency or process.currency
    data["wallet"] = []
    for w in sorted(a.wallet, key=lambda w: w.year):
        share = w.share_percent()
        ours = w.ours if w.ours is not None else (
            None if share is None else (w.spend * share / 100))
        data["wallet"].append({"year": w.year, "spend": money_json(w.spend),
                               "ours": money_json(ours),
                               "share": None if share is None else str(share)})
    data["share_trend"] = share_trend(a)
    data["report_currency"] = process.currency
    data["deals"] = {
        status: {"count": deals.count(status), "amount": money_json(deals.amount(status))}
        for status in ("open", "won", "lost", "hold")}
    data["deals"]["weighted"] = money_json(deals.weighted)
    data["deals"]["without_amount"] = list(deals.without_amount)
    data["deals"]["list"] = [
        {"id": d.id, "name": d.name, "stage": d.stage, "status": d.status,
         "probability": d.probability, "amount": money_json(d.amount),
         "weighted": money_json(d.weighted)} for d in deals.deals]
    people = []
    for p in a.people:
        across = []
        for deal_id, deal in full:
            entry = deal.stakeholder(p.name)
            if entry is not None:
                across.append({"deal": deal_id, "roles": list(entry.roles or p.roles),
                               "attitude": entry.attitude if "attitude" in
                               entry.model_fields_set else None})
        people.append({"name": p.name, "title": p.title, "level": p.level,
                       "roles": list(p.roles), "attitude": p.attitude,
                       "influence": p.influence, "reports_to": p.reports_to, "deals": across})
    data["people"] = people
    data["plan"] = [{"person": m.person, "goal": m.goal, "next": m.next, "due": m.due,
                     "done": m.done, "overdue": m.done is None and m.due < today}
                    for m in sorted(a.plan, key=lambda m: m.due)]
    return data


def print_account(data: dict[str, Any]) -> None:
    """A readable page about one account (from its JSON shape)."""
    from salesflow.method.buying_centre import org_chart
    from salesflow.model.deal import Stakeholder
    from salesflow.model.i18n import _
    from salesflow.model.words import LEVEL_NAMES, ROLE_NOUNS
    from salesflow.output.render import money, output

    cur = data["report_currency"]
    output.print(output.style(f"{data['id']} — {data['name']}", "bold"))
    facts = [_("tier {tier}").format(tier=data["tier"]) if data["tier"] else _("tier not set")]
    if data["segment"]:
        facts.append(_("segment {segment}").format(segment=data["segment"]))
    if data["owner"]:
        facts.append(_("owner {owner}").format(owner=data["owner"]))
    output.text(" · ".join(facts))
    output.text()
    rel = data["relationship"]
    if rel is None:
        output.text(_("Relationship: not set (`salesflow account set {id} "
                      "relationship=initial`)").format(id=data["id"]))
    else:
        for line in _wrap(_("Relationship: {stage} — {meaning}; it stands for a share of "
                            "wallet of {share}").format(stage=rel["stage"],
                                                         meaning=_(rel["meaning"]),
                                                         share=rel["share_of_wallet"])):
            output.text(line)
    if data["wallet"]:
        trend = (" ({})".format(_(data["share_trend"])) if data["share_trend"] else "")
        output.text(_("Share of wallet{trend}:").format(trend=trend))
        for w in reversed(data["wallet"]):
            share = f"{w['share']}%" if w["share"] is not None else _("share unknown")
            output.text("  " + _("{year}: {share} — ours {ours} of {spend} {currency}").format(
                year=w["year"], share=share, ours=money(dec(w["ours"])),
                spend=money(dec(w["spend"])), currency=data["wallet_currency"]))
    else:
        output.text(_("Share of wallet: no `wallet:` yet (`salesflow account set {id} "
                      "spend.YEAR=AMOUNT share.YEAR=30%`)").format(id=data["id"]))
    output.text()
    d = data["deals"]
    held = (_(", {n} on hold").format(n=d["hold"]["count"]) if d["hold"]["count"] else "")
    output.text(_("Deals: {open} open ({open_amount} {currency}, weighted {weighted}), {won} "
                  "won ({won_amount}), {lost} lost ({lost_amount})").format(
        open=d["open"]["count"], open_amount=money(dec(d["open"]["amount"])), currency=cur,
        weighted=money(dec(d["weighted"])), won=d["won"]["count"],
        won_amount=money(dec(d["won"]["amount"])), lost=d["lost"]["count"],
        lost_amount=money(dec(d["lost"]["amount"]))) + held)
    if d["list"]:
        table = output.table(_("Deal"), _("Stage"), _("Status"), _("Amount"), _("Weighted"),
                             right=(_("Amount"), _("Weighted")))
        for row in d["list"]:
            table.add_row(row["id"], f"{row['stage']} {row['probability']}%", _(row["status"]),
                          money(dec(row["amount"])), money(dec(row["weighted"])))
        output.print(table)
    else:
        output.text("  " + _("no deal links to this account yet: add `account: {id}` to its "
                             "deals").format(id=data["id"]))
    if d["without_amount"]:
        output.text("  " + _("without an amount (not in the sums): {ids}").format(
            ids=", ".join(d["without_amount"])))
    output.text()
    output.text(_("Org chart (roles across deals):"))
    if not data["people"]:
        output.text("  " + _("nobody yet: `salesflow account person add {id} NAME`").format(
            id=data["id"]))
    by_name = {p["name"]: p for p in data["people"]}
    chart = org_chart([Stakeholder.model_validate({"name": p["name"],
                                                   "reports_to": p["reports_to"]})
                       for p in data["people"]])
    for root_node in chart:
        for depth, person in root_node.walk():
            p = by_name[person.name]
            facets = [p["title"]] if p["title"] else []
            facets.append(_(LEVEL_NAMES[p["level"]]) if p["level"] else _("level not set"))
            facets.append(_("attitude unknown") if p["attitude"] == "unknown"
                          else _(p["attitude"]))
            output.text("  " + "  " * depth + f"{p['name']} ({'; '.join(facets)})")
            for role in p["deals"]:
                roles = (", ".join(_(ROLE_NOUNS[r]) for r in role["roles"])
                         or _("no role set"))
                own = (_("; {attitude} here").format(attitude=_(role["attitude"]))
                       if role["attitude"] else "")
                output.text("  " + "  " * depth + f"  · {role['deal']}: {roles}{own}")
    output.text()
    output.text(_("Development plan:"))
    if not data["plan"]:
        output.text("  " + _("no moves planned: `salesflow account plan {id} PERSON --next "
                             "... --due DATE`").format(id=data["id"]))
    for m in data["plan"]:
        mark = _("done") if m["done"] else _("OVERDUE") if m["overdue"] else _("due")
        goal = _(" (goal: {goal})").format(goal=m["goal"]) if m["goal"] else ""
        output.text(f"  {mark} {m['due'].isoformat()}  {m['person']}{goal}:")
        for line in _wrap(m["next"], indent="      ", first="      "):
            output.text(line)

def _wrap(text: str, indent: str = "  ", width: int = 80, first: str = "") -> list[str]:
    """Lines of at most `width` terminal cells (CJK characters take two), later ones indented."""
    from rich.cells import cell_len

    lines: list[str] = []
    current = first
    for word in _words(text):
        if current and cell_len(current + word) > width:
            lines.append(current.rstrip())
            current = indent + word.lstrip()
        else:
            current += word
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Break points: before each space-led word, and between CJK characters."""
    import re

    return re.findall(r"\s*[\u2e80-\u9fff\uff00-\uffef]|\s*[^\s\u2e80-\u9fff\uff00-\uffef]+",
                      text)
