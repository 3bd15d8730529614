"""The board's screens: a deal opened, pickers, a note, a refused advance, the keys.

Small screens that each do one thing and hand their answer back through
`dismiss` (Textual's way), so the app's actions read as the commands do:
pick a reason, maybe add a note, then write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from salesflow.board import detail
from salesflow.board.widgets import KeyBar
from salesflow.method.buying_centre import OrgNode, org_chart
from salesflow.method.gates import MilestoneStatus
from salesflow.model.deal import DealFile, Stakeholder
from salesflow.model.i18n import N_, _
from salesflow.model.process import Process

# The keys that change a deal, shown in the footer of the board and of a deal.
DEAL_KEYS = [
    Binding("a", "app.advance", N_("advance")),
    Binding("t", "app.tick", N_("tick")),
    Binding("l", "app.lose", N_("lose")),
    Binding("h", "app.hold", N_("hold")),
    Binding("s", "app.step", N_("step")),
    Binding("p", "app.person", N_("person")),
    Binding("e", "app.edit", N_("edit")),
    Binding("r", "app.reload", N_("reload")),
    Binding("question_mark", "app.help", N_("help"), key_display="?"),
]

HELP = N_("""\
Keys
  ← → ↑ ↓   move between stages and cards (Home/End, PgUp/PgDn too)
  enter     open the deal (escape goes back to the board)
  a         advance to the next stage; a refusal lists the unmet milestones,
            and a digit ticks one (with an optional note)
  t         tick a milestone of the deal's stage from a list
  l         lose, with a reason from stages.yaml's lost_reasons
  h         put on hold (the reason is optional)
  s         add a next step: what, when it is due, who (optional)
  p         set a person's attitude: pick the person, then the attitude
  e         open the deal file in $EDITOR, then reload
  r         reload every deal from disk
  /         search by id, name, customer or owner (escape clears it)
  ?         this help
  q         quit

Every change goes through the same checks and the same safe write as the
command of the same name, and prints the line that command prints. A change
based on a view older than the file on disk is refused: press r first.""")


class DealScreen(Screen[None]):
    """One deal, opened: everything `salesflow show` says, on one scrolling page."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("board")), *DEAL_KEYS,
                Binding("q", "app.pop_screen", N_("back"), show=False)]

    def __init__(self, process: Process, item: DealFile, today: dt.date) -> None:
        super().__init__(id="deal")
        self.process, self.item, self.today = process, item, today

    def compose(self) -> ComposeResult:
        yield Static(id="deal-title")
        with VerticalScroll(id="deal-body"):
            yield Static(id="deal-facts")
            yield Static(_("Sales process and the customer's buying process"),
                         classes="section")
            yield Static(id="deal-processes")
            yield Static(_("Milestones"), classes="section")
            yield Static(id="deal-milestones")
            yield Static(_("Buying centre"), classes="section")
            yield Tree(_("people"), id="deal-people")
            yield Static(_("Needs (SPIN)"), classes="section")
            yield Static(id="deal-needs")
            yield Static(_("Next steps"), classes="section")
            yield Static(id="deal-steps")
            yield Static(_("Risks today"), classes="section")
            yield Static(id="deal-risks")
            yield Static(_("History"), classes="section")
            yield Static(id="deal-history")
        yield Static(id="deal-status", classes="status")
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.show(self.item)

    def show(self, item: DealFile) -> None:
        """Draw (again) the deal as `item` holds it."""
        self.item = item
        p, today = self.process, self.today
        title = Text(item.id, style="bold")
        if item.deal.name:
            title.append(f" — {item.deal.name}")
        self.query_one("#deal-title", Static).update(title)
        self.query_one("#deal-facts", Static).update(detail.facts(p, item, today))
        self.query_one("#deal-processes", Static).update(detail.processes(p, item))
        self.query_one("#deal-milestones", Static).update(detail.milestones(p, item))
        self.query_one("#deal-needs", Static).update(detail.needs(item))
        self.query_one("#deal-steps", Static).update(detail.next_steps(item, today))
        self.query_one("#deal-risks", Static).update(detail.risk_lines(p, item, today))
        self.query_one("#deal-history", Static).update(detail.history(item))
        tree: Tree[Stakeholder] = self.query_one("#deal-people", Tree)
        tree.clear()
        tree.root.expand()
        tree.show_root = False
        if not item.deal.stakeholders:
            tree.root.add_leaf(Text(_("nobody recorded yet"), style="dim"))

        def add(parent: TreeNode[Stakeholder], node: OrgNode) -> None:
            branch = parent.add(detail.person_label(node.person), data=node.person,
                                expand=True)
            for child in node.reports:
                add(branch, child)

        for root in org_chart(item.deal.stakeholders):
            add(tree.root, root)

    def say(self, text: Text) -> None:
        self.query_one("#deal-status", Static).update(text)


