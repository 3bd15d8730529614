"""The board's keys that change a deal: each asks what its command's options ask, then writes.

`a` advance, `t` tick, `l` lose, `h` hold, `s` add a next step, `p` set a
person's attitude. Each one gathers its answers through small dialogs
(`screens.PickScreen`, `screens.NoteScreen`) and hands the very function
its command uses (`method.transitions`, `method.daily`) to `BoardApp.write`,
i.e. `Session.apply` and `files.update.update_deal`. Kept apart from `app`
so that the app module is about drawing and moving, this one about writing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from rich.text import Text
from textual.screen import Screen

from salesflow.board.detail import person_label
from salesflow.board.screens import NoteScreen, PickScreen, RefusalScreen
from salesflow.board.session import Session, Transition
from salesflow.files.update import Outcome
from salesflow.method import daily
from salesflow.method import transitions as pipeline
from salesflow.method.gates import MilestoneStatus, gates_between, stage_gate
from salesflow.model.days import day_from_text
from salesflow.model.deal import DealFile
from salesflow.model.errors import SalesflowError
from salesflow.model.i18n import _
from salesflow.model.process import ATTITUDES
from salesflow.model.words import ATTITUDES as ATTITUDE_WORDS


class BoardApp(Protocol):
    """What these keys need of the app (`app.BoardApp`), named here to keep imports one-way."""

    session: Session

    def deal_or_say(self) -> str | None: ...

    def opened_or_say(self) -> DealFile | None: ...

    def say(self, text: str, *, error: bool = False) -> None: ...

    def fail(self, exc: SalesflowError) -> None: ...

    def write(self, deal_id: str, transition: Transition, *,
              refused: Callable[[pipeline.GateRefused], None] | None = None,
              ) -> Outcome | None: ...

    def push_screen(self, screen: Screen[Any], callback: Any = None) -> Any: ...


def advance(app: BoardApp) -> None:
    """`a`: the next stage; a refusal lists the unmet milestones and offers to tick them."""
    deal_id = app.deal_or_say()
    if deal_id is None:
        return

    def refused(exc: pipeline.GateRefused) -> None:
        app.push_screen(RefusalScreen(exc.message, exc.unmet,
                                      _ticker(app, deal_id, exc.to_code)))

    app.write(deal_id, lambda d, data, p, ctx: pipeline.advance(d, p, ctx), refused=refused)


def _ticker(app: BoardApp, deal_id: str, to_code: str,
            ) -> Callable[[MilestoneStatus, str | None], list[MilestoneStatus] | None]:
    def tick(status: MilestoneStatus, note: str | None) -> list[MilestoneStatus] | None:
        outcome = app.write(deal_id, lambda d, data, p, ctx: pipeline.tick(
            d, data, p, ctx, status.milestone.id, note=note))
        if outcome is None:
            return None
        left = [s for s in gates_between(outcome.deal, outcome.process, to_code) if not s.met]
        if not left:
            app.say(_("{summary}; every milestone met: press a to advance {deal} to "
                      "{stage}").format(summary=outcome.change.summary, deal=deal_id,
                                        stage=to_code))
        return left
    return tick


def tick(app: BoardApp) -> None:
    """`t`: tick one of the current stage's exit milestones, with an optional note."""
    item = app.opened_or_say()
    if item is None:
        return
    deal_id = item.id
    process = app.session.full_process()
    statuses = stage_gate(item.deal, process.stage(item.deal.stage), process)
    if not statuses:
        app.say(_("stage {stage} has no exit milestones to tick").format(
            stage=item.deal.stage), error=True)
        return
    choices: list[tuple[str, Text | str, bool]] = []
    for s in statuses:
        label = Text(f"{'✔' if s.met else '✘'} {s.milestone.id}", style="bold")
        if s.by_rule:
            label.append(" " + _("[rule: from the deal's data]"), style="dim")
        label.append(f"\n  {s.milestone.text}", style="dim")
        choices.append((s.milestone.id, label, not s.by_rule))

    def picked(milestone_id: str | None) -> None:
        if milestone_id is None:
            return

        def noted(note: str | None) -> None:
            if note is not None:
                app.write(deal_id, lambda d, data, p, ctx: pipeline.tick(
                    d, data, p, ctx, milestone_id, note=note or None))

        app.push_screen(NoteScreen(tick_title(milestone_id),
                                   placeholder=_("how it was reached")), noted)

    app.push_screen(PickScreen(_("Tick a milestone of {deal} (stage {stage})").format(
        deal=deal_id, stage=item.deal.stage), choices), picked)


