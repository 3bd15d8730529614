"""Milestone gates: which exit milestones of a stage a deal meets, and why not.

A milestone without a rule is met when the deal records it under
`milestones:`. A milestone with a rule is met when the deal's data satisfy
the rule, whatever is recorded: the rule is the method's own check (a
supporter at the decision level, a known amount, ...). Every unmet rule says
in words what is missing, so `check` and a refused `advance` can tell a
salesperson exactly what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from salesflow.method.holds import (
    field_set,
    matches,
    need_kind_ok,
    needs_found,
    people_found,
    procurement_reached,
    relationship_reached,
)
from salesflow.model.deal import Deal, MilestoneRecord, Need, Stakeholder
from salesflow.model.i18n import N_, _, is_zh, ngettext
from salesflow.model.process import (
    AccountCriteria,
    Milestone,
    NeedsCriteria,
    Process,
    Rule,
    Stage,
    StakeholderCriteria,
)
from salesflow.model.words import (
    ATTITUDE_NOUNS,
    ATTITUDE_ORDER,
    ATTITUDES,
    INFLUENCE_ORDER,
    INFLUENCES,
    LEVEL_NAMES,
    ROLE_NOUNS,
    SPIN_ADVICE,
    SPIN_KINDS,
    a,
    and_list,
    or_list,
)


@dataclass(frozen=True)
class MilestoneStatus:
    """Whether one exit milestone is met, with the record and the rule's verdict."""

    stage: str
    milestone: Milestone
    met: bool
    record: MilestoneRecord | None
    missing: tuple[str, ...] = ()  # for rule milestones: what the rule still lacks, in words
    gaps: tuple[Gap, ...] = ()  # the same, structured, for screens that lay it out

    @property
    def by_rule(self) -> bool:
        return self.milestone.rule is not None


def milestone_status(deal: Deal, stage: Stage, milestone: Milestone,
                     process: Process) -> MilestoneStatus:
    record = deal.milestones.get(milestone.id)
    if milestone.rule is None:
        return MilestoneStatus(stage.code, milestone, record is not None, record)
    gaps = tuple(rule_gaps(milestone.rule, deal, process))
    return MilestoneStatus(stage.code, milestone, not gaps, record,
                           tuple(g.text() for g in gaps), gaps)


def stage_gate(deal: Deal, stage: Stage, process: Process) -> list[MilestoneStatus]:
    """The status of every exit milestone of `stage` for `deal`, in process order."""
    return [milestone_status(deal, stage, m, process) for m in stage.exit]


def gates_between(deal: Deal, process: Process, target: str) -> list[MilestoneStatus]:
    """Exit milestones to meet to move from the deal's stage forward to `target`.

    That is the current stage's and those of every stage skipped over.
    """
    start, end = process.index(deal.stage), process.index(target)
    return [s for stage in process.stages[start:end] for s in stage_gate(deal, stage, process)]


def ready(deal: Deal, process: Process) -> bool:
    return all(s.met for s in stage_gate(deal, process.stage(deal.stage), process))


# ---------------------------------------------------------------------- rules
#
# An unmet rule is explained as gaps, one per failing part. A gap says what is
# wanted, where the deal stands, and what to do about it; for stakeholder
# parts it names who already exists and whom to win over, because "needs a
# supporter at the decision level" alone does not tell a salesperson where to
# go next. Alternatives (`any_of`) are merged into one gap so the same people
# are not listed twice.

MAX_NAMED = 4  # people or needs named in one message before "and N more"


