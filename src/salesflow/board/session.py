"""The board's side of the disk: what it shows, what it has read, and its writes.

A board session reads summaries through the cache (`load_overview`: no YAML
parsed when nothing changed), loads a deal's full data only when a person
opens it, and writes through the very path the commands use:
`files.update.update_deal` (locked, re-read, validated, atomic) with the
transitions of `method.transitions`.

One thing a board needs that a command does not: a person looks at a view
for minutes before pressing a key, and meanwhile another terminal, an editor
or `git pull` may change the file. So the session notes each deal file's
identity (device, inode, size, modification and change time, in nanoseconds)
*before* reading it, and every write checks, under the workspace lock, that
the file is still the one the view was built from. A write based on a stale
view is refused with `StaleView` and no byte changes; `reload()` shows the
newer file. Noting the identity before the read errs on the safe side: a
file changed between the note and the read is refused once, never written
over.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesflow.board.cards import badges_of
from salesflow.files.bulk import summarize_file
from salesflow.files.cache import stat_key
from salesflow.files.load import load_deal_file, load_overview, load_process
from salesflow.files.update import Outcome, update_deal
from salesflow.files.workspace import DealPath, Overview, default_author
from salesflow.method.review_facts import judge
from salesflow.method.transitions import Change, Context
from salesflow.model.deal import Deal, DealFile
from salesflow.model.errors import DataError, ProblemsError
from salesflow.model.i18n import _
from salesflow.model.process import Process
from salesflow.model.summary import SummaryFile
from salesflow.reports.select import Cut

Stamp = str  # files.cache.stat_key: device, inode, size, mtime and ctime in nanoseconds
Transition = Callable[[Deal, Mapping[str, Any], Process, Context], Change]


class StaleView(DataError):
    """A write refused because the file changed on disk since the board read it."""

    def __init__(self, path: str) -> None:
        super().__init__(
            _("{path} changed on disk since the board read it; nothing was written").format(
                path=path),
            hint=_("press r to reload, look again, then repeat the action"))


def stamp(path: Path) -> Stamp | None:
    """The identity of a file as the disk tells it (None when it is gone)."""
    return _stamp_of(str(path))


def _stamp_of(path: str) -> Stamp | None:
    try:
        return stat_key(os.stat(path))  # noqa: PTH116 - a str path, as the scan's
    except OSError:
        return None


@dataclass
class Session:
    """One board's view of a workspace and the writes made from it.

    `today` and `by` are the clock and the author of the writes (the board
    passes them in, as the CLI's `--date` and `--by` would).
    """

    root: Path
    cut: Cut = field(default_factory=Cut)
    cache: bool = True
    by: str | None = None
    today: Callable[[], dt.date] = dt.date.today
    overview: Overview | None = None
    stamps: dict[str, Stamp | None] = field(default_factory=dict)
    process: Process | None = None
    badge_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # ------------------------------------------------------------ reading

    def load(self) -> Overview:
        """Read (again) every deal's summary and note each file's identity first."""
        top = str(self.root)

        def note(files: list[DealPath]) -> None:
            # the load's scan gives each regular file's identity, before any file is
            # read; a symlink's target is looked up
            self.stamps = {f.rel: f.stat if f.stat is not None
                           else _stamp_of(f"{top}/{f.rel}") for f in files}

        # the review facts, for the badges (the history moves: no board reads them)
        self.overview = load_overview(self.root, cache=self.cache, facts="review",
                                      on_scan=note)
        self.process = None  # stages.yaml may have changed too
        self.badge_cache = {}
        return self.overview

    def full_process(self) -> Process:
        """The whole process (milestones, rules): read once per load, when first needed."""
        if self.process is None:
            self.process = load_process(self.root)
        return self.process

    def deals(self) -> list[SummaryFile]:
        """The deals the board shows: those the cut keeps."""
        assert self.overview is not None, "load() first"
        return self.cut.apply(self.overview.deals)

    def open_deal(self, deal_id: str) -> DealFile:
        """The full deal, read now; its file's identity becomes the view's."""
        item = self._summary(deal_id)
        path = self.root / item.path
        before = stamp(path)
        self.badge_cache.pop(deal_id, None)
        found, problems = load_deal_file(self.root, path, self.full_process())
        if found is None:
            raise ProblemsError(problems, hint=_("fix the file, then press r to reload"))
        if before != self.stamps.get(item.path):  # newer than the card: show the newer one
            self.stamps[item.path] = before
            self._replace(summarize_file(found, self.full_process(), facts=True))
        return found

    def badges(self, deal_id: str) -> tuple[str, ...]:
        """A card's risk badges, from the review facts its summary carries; once per load.

        The facts (`method.review_facts`) answer every question the risk checks
        ask, so the badges are `salesflow review`'s without reading the file;
        they are worked out for the cards drawn, when they are first drawn.
        """
        found = self.badge_cache.get(deal_id)
        if found is None:
            item = self._summary(deal_id)
            d = item.deal
            if d.status not in ("open", "hold") or d.review is None:
                found = ()
            else:
                found = badges_of(judge(d, self.full_process(), self.today())[0])
            self.badge_cache[deal_id] = found
        return found

    # ------------------------------------------------------------ writing

    def author(self) -> str:
        if self.by is None:
            self.by = default_author(self.root)
        return self.by

    def context(self, deal_id: str) -> Context:
        return Context(deal_id=deal_id, on=self.today(), by=self.author())

    def apply(self, deal_id: str, transition: Transition) -> Outcome:
        """Make one change to one deal, as its command would; refused on a stale view.

        The transition gets the deal as it is on disk under the lock; before
        that, the file's identity is compared with the one the view was built
        from. After the write the session's summary and identity of that file
        are the new ones, so the next key works on what was just written.
        """
        item = self._summary(deal_id)
        path = self.root / item.path
        expected = self.stamps.get(item.path)
        ctx = self.context(deal_id)

        def compute(deal: Deal, data: Mapping[str, Any], process: Process) -> Change:
            # update_deal calls this once before the lock and again under it
            if stamp(path) != expected:
                raise StaleView(item.path)
            return transition(deal, data, process, ctx)

        outcome = update_deal(self.root, str(path), compute, cache=self.cache)
        if outcome.written:
            self.badge_cache.pop(deal_id, None)
            self.stamps[item.path] = _written_stamp(path, outcome)
            self._replace(summarize_file(DealFile(deal_id, item.path, outcome.deal),
                                         self.full_process(), facts=True))
        return outcome

    # ------------------------------------------------------------ helpers

    def _summary(self, deal_id: str) -> SummaryFile:
        assert self.overview is not None, "load() first"
        for item in self.overview.deals:
            if item.id == deal_id:
                return item
        raise DataError(_("{deal} is no longer on the board").format(deal=deal_id),
                        hint=_("press r to reload from disk"))

    def _replace(self, new: SummaryFile) -> None:
        assert self.overview is not None
        self.overview.deals = [new if d.id == new.id else d for d in self.overview.deals]


def _written_stamp(path: Path, outcome: Outcome) -> Stamp | None:
    """The identity of the file just written, if it still holds what was written.

    Another writer may have changed it between the end of the lock and now;
    then None, which refuses the next write until a reload.
    """
    before = stamp(path)
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    wrote = (b"\xef\xbb\xbf" if outcome.bom else b"") + outcome.after.encode("utf-8")
    return before if raw == wrote else None
