"""Reports a manager runs: funnel, forecast, stats, and the HTML report page.

Every report takes the same cuts (--owner, --segment, --product-line,
--customer, --close-from, --close-to) and prints the shapes defined in
`salesflow.reports.shapes`; tables are drawn from those same shapes, so the
table, the JSON, the CSV and the page always show the same numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer

from salesflow.cli._common import handle_errors, load, overview, parse_date
from salesflow.cli.app import app
from salesflow.model.i18n import _
from salesflow.output.render import ForecastBy, Format, GroupBy, Layout, PeriodChoice

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from salesflow.files.workspace import Overview, Workspace
    from salesflow.model.deal import DealFile
    from salesflow.model.facts import DealItem
    from salesflow.model.process import Process
    from salesflow.reports.replay import Replay
    from salesflow.reports.select import Cut
    from salesflow.reports.select import GroupBy as SelectBy

FormatOption = typer.Option(Format.table, "--format", "-f", help="table, json or csv.")
OwnerOption = typer.Option(None, "--owner", "-o", metavar="OWNER",
                           help="Only deals of this owner (repeatable: any of them).")
SegmentOption = typer.Option(None, "--segment", metavar="SEGMENT",
                             help="Only deals in this segment (repeatable).")
ProductLineOption = typer.Option(None, "--product-line", metavar="LINE",
                                 help="Only deals of this product line (repeatable).")
CustomerOption = typer.Option(None, "--customer", metavar="TEXT",
                              help="Only customers whose name contains TEXT (any case).")
CloseFromOption = typer.Option(None, "--close-from", metavar="DATE",
                               help="Only deals expected to close on or after DATE.")
CloseToOption = typer.Option(None, "--close-to", metavar="DATE",
                             help="Only deals expected to close on or before DATE.")
AsOfOption = typer.Option(None, "--as-of", metavar="DATE",
                          help="Replay history: stages and statuses as they were at the end "
                          "of DATE; deals created later are left out.")


def _cut(owner: list[str] | None, segment: list[str] | None, product_line: list[str] | None,
         customer: str | None, close_from: str | None, close_to: str | None) -> Cut:
    from salesflow.model.errors import UsageError
    from salesflow.reports.select import Cut

    start = parse_date(close_from, "--close-from")
    end = parse_date(close_to, "--close-to")
    if start and end and start > end:
        raise UsageError(_("--close-from {start} is after --close-to {end}").format(
                             start=start, end=end),
                         hint=_("give the earlier date to --close-from"))
    return Cut(tuple(owner or ()), tuple(segment or ()), tuple(product_line or ()),
               customer or None, start, end)


def _select(ws: Workspace, cut: Cut, as_of: dt.date | None,
            ) -> tuple[list[DealFile], Replay | None]:
    """The deals the report covers: cut, then replayed to `as_of` when given."""
    from dataclasses import replace

    from salesflow.reports.replay import replay

    deals = cut.apply(ws.deals)
    if as_of is None:
        return deals, None
    # Replay first, then cut: a close-date cut asks for the close dates of that day.
    everything = replay(ws.process, ws.deals, as_of)
    kept = cut.apply(list(everything.deals))
    rep = replace(everything.only({d.id for d in deals} | {d.id for d in kept}),
                  deals=tuple(kept))
    return kept, rep


def _window(start: dt.date | None, end: dt.date | None) -> None:
    from salesflow.model.errors import UsageError

    if start and end and start > end:
        raise UsageError(_("--from {start} is after --to {end}").format(start=start, end=end),
                         hint=_("give the earlier date to --from"))


@app.command()
@handle_errors
def funnel(
    fmt: Format = FormatOption,
    owner: list[str] = OwnerOption,
    segment: list[str] = SegmentOption,
    product_line: list[str] = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
    by: GroupBy | None = typer.Option(None, "--by", help="One funnel per owner, segment, "
                                      "product_line, account, tier (the account's) or "
                                      "relationship (the account's stage, else the deal's), "
                                      "plus the total."),
    layout: Layout = typer.Option(Layout.auto, "--layout", help="With --by: side (groups as "
                                  "columns), stacked (one table each) or auto (side when it "
                                  "fits)."),
    as_of: str | None = AsOfOption,
) -> None:
    """The weighted funnel: every stage with its deals, amount and weighted amount.

    Open deals count in their stage, won deals in the last stage; lost and held
    deals are left out and counted below the table. Deals without an amount are
    counted and flagged with `?`, never valued as zero silently.

    Example: salesflow funnel --by owner --segment energy --as-of 2026-09-30
    """
    from salesflow.cli.report_views import print_funnel, print_funnel_by
    from salesflow.output.render import output
    from salesflow.reports import funnel as build
    from salesflow.reports import funnel_by
    from salesflow.reports.shapes import (
        FUNNEL_BY_CSV,
        FUNNEL_CSV,
        funnel_by_csv_rows,
        funnel_csv_rows,
        funnel_json,
        invalid_csv_rows,
        invalid_json,
    )

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    when = parse_date(as_of, "--as-of")
    ws: Workspace | Overview
    deals: Sequence[DealItem]
    if when is None:  # today's funnel reads summaries: no file is parsed when none changed
        ws = overview()
        deals, rep = cut.apply(ws.deals), None
    else:  # replaying needs every deal's history
        ws = load()
        deals, rep = _select(ws, cut, when)
    report = build(ws.process, deals)
    if by is not None and by.value in ("account", "tier", "relationship"):
        from salesflow.cli._accounts import accounts_of
        from salesflow.reports.accounts import funnel_by_account

        groups = funnel_by_account(ws.process, deals, by.value, accounts_of(ws))
    else:
        groups = funnel_by(ws.process, deals, cast("SelectBy", by.value)) if by else ()
    data = funnel_json(report, cut=cut, replay=rep, by=by.value if by else None, groups=groups)
    data["invalid"] = invalid_json(ws.problems)
    if fmt == Format.json:
        output.json(data)
    elif fmt == Format.csv:
        if by:
            output.csv(FUNNEL_BY_CSV, [*funnel_by_csv_rows(report, groups),
                                       *invalid_csv_rows(ws.problems, len(FUNNEL_BY_CSV))])
        else:
            output.csv(FUNNEL_CSV, [*funnel_csv_rows(report),
                                    *invalid_csv_rows(ws.problems, len(FUNNEL_CSV))])
    elif by:
        print_funnel_by(data, cut, layout.value)
    else:
        print_funnel(data, cut)
    raise typer.Exit(1 if ws.problems else 0)


@app.command()
@handle_errors
def forecast(
    fmt: Format = FormatOption,
    period: ForecastBy = typer.Option(ForecastBy.quarter, "--by",
                                      help="Periods: month or quarter; or account: one line "
                                      "per account (quarters in --format json)."),
    start: str | None = typer.Option(None, "--from", metavar="DATE",
                                     help="First period: the one holding DATE (default: "
                                     "today's)."),
    end: str | None = typer.Option(None, "--to", metavar="DATE",
                                   help="Last period: the one holding DATE (default: the "
                                   "last expected close)."),
    owner: list[str] = OwnerOption,
    segment: list[str] = SegmentOption,
    product_line: list[str] = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
    as_of: str | None = AsOfOption,
    per_owner: bool = typer.Option(False, "--per-owner", help="Also each owner against "
                                   "their targets (with --format csv: only those rows)."),
) -> None:
    """Forecast per month or quarter of expected close: weighted, best case and won.

    Open deals count in the period of their expected close (weighted by their
    stage's probability, and unweighted as the best case); won deals count in
    the period they were won, from their history. Open deals whose expected
    close is already past, and open deals without one, get rows of their own.
    With `targets:` in stages.yaml each period shows its target, the gap
    (target - won) and the coverage (open pipeline / gap), flagged below the
    `coverage_goal` (default 3.0).

    Example: salesflow forecast --by month --from 2027-01-01 --to 2027-06-30
    """
    import datetime as dt

    from salesflow.cli.report_views import invalid_notes, print_forecast
    from salesflow.cli.target_views import print_targets
    from salesflow.output.render import output
    from salesflow.reports.forecast import forecast as build
    from salesflow.reports.forecast import won_from_summary
    from salesflow.reports.shapes import (
        FORECAST_CSV,
        FORECAST_OWNERS_CSV,
        forecast_csv_rows,
        forecast_json,
        forecast_owner_csv_rows,
        invalid_csv_rows,
        invalid_json,
    )
    from salesflow.reports.targets import against_targets

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    _window(first, last)
    when = parse_date(as_of, "--as-of")
    ws: Workspace | Overview
    deals: Sequence[DealItem]
    process: Process
    by_account = period == ForecastBy.account
    if when is None and not by_account:  # today's forecast reads summaries, as the funnel
        ws = overview()
        process = _targets_process(ws)  # the targets too: stages.yaml alone is read again
        deals, rep, won = cut.apply(ws.deals), None, won_from_summary
    else:  # replaying needs every deal's history; accounts need the full workspace
        full = load()
        ws, process = full, full.process
        (deals, rep), won = _select(full, cut, when), None
    report = build(process, deals, today=when or dt.date.today(),
                   period="month" if period == ForecastBy.month else "quarter",
                   start=first, end=last, won=won)
    if by_account:
        from salesflow.cli._accounts import forecast_by_account

        forecast_by_account(full, deals, report, cut, fmt, when or dt.date.today())
        raise typer.Exit(1 if ws.problems else 0)
    targets = against_targets(process, deals, report, cut, won=won)
    data = forecast_json(report, cut=cut, replay=rep, targets=targets)
    data["invalid"] = invalid_json(ws.problems)
    if fmt == Format.json:
        output.json(data)
    elif fmt == Format.csv and per_owner:
        output.csv(FORECAST_OWNERS_CSV, [*forecast_owner_csv_rows(targets),
                                         *invalid_csv_rows(ws.problems,
                                                           len(FORECAST_OWNERS_CSV))])
    elif fmt == Format.csv:
        output.csv(FORECAST_CSV, [*forecast_csv_rows(report, targets),
                                  *invalid_csv_rows(ws.problems, len(FORECAST_CSV))])
    else:
        print_forecast(data, cut)
        print_targets(data, per_owner)
        invalid_notes(data["invalid"])
    raise typer.Exit(1 if ws.problems else 0)


def _targets_process(ws: Overview) -> Process:
    """The process with its targets, for today's forecast over summaries.

    A `stages.yaml` that names neither `targets` nor `coverage_goal` has none
    to give: its plain data (no marks, no models) say so, and the summary the
    overview read stands in. Otherwise the process is validated in full.
    """
    from salesflow.files import yamlio
    from salesflow.files.load import load_process
    from salesflow.files.workspace import PROCESS_FILE, read_bytes
    from salesflow.reports.targets import Untargeted

    raw, _problem = read_bytes(ws.root / PROCESS_FILE, PROCESS_FILE)
    try:
        doc = None if raw is None else yamlio.parse_data(raw, PROCESS_FILE)
    except Exception:  # anything odd: the full path says what is wrong
        doc = None
    if isinstance(doc, dict) and "targets" not in doc and "coverage_goal" not in doc:
        return cast("Process", Untargeted(ws.process))
    return load_process(ws.root)


@app.command()
@handle_errors
def stats(
    fmt: Format = FormatOption,
    start: str | None = typer.Option(None, "--from", metavar="DATE",
                                     help="Count what happened on or after DATE."),
    end: str | None = typer.Option(None, "--to", metavar="DATE",
                                   help="Count what happened on or before DATE; later "
                                   "history is ignored."),
    min_sample: int = typer.Option(5, "--min-sample", min=1, metavar="N",
                                   help="Give no figure that rests on fewer than N deals."),
    owner: list[str] = OwnerOption,
    segment: list[str] = SegmentOption,
    product_line: list[str] = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
) -> None:
    """Pipeline statistics from every deal's history, to calibrate the process.

    Stage-to-stage conversion, win rate, days spent in each stage (average and
    median, time on hold not counted), cycle time to won, lost reasons ranked,
    and each stage's configured probability next to the win rate observed from
    it. A figure resting on fewer than --min-sample deals is not given.

    Example: salesflow stats --from 2026-01-01 --to 2026-12-31 --min-sample 10
    """
    from salesflow.cli.report_views import print_stats
    from salesflow.output.render import output
    from salesflow.reports.shapes import (
        STATS_CSV,
        invalid_csv_rows,
        invalid_json,
        stats_csv_rows,
        stats_json,
    )
    from salesflow.reports.stats import stats as build

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    _window(first, last)
    ws = overview(facts="moves")  # each summary carries its history's moves
    report = build(ws.process, cut.apply(ws.deals), start=first, end=last,
                   min_sample=min_sample)
    data = stats_json(report, cut=cut)
    data["invalid"] = invalid_json(ws.problems)
    if fmt == Format.json:
        output.json(data)
    elif fmt == Format.csv:
        output.csv(STATS_CSV, [*stats_csv_rows(report),
                               *invalid_csv_rows(ws.problems, len(STATS_CSV))])
    else:
        print_stats(data, cut)
    raise typer.Exit(1 if ws.problems else 0)


@app.command()
@handle_errors
def report(
    html: Path = typer.Option(..., "--html", metavar="FILE", dir_okay=False,
                              help="Write the page to FILE ('-' for standard output)."),
    owner: list[str] = OwnerOption,
    segment: list[str] = SegmentOption,
    product_line: list[str] = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
    as_of: str | None = AsOfOption,
    period: PeriodChoice = typer.Option(PeriodChoice.quarter, "--period",
                                        help="Forecast periods: month or quarter."),
    min_sample: int = typer.Option(5, "--min-sample", min=1, metavar="N",
                                   help="Statistics: no figure from fewer than N deals."),
    title: str | None = typer.Option(None, "--title", help="Page title (default: "
                                     "'Pipeline report — <workspace folder>')."),
    since: str | None = typer.Option(None, "--since", metavar="WHEN",
                                     help="The weekly page: open with what changed since "
                                     "WHEN (a date, 7d, 2w or last-week; a waterfall) and "
                                     "the trend of the last 8 weeks."),
) -> None:
    """One self-contained HTML page for the weekly meeting: funnel, forecast, stats, deals.

    The page has no external scripts, fonts or links: attach it to an e-mail or
    open it offline. Its numbers are the same as `funnel`, `forecast` and
    `stats --format json` with the same options.

    With --since the page opens with the changes since that day (a waterfall:
    the start, each category's weighted change, the end) and the weekly trend,
    the same numbers as `changes` and `trend --format json`.

    Example: salesflow report --html weekly.html --since last-week --owner li.wei
    """
    import datetime as dt

    from salesflow import __version__
    from salesflow.files.guard import write_file
    from salesflow.model.errors import UsageError
    from salesflow.model.i18n import _
    from salesflow.output.html import page
    from salesflow.output.render import output
    from salesflow.reports import funnel as build_funnel
    from salesflow.reports.forecast import forecast as build_forecast
    from salesflow.reports.shapes import (
        deals_json,
        forecast_json,
        funnel_json,
        invalid_json,
        stats_json,
    )
    from salesflow.reports.stats import stats as build_stats
    from salesflow.reports.targets import against_targets

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    when = parse_date(as_of, "--as-of")
    if since is not None and when is not None:
        raise UsageError(_("--since and --as-of cannot be combined"),
                         hint=_("the weekly page (--since) shows the changes up to today"))
    target = str(html)
    if target != "-" and not html.parent.is_dir():
        raise UsageError(_("cannot write {html}: folder {parent} does not exist").format(
                             html=html, parent=html.parent),
                         hint=_("create the folder first, or choose another file"))
    ws = load()
    today = dt.date.today()
    deals, rep = _select(ws, cut, when)
    process = ws.process
    fc = build_forecast(process, deals, today=when or today, period=period.value)
    data: dict[str, Any] = {
        "title": title or _("Pipeline report — {workspace}").format(workspace=ws.root.name),
        "workspace": ws.root.name,
        "as_of": (when or today).isoformat(),
        "replayed": when is not None,
        "generated": today.isoformat(),
        "version": __version__,
        "filters": cut.describe(),
        "funnel": funnel_json(build_funnel(process, deals), cut=cut, replay=rep),
        "forecast": forecast_json(fc, cut=cut, replay=rep,
                                  targets=against_targets(process, deals, fc, cut)),
        "stats": stats_json(build_stats(process, cut.apply(ws.deals), end=when,
                                        min_sample=min_sample), cut=cut),
        "deals": deals_json(process, deals),
        "invalid": invalid_json(ws.problems),
    }
    data.update(_meeting(process, deals, when or today))
    if since is not None:
        from salesflow.cli.weekly import build_changes, since_day
        from salesflow.reports.shapes import changes_json, trend_json
        from salesflow.reports.trend import trend as build_trend

        first = since_day(since, today)
        if first >= today:
            raise UsageError(_("--since {first} is not before today").format(first=first),
                             hint=_("give an earlier --since, e.g. --since 7d"))
        changed = build_changes(ws, cut, first, today, today)[0]
        data["changes"] = changes_json(changed, cut=cut)
        data["trend"] = trend_json(build_trend(process, deals, until=today), cut=cut)
    text = page(data)
    if target == "-":
        output.raw(text)
    else:
        try:
            # where the command line says, but never through a symlink leading out of
            # that folder, the workspace and the current folder, nor into a FIFO or device
            write_file(Path(html), text.encode("utf-8"),
                       within=[html.absolute().parent, ws.root, Path.cwd()])
        except OSError as exc:
            raise UsageError(_("cannot write {html}: {strerror}").format(
                                 html=html, strerror=exc.strerror or exc),
                             hint=_("choose a file in a folder you can write to")) from None
        output.note(_("wrote {html} ({n} deals, as of {as_of})").format(
                        html=html, n=len(deals), as_of=data['as_of']))
    raise typer.Exit(1 if ws.problems else 0)


BIGGEST = 5  # the deals whose risks the page shows


def _meeting(process: Any, deals: Sequence[DealFile], day: dt.date) -> dict[str, Any]:
    """What the meeting page adds to the reports: owners, the biggest deals' risks, extras."""
    from salesflow.cli.review import review_json
    from salesflow.method.health import review
    from salesflow.reports import funnel_by
    from salesflow.reports.shapes import deal_extras, owners_json

    risky = [r for r in review(process, deals, day) if r.risks and r.item.deal.status == "open"]
    return {
        "owners": owners_json(funnel_by(process, deals, "owner"), deals, day),
        "risks": [review_json(r) for r in risky[:BIGGEST]],
        "extras": deal_extras(deals, day),
    }
