"""`import --preset hubspot|salesforce|pipedrive`: the mapping of a CRM's standard export.

Each preset names the columns of that CRM's documented deal (opportunity)
export — HubSpot's deals export, a Salesforce opportunities report,
Pipedrive's deals export — and how its stage and status values translate.
Only the columns the file has are used; every `--map`, `--stage-map`,
`--status-map`, `--date-format` and `--id-column` given on the command line
wins over the preset's.

HubSpot's and Salesforce's default pipelines have standard stage names, each
with a standard win probability; a preset maps each to the open stage of
`stages.yaml` whose probability is nearest (the earlier one on a tie), says
so in one line, and a `--stage-map` changes any of them. Pipedrive's stage
names are each company's own: the preset asks for a `--stage-map` of every
stage value the file holds. Won deals go to the won stage, lost ones stay
in their stage (or the first, where the CRM names only "Closed Lost").

Pure: the header and the options in, the completed options out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from salesflow.model.errors import UsageError
from salesflow.model.i18n import N_, _
from salesflow.model.process import Process

LOST = "<lost>"  # in a preset's stages: the deal is lost, its stage is the first
WON = "<won>"  # the won stage


@dataclass(frozen=True)
class Preset:
    """One CRM's export: its columns per field, its stage values and its statuses."""

    name: str
    label: str
    maps: tuple[tuple[str, str], ...]  # field -> column, or `A|B` (first non-empty)
    id_column: str | None = None
    stage_column: str | None = None
    stages: tuple[tuple[str, int | str], ...] = ()  # value -> probability, or WON/LOST
    own_stages: bool = False  # stage names are the company's own: --stage-map needed
    statuses: tuple[tuple[str, str], ...] = ()
    date_formats: tuple[str, ...] = ()
    won_to_won_stage: bool = False  # a won status puts the deal in the won stage
    aliases: dict[str, str] = field(default_factory=dict)  # other spellings of stage values


_HUBSPOT_STAGES: tuple[tuple[str, int | str], ...] = (
    ("Appointment Scheduled", 20), ("Qualified To Buy", 40), ("Presentation Scheduled", 60),
    ("Decision Maker Bought-In", 80), ("Contract Sent", 90), ("Closed Won", WON),
    ("Closed Lost", LOST),
)
_SALESFORCE_STAGES: tuple[tuple[str, int | str], ...] = (
    ("Prospecting", 10), ("Qualification", 10), ("Needs Analysis", 20),
    ("Value Proposition", 50), ("Id. Decision Makers", 60), ("Perception Analysis", 70),
    ("Proposal/Price Quote", 75), ("Negotiation/Review", 90), ("Closed Won", WON),
    ("Closed Lost", LOST),
)

PRESETS: dict[str, Preset] = {
    "hubspot": Preset(
        "hubspot", N_("HubSpot deals export"),
        maps=(("name", "Deal Name"),
              ("customer", "Associated Company (Primary)|Associated Company"),
              ("stage", "Deal Stage"), ("status", "Deal Stage"), ("amount", "Amount"),
              ("currency", "Currency"), ("owner", "Deal owner"),
              ("expected_close", "Close Date"), ("closed", "Close Date"),
              ("created", "Create Date"), ("lost_reason", "Closed Lost Reason"),
              ("x-hubspot-id", "Record ID"), ("x-pipeline", "Pipeline"),
              ("x-deal-type", "Deal Type")),
        id_column="Record ID", stage_column="Deal Stage", stages=_HUBSPOT_STAGES,
        statuses=(("Closed Won", "won"), ("Closed Lost", "lost"), ("closedwon", "won"),
                  ("closedlost", "lost"), ("*", "open")),
        aliases={"appointmentscheduled": "Appointment Scheduled",
                 "qualifiedtobuy": "Qualified To Buy",
                 "presentationscheduled": "Presentation Scheduled",
                 "decisionmakerboughtin": "Decision Maker Bought-In",
                 "contractsent": "Contract Sent", "closedwon": "Closed Won",
                 "closedlost": "Closed Lost"}),
    "salesforce": Preset(
        "salesforce", N_("Salesforce opportunities report"),
        maps=(("name", "Opportunity Name"), ("customer", "Account Name"),
              ("stage", "Stage"), ("status", "Stage"), ("amount", "Amount"),
              ("currency", "Opportunity Currency"), ("owner", "Opportunity Owner"),
              ("expected_close", "Close Date"), ("closed", "Close Date"),
              ("created", "Created Date"), ("x-salesforce-id", "Opportunity ID"),
              ("x-type", "Type"), ("x-lead-source", "Lead Source")),
        id_column="Opportunity ID", stage_column="Stage", stages=_SALESFORCE_STAGES,
        statuses=(("Closed Won", "won"), ("Closed Lost", "lost"), ("*", "open")),
        date_formats=("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%Y %I:%M %p")),
    "pipedrive": Preset(
        "pipedrive", N_("Pipedrive deals export"),
        maps=(("name", "Deal - Title"), ("customer", "Deal - Organization"),
              ("stage", "Deal - Stage"), ("status", "Deal - Status"),
              ("amount", "Deal - Value"), ("currency", "Deal - Currency"),
              ("owner", "Deal - Owner"), ("expected_close", "Deal - Expected close date"),
              ("closed", "Deal - Won time|Deal - Lost time"),
              ("lost_reason", "Deal - Lost reason"), ("created", "Deal - Deal created"),
              ("x-pipedrive-id", "Deal - ID"), ("x-pipeline", "Deal - Pipeline")),
        id_column="Deal - ID", stage_column="Deal - Stage", own_stages=True,
        statuses=(("Open", "open"), ("Won", "won"), ("Lost", "lost")),
        won_to_won_stage=True),
}


