"""The deal model: what one `deals/<id>.yaml` file holds.

A Deal knows nothing about its file or the process; `salesflow.method.checks` relates
it to the process (stage codes, milestone ids, rates) and `salesflow.files.workspace`
attaches the id and path. Keys starting with ``x-`` are the team's own and are
kept aside in `extensions`, at the top level and in every list entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from salesflow.model.fields import (
    Flag,
    Ident,
    Model,
    Money,
    NonEmptyText,
    Text,
    YDate,
    parse_date,
    parse_ident,
    parse_money,
    show,
)
from salesflow.model.i18n import _
from salesflow.model.process import (
    ATTITUDES,
    Attitude,
    Influence,
    Level,
    NeedKind,
    Role,
    StageCode,
)

Status = Literal["open", "won", "lost", "hold"]
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


HistoryField = Literal["amount", "currency", "expected_close", "procurement_step", "attitude"]
HISTORY_FIELDS: tuple[str, ...] = (
    "amount", "currency", "expected_close", "procurement_step", "attitude",
)
ActivityKind = Literal["visit", "call", "email", "meeting", "demo", "step"]
ACTIVITIES: tuple[str, ...] = ("visit", "call", "email", "meeting", "demo", "step")
HistoryValue = Decimal | dt.date | str
"""What `from:`/`to:` of a history entry hold: a stage code, or the changed field's value."""

_STAGE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _stage_code(value: Any) -> str:
    if isinstance(value, str) and _STAGE_RE.match(value):
        return value
    raise PydanticCustomError(
        "stage_code", _("expected a stage code like C (capital letters and digits), found {found}"),
        {"found": show(value)})


def _currency(value: Any) -> str:
    if isinstance(value, str) and _CURRENCY_RE.match(value):
        return value
    raise PydanticCustomError(
        "currency_code", _("expected a currency code like EUR (three capital letters), "
        "found {found}"), {"found": show(value)})


def _attitude(value: Any) -> str:
    if isinstance(value, str) and value in ATTITUDES:
        return value
    raise PydanticCustomError(
        "attitude", _("expected one of {allowed}, found {found}"),
        {"allowed": ", ".join(ATTITUDES), "found": show(value)})


# How `from:`/`to:` are read, by the entry's `field:` (None: a stage move).
_VALUE_PARSERS: dict[str | None, Callable[[Any], HistoryValue]] = {
    None: _stage_code,
    "amount": parse_money,
    "currency": _currency,
    "expected_close": parse_date,
    "procurement_step": parse_ident,
    "attitude": _attitude,
}


class HistoryEntry(FileModel):
    """One event in a deal's life, appended by salesflow, oldest first.

    Four shapes share the model (see `kind`):

    - a stage move ``{date, from: C, to: B, by, note?, reason?}`` (a forced one
      adds ``forced: true, skipped: [milestone ids]`` and needs a reason);
    - a status change ``{date, status: lost|hold|open, by, reason?}``;
    - a field change ``{date, field: amount, from: 1250000, to: 1400000, by}``
      (an attitude change names the person: ``{date, field: attitude, person:
      NAME, from: neutral, to: supporter, by}``);
    - an activity ``{date, activity: visit|call|email|meeting|demo|step, text,
      with: [names], by}``.

    `from_`/`to` are typed by `field`: stage codes for a move, the field's own
    type otherwise (Decimal for an amount, a date for expected_close, text for
    the rest). Code that wants stage codes reads `from_stage`/`to_stage`, which
    are None for anything but a move, so an amount is never taken for a stage.
    """

    date: YDate
    field: HistoryField | None = None
    person: Text | None = None
    from_: HistoryValue | None = Field(default=None, validation_alias="from",
                                       serialization_alias="from")
    to: HistoryValue | None = None
    status: Status | None = None
    activity: ActivityKind | None = None
    text: Text | None = None
    with_: list[Text] | None = Field(default=None, validation_alias="with",
                                     serialization_alias="with")
    by: Text | None = None
    forced: Flag | None = None  # None rather than False: dumps of old entries stay as they were
    skipped: list[Ident] | None = None
    note: Text | None = None
    reason: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _unknown_field_alone(cls, data: Any) -> Any:
        """An unknown `field:` is the one problem: its from/to cannot be typed at all."""
        if isinstance(data, dict) and "field" in data and data["field"] not in HISTORY_FIELDS:
            return {k: v for k, v in data.items() if k not in ("from", "to")}
        return data

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _typed_by_field(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return None
        return _VALUE_PARSERS[info.data.get("field")](value)

    @property
    def kind(self) -> Literal["move", "status", "field", "activity"]:
        """Which of the four shapes this entry has (a move may change the status too)."""
        if self.field is not None:
            return "field"
        if self.activity is not None:
            return "activity"
        return "move" if self.to is not None or self.from_ is not None else "status"

    @property
    def from_stage(self) -> str | None:
        """The stage the deal left, for a move; None for every other entry."""
        return self.from_ if self.field is None and isinstance(self.from_, str) else None

    @property
    def to_stage(self) -> str | None:
        """The stage the deal entered, for a move (or its creation); None otherwise."""
        return self.to if self.field is None and isinstance(self.to, str) else None


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