@dataclass(frozen=True)
class Gap:
    """One failing part of a rule, in words."""

    want: str  # "a supporter at the decision level"
    status: str  # "none yet", "found 1: ...", "not set"
    notes: tuple[str, ...] = ()  # whole sentences: who exists, what to do
    candidates: tuple[Stakeholder, ...] = ()  # people to win over, best first
    candidates_label: str = N_("Win over one of")  # translated where shown
    unlisted: tuple[str, ...] = ()  # kinds of people nobody listed is: "at the decision level"
    ask: str = ""  # " (ask your coach 陈丽)"
    # Commands that close the gap, with `{deal}` for the deal's id (the rules do not know it).
    commands: tuple[str, ...] = ()

    def fixes(self, deal_id: str) -> list[str]:
        """The commands that close this gap, for the deal `deal_id`."""
        return [c.replace("{deal}", deal_id) for c in self.commands]

    def lines(self) -> list[str]:
        """The gap as sentences: what is wanted and where it stands, then what to do."""
        stop = "。" if is_zh() else "."
        head = self.want + (f" — {self.status}" if self.status else "")
        parts = [head + stop, *self.notes]
        if len(self.unlisted) == 1:
            parts.append(_("Nobody {who} is listed under `stakeholders:`: find out who that "
                           "is{ask} and add them.").format(who=self.unlisted[0], ask=self.ask)
                         .replace("Nobody  ", "Nobody "))
        elif self.unlisted:
            parts.append(_("Nobody is listed under `stakeholders:` {who}: find out who they "
                           "are{ask} and add them.").format(
                               who=(" 、" if is_zh() else ", nor ").join(self.unlisted),
                               ask=self.ask))
        if self.candidates:
            parts.append(_("{label}: {people}.").format(label=_(self.candidates_label),
                                                        people=_people(self.candidates)))
        return parts

    def text(self) -> str:
        return ("" if is_zh() else " ").join(self.lines())


def unmet_parts(rule: Rule, deal: Deal, process: Process) -> list[str]:
    """What the deal lacks for `rule` to hold, in words; empty when it holds."""
    return [gap.text() for gap in rule_gaps(rule, deal, process)]


def rule_gaps(rule: Rule, deal: Deal, process: Process) -> list[Gap]:
    """Every failing part of `rule` for `deal`; empty when the rule holds."""
    gaps: list[Gap] = []
    for name in rule.fields or []:
        gap = _field_gap(name, deal, process)
        if gap is not None:
            gaps.append(gap)
    if rule.stakeholders is not None:
        gap = _stakeholder_gap(rule.stakeholders, deal)
        if gap is not None:
            gaps.append(gap)
    if rule.account is not None:
        gaps.extend(_account_gaps(rule.account, deal))
    if rule.procurement is not None:
        gap = _procurement_gap(rule.procurement.at_least, deal, process)
        if gap is not None:
            gaps.append(gap)
    if rule.needs is not None:
        gap = _needs_gap(rule.needs, deal)
        if gap is not None:
            gaps.append(gap)
    if rule.any_of:
        alternatives = [rule_gaps(sub, deal, process) for sub in rule.any_of]
        if all(alternatives):
            gaps.append(_merge(alternatives))
    return gaps


# ------------------------------------------------------------- the parts

_FIELD_EXAMPLES: dict[str, str] = {
    "name": "name: Pump station retrofit",
    "owner": "owner: li.wei",
    "amount": "amount: 1250000",
    "currency": "currency: USD",
    "expected_close": "expected_close: 2027-03-31",
    "segment": "segment: municipal",
    "product_line": "product_line: pumps",
    "relationship": "relationship: initial",
    "lost_reason": "lost_reason: price",
}
_LIST_FIELDS = {"stakeholders", "needs", "next_steps", "history", "milestones"}


def _field_gap(name: str, deal: Deal, process: Process) -> Gap | None:
    if field_set(name, deal):
        return None
    if name in _LIST_FIELDS:
        return Gap(_("at least one entry under `{name}:`").format(name=name), _("none yet"))
    example = _FIELD_EXAMPLES.get(name)
    if name == "procurement_step" and process.procurement:
        example = f"procurement_step: {process.procurement[0].id}"
    todo = (_("Add it to the deal file, e.g. `{example}`.").format(example=example) if example
            else _("Add `{name}:` to the deal file.").format(name=name))
    fix = (f"salesflow set {{deal}} {example.replace(': ', '=', 1)}" if example
           else f"salesflow set {{deal}} {name}=...")
    return Gap(_("the deal's `{name}` is not set").format(name=name), "", (todo,),
               commands=(fix,))


