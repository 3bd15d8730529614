"""The weekly pipeline meeting: `trend` (is the pipeline growing?) and `changes`.

Both replay every deal's history (`salesflow.reports.tracks`) and take the
same cuts as the other reports; their JSON and CSV shapes are in
`salesflow.reports.shapes`, their tables in `salesflow.cli.meeting_views`.
"""

from __future__ import annotations

import enum

import typer

from salesflow.cli._common import handle_errors, overview, parse_date
from salesflow.cli.app import app
from salesflow.cli.reports import (
    CloseFromOption,
    CloseToOption,
    CustomerOption,
    FormatOption,
    OwnerOption,
    ProductLineOption,
    SegmentOption,
    _cut,
)
from salesflow.cli.weekly import build_changes, since_day
from salesflow.model.i18n import _
from salesflow.output.render import Format, GroupBy


class EveryChoice(enum.StrEnum):
    """Trend periods."""

    week = "week"
    month = "month"


@app.command()
@handle_errors
def trend(
    fmt: Format = FormatOption,
    every: EveryChoice = typer.Option(EveryChoice.week, "--every",
                                      help="Periods: week (Monday to Sunday) or month."),
    last: int = typer.Option(8, "--last", min=1, max=520, metavar="N",
                             help="How many periods, the current one included."),
    until: str | None = typer.Option(None, "--to", metavar="DATE",
                                     help="The last period is the one holding DATE, and it "
                                     "ends on DATE (default: today)."),
    owner: list[str] = OwnerOption,
    segment: list[str] = SegmentOption,
    product_line: list[str] = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
) -> None:
    """The pipeline week by week (or month by month), replayed from history.

    For the end of each period: the open deals, their amount and weighted
    amount, exactly as `funnel --as-of` that day shows them; and the deals won
    and lost during the period. On a terminal a sparkline shows the weighted
    pipeline's course.

    Example: salesflow trend --every month --last 6 --owner li.wei
    """
    from salesflow.cli._common import today
    from salesflow.cli.meeting_views import print_trend
    from salesflow.cli.report_views import invalid_notes
    from salesflow.output.render import output
    from salesflow.reports.shapes import (
        TREND_CSV,
        invalid_csv_rows,
        invalid_json,
        trend_csv_rows,
        trend_json,
    )
    from salesflow.reports.trend import trend as build

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    end = parse_date(until, "--to") or today()
    ws = overview(facts="moves")  # each summary carries its history's moves and fields
    report = build(ws.process, cut.apply(ws.deals), until=end, every=every.value, last=last)
    data = trend_json(report, cut=cut)
    data["invalid"] = invalid_json(ws.problems)
    if fmt == Format.json:
        output.json(data)
    elif fmt == Format.csv:
        output.csv(TREND_CSV, [*trend_csv_rows(report),
                               *invalid_csv_rows(ws.problems, len(TREND_CSV))])
    else:
        print_trend(data, cut)
        invalid_notes(data["invalid"])
    raise typer.Exit(1 if ws.problems else 0)


@app.command()
@handle_errors
def changes(
    fmt: Format = FormatOption,
    since: str = typer.Option("last-week", "--since", metavar="WHEN",
                              help="The start: YYYY-MM-DD, 7d, 2w, yesterday or last-week "
                              "(the Sunday before last week)."),
    until: str | None = typer.Option(None, "--until", metavar="DATE",
                                     help="The end (default: today, as the files are now)."),
    owner: list[str] = OwnerOption,
    segment: list[str] = SegmentOption,
    product_line: list[str] = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
    by: GroupBy | None = typer.Option(None, "--by", help="Also the start, the change and "
                                      "the end per owner, segment or product_line."),
) -> None:
    """What changed in the pipeline since a day: every deal's move, in categories.

    The weighted pipeline at the end of --since and at --until, and every
    deal in one category: new, advanced, moved-back, won, lost, held,
    reopened, slipped, pulled-in, amount-up, amount-down, reassigned,
    removed or unchanged, with its change of amount and weighted amount.
    The start plus the changes is the end, to the cent. Moves are read from
    history; hand edits from git (the files of the last commit on or before
    the day), marked "from git".

    Example: salesflow changes --since last-week --by owner
    """
    from salesflow.cli._common import today
    from salesflow.cli.meeting_views import print_changes
    from salesflow.cli.report_views import invalid_notes
    from salesflow.model.errors import UsageError
    from salesflow.output.render import output
    from salesflow.reports.shapes import (
        CHANGES_CSV,
        changes_csv_rows,
        changes_json,
        invalid_csv_rows,
        invalid_json,
    )

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    now = today()
    first = since_day(since, now)
    last = parse_date(until, "--until") or now
    if first >= last:
        raise UsageError(_("--since {first} is not before --until {last}").format(
            first=first, last=last), hint=_("give an earlier --since, e.g. --since 7d"))
    # The cached summaries with their moves place every deal; inside git only
    # the files changed since the commit are parsed (`team.snapshot`).
    ws = overview(facts="moves")
    report, groups = build_changes(ws, cut, first, last, now, by.value if by else None)
    if fmt == Format.csv:
        output.csv(CHANGES_CSV, [*changes_csv_rows(report),
                                 *invalid_csv_rows(ws.problems, len(CHANGES_CSV))])
        raise typer.Exit(1 if ws.problems else 0)
    from salesflow.output.jsonout import Lazy

    grouped = by.value if by else None
    if fmt == Format.json:  # each deal made as it is written, never all held at once
        data = changes_json(report, cut=cut, by=grouped, groups=groups, listed=Lazy)
    else:
        data = changes_json(report, cut=cut, by=grouped, groups=groups)
    data["invalid"] = invalid_json(ws.problems)
    if fmt == Format.json:
        output.json(data)
    else:
        print_changes(data, cut)
        invalid_notes(data["invalid"])
    raise typer.Exit(1 if ws.problems else 0)
