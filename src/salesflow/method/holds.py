"""Whether a milestone's rule holds for a deal: the predicates alone, no words.

`gates.rule_gaps` says what a deal lacks for a rule, in sentences, with the
people to win over and the commands that fix it: what a salesperson reads
when `advance` refuses. Every deal file read also asks whether a passed
stage's rule still holds (`health.has_broken_rule`, for `review`), and there
only the answer counts: building the sentences cost a tenth of reading a
deal. Each part of a rule is judged here once; the gap of a part is built
(in `gates`) only where the same predicate says it fails, so the two cannot
disagree (`tests/test_rules.py` holds `rule_holds` to `rule_gaps`).
"""

from __future__ import annotations

from salesflow.model.deal import Deal, Need, Stakeholder
from salesflow.model.process import (
    RELATIONSHIP_ORDER,
    AccountCriteria,
    NeedsCriteria,
    Process,
    Rule,
    StakeholderCriteria,
)


def rule_holds(rule: Rule, deal: Deal, process: Process) -> bool:
    """True when `deal` meets every part of `rule` (`gates.rule_gaps` finds no gap)."""
    return (all(field_set(name, deal) for name in rule.fields or [])
            and (rule.stakeholders is None or enough_people(rule.stakeholders, deal))
            and (rule.account is None or account_holds(rule.account, deal))
            and (rule.procurement is None
                 or procurement_reached(rule.procurement.at_least, deal, process))
            and (rule.needs is None or enough_needs(rule.needs, deal))
            and (not rule.any_of or any(rule_holds(sub, deal, process)
                                        for sub in rule.any_of)))


def field_set(name: str, deal: Deal) -> bool:
    value = getattr(deal, name, None)
    return value is not None and value not in ("", [], {})


def matches(person: Stakeholder, crit: StakeholderCriteria, *, attitude: bool = True) -> bool:
    """Is `person` one the criteria count (`attitude=False`: but for the attitude)?"""
    if attitude and crit.attitude is not None and person.attitude not in crit.attitude:
        return False
    if crit.level is not None and person.level not in crit.level:
        return False
    if crit.roles is not None and not set(person.roles) & set(crit.roles):
        return False
    return crit.influence is None or person.influence in crit.influence


def people_found(crit: StakeholderCriteria, deal: Deal) -> list[Stakeholder]:
    return [p for p in deal.stakeholders if matches(p, crit)]


def enough_people(crit: StakeholderCriteria, deal: Deal) -> bool:
    return len(people_found(crit, deal)) >= crit.min


def relationship_reached(crit: AccountCriteria, deal: Deal) -> bool:
    if crit.relationship is None:
        return True
    have = deal.relationship
    at = RELATIONSHIP_ORDER.index(have) if have in RELATIONSHIP_ORDER else -1
    return at >= RELATIONSHIP_ORDER.index(crit.relationship)


def account_holds(crit: AccountCriteria, deal: Deal) -> bool:
    return (deal.account is not None and relationship_reached(crit, deal)
            and (crit.people is None or enough_people(crit.people, deal)))


def procurement_reached(want_id: str, deal: Deal, process: Process) -> bool:
    want_at = process.procurement_index(want_id)
    if want_at is None:  # validation refuses such rules; nothing to check against
        return True
    have = deal.procurement_step
    have_at = process.procurement_index(have) if have else None
    return have_at is not None and have_at >= want_at


def need_kind_ok(need: Need, crit: NeedsCriteria) -> bool:
    """Is `need` of a kind the criteria count (whether explicit or not)?"""
    return crit.kind is None or need.kind in crit.kind


def needs_found(crit: NeedsCriteria, deal: Deal) -> list[Need]:
    return [n for n in deal.needs if need_kind_ok(n, crit)
            and (crit.explicit is None or n.explicit == crit.explicit)]


def enough_needs(crit: NeedsCriteria, deal: Deal) -> bool:
    return len(needs_found(crit, deal)) >= crit.min
