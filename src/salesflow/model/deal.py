"""The deal model: what one `deals/<id>.yaml` file holds.

A Deal knows nothing about its file or the process; `salesflow.method.checks` relates
it to the process (stage codes, milestone ids, rates) and `salesflow.files.workspace`
attaches the id and path. Keys starting with ``x-`` are the team's own and are
kept aside in `extensions`, at the top level and in every list entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from salesflow.model.fields import Flag, Ident, Model, Money, NonEmptyText, Text, YDate
from salesflow.model.process import Attitude, Influence, Level, NeedKind, Role, StageCode

Status = Literal["open", "won", "lost", "hold"]
STATUSES: tuple[str, ...] = ("open", "won", "lost", "hold")
Relationship = Literal["gestation", "initial", "middle", "high", "strategic", "interrupted"]
RELATIONSHIPS: tuple[str, ...] = (
    "gestation", "initial", "middle", "high", "strategic", "interrupted",
)
EXTENSIONS_KEY = "x-*"


class FileModel(Model):
    """A model read from a hand-written file: keeps the team's ``x-`` keys aside."""

    extensions: dict[str, Any] = Field(default_factory=dict, validation_alias=EXTENSIONS_KEY,
                                       exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _set_aside_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict) and _has_extensions(data):
            own = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
            own[EXTENSIONS_KEY] = {k: v for k, v in data.items() if k not in own}
            return own
        return data


def _has_extensions(data: dict[Any, Any]) -> bool:
    """Does any key start with ``x-``? Asked of every mapping in every deal file.

    Joining the keys lets C do the looking; only a hit (rare) is confirmed key
    by key, since a key could itself contain the separator.
    """
    try:
        maybe = "\0x-" in "\0" + "\0".join(data)
    except TypeError:  # a key that is not text
        maybe = True
    return maybe and any(isinstance(k, str) and k.startswith("x-") for k in data)


def _record(value: Any) -> Any:
    return value if isinstance(value, dict) else {"date": value}


class MilestoneRecord(FileModel):
    """A milestone output reached: when, and optionally how and by whom."""

    date: YDate
    note: Text | None = None
    by: Text | None = None


class HistoryEntry(FileModel):
    """One stage or status change; appended by salesflow, one per move."""

    date: YDate
    from_: StageCode | None = Field(default=None, validation_alias="from",
                                    serialization_alias="from")
    to: StageCode | None = None
    status: Status | None = None
    by: Text | None = None
    note: Text | None = None
    reason: Text | None = None


class Stakeholder(FileModel):
    """A person in the customer's buying centre: role, attitude and relationship."""

    name: NonEmptyText
    title: Text | None = None
    department: Text | None = None
    level: Level | None = None
    roles: list[Role] = []
    attitude: Attitude = "unknown"
    relationship: Relationship | None = None
    influence: Influence | None = None
    reports_to: Text | None = None
    notes: Text | None = None


class Need(FileModel):
    """A SPIN note: a need the customer has, implied or already explicit."""

    kind: NeedKind
    text: NonEmptyText
    explicit: Flag = False
    from_: Text | None = Field(default=None, validation_alias="from", serialization_alias="from")
    date: YDate | None = None


class NextStep(FileModel):
    """An agreed next action with a due date."""

    due: YDate
    action: NonEmptyText
    by: Text | None = None


class Deal(FileModel):
    """One deal: the customer, where it stands, and what has been reached."""

    name: Text | None = None
    customer: NonEmptyText
    account: Ident | None = None  # the account file (accounts/<id>.yaml) of this customer
    owner: Text | None = None
    amount: Money | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    stage: StageCode
    status: Status = "open"
    expected_close: YDate | None = None
    segment: Text | None = None
    product_line: Text | None = None
    relationship: Relationship | None = None
    procurement_step: Ident | None = None
    milestones: dict[Ident, Annotated[MilestoneRecord, BeforeValidator(_record)]] = {}
    stakeholders: list[Stakeholder] = []
    needs: list[Need] = []
    next_steps: list[NextStep] = []
    history: list[HistoryEntry] = []
    lost_reason: Text | None = None
    notes: Text | None = None

    def created(self) -> dt.date | None:
        """The date of the first history entry: when the deal entered the pipeline."""
        return self.history[0].date if self.history else None

    def stakeholder(self, name: str) -> Stakeholder | None:
        for person in self.stakeholders:
            if person.name == name:
                return person
        return None


# Field names a deal file may use, in the order `salesflow new` writes them.
DEAL_KEYS: tuple[str, ...] = tuple(
    (f.validation_alias if isinstance(f.validation_alias, str) else name)
    for name, f in Deal.model_fields.items()
    if name != "extensions"
)


@dataclass(frozen=True)
class DealFile:
    """A validated deal together with its id (the file stem) and where it lives."""

    id: str
    path: str  # relative to the workspace root, with forward slashes
    deal: Deal
