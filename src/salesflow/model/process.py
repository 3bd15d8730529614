"""The process model: what `stages.yaml` holds.

The process is data, not code: stage codes, probabilities, milestone outputs,
rules and the customer's procurement steps all come from the team's file.
Shape and types are checked by pydantic here; cross-field rules (unique codes,
non-decreasing probabilities, ...) are the small named checks in
`salesflow.method.checks`, so that each problem can point at its own line.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from salesflow.model.constants import DEFAULT_COVERAGE_GOAL
from salesflow.model.fields import Flag, Ident, Model, Money, NonEmptyText, Text
from salesflow.model.i18n import _

Level = Literal["decision", "management", "operations"]
Role = Literal["decision", "financial", "technical", "user", "evaluator", "coach", "influencer"]
Attitude = Literal["supporter", "neutral", "opponent", "unknown"]
Influence = Literal["high", "medium", "low"]
NeedKind = Literal["S", "P", "I", "N"]

LEVELS: tuple[str, ...] = ("decision", "management", "operations")
ROLES: tuple[str, ...] = (
    "decision", "financial", "technical", "user", "evaluator", "coach", "influencer",
)
ATTITUDES: tuple[str, ...] = ("supporter", "neutral", "opponent", "unknown")


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _not_null(value: Any) -> Any:
    """`rule:` with nothing after it is a half-written rule, not "no rule"."""
    if value is None:
        raise PydanticCustomError(
            "rule_empty", _("the rule is empty: write one, e.g. `rule: {fields: [amount]}`, or "
            "remove the `rule:` key"))
    return value


StageCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{0,7}$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Probability = Annotated[int, Field(ge=0, le=100, strict=True)]
Count = Annotated[int, Field(ge=1, le=1000, strict=True)]
# An exchange rate: one unit of the currency in the report currency. The bounds
# keep every converted amount (< 10^15 × 10^6) and every total exact in
# Decimal's 28 digits; no real rate comes near them.
MIN_RATE, MAX_RATE = Decimal("1e-9"), Decimal("1e6")
Rate = Annotated[Decimal, Field(ge=MIN_RATE, le=MAX_RATE, allow_inf_nan=False)]


class StakeholderCriteria(Model):
    """Stakeholders that must exist: each given criterion must match."""

    attitude: Annotated[list[Attitude], BeforeValidator(_one_or_many)] | None = None
    level: Annotated[list[Level], BeforeValidator(_one_or_many)] | None = None
    roles: Annotated[list[Role], BeforeValidator(_one_or_many)] | None = None
    influence: Annotated[list[Influence], BeforeValidator(_one_or_many)] | None = None
    min: Count = 1


class ProcurementCriteria(Model):
    """The customer's buying process has reached at least this step."""

    at_least: Ident


class NeedsCriteria(Model):
    """SPIN needs that must be recorded on the deal."""

    kind: Annotated[list[NeedKind], BeforeValidator(_one_or_many)] | None = None
    explicit: Flag | None = None
    min: Count = 1


RelationshipAtLeast = Literal["gestation", "initial", "middle", "high", "strategic"]
RELATIONSHIP_ORDER: tuple[str, ...] = ("gestation", "initial", "middle", "high", "strategic")


class AccountCriteria(Model):
    """The deal's account: linked, its relationship stage this far at least, its people.

    `people` are judged on the deal's effective buying centre: the account's
    people with what this deal adds, so an attitude set once on the account
    counts for every deal of the customer.
    """

    relationship: RelationshipAtLeast | None = None
    people: StakeholderCriteria | None = None


class Rule(Model):
    """A declarative condition over a deal's data; every given part must hold."""

    fields: list[Ident] | None = None
    stakeholders: StakeholderCriteria | None = None
    account: AccountCriteria | None = None
    procurement: ProcurementCriteria | None = None
    needs: NeedsCriteria | None = None
    any_of: list[Rule] | None = None


