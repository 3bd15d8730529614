"""The customer's people: `salesflow map` draws the org chart and the buying centre."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli._common import handle_errors
from salesflow.cli.app import app
from salesflow.cli.complete import deal_ids
from salesflow.cli.views import attitude_word
from salesflow.model.i18n import _, is_zh, ngettext
from salesflow.output.render import ShowFormat

if TYPE_CHECKING:
    from salesflow.method.buying_centre import BuyingCentre, Cover, OrgNode
    from salesflow.model.deal import DealFile, Stakeholder

COVERAGE_STYLES = {"supported": "green", "contested": "yellow", "opposed": "red",
                   "not won": "yellow", "missing": "bold red"}


@app.command("map")
@handle_errors
def map_(
    deal: str = typer.Argument(..., metavar="DEAL", help="Deal id or path.",
                                autocompletion=deal_ids),
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Draw the customer's org chart and who covers each buyer role.

    The chart follows each stakeholder's `reports_to`; everyone whose boss is
    not listed starts a tree of their own. Below it: for each buyer role
    (decision, financial, technical, user, evaluator, coach, influencer) and
    each level, who holds it with what attitude, and what is missing.

    Example: salesflow map meida-assembly-mes
    """
    from salesflow.cli._accounts import load_linked
    from salesflow.method.buying_centre import buying_centre
    from salesflow.output.render import output

    _, item = load_linked(deal)
    centre = buying_centre(item.deal)
    if fmt == ShowFormat.json:
        output.json(map_json(item, centre))
    else:
        print_map(item, centre)


# ------------------------------------------------------------------- JSON


def _person_json(person: Stakeholder) -> dict[str, Any]:
    return {"name": person.name, "title": person.title, "department": person.department,
            "level": person.level, "roles": list(person.roles), "attitude": person.attitude,
            "influence": person.influence, "relationship": person.relationship}


def _node_json(node: OrgNode) -> dict[str, Any]:
    return {**_person_json(node.person), "reports": [_node_json(n) for n in node.reports]}


def _cover_json(cover: Cover, key: str) -> dict[str, Any]:
    return {key: cover.key, "coverage": cover.coverage,
            "people": [{"name": p.name, "attitude": p.attitude} for p in cover.people]}


def map_json(item: DealFile, centre: BuyingCentre) -> dict[str, Any]:
    """The stable `map --format json` shape."""
    return {
        "id": item.id,
        "customer": item.deal.customer,
        "chart": [_node_json(n) for n in centre.chart],
        "roles": [_cover_json(c, "role") for c in centre.roles],
        "missing_roles": centre.missing_roles,
        "levels": [_cover_json(c, "level") for c in centre.levels],
        "missing_levels": centre.missing_levels,
    }


# ------------------------------------------------------------------- text


def person_line(person: Stakeholder) -> str:
    """One org-chart label: name, title, level, roles, attitude, influence (rich markup)."""
    from rich.markup import escape

    from salesflow.model.words import INFLUENCES, LEVEL_NAMES, ROLE_NOUNS, comma
    from salesflow.output.render import output

    facets = [escape(person.title or person.department or "")]
    facets.append(LEVEL_NAMES[person.level] if person.level else _("level not set"))
    if person.roles:
        facets.append(comma().join(ROLE_NOUNS[r] for r in person.roles))
    facets.append(attitude_word(person.attitude))
    if person.influence:
        facets.append(_("{level} influence").format(level=INFLUENCES[person.influence]))
    return output.style(person.name, "bold") + "  " + " · ".join(f for f in facets if f)


def _who(people: tuple[Stakeholder, ...]) -> str:
    from rich.markup import escape

    if not people:
        return "—"
    from salesflow.model.words import comma

    return comma().join(f"{escape(p.name)} ({attitude_word(p.attitude)})" for p in people)


def print_map(item: DealFile, centre: BuyingCentre) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    from salesflow.model.words import LEVEL_NAMES, ROLE_MEANINGS, ROLE_NOUNS, and_list
    from salesflow.output.render import output

    d = item.deal
    count = len(d.stakeholders)
    output.print(output.style(f"{item.id} — {d.customer}", "bold") + escape(
        ngettext(": {n} person in the buying centre", ": {n} people in the buying centre",
                 count).format(n=count)))
    output.print()
    if not d.stakeholders:
        output.text(_("No stakeholders recorded yet: add the people you meet under "
                      "`stakeholders:` in {path} (name, title, level, roles, attitude, "
                      "reports_to).").format(path=item.path))
    else:
        output.print(output.style(_("Org chart"), "bold") + " " + _("(by reports_to)"))
        tree = Tree("", hide_root=True, guide_style="dim" if output.fancy else "")
        def add(branch: Tree, node: OrgNode) -> None:
            sub = branch.add(person_line(node.person))
            for child in node.reports:
                add(sub, child)
        for root in centre.chart:
            add(tree, root)
        output.print(tree)
    output.print()

    roles = output.table("Role", "Held by", "Coverage", title="Buyer roles")
    for cover in centre.roles:
        key = cover.key or ""
        roles.add_row(ROLE_NOUNS[key], _who(cover.people),
                      output.style(_coverage(cover.coverage), COVERAGE_STYLES[cover.coverage]))
    output.print(roles)
    missing = centre.missing_roles
    if missing:
        output.text(_("Missing roles: {roles}").format(roles=_("; ").join(
            f"{ROLE_NOUNS[r]} ({ROLE_MEANINGS[r]})" for r in missing)))
    else:
        output.text(_("Every buyer role is covered."))
    output.print()

    levels = output.table("Level", "People", "Coverage", title="Levels")
    for cover in centre.levels:
        levels.add_row(LEVEL_NAMES[cover.key] if cover.key else _("level not set"),
                       _who(cover.people),
                       output.style(_coverage(cover.coverage), COVERAGE_STYLES[cover.coverage]))
    output.print(levels)
    if centre.missing_levels:
        if is_zh():
            output.text("尚未认识" + and_list([LEVEL_NAMES[x] for x in centre.missing_levels])
                        + "的任何人。")
        else:
            output.text(ngettext("Nobody known at the {levels} level.",
                                 "Nobody known at the {levels} levels.",
                                 len(centre.missing_levels)).format(
                levels=and_list(centre.missing_levels)))


def _coverage(word: str) -> str:
    """A coverage verdict in words (JSON keeps the code)."""
    words = {"supported": _("supported"), "opposed": _("opposed"), "not won": _("not won"),
             "contested": _("contested"),
             "missing": _("missing"), "unknown": _("unknown")}
    return words.get(word, word)
