"""Where each deal stood on a past day: from its history, or from git when edited by hand.

History entries come first: they carry the day of each move, while a commit
may come days later. A deal's history is trusted for a day when it explains
what git holds: replayed to the date of the last commit on or before the day,
it gives the facts of the file in that commit. When it does not (an amount
typed into the file, a close date changed in an editor, a file without
history), the file of that commit is the truth, and the deal is marked "from
git". Outside a git repository a deal whose history does not reproduce its
own file cannot be placed: it is named as unexplained and left out of both
days, never guessed.

Pure: the caller reads git (`salesflow.team.snapshot`) and hands in the
deals of the commit as plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

from salesflow.model.summary import ENDS_FILE, ENDS_UNTRACKED, DealSummary
from salesflow.model.tokens import touched
from salesflow.reports.changes import Facts, Seen, Source, explained, facts_of, facts_on
from salesflow.reports.replay import Stepper
from salesflow.reports.tracks import Fold, Track, fold, quiet_since, track_of

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.facts import DealItem
    from salesflow.model.process import Process
    from salesflow.model.summary import ProcessSummary


@dataclass(frozen=True)
class Then:
    """The deal files of the last commit on or before a day (None outside git).

    `deals` by id, as `team.snapshot.deals_at` reads them: a file unchanged
    since the commit (its id in `same`) is the deal as it stands now, whole or
    its summary; a file changed since is the summary of the commit's file,
    and its history then and now are in `history` and `edited`, as tokens
    (`model.tokens`), to compare the one with the other.
    """

    date: dt.date | None  # the commit's date; None: no commit that early
    deals: Mapping[str, Deal | DealSummary]
    invalid: frozenset[str] = frozenset()
    same: frozenset[str] = frozenset()
    history: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    edited: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class Unexplained(Exception):
    """The deal cannot be placed on the day: history and file disagree, and no git."""


def on_day(track: Track | None, f: Fold | None, deal_id: str,
           process: Process | ProcessSummary, day: dt.date, then: Then | None,
           ) -> tuple[Facts | None, Source]:
    """The deal's facts at the end of `day` and where they were read.

    `track` is the deal as its file stands now (None: the file is gone), `f`
    its history folded (`tracks.fold`).
    """
    if then is None:
        if track is not None and f is not None and explained(track, f):
            return facts_on(track, f, process, day), "history"
        raise Unexplained(deal_id)
    old = then.deals.get(deal_id)
    if track is None or f is None:
        return (facts_of(old, process) if old is not None else None), "git"
    trusted = track.replayable
    if deal_id in then.invalid:
        if trusted and explained(track, f):
            return facts_on(track, f, process, day), "history"
        raise Unexplained(deal_id)
    if old is not None:
        if trusted and _history_explains(track, f, deal_id, old, then, process):
            return facts_on(track, f, process, day), "history"
        return facts_of(old, process), "git"
    if trusted:  # not committed yet on that day: history alone says
        return facts_on(track, f, process, day), "history"
    return None, "git"  # no history and not in git then: it came later


def _history_explains(track: Track, f: Fold, deal_id: str, old: Deal | DealSummary,
                      commit: Then, process: Process | ProcessSummary) -> bool:
    """Does the history explain the committed file `old` (of the commit `commit`)?

    It does when, replayed to the commit's date, it gives that file's facts,
    except for what entries added since that commit change: an entry written
    later but dated earlier (`--date`) is the history's to say. A file
    unchanged since the commit has had no entry added since.
    """
    assert commit.date is not None  # a commit's deals have its date
    then = facts_on(track, f, process, commit.date)
    if then is None:
        return False
    committed = facts_of(old, process)
    differ = {name for name in committed.__dataclass_fields__
              if getattr(then, name) != getattr(committed, name)}
    if not differ:
        return True
    before, now = commit.history.get(deal_id), commit.edited.get(deal_id)
    if before is None or now is None:
        return False  # unchanged since the commit (or no longer readable): nothing added
    n = len(before)
    if now[:n] != before:
        return False  # the history itself was rewritten by hand
    return differ <= touched(now[n:])


def observe(process: Process | ProcessSummary, deals: Sequence[DealItem], *,
            since: dt.date, until: dt.date, today: dt.date, then_since: Then | None,
            then_until: Then | None) -> tuple[list[Seen], list[str]]:
    """Every deal at `since` and `until`, and the ids that could not be placed.

    `until` on or after `today` is read from the files themselves; an earlier
    `until` is placed like `since`. Deals only git knows (their file is gone)
    are seen too, so a deletion is never silent. `deals` are DealFiles, or,
    outside git (no commit to compare with), SummaryFiles with their moves.
    """
    current = {item.id: item for item in deals}
    ids = list(current)
    for then in (then_since, then_until):
        if then is not None:
            ids += [i for i in then.deals if i not in current and i not in ids]
    seen: list[Seen] = []
    unexplained: list[str] = []
    steps = Stepper(process)
    now_only = until >= today  # the end is the files as they are
    for deal_id in ids:
        item = current.get(deal_id)
        if now_only and item is not None and _stood_still(item.deal, deal_id, since, then_since):
            now = facts_of(item.deal, process)  # read without decoding its history
            seen.append(Seen(deal_id, now, now, "history"))
            continue
        track = track_of(item) if item is not None else None
        f = fold(track, process, steps) if track is not None else None
        try:
            start, source = on_day(track, f, deal_id, process, since, then_since)
            if until >= today:
                end = facts_of(track, process) if track is not None else None
                end_source: Source = "file"
            else:
                end, end_source = on_day(track, f, deal_id, process, until, then_until)
        except Unexplained:
            unexplained.append(deal_id)
            continue
        if "git" in (source, end_source):
            source = "git"
        seen.append(Seen(deal_id, start, end, source))
    return seen, unexplained



def _stood_still(deal: Any, deal_id: str, since: dt.date, then: Then | None,
                 ) -> TypeGuard[DealSummary]:
    """Did the deal stand at the end of `since` as its file stands now? (`on_day`'s answer)

    Asked of a summary, so that a deal that has not moved is counted without
    decoding its history. Outside git: no history entry after `since`, and
    the history's replay ends at its file (`changes.explained`). Inside git,
    when the file is not one the commit read as changed or broken: the
    history starts in a stage and ends in the file's stage and status, with
    no entry after `since`, nor after the commit's date when the file is the
    commit's unchanged, so that it explains the commit and replays to the file.
    """
    if then is None:
        return quiet_since(deal, since, (ENDS_FILE,))
    if deal_id in then.invalid or (deal_id in then.deals and deal_id not in then.same):
        return False
    day = since
    if deal_id in then.same and then.date is not None:
        day = min(since, then.date)
    return quiet_since(deal, day, (ENDS_FILE, ENDS_UNTRACKED)) and bool(deal.replayable)