def tick_title(milestone_id: str) -> str:
    return _("Tick {milestone}: a note (optional)").format(milestone=milestone_id)


def lose(app: BoardApp) -> None:
    """`l`: lost, with a reason from `lost_reasons` and an optional story."""
    deal_id = app.deal_or_say()
    if deal_id is None:
        return
    reasons = app.session.full_process().lost_reasons

    def chosen(reason: str | None) -> None:
        if reason is None:
            return

        def noted(note: str | None) -> None:
            if note is not None:
                app.write(deal_id, lambda d, data, p, ctx: pipeline.lose(
                    d, p, ctx, reason, note or None))

        app.push_screen(NoteScreen(
            _("Lose {deal} ({reason}): the story (optional)").format(deal=deal_id,
                                                                    reason=reason),
            placeholder=_("e.g. competitor 18% below us")), noted)

    question = _("Why was {deal} lost?").format(deal=deal_id)
    if reasons:
        app.push_screen(PickScreen(question, [(r, r, True) for r in reasons]), chosen)
    else:
        app.push_screen(NoteScreen(question, required=True), chosen)


def hold(app: BoardApp) -> None:
    """`h`: on hold, with an optional reason."""
    deal_id = app.deal_or_say()
    if deal_id is None:
        return

    def noted(reason: str | None) -> None:
        if reason is not None:
            app.write(deal_id, lambda d, data, p, ctx: pipeline.hold(d, p, ctx, reason or None))

    app.push_screen(NoteScreen(_("Put {deal} on hold: why (optional)").format(deal=deal_id),
                               placeholder=_("e.g. budget frozen until Q2")), noted)


def step(app: BoardApp) -> None:
    """`s`: a next step (action, due date, optional who), as `salesflow step add`.

    The due date is checked as `--due` is (`model.days.day_from_text`): a
    date that is not one keeps the dialog open with the reason, and nothing
    is written.
    """
    deal_id = app.deal_or_say()
    if deal_id is None:
        return

    def check_due(text: str) -> str | None:
        try:
            day_from_text(text, _("due date"), app.session.today())
        except SalesflowError as exc:
            return exc.message + (f" — {exc.hint}" if exc.hint else "")
        return None

    def acted(action: str | None) -> None:
        if not action:
            return

        def dated(due: str | None) -> None:
            if not due:
                return
            when = day_from_text(due, _("due date"), app.session.today())

            def who(name: str | None) -> None:
                if name is not None:
                    app.write(deal_id, lambda d, data, p, ctx: daily.step_add(
                        d, p, ctx, action, when, name or None))

            app.push_screen(NoteScreen(_("Who does it? (optional)"),
                                       placeholder=_("e.g. li.wei"), name="step-who"), who)

        app.push_screen(NoteScreen(_("Due date of the step (YYYY-MM-DD, today, tomorrow)"),
                                   placeholder="2027-03-31", required=True,
                                   check=check_due, name="step-due"), dated)

    app.push_screen(NoteScreen(_("Next step for {deal}: what will be done").format(
        deal=deal_id), placeholder=_("e.g. send the revised proposal"), required=True,
        name="step-action"), acted)


def person(app: BoardApp) -> None:
    """`p`: a person of the buying centre, then their attitude, as `salesflow person set`."""
    item = app.opened_or_say()
    if item is None:
        return
    deal_id = item.id
    people = item.deal.stakeholders
    if not people:
        app.say(_("{deal} lists nobody yet; add a person with: salesflow person add {deal} "
                  "NAME").format(deal=deal_id), error=True)
        return
    choices: list[tuple[str, Text | str, bool]] = [
        (str(i), person_label(p), True) for i, p in enumerate(people)]

    def picked(index: str | None) -> None:
        if index is None:
            return
        chosen = people[int(index)]
        name = chosen.name
        attitudes: list[tuple[str, Text | str, bool]] = [
            (a, ATTITUDE_WORDS[a] + (" " + _("(now)") if a == chosen.attitude else ""), True)
            for a in ATTITUDES]

        def set_attitude(attitude: str | None) -> None:
            if attitude is not None:
                app.write(deal_id, lambda d, data, p, ctx: daily.person_set(
                    d, data, p, ctx, name, {"attitude": attitude}))

        app.push_screen(PickScreen(_("Attitude of {name} to us").format(name=name),
                                   attitudes, name="pick-attitude"), set_attitude)

    app.push_screen(PickScreen(_("Whose attitude, in the buying centre of {deal}?").format(
        deal=deal_id), choices), picked)
