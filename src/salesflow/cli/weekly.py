"""What `changes` and the weekly page (`report --html --since`) share.

Kept out of `salesflow.cli.meeting` so that `salesflow.cli.reports` can use
it without importing the module that imports it (no import cycle).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from salesflow.cli._common import parse_date
from salesflow.model.i18n import _

if TYPE_CHECKING:
    from salesflow.files.workspace import Overview, Workspace
    from salesflow.reports.changes import Changes
    from salesflow.reports.select import Cut


def since_day(value: str, today: dt.date) -> dt.date:
    """--since: a date, today/yesterday, `Nd` or `Nw` ago, or `last-week`.

    `last-week` is the Sunday before last week's Monday: the changes then
    cover all of last week and this week so far, what a Monday meeting asks.
    """
    import re

    from salesflow.model.errors import UsageError

    if value == "last-week":
        return today - dt.timedelta(days=today.weekday() + 8)
    ago = re.fullmatch(r"([0-9]{1,4})([dw])", value)
    if ago:
        return today - dt.timedelta(days=int(ago[1]) * (7 if ago[2] == "w" else 1))
    try:
        day: dt.date = parse_date(value, "--since")
    except UsageError:
        raise UsageError(_("--since: {value!r} is not a date").format(value=value),
                         hint=_("write YYYY-MM-DD, 7d (days ago), 2w (weeks ago) or "
                                "last-week")) from None
    return day


def build_changes(ws: Workspace | Overview, cut: Cut, since: dt.date, until: dt.date,
                  today: dt.date, by: str | None = None,
                  ) -> tuple[Changes, list[tuple[str | None, Changes]]]:
    """The changes report of a workspace: git read here, the rest in `reports`.

    Shared with `report --html --since`, so the page and the command agree.
    `ws` holds whole deals or summaries with their moves (`overview(facts=
    "moves")`): inside git, a commit's files are compared with the deals as
    they are now, and only the files changed since that commit are parsed.
    """
    from salesflow.cli._common import use_cache
    from salesflow.files.workspace import Workspace
    from salesflow.reports.changes import changes as compute
    from salesflow.reports.changes import group_changes
    from salesflow.reports.seen import Then, observe
    from salesflow.team.snapshot import deals_at

    process = ws.process if isinstance(ws, Workspace) else None  # else read if needed
    current = {item.path: item.deal for item in ws.deals}

    def then(day: dt.date) -> tuple[Then | None, dict[str, Any] | None]:
        snap = deals_at(ws.root, process, day, current, cache=use_cache())
        if snap is None:
            return None, None
        info = {"commit": snap.commit, "date": snap.date.isoformat() if snap.date else None}
        return snap.then(), info

    then_since, git_since = then(since)
    then_until, git_until = then(until) if until < today else (None, None)
    seen, unexplained = observe(ws.process, ws.deals, since=since, until=until, today=today,
                                then_since=then_since, then_until=then_until)
    git = None if then_since is None else {"since": git_since, "until": git_until}
    report = compute(ws.process, seen, since=since, until=until, cut=cut,
                     unexplained=unexplained, git=git)
    groups = group_changes(ws.process, seen, since=since, until=until, cut=cut,
                           by=by) if by else []
    return report, groups
