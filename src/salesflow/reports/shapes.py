"""The documented JSON and CSV shapes of every report, in one place.

The CLI prints these and the HTML page is built from these same values, so
the JSON, the CSV, the table and the page cannot drift apart. Money is an
exact decimal string with two places; dates are ISO strings; rates are
percentages with one decimal, or null below the minimum sample.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.model.money import deal_amount, weighted
from salesflow.model.money import money_json as money

if TYPE_CHECKING:  # only named in annotations: the funnel need not import the others
    from salesflow.model.deal import DealFile
    from salesflow.model.errors import Problem
    from salesflow.model.process import Process
    from salesflow.reports.changes import Changes, Facts, Move, Pipeline
    from salesflow.reports.forecast import Forecast, ForecastRow
    from salesflow.reports.funnel import Funnel
    from salesflow.reports.replay import Replay
    from salesflow.reports.select import Cut
    from salesflow.reports.stats import Days, Rate, Stats
    from salesflow.reports.targets import TargetRow, Targets
    from salesflow.reports.trend import Trend


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _ids(ids: Sequence[str]) -> dict[str, Any]:
    return {"count": len(ids), "ids": list(ids)}


def replay_json(rep: Replay | None) -> dict[str, Any] | None:
    if rep is None:
        return None
    return {"as_of": rep.as_of.isoformat(), "no_history": _ids(rep.no_history),
            "created_later": _ids(rep.created_later), "disagree": _ids(rep.disagree),
            "fields_as_today": _ids(rep.fields_as_today)}


# ----------------------------------------------------------------- invalid

INVALID_ROW = "INVALID"


def invalid_json(problems: Sequence[Problem]) -> dict[str, Any]:
    """The deal files a report could not read: each file once, with its first problem.

    Every report carries this, so a total is never presented without saying
    which deals it is missing (`salesflow validate` lists every problem).
    """
    first: dict[str, Problem] = {}
    for p in sorted(problems):
        first.setdefault(p.path, p)
    return {"count": len(first),
            "files": [{"path": p.path, "line": p.line, "col": p.col, "message": p.message}
                      for p in first.values()]}


def invalid_csv_rows(problems: Sequence[Problem], columns: int) -> list[list[Any]]:
    """Trailing CSV rows, one per unreadable file: `INVALID,path,line,col,message`.

    Padded with empty cells to the report's own column count, so a reader
    that expects a fixed width still parses them.
    """
    rows = []
    for f in invalid_json(problems)["files"]:
        row: list[Any] = [INVALID_ROW, f["path"], f["line"], f["col"], f["message"]]
        rows.append(row + [""] * (columns - len(row)))
    return rows


# ------------------------------------------------------------------ funnel

FUNNEL_CSV = ("code", "name", "probability", "count", "amount", "weighted", "without_amount")
FUNNEL_BY_CSV = ("group", *FUNNEL_CSV)
ALL_GROUP = "(all)"
NO_GROUP = "(none)"


def funnel_body(report: Funnel) -> dict[str, Any]:
    return {
        "stages": [
            {"code": r.code, "name": r.name, "probability": r.probability, "count": r.count,
             "amount": money(r.amount), "weighted": money(r.weighted),
             "without_amount": list(r.without_amount)}
            for r in report.rows
        ],
        "total": {"count": report.count, "amount": money(report.amount),
                  "weighted": money(report.weighted),
                  "without_amount": list(report.without_amount)},
        "excluded": {k: _ids(v) for k, v in report.excluded.items()},
    }


def funnel_json(report: Funnel, *, cut: Cut, replay: Replay | None = None,
                by: str | None = None,
                groups: Sequence[tuple[str | None, Funnel]] = ()) -> dict[str, Any]:
    data: dict[str, Any] = {"currency": report.currency}
    data.update(funnel_body(report))
    data["as_of"] = replay.as_of.isoformat() if replay else None
    data["replay"] = replay_json(replay)
    data["filters"] = cut.as_json()
    data["by"] = by
    data["groups"] = [{"group": key, **funnel_body(f)} for key, f in groups] if by else None
    return data


def funnel_csv_rows(report: Funnel) -> list[list[Any]]:
    rows: list[list[Any]] = [[r.code, r.name, r.probability, r.count, money(r.amount),
                              money(r.weighted), len(r.without_amount)] for r in report.rows]
    rows.append(["TOTAL", "", "", report.count, money(report.amount), money(report.weighted),
                 len(report.without_amount)])
    return rows


def funnel_by_csv_rows(report: Funnel, groups: Sequence[tuple[str | None, Funnel]],
                       ) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for key, f in [*groups, (ALL_GROUP, report)]:
        rows += [[NO_GROUP if key is None else key, *r] for r in funnel_csv_rows(f)]
    return rows


# ---------------------------------------------------------------- forecast

FORECAST_CSV = ("period", "kind", "start", "end", "count", "best_case", "weighted",
                "won_count", "won", "without_amount", "target", "gap", "coverage",
                "below_goal")
FORECAST_OWNERS_CSV = ("owner", "period", "start", "end", "target", "source", "won_count",
                       "won", "gap", "count", "pipeline", "weighted", "coverage",
                       "below_goal")


def _ratio(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def target_json(r: TargetRow, goal: Decimal) -> dict[str, Any]:
    """One period against its target: every figure exact, coverage to two places."""
    return {"period": r.period, "start": _date(r.start), "end": _date(r.end),
            "target": money(r.target), "source": r.source, "won_count": r.won_count,
            "won": money(r.won), "gap": money(r.gap), "count": r.count,
            "pipeline": money(r.pipeline), "weighted": money(r.weighted),
            "coverage": _ratio(r.coverage), "met": r.met, "below_goal": r.below(goal)}


def _target_cells(r: TargetRow | None, goal: Decimal) -> list[Any]:
    if r is None:
        return ["", "", "", ""]
    return [money(r.target) or "", money(r.gap) or "", _ratio(r.coverage) or "",
            "yes" if r.below(goal) else ""]


def _forecast_row(r: ForecastRow) -> dict[str, Any]:
    return {"period": r.label, "kind": r.kind, "start": _date(r.start), "end": _date(r.end),
            "count": r.count, "best_case": money(r.best_case), "weighted": money(r.weighted),
            "won_count": r.won_count, "won": money(r.won),
            "without_amount": list(r.without_amount)}


def forecast_json(report: Forecast, *, cut: Cut, replay: Replay | None = None,
                  targets: Targets | None = None) -> dict[str, Any]:
    rows = [_forecast_row(r) for r in report.rows]
    if targets is not None:
        by_label = {t.period: t for t in targets.rows}
        for row in rows:
            t = by_label.get(row["period"]) if row["kind"] == "period" else None
            row.update({"target": None, "source": None, "gap": None, "pipeline": None,
                        "coverage": None, "met": False, "below_goal": False})
            if t is not None:
                row.update({k: v for k, v in target_json(t, targets.goal).items()
                            if k in ("target", "source", "gap", "pipeline", "coverage",
                                     "met", "below_goal")})
    return {
        "currency": report.currency, "period": report.period,
        "today": report.today.isoformat(), "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "rows": rows,
        "total": {"count": report.count, "best_case": money(report.best_case),
                  "weighted": money(report.weighted), "won_count": report.won_count,
                  "won": money(report.won), "without_amount": list(report.without_amount)},
        "held": _ids(report.held), "left_out": _ids(report.left_out),
        "won_undated": _ids(report.won_undated),
        "overdue": _ids(report.row("overdue").ids),
        "no_close": _ids(report.row("no_close").ids),
        "as_of": replay.as_of.isoformat() if replay else None,
        "replay": replay_json(replay), "filters": cut.as_json(),
        "coverage_goal": str(targets.goal) if targets else None,
        "targets_defined": targets.defined if targets else None,
        "targets_apply": targets.applies if targets else None,
        "owners": [{"owner": o.owner, "rows": [target_json(r, targets.goal) for r in o.rows]}
                   for o in targets.owners] if targets else None,
    }


def forecast_csv_rows(report: Forecast, targets: Targets | None = None) -> list[list[Any]]:
    goal = targets.goal if targets else Decimal(0)
    by_label = {t.period: t for t in targets.rows} if targets else {}
    rows: list[list[Any]] = [
        [r.label or "", r.kind, _date(r.start), _date(r.end), r.count, money(r.best_case),
         money(r.weighted), r.won_count, money(r.won), len(r.without_amount),
         *_target_cells(by_label.get(r.label or "") if r.kind == "period" else None, goal)]
        for r in report.rows]
    rows.append(["TOTAL", "", "", "", report.count, money(report.best_case),
                 money(report.weighted), report.won_count, money(report.won),
                 len(report.without_amount), "", "", "", ""])
    return rows


def forecast_owner_csv_rows(targets: Targets) -> list[list[Any]]:
    """One row per owner and period (owner `(none)`: deals without an owner)."""
    rows: list[list[Any]] = []
    for o in targets.owners:
        for r in o.rows:
            j = target_json(r, targets.goal)
            rows.append([NO_GROUP if o.owner is None else o.owner, r.period, j["start"],
                         j["end"], j["target"] or "", j["source"] or "", r.won_count,
                         j["won"], j["gap"] or "", r.count, j["pipeline"], j["weighted"],
                         j["coverage"] or "", "yes" if j["below_goal"] else ""])
    return rows


# ------------------------------------------------------------------- stats

STATS_CSV = ("section", "key", "metric", "value", "sample")


def _rate(rate: Rate | None) -> dict[str, Any] | None:
    if rate is None:
        return None
    return {"hits": rate.hits, "sample": rate.sample, "percent": rate.percent}


def _days(days: Days | None) -> dict[str, Any] | None:
    if days is None:
        return None
    return {"sample": days.sample, "avg": days.avg, "median": days.median}


def stats_json(report: Stats, *, cut: Cut) -> dict[str, Any]:
    return {
        "currency": report.currency, "from": _date(report.start), "to": _date(report.end),
        "min_sample": report.min_sample, "deals": report.deals,
        "no_history": _ids(report.no_history),
        "win_rate": {"won": report.win.hits, "lost": report.lost, "sample": report.win.sample,
                     "percent": report.win.percent},
        "cycle_days_to_won": _days(report.cycle),
        "stages": [
            {"code": s.code, "name": s.name, "probability": s.probability,
             "conversion": _rate(s.conversion), "days": _days(s.days),
             "observed_win": _rate(s.win), "forced": s.forced}
            for s in report.stages
        ],
        "lost_reasons": [
            {"reason": r.reason, "count": r.count, "amount": money(r.amount),
             "without_amount": list(r.without_amount)}
            for r in report.lost_reasons
        ],
        "forced": {"moves": len(report.forced), "ids": list(dict.fromkeys(report.forced))},
        "filters": cut.as_json(),
    }


def stats_csv_rows(report: Stats) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["overall", "", "win_percent", report.win.percent, report.win.sample],
        ["overall", "", "won", report.win.hits, ""],
        ["overall", "", "lost", report.lost, ""],
        ["overall", "", "cycle_avg_days", report.cycle.avg, report.cycle.sample],
        ["overall", "", "cycle_median_days", report.cycle.median, report.cycle.sample],
        ["overall", "", "forced_moves", len(report.forced), ""],
    ]
    for s in report.stages:
        rows.append(["stage", s.code, "probability", s.probability, ""])
        if s.conversion is not None:
            rows.append(["stage", s.code, "conversion_percent", s.conversion.percent,
                         s.conversion.sample])
            rows.append(["stage", s.code, "forced_moves", s.forced, s.conversion.sample])
        if s.days is not None:
            rows.append(["stage", s.code, "avg_days", s.days.avg, s.days.sample])
            rows.append(["stage", s.code, "median_days", s.days.median, s.days.sample])
        rows.append(["stage", s.code, "observed_win_percent", s.win.percent, s.win.sample])
    for r in report.lost_reasons:
        rows.append(["lost_reason", r.reason or "", "count", r.count, ""])
        rows.append(["lost_reason", r.reason or "", "amount", money(r.amount), ""])
    return rows


# ------------------------------------------------------------------- deals


def deals_json(process: Process, deals: Sequence[DealFile]) -> list[dict[str, Any]]:
    """The deals of a report (as replayed), most advanced and biggest first."""
    order = {"open": 0, "won": 1, "hold": 2, "lost": 3}
    priced = [(item, deal_amount(item.deal, process)) for item in deals]
    priced.sort(key=lambda p: (order[p[0].deal.status], -process.index(p[0].deal.stage),
                               -(p[1] or 0), p[0].id))
    rows = []
    for item, amount in priced:
        d = item.deal
        prob = process.stage(d.stage).probability
        counted = d.status in ("open", "won")
        rows.append({
            "id": item.id, "name": d.name, "customer": d.customer, "owner": d.owner,
            "stage": d.stage, "status": d.status, "probability": prob,
            "amount": money(amount),
            "weighted": money(weighted(amount, prob)) if amount is not None and counted
            else None,
            "expected_close": _date(d.expected_close), "segment": d.segment,
            "product_line": d.product_line,
        })
    return rows


# ------------------------------------------------------------------- trend

TREND_CSV = ("period", "start", "end", "open_count", "open_amount", "weighted", "won_count",
             "won", "lost_count", "lost", "without_amount")


def trend_json(report: Trend, *, cut: Cut) -> dict[str, Any]:
    return {
        "currency": report.currency, "every": report.every,
        "from": _date(report.rows[0].start) if report.rows else None,
        "to": _date(report.rows[-1].end) if report.rows else None,
        "rows": [{"period": r.label, "start": _date(r.start), "end": _date(r.end),
                  "open_count": r.open_count, "open_amount": money(r.open_amount),
                  "weighted": money(r.weighted), "won_count": r.won_count,
                  "won": money(r.won), "lost_count": r.lost_count, "lost": money(r.lost),
                  "without_amount": list(r.without_amount)} for r in report.rows],
        "no_history": _ids(report.no_history), "disagree": _ids(report.disagree),
        "filters": cut.as_json(),
    }


def trend_csv_rows(report: Trend) -> list[list[Any]]:
    return [[r.label, _date(r.start), _date(r.end), r.open_count, money(r.open_amount),
             money(r.weighted), r.won_count, money(r.won), r.lost_count, money(r.lost),
             len(r.without_amount)] for r in report.rows]


# ----------------------------------------------------------------- changes

CHANGES_CSV = ("row", "category", "id", "name", "customer", "owner", "source", "from_stage",
               "to_stage", "from_status", "to_status", "from_amount", "to_amount",
               "from_close", "to_close", "count", "amount", "weighted")


def _side(f: Facts | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"stage": f.stage, "status": f.status, "amount": money(f.amount),
            "expected_close": _date(f.expected_close)}


def _pipeline_json(p: Pipeline) -> dict[str, Any]:
    return {"count": p.count, "amount": money(p.amount), "weighted": money(p.weighted),
            "without_amount": list(p.without_amount)}


def _move_json(m: Move) -> dict[str, Any]:
    f = m.facts
    start = _side(m.start)
    end = start if m.end is m.start else _side(m.end)  # one Facts for an unchanged deal
    return {"id": m.id, "name": f.name, "customer": f.customer, "owner": f.owner,
            "from": start, "to": end, "amount_delta": money(m.amount_delta),
            "weighted_delta": money(m.weighted_delta), "source": m.source}


Listed = Callable[[Sequence["Move"], Callable[["Move"], dict[str, Any]]], Any]


def _listed(moves: Sequence[Move], make: Callable[[Move], dict[str, Any]]) -> Any:
    return [make(m) for m in moves]


def _changes_body(report: Changes, deals: bool = True, listed: Listed = _listed,
                  ) -> dict[str, Any]:
    deltas = sum((b.weighted for b in report.buckets), Decimal(0))

    def moves(b: Any) -> Any:
        return listed(b.moves, _move_json)

    return {
        "start": _pipeline_json(report.start), "end": _pipeline_json(report.end),
        "categories": [
            {"category": b.category, "count": b.count, "amount": money(b.amount),
             "weighted": money(b.weighted), **({"deals": moves(b)} if deals else {})}
            for b in report.buckets],
        "identity": {"start": money(report.start.weighted), "deltas": money(deltas),
                     "end": money(report.end.weighted),
                     "holds": report.start.weighted + deltas == report.end.weighted},
    }


def changes_json(report: Changes, *, cut: Cut, by: str | None = None,
                 groups: Sequence[tuple[str | None, Changes]] = (), listed: Listed = _listed,
                 ) -> dict[str, Any]:
    """The changes report's JSON.

    `listed(moves, make)` makes each category's list of deals: a list by
    default; the CLI passes `output.jsonout.Lazy`, so that fifty thousand
    deals are made one at a time as the JSON is written, never all held.
    """
    return {
        "currency": report.currency, "since": report.since.isoformat(),
        "until": report.until.isoformat(), **_changes_body(report, listed=listed),
        "unexplained": _ids(report.unexplained), "git": report.git or None,
        "filters": cut.as_json(), "by": by,
        "groups": [{"group": k, **_changes_body(c, deals=False)} for k, c in groups]
        if by else None,
    }


def changes_csv_rows(report: Changes) -> list[list[Any]]:
    blank = [""] * 13

    def level(row: str, p: Pipeline) -> list[Any]:
        return [row, "", *blank, p.count, money(p.amount), money(p.weighted)]

    rows: list[list[Any]] = [level("start", report.start)]
    for b in report.buckets:
        for m in b.moves:
            a, z, f = m.start, m.end, m.facts
            rows.append(["deal", b.category, m.id, f.name or "", f.customer, f.owner or "",
                         m.source, a.stage if a else "", z.stage if z else "",
                         a.status if a else "", z.status if z else "",
                         money(a.amount) if a else "", money(z.amount) if z else "",
                         _date(a.expected_close) if a else "",
                         _date(z.expected_close) if z else "", 1, money(m.amount_delta),
                         money(m.weighted_delta)])
        rows.append(["category", b.category, *blank, b.count, money(b.amount),
                     money(b.weighted)])
    rows.append(level("end", report.end))
    return rows


# ------------------------------------------------------------ meeting page


def stage_since(deal: Any) -> dt.date | None:
    """The day the deal entered its current stage: its last history entry into it."""
    for entry in reversed(deal.history):
        if getattr(entry, "to", None) == deal.stage:
            return entry.date  # type: ignore[no-any-return]
    return None


def next_step(deal: Any) -> Any:
    """The deal's next step: the one due first."""
    return min(deal.next_steps, key=lambda s: s.due) if deal.next_steps else None


def deal_extras(deals: Sequence[DealFile], today: dt.date) -> dict[str, dict[str, Any]]:
    """Per deal id: its next step and its days in the current stage, as of `today`."""
    extras = {}
    for item in deals:
        step = next_step(item.deal)
        since = stage_since(item.deal)
        extras[item.id] = {
            "next_step": {"due": step.due.isoformat(), "action": step.action,
                          "overdue": step.due < today} if step else None,
            "days_in_stage": (today - since).days if since else None,
        }
    return extras


def owners_json(report_groups: Sequence[tuple[str | None, Funnel]],
                deals: Sequence[DealFile], today: dt.date) -> list[dict[str, Any]]:
    """Each owner's funnel, with the open deals' next steps that are past due."""
    late: dict[str | None, list[dict[str, Any]]] = {}
    for item in deals:
        if item.deal.status != "open":
            continue
        for step in item.deal.next_steps:
            if step.due < today:
                late.setdefault(item.deal.owner, []).append(
                    {"id": item.id, "due": step.due.isoformat(), "action": step.action})
    return [{"owner": key, **funnel_body(f),
             "overdue_steps": sorted(late.get(key, []), key=lambda s: (s["due"], s["id"]))}
            for key, f in report_groups]
