"""The customer's buying centre: the org chart and who covers which buyer role.

"Find the right people" (docs/method.md section 3): draw the organisation
chart, then look at each buyer role and each level of the organisation —
who holds it, and whether they are for us. Plain data here; `salesflow map`
draws it and `salesflow review` draws conclusions from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from salesflow.model.deal import Deal, Stakeholder
from salesflow.model.process import LEVELS, ROLES


@dataclass(frozen=True)
class OrgNode:
    """A person and the people who report to them."""

    person: Stakeholder
    reports: tuple[OrgNode, ...] = ()

    def walk(self, depth: int = 0) -> list[tuple[int, Stakeholder]]:
        """The subtree in drawing order, with each person's depth."""
        out = [(depth, self.person)]
        for child in self.reports:
            out.extend(child.walk(depth + 1))
        return out


def org_chart(people: Sequence[Stakeholder]) -> tuple[OrgNode, ...]:
    """The org chart by `reports_to`, roots first, each level in file order.

    Several roots are normal: everyone whose boss is not listed (or who has no
    boss) starts a tree of their own. Validation refuses unknown bosses and
    cycles; should either slip through, the person is still drawn once, as a
    root, rather than lost.
    """
    names = {p.name for p in people}
    children: dict[str, list[Stakeholder]] = {}
    roots: list[Stakeholder] = []
    for p in people:
        if p.reports_to and p.reports_to in names and p.reports_to != p.name:
            children.setdefault(p.reports_to, []).append(p)
        else:
            roots.append(p)
    drawn: set[str] = set()

    def node(person: Stakeholder) -> OrgNode:
        drawn.add(person.name)
        kids = [c for c in children.get(person.name, []) if c.name not in drawn]
        return OrgNode(person, tuple(node(c) for c in kids))

    chart = [node(p) for p in roots]
    # people caught in a reports_to cycle have no root above them: draw them anyway
    for p in people:
        if p.name not in drawn:
            chart.append(node(p))
    return tuple(chart)


# Coverage of a role or a level, from the attitudes of the people who hold it.
MISSING = "missing"  # nobody holds it
SUPPORTED = "supported"  # a supporter, no opponent
CONTESTED = "contested"  # a supporter and an opponent
OPPOSED = "opposed"  # an opponent, no supporter
NOT_WON = "not won"  # only neutral or unknown people


def coverage(people: Sequence[Stakeholder]) -> str:
    attitudes = {p.attitude for p in people}
    if not people:
        return MISSING
    if "supporter" in attitudes:
        return CONTESTED if "opponent" in attitudes else SUPPORTED
    return OPPOSED if "opponent" in attitudes else NOT_WON


@dataclass(frozen=True)
class Cover:
    """Who holds one buyer role (or sits at one level), and how that stands for us."""

    key: str | None  # a role or level; None for people whose level is not set
    people: tuple[Stakeholder, ...]

    @property
    def coverage(self) -> str:
        return coverage(self.people)


@dataclass(frozen=True)
class BuyingCentre:
    """The org chart, the buyer roles and the levels of one deal's customer."""

    chart: tuple[OrgNode, ...]
    roles: tuple[Cover, ...]
    levels: tuple[Cover, ...]

    @property
    def missing_roles(self) -> list[str]:
        return [c.key for c in self.roles if not c.people and c.key]

    @property
    def missing_levels(self) -> list[str]:
        return [c.key for c in self.levels if not c.people and c.key]


def buying_centre(deal: Deal) -> BuyingCentre:
    people = deal.stakeholders
    roles = tuple(Cover(r, tuple(p for p in people if r in p.roles)) for r in ROLES)
    levels = [Cover(lv, tuple(p for p in people if p.level == lv)) for lv in LEVELS]
    unplaced = tuple(p for p in people if p.level is None)
    if unplaced:
        levels.append(Cover(None, unplaced))
    return BuyingCentre(org_chart(people), roles, tuple(levels))