def _stakeholder_gap(crit: StakeholderCriteria, deal: Deal) -> Gap | None:
    people = deal.stakeholders
    found = people_found(crit, deal)
    if len(found) >= crit.min:
        return None
    want = describe_criteria(crit)
    if not people:
        return Gap(want, _("the deal lists no `stakeholders:` yet"), (
            _("Add the people you have met under `stakeholders:`, each with level, roles and "
              "attitude."),))
    status = (_("found {n}: {people}").format(n=len(found), people=_people(found, facets=False))
              if found else _("none yet"))
    notes: list[str] = []
    shaped = [p for p in people if matches(p, crit, attitude=False)]
    if crit.attitude:
        plural = or_list([ATTITUDE_NOUNS[x][1] for x in crit.attitude])
        others = [p for p in people if p.attitude in crit.attitude and p not in found]
        if others:
            said = _("{kind} now: {people}.").format(kind=plural,
                                                      people=_people(others, attitude=False))
            notes.append(said[:1].upper() + said[1:])
        elif not found:
            notes.append(_("No {kind} at all yet.").format(kind=plural))
    unlisted: tuple[str, ...] = ()
    if not shaped:
        unlisted = (_shape(crit),)
    elif crit.attitude is None and len(shaped) < crit.min:
        where = ngettext("Only {n} person {who} is listed under `stakeholders:`: find out who "
                         "else{ask} and add them.",
                         "Only {n} people {who} are listed under `stakeholders:`: find out who "
                         "else{ask} and add them.", len(shaped))
        notes.append(where.format(n=len(shaped), who=_shape(crit), ask=_ask_coach(deal))
                     .replace("  ", " "))
    candidates: tuple[Stakeholder, ...] = ()
    if crit.attitude:
        candidates = tuple(sorted((p for p in shaped if p not in found), key=_priority))
    label = N_("Win over one of") if crit.attitude == ["supporter"] else N_("Candidates")
    commands: list[str] = []
    if crit.attitude:
        commands = [f"salesflow person set {{deal}} {shell_word(p.name)} --attitude "
                    f"{crit.attitude[0]}" for p in candidates]
    if unlisted:
        commands.append("salesflow person add {deal} NAME" + _person_options(crit))
    return Gap(want, status, tuple(notes), candidates, label, unlisted, _ask_coach(deal),
               tuple(commands))


def _account_gaps(crit: AccountCriteria, deal: Deal) -> list[Gap]:
    """The account part of a rule, judged on the deal as the method sees it (merged)."""
    if deal.account is None:
        return [Gap(_("the deal linked to its customer's account"),
                    _("`account:` is not set"), (
            _("Link it, e.g. `account: <id>` (`salesflow account list` shows the ids, "
              "`salesflow accounts migrate` creates them)."),))]
    gaps: list[Gap] = []
    if not relationship_reached(crit, deal):
        have = deal.relationship
        gaps.append(Gap(
            _("the relationship with account {account} at stage {stage} or further")
            .format(account=deal.account, stage=crit.relationship),
            _("it is at {stage}").format(stage=have) if have
            else _("its `relationship:` is not set"),
            (_("Develop it with the plan in `salesflow account show {account}`; record "
               "the stage with `salesflow account set {account} relationship=...`.")
             .format(account=deal.account),)))
    if crit.people is not None:
        gap = _stakeholder_gap(crit.people, deal)
        if gap is not None:
            among = _(" among account {account}'s people").format(account=deal.account)
            once = _("Attitudes of account people are set once for every deal: `salesflow "
                     "account person set {account} NAME attitude=supporter`.").format(
                         account=deal.account)
            gaps.append(replace(gap, want=gap.want + among, notes=(*gap.notes, once)))
    return gaps


def _procurement_gap(want_id: str, deal: Deal, process: Process) -> Gap | None:
    if procurement_reached(want_id, deal, process):
        return None
    want_at = process.procurement_index(want_id)
    assert want_at is not None  # an unknown step is reached (`holds.procurement_reached`)
    have = deal.procurement_step
    have_at = process.procurement_index(have) if have else None
    want = _("the customer's buying process at step {step} or later").format(
        step=_step(process, want_at))
    fix = (f"salesflow set {{deal}} procurement_step={want_id}",)
    if have_at is None:
        return Gap(want, _("the deal records no `procurement_step:`"), (
            _("Ask your coach where the customer's buying process stands and record it, e.g. "
              "`procurement_step: {step}`.").format(step=want_id),), commands=fix)
    return Gap(want, _("it is at step {step}").format(step=_step(process, have_at)), (
        _("Update `procurement_step:` when the customer moves on."),), commands=fix)