class PickScreen(ModalScreen[str | None]):
    """Choose one of a few things (a reason, a milestone, a person): enter picks."""

    BINDINGS = [Binding("escape", "cancel", N_("cancel"))]

    def __init__(self, title: str, choices: Sequence[tuple[str, Text | str, bool]],
                 *, name: str = "pick") -> None:
        super().__init__(id=name)
        self.title_text = title
        self.choices = choices  # (id, label, enabled)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(label, id=key, disabled=not enabled)
                               for key, label, enabled in self.choices], id="choices")
            yield Static(_("enter picks · escape cancels"), classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Ask for one line of text: a note, a reason. Enter gives it ("" if left empty)."""

    BINDINGS = [Binding("escape", "cancel", N_("cancel"))]

    def __init__(self, title: str, *, placeholder: str = "", required: bool = False,
                 value: str = "", check: Callable[[str], str | None] | None = None,
                 name: str = "note") -> None:
        super().__init__(id=name)  # a dialog that leads to another needs its own name
        self.title_text, self.placeholder = title, placeholder
        self.required, self.value = required, value
        self.check = check  # the reason a text is refused (the dialog stays), or None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="note-input")
            yield Static(_("enter gives it · escape cancels") if self.required
                         else _("enter (empty: none) · escape cancels"),
                         id="note-hint", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#note-hint", Static).update(_("this one is needed · escape cancels"))
            return
        wrong = self.check(text) if self.check is not None and text else None
        if wrong is not None:
            self.query_one("#note-hint", Static).update(Text(wrong, style="bold red"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RefusalScreen(ModalScreen[None]):
    """A refused advance: the unmet milestones, a digit to tick each (note optional)."""

    BINDINGS = [Binding("escape", "close", N_("close")),
                *[Binding(str(k), f"pick({k})", show=False) for k in range(1, 10)]]

    def __init__(self, message: str, unmet: list[MilestoneStatus],
                 tick: Callable[[MilestoneStatus, str | None], list[MilestoneStatus] | None],
                 ) -> None:
        super().__init__(id="refusal")
        self.message, self.unmet, self.tick = message, unmet, tick

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.message, style="bold red"), classes="dialog-title")
            yield Static(id="unmet")
            yield Static(id="refusal-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.draw()

    def draw(self) -> None:
        text = Text()
        for k, s in enumerate(self.unmet[:9], start=1):
            if s.by_rule:
                text.append(f"   {s.stage} {s.milestone.id} " + _("[rule]") + ": ",
                            style="bold")
                text.append(f"{s.milestone.text}\n")
                for missing in s.missing:
                    text.append("      " + _("missing: {what}").format(what=missing) + "\n",
                                style="dim")
                text.append("      " + _("checked from the deal's data: e edits the file")
                            + "\n", style="dim")
            else:
                text.append(f"{k}  ", style="bold reverse")
                text.append(f"{s.stage} {s.milestone.id}: ", style="bold")
                text.append(f"{s.milestone.text}\n")
        self.query_one("#unmet", Static).update(text)
        hint = (_("a digit ticks that milestone (then a note, or enter for none) · "
                  "escape closes") if any(not s.by_rule for s in self.unmet)
                else _("escape closes"))
        self.query_one("#refusal-hint", Static).update(hint)

    def action_pick(self, k: int) -> None:
        if k > len(self.unmet) or self.unmet[k - 1].by_rule:
            return
        chosen = self.unmet[k - 1]

        def ticked(note: str | None) -> None:
            if note is None:
                return
            left = self.tick(chosen, note or None)
            if left is None:  # the tick was refused: the app said why
                return
            self.unmet = left
            if not left:
                self.dismiss(None)
            else:
                self.draw()

        self.app.push_screen(NoteScreen(
            _("Tick {milestone}: a note (optional)").format(milestone=chosen.milestone.id),
            placeholder=_("how it was reached")), ticked)

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key and what it does."""

    BINDINGS = [Binding("escape,question_mark,q", "close", N_("close"))]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(_(HELP))

    def action_close(self) -> None:
        self.dismiss(None)