class Milestone(Model):
    """An exit milestone output: what must be reached before a deal moves on."""

    id: Ident
    text: NonEmptyText
    rule: Rule | None = None

    @field_validator("rule", mode="before")
    @classmethod
    def _rule_given(cls, value: Any) -> Any:
        return _not_null(value)


class Stage(Model):
    """One stage of the sales advancement process."""

    code: StageCode
    name: NonEmptyText
    probability: Probability
    task: Text | None = None
    entry: Text | None = None
    rot_days: Annotated[int, Field(ge=1, le=3650, strict=True)] | None = None
    exit: list[Milestone] = []

    @property
    def milestone_ids(self) -> list[str]:
        return [m.id for m in self.exit]


class ProcurementStep(Model):
    """One step of the customer's internal buying process."""

    id: Ident
    name: NonEmptyText
    stages: list[StageCode] = []


PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$"


def _period(value: Any) -> Any:
    """A month (2027-03) or a quarter (2027-Q1): the labels the forecast gives its periods."""
    import re

    if not isinstance(value, str) or not re.match(PERIOD_PATTERN, value):
        raise PydanticCustomError(
            "period_format", _("expected a month like 2027-03 or a quarter like 2027-Q1, "
            "found {found}"), {"found": repr(value)})
    return value


PeriodLabel = Annotated[str, BeforeValidator(_period),
                        WithJsonSchema({"type": "string", "pattern": PERIOD_PATTERN})]


class Target(Model):
    """What the team (no owner) or one owner must win in a month or a quarter."""

    period: PeriodLabel
    owner: NonEmptyText | None = None
    amount: Money


class Process(Model):
    """The whole of `stages.yaml`."""

    currency: Currency
    # The language the tool speaks in this workspace (salesflow.model.i18n), unless
    # --lang or $SALESFLOW_LANG says otherwise; `init --lang zh` writes `zh`.
    language: Literal["en", "zh"] | None = None
    rates: dict[Currency, Rate] = {}
    lost_reasons: list[Ident] = []
    procurement: list[ProcurementStep] = []
    # Targets in the report currency; coverage = open pipeline ÷ what is still to win.
    targets: list[Target] = []
    coverage_goal: Annotated[Decimal, Field(gt=0, le=1000, allow_inf_nan=False)] = (
        DEFAULT_COVERAGE_GOAL)
    stages: Annotated[list[Stage], Field(min_length=2)]

    @cached_property
    def _by_code(self) -> dict[str, int]:
        return {s.code: i for i, s in enumerate(self.stages)}

    @cached_property
    def _milestones(self) -> dict[str, tuple[Stage, Milestone]]:
        found: dict[str, tuple[Stage, Milestone]] = {}
        for stage in self.stages:
            for m in stage.exit:
                found.setdefault(m.id, (stage, m))
        return found

    @cached_property
    def _procurement_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.procurement)}

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.stages]

    @property
    def first(self) -> Stage:
        return self.stages[0]

    @property
    def won(self) -> Stage:
        """The last stage is the won stage."""
        return self.stages[-1]

    def has_stage(self, code: str) -> bool:
        return code in self._by_code

    def stage(self, code: str) -> Stage:
        return self.stages[self._by_code[code]]

    def index(self, code: str) -> int:
        return self._by_code[code]

    def next_stage(self, code: str) -> Stage | None:
        i = self._by_code[code] + 1
        return self.stages[i] if i < len(self.stages) else None

    def milestone(self, milestone_id: str) -> tuple[Stage, Milestone] | None:
        return self._milestones.get(milestone_id)

    @property
    def milestone_ids(self) -> list[str]:
        return list(self._milestones)

    def procurement_index(self, step_id: str) -> int | None:
        return self._procurement_index.get(step_id)

    def rate(self, currency: str) -> Decimal | None:
        """Value of one unit of `currency` in the report currency, if known."""
        if currency == self.currency:
            return Decimal(1)
        return self.rates.get(currency)