def _needs_gap(crit: NeedsCriteria, deal: Deal) -> Gap | None:
    def kind_ok(need: Need) -> bool:
        return need_kind_ok(need, crit)

    found = needs_found(crit, deal)
    if len(found) >= crit.min:
        return None
    want = _want_needs(crit)
    status = _("found {n}").format(n=len(found)) if found else _("none yet")
    notes: list[str] = []
    if not deal.needs:
        notes.append(_("Record what you learn under `needs:` as SPIN notes (kind S, P, I or N)."))
    elif crit.explicit:
        implied = [n for n in deal.needs if kind_ok(n) and not n.explicit]
        if implied:
            shown = ", ".join(f"{n.kind} “{_short(n.text)}”" for n in implied[:MAX_NAMED])
            more = (_(" and {n} more").format(n=len(implied) - MAX_NAMED)
                    if len(implied) > MAX_NAMED else "")
            notes.append(_("Implied so far: {needs}. Confirm one with the customer "
                           "(need-payoff questions) and mark it `explicit: true`.").format(
                               needs=shown + more))
    if crit.kind and not any(kind_ok(n) for n in deal.needs):
        notes.append(_("To find one, {advice}.").format(advice=SPIN_ADVICE[crit.kind[0]]))
    commands = [f"salesflow need explicit {{deal}} {i}" for i, n in enumerate(deal.needs, 1)
                if crit.explicit and kind_ok(n) and not n.explicit][:MAX_NAMED]
    if not commands:
        kind = crit.kind[0] if crit.kind else "N"
        commands = [f"salesflow need add {{deal}} --kind {kind} \"TEXT\""
                    + (" --explicit" if crit.explicit else "")]
    return Gap(want, status, tuple(notes), commands=tuple(commands))


def _merge(alternatives: list[list[Gap]]) -> Gap:
    """One gap for an `any_of`: the alternatives side by side, people named once."""
    singles = [gaps[0] for gaps in alternatives if len(gaps) == 1]
    if len(singles) == len(alternatives) and len({g.status for g in singles}) == 1:
        want, status = _(", or ").join(g.want for g in singles), singles[0].status
    else:
        described = [_(" and ").join(g.want + (f" ({g.status})" if g.status else "")
                                     for g in gaps)
                     for gaps in alternatives]
        want, status = _("one of: {alternatives}").format(
            alternatives=_("; or ").join(described)), ""
    notes: list[str] = []
    people: list[Stakeholder] = []
    unlisted: list[str] = []
    for gaps in alternatives:
        for gap in gaps:
            notes.extend(n for n in gap.notes if n not in notes)
            people.extend(p for p in gap.candidates if p not in people)
            unlisted.extend(u for u in gap.unlisted if u not in unlisted)
    labels = [g.candidates_label for gaps in alternatives for g in gaps if g.candidates]
    asks = [g.ask for gaps in alternatives for g in gaps if g.ask]
    commands = list(dict.fromkeys(c for gaps in alternatives for g in gaps for c in g.commands))
    return Gap(want, status, tuple(notes), tuple(sorted(people, key=_priority)),
               labels[0] if labels else "Win over one of", tuple(unlisted),
               asks[0] if asks else "", tuple(commands))


# ------------------------------------------------------------------ words


def describe_criteria(crit: StakeholderCriteria) -> str:
    """'a supporter at the decision level', '2 supporters who are evaluators', ..."""
    one = crit.min == 1
    if crit.attitude:
        nouns = [ATTITUDE_NOUNS[x][0 if one else 1] for x in crit.attitude]
    else:
        nouns = [_("stakeholder") if one else _("stakeholders")]
    shape = _shape(crit)
    if is_zh():  # 决策层中身为评估者的 + 1 位 + 支持者
        count = "一位" if one else f"{crit.min} 位"
        return f"{shape}{count}{or_list(nouns)}"
    head = a(or_list(nouns)) if one else f"{crit.min} {or_list(nouns)}"
    return f"{head} {shape}" if shape else head


