"""Milestone gates: which exit milestones of a stage a deal meets, and why not.

A milestone without a rule is met when the deal records it under
`milestones:`. A milestone with a rule is met when the deal's data satisfy
the rule, whatever is recorded: the rule is the method's own check (a
supporter at the decision level, a known amount, ...). Every unmet rule says
in words what is missing, so `check` and a refused `advance` can tell a
salesperson exactly what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.deal import Deal, MilestoneRecord, Stakeholder
from salesflow.process import Milestone, Process, Rule, Stage, StakeholderCriteria


@dataclass(frozen=True)
class MilestoneStatus:
    """Whether one exit milestone is met, with the record and the rule's verdict."""

    stage: str
    milestone: Milestone
    met: bool
    record: MilestoneRecord | None
    missing: tuple[str, ...] = ()  # for rule milestones: what the rule still lacks

    @property
    def by_rule(self) -> bool:
        return self.milestone.rule is not None


def milestone_status(deal: Deal, stage: Stage, milestone: Milestone,
                     process: Process) -> MilestoneStatus:
    record = deal.milestones.get(milestone.id)
    if milestone.rule is None:
        return MilestoneStatus(stage.code, milestone, record is not None, record)
    missing = tuple(unmet_parts(milestone.rule, deal, process))
    return MilestoneStatus(stage.code, milestone, not missing, record, missing)


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


def unmet_parts(rule: Rule, deal: Deal, process: Process) -> list[str]:
    """What the deal lacks for `rule` to hold, in words; empty when it holds."""
    missing: list[str] = []
    for name in rule.fields or []:
        value = getattr(deal, name, None)
        if value is None or value in ("", [], {}):
            missing.append(f"the deal's `{name}` is not set")
    if rule.stakeholders is not None:
        crit = rule.stakeholders
        found = [p for p in deal.stakeholders if _matches(p, crit)]
        if len(found) < crit.min:
            missing.append(_stakeholders_missing(crit, found, deal))
    if rule.procurement is not None:
        want = rule.procurement.at_least
        want_at = process.procurement_index(want)
        have = deal.procurement_step
        have_at = process.procurement_index(have) if have else None
        if want_at is not None and (have_at is None or have_at < want_at):
            now = f"it is at {have!r}" if have else "the deal records no `procurement_step`"
            missing.append(f"the customer's buying process must have reached {want!r} ({now})")
    if rule.needs is not None:
        n = rule.needs
        needs = [x for x in deal.needs
                 if (n.kind is None or x.kind in n.kind)
                 and (n.explicit is None or x.explicit == n.explicit)]
        if len(needs) < n.min:
            what = []
            if n.explicit is not None:
                what.append("explicit" if n.explicit else "implied")
            if n.kind:
                what.append("/".join(n.kind))
            label = " ".join([*what, "need" if n.min == 1 else "needs"])
            missing.append(f"at least {n.min} {label} under `needs:` (found {len(needs)})")
    if rule.any_of:
        alternatives = [unmet_parts(sub, deal, process) for sub in rule.any_of]
        if all(alternatives):
            missing.append("one of: " + "; or ".join(" and ".join(a) for a in alternatives))
    return missing


def _matches(person: Stakeholder, crit: StakeholderCriteria) -> bool:
    if crit.attitude is not None and person.attitude not in crit.attitude:
        return False
    if crit.level is not None and person.level not in crit.level:
        return False
    if crit.roles is not None and not set(person.roles) & set(crit.roles):
        return False
    return crit.influence is None or person.influence in crit.influence


def describe_criteria(crit: StakeholderCriteria) -> str:
    """'a supporter at the decision level with role evaluator', for messages."""
    who = " or ".join(crit.attitude) if crit.attitude else "stakeholder"
    parts = [f"{crit.min} {who}{'' if crit.min == 1 else 's'}"]
    if crit.level:
        parts.append(f"at the {' or '.join(crit.level)} level")
    if crit.roles:
        parts.append(f"in the role of {' or '.join(crit.roles)}")
    if crit.influence:
        parts.append(f"with {' or '.join(crit.influence)} influence")
    return " ".join(parts)


def _stakeholders_missing(crit: StakeholderCriteria, found: list[Stakeholder],
                          deal: Deal) -> str:
    text = f"needs at least {describe_criteria(crit)} (found {len(found)})"
    if crit.attitude and deal.stakeholders:
        same = [p for p in deal.stakeholders if p.attitude in crit.attitude]
        if same:
            names = ", ".join(
                f"{p.name} ({p.level or 'level unknown'}"
                f"{', ' + '/'.join(p.roles) if p.roles else ''})" for p in same
            )
            text += f"; {' or '.join(crit.attitude)}s now: {names}"
    elif not deal.stakeholders:
        text += "; the deal lists no `stakeholders:` yet"
    return text
