"""Reports a manager runs: funnel."""

from __future__ import annotations

import typer

from salesflow.cli import app
from salesflow.cli._common import handle_errors, load
from salesflow.render import Format

FUNNEL_CSV = ("code", "name", "probability", "count", "amount", "weighted", "without_amount")


@app.command()
@handle_errors
def funnel(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """The weighted funnel: every stage with its deals, amount and weighted amount.

    Open deals count in their stage, won deals in the last stage; lost and held
    deals are left out and counted below the table.

    Example: salesflow funnel --format json
    """
    from salesflow.render import money, money_json, output
    from salesflow.reports import funnel as build

    ws = load()
    report = build(ws.process, ws.deals)
    if fmt == Format.json:
        output.json({
            "currency": report.currency,
            "stages": [
                {"code": r.code, "name": r.name, "probability": r.probability, "count": r.count,
                 "amount": money_json(r.amount), "weighted": money_json(r.weighted),
                 "without_amount": list(r.without_amount)}
                for r in report.rows
            ],
            "total": {"count": report.count, "amount": money_json(report.amount),
                      "weighted": money_json(report.weighted),
                      "without_amount": list(report.without_amount)},
            "excluded": {k: {"count": len(v), "ids": v} for k, v in report.excluded.items()},
        })
    elif fmt == Format.csv:
        rows = [[r.code, r.name, r.probability, r.count, money_json(r.amount),
                 money_json(r.weighted), len(r.without_amount)] for r in report.rows]
        rows.append(["TOTAL", "", "", report.count, money_json(report.amount),
                     money_json(report.weighted), len(report.without_amount)])
        output.csv(FUNNEL_CSV, rows)
    else:
        cur = report.currency
        table = output.table("Stage", "Name", "Prob.", "Deals", f"Amount {cur}",
                             f"Weighted {cur}", "", right=("Prob.", "Deals", f"Amount {cur}",
                                                          f"Weighted {cur}"),
                             title=f"Funnel ({cur})")
        top = max((r.amount for r in report.rows), default=0) or 1
        for r in report.rows:
            flag = f" +{len(r.without_amount)}?" if r.without_amount else ""
            table.add_row(r.code, r.name, f"{r.probability}%", f"{r.count}{flag}",
                          money(r.amount), money(r.weighted),
                          output.bar(float(r.amount / top)))
        table.add_section()
        table.add_row("", "Total", "", str(report.count), money(report.amount),
                      money(report.weighted), "")
        output.print(table)
        lost, held = report.excluded["lost"], report.excluded["hold"]
        output.text(f"Left out: {len(lost)} lost, {len(held)} on hold.")
        if report.without_amount:
            output.text(f"{len(report.without_amount)} deal(s) without an amount (counted, "
                        f"not valued; marked ?): {', '.join(report.without_amount)}")
    raise typer.Exit(1 if ws.problems else 0)