@dataclass(frozen=True)
class Options:
    """The import options after a preset filled in what the command line left out."""

    maps: list[str]
    stage_maps: list[str]
    status_maps: list[str]
    date_formats: list[str]
    id_column: str | None
    won_to_won_stage: bool = False
    notes: tuple[str, ...] = ()


def _present(header: Sequence[str], columns: str) -> str | None:
    names = {h.lower() for h in header}
    kept = [c for c in columns.split("|") if c.lower() in names]
    return "|".join(kept) or None


def nearest_stage(process: Process, probability: int) -> str:
    """The open stage whose probability is nearest (the earlier one on a tie)."""
    open_stages = process.stages[:-1] or process.stages
    best = min(open_stages, key=lambda s: abs(s.probability - probability))
    return best.code


def apply_preset(name: str, header: Sequence[str], process: Process, *, maps: list[str],
                 stage_maps: list[str], status_maps: list[str], date_formats: list[str],
                 id_column: str | None, rows: Sequence[Sequence[str]] = ()) -> Options:
    """The options with the preset's mapping added where the command line gives none."""
    preset = PRESETS.get(name.lower())
    if preset is None:
        raise UsageError(_("--preset {name} is not a preset").format(name=repr(name)),
                         hint=_("use one of: {presets}").format(presets=", ".join(PRESETS)))
    given = {m.partition("=")[0].strip() for m in maps}
    out_maps = list(maps)
    for fld, columns in preset.maps:
        kept = _present(header, columns)
        if fld not in given and kept is not None:
            out_maps.append(f"{fld}={kept}")
    ids = id_column
    if ids is None and preset.id_column and _present(header, preset.id_column):
        ids = preset.id_column
    mapped = {m.partition("=")[0].strip().lower() for m in stage_maps}
    out_stages = list(stage_maps)
    notes: list[str] = []
    if preset.stages:
        pairs = []
        for value, target in preset.stages:
            code = (process.won.code if target == WON else process.first.code
                    if target == LOST else nearest_stage(process, int(target)))
            for spelling in (value, *(a for a, v in preset.aliases.items() if v == value)):
                if spelling.lower() not in mapped:
                    out_stages.append(f"{spelling}={code}")
            if value.lower() not in mapped:
                pairs.append(f"{value}={code}")
        notes.append(_("--preset {preset}: {label} stages mapped by win probability: "
                       "{pairs} (change any with --stage-map)").format(
            preset=preset.name, label=_(preset.label), pairs=", ".join(pairs)))
    elif preset.own_stages:
        missing = sorted({v.strip() for v in _open_stage_values(preset, header, rows)
                          if v.strip()
                          and v.strip().lower() not in mapped and not process.has_stage(v)})
        if missing and "*" not in mapped:
            shown = ", ".join(repr(v) for v in missing[:6]) + (", …" if len(missing) > 6
                                                               else "")
            raise UsageError(_("--preset {preset}: the stage names of a {label} are your "
                               "company's own: map each with --stage-map NAME=CODE (the file "
                               "has {values})").format(preset=preset.name, label=_(preset.label),
                                                       values=shown),
                             hint=_("stage codes: {codes}; e.g. --stage-map '{value}={code}'")
                             .format(codes=", ".join(process.codes), value=missing[0],
                                     code=process.first.code))
    statuses = list(status_maps)
    given_status = {m.partition("=")[0].strip().lower() for m in status_maps}
    statuses += [f"{v}={s}" for v, s in preset.statuses if v.lower() not in given_status]
    formats = list(date_formats) or list(preset.date_formats)
    return Options(out_maps, out_stages, statuses, formats, ids, preset.won_to_won_stage,
                   tuple(notes))


def _open_stage_values(preset: Preset, header: Sequence[str],
                       rows: Sequence[Sequence[str]]) -> list[str]:
    """The stage cells of the rows a stage map must place: all but the won ones."""
    lower = [h.lower() for h in header]
    if preset.stage_column is None or preset.stage_column.lower() not in lower:
        return []
    stage = lower.index(preset.stage_column.lower())
    status_column = dict(preset.maps).get("status", "").lower()
    status = lower.index(status_column) if status_column in lower else None
    won = {v.lower() for v, s in preset.statuses if s == "won"}
    return [cells[stage] for cells in rows
            if not (preset.won_to_won_stage and status is not None
                    and cells[status].strip().lower() in won)]
