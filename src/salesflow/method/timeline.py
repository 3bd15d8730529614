"""A deal's timeline: its history entries and the commits that touched its file.

The history says what happened to the deal (stage and status moves); git says
who changed the file and why (every hand edit too). Merged, newest first, they
answer "who did what" without reading `git log -p`. Pure: the commits are
handed in by `salesflow.team.gitrepo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from salesflow.model.deal import Deal, HistoryEntry
from salesflow.model.i18n import _, pgettext


@dataclass(frozen=True)
class Commit:
    """One commit that touched a file."""

    sha: str
    author: str
    date: str  # ISO 8601 with offset, as git prints it
    subject: str
    path: str  # the file's path in that commit (it may have been renamed since)


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    kind: str  # "history" or "commit"
    date: dt.date
    time: str | None  # the commit's ISO timestamp; history entries have a date only
    by: str | None
    change: str  # "C → B", "created in G", "lost", "commit 1a2b3c4"
    detail: str | None  # the note or reason, or the commit subject
    data: dict[str, Any]  # the JSON shape


# What a contact was, in words (the file keeps the code).
_ACTIVITY_WORDS: dict[str, Callable[[], str]] = {
    "visit": lambda: pgettext("activity", "visit"), "call": lambda: pgettext("activity", "call"),
    "email": lambda: pgettext("activity", "email"),
    "meeting": lambda: pgettext("activity", "meeting"),
    "demo": lambda: pgettext("activity", "demo"),
    "step": lambda: pgettext("activity", "step done"),
}


def activity_word(kind: str) -> str:
    """A contact's kind in words: `visit` is 拜访 in Chinese (the file keeps the code)."""
    word = _ACTIVITY_WORDS.get(kind)
    return word() if word is not None else kind


def describe(entry: HistoryEntry) -> str:
    """A history entry in a few words: `C → B`, `created in G`, `lost`, `amount 1 → 2`."""
    if entry.kind == "field":
        return describe_field(entry)
    if entry.kind == "activity":
        people = (_(" with {people}").format(people=", ".join(entry.with_))
                  if entry.with_ else "")
        kind = activity_word(entry.activity or "")
        return f"{kind}{people}: {entry.text or ''}".rstrip(": ")
    if entry.to_stage and entry.from_stage:
        change = f"{entry.from_stage} → {entry.to_stage}"
    elif entry.to_stage:
        change = _("created in {stage}").format(stage=entry.to_stage)
    else:
        change = ""
    if entry.status:
        status = _(entry.status)
        change = f"{change}, {status}" if change else status
    if entry.forced:
        change += (_(" (forced past {ids})").format(ids=", ".join(entry.skipped))
                   if entry.skipped else _(" (forced)"))
    return change


def describe_field(entry: HistoryEntry) -> str:
    """A field change in a few words: `amount 1250000 → 1400000`, `罗伟 neutral → supporter`."""
    def shown(value: object) -> str:
        if value is None:
            return _("(none)")
        if entry.field == "attitude" and isinstance(value, str):
            return _(value)  # supporter, neutral, opponent, unknown: the method's words
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    what = (_("{person}'s attitude").format(person=entry.person)
            if entry.field == "attitude" and entry.person else str(entry.field))
    return f"{what} {shown(entry.from_)} → {shown(entry.to)}"


def timeline(deal: Deal, commits: list[Commit]) -> list[Event]:
    """History entries and commits together, newest first.

    On the same day commits come before history entries: a move is recorded
    in the file first and committed after.
    """
    keyed: list[tuple[tuple[dt.date, int, str, int], Event]] = []
    for i, entry in enumerate(deal.history):
        data = {"kind": "history", "date": entry.date.isoformat(), "time": None,
                **entry.model_dump(mode="json", by_alias=True, exclude_none=True)}
        data["date"] = entry.date.isoformat()
        event = Event("history", entry.date, None, entry.by, describe(entry),
                      entry.reason or entry.note, data)
        keyed.append(((entry.date, 0, "", i), event))
    for i, c in enumerate(commits):
        when = dt.datetime.fromisoformat(c.date)
        data = {"kind": "commit", "date": when.date().isoformat(), "time": c.date,
                "sha": c.sha, "author": c.author, "subject": c.subject, "path": c.path}
        event = Event("commit", when.date(), c.date, c.author, _("commit {value}").format(
                                                                   value=c.sha[:7]),
                      c.subject, data)
        utc = when.astimezone(dt.UTC).isoformat() if when.tzinfo else when.isoformat()
        keyed.append(((when.date(), 1, utc, -i), event))
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [event for _unused, event in keyed]