def _shape(crit: StakeholderCriteria) -> str:
    """The criteria other than attitude: 'at the decision level who is an evaluator'."""
    parts: list[str] = []
    if is_zh():  # 决策层中、身为评估者、影响力高的
        if crit.level:
            parts.append(or_list([LEVEL_NAMES[x] for x in crit.level]) + "中")
        if crit.roles:
            parts.append("身为" + or_list([ROLE_NOUNS[r] for r in crit.roles]))
        if crit.influence:
            parts.append("影响力" + or_list([INFLUENCES[x] for x in crit.influence]))
        return "、".join(parts) + "的" if parts else ""
    if crit.level:
        parts.append(f"at the {or_list(list(crit.level))} level")
    if crit.roles:
        if crit.min == 1:
            parts.append("who is " + or_list([a(ROLE_NOUNS[r]) for r in crit.roles]))
        else:
            parts.append("who are " + or_list([_plural(ROLE_NOUNS[r]) for r in crit.roles]))
    if crit.influence:
        parts.append(f"with {or_list(list(crit.influence))} influence")
    return " ".join(parts)


def _want_needs(crit: NeedsCriteria) -> str:
    """'an explicit need of kind N (need-payoff)', '一条明确需求（N 需求回报型）'."""
    if is_zh():
        adjective = {None: "", True: "明确", False: "隐含"}[crit.explicit]
        kinds = ("（" + or_list([f"{k} {SPIN_KINDS[k]}" for k in crit.kind]) + "）"
                 if crit.kind else "")
        count = "一条" if crit.min == 1 else f"{crit.min} 条"
        return f"{count}{adjective}需求{kinds}"
    adjective = "" if crit.explicit is None else ("explicit " if crit.explicit else "implied ")
    noun = "need" if crit.min == 1 else "needs"
    kinds = (" of kind " + or_list([f"{k} ({SPIN_KINDS[k].lower()})" for k in crit.kind])
             if crit.kind else "")
    return (a(adjective + noun) if crit.min == 1 else f"{crit.min} {adjective}{noun}") + kinds


def person_label(person: Stakeholder, *, attitude: bool = True) -> str:
    """'罗伟 (生产副总经理; decision level; user buyer, evaluator; attitude unknown)'."""
    facets = [person.title] if person.title else []
    facets.append(LEVEL_NAMES[person.level] if person.level else _("level not set"))
    if person.roles:
        facets.append(("、" if is_zh() else ", ").join(ROLE_NOUNS[r] for r in person.roles))
    if attitude:
        facets.append(_("attitude unknown") if person.attitude == "unknown"
                      else ATTITUDES[person.attitude])
    if is_zh():
        return f"{person.name}（{'；'.join(facets)}）"
    return f"{person.name} ({'; '.join(facets)})"


def _people(people: list[Stakeholder] | tuple[Stakeholder, ...], *, facets: bool = True,
            attitude: bool = True) -> str:
    shown = [person_label(p, attitude=attitude) if facets else p.name
             for p in people[:MAX_NAMED]]
    more = len(people) - MAX_NAMED
    return (("、" if is_zh() else ", ").join(shown)
            + (_(" and {n} more").format(n=more) if more > 0 else ""))


def _priority(person: Stakeholder) -> tuple[int, int, int]:
    """Whom to win over first: most influence, then undecided before opposed, then senior."""
    level = {"decision": 0, "management": 1, "operations": 2}.get(person.level or "", 3)
    return (INFLUENCE_ORDER.get(person.influence, 3), ATTITUDE_ORDER[person.attitude], level)


def _person_options(crit: StakeholderCriteria) -> str:
    """The `person add` options that make a new person meet `crit`."""
    parts = []
    if crit.level:
        parts.append(f" --level {crit.level[0]}")
    if crit.roles:
        parts.append(f" --role {crit.roles[0]}")
    if crit.attitude:
        parts.append(f" --attitude {crit.attitude[0]}")
    if crit.influence:
        parts.append(f" --influence {crit.influence[0]}")
    return "".join(parts)


def shell_word(name: str) -> str:
    """A name as a shell word: quoted only when a shell would split or expand it (罗伟 is
    safe as it is; "Wang Wu" is not)."""
    import re
    import shlex

    unsafe = re.search(r"[\s'\"\\$`!*?;&|<>(){}\[\]#~=]", name)
    return shlex.quote(name) if not name or unsafe else name


def _ask_coach(deal: Deal) -> str:
    coaches = [p.name for p in deal.stakeholders
               if "coach" in p.roles and p.attitude != "opponent"]
    return _(" (ask your coach {coaches})").format(coaches=and_list(coaches)) if coaches else ""


def _step(process: Process, index: int) -> str:
    step = process.procurement[index]
    return f"{index + 1}/{len(process.procurement)} “{step.name}”"


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("ch", "s")) else "s")


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
