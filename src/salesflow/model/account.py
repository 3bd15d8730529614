"""The account model: what one `accounts/<id>.yaml` file holds.

A deal is one project; the customer is more than that. The org chart, the
people, the relationship stage (gestation to strategic) and the share of the
customer's spend it stands for belong to the customer, across every project
with it (docs/method.md, "The relationship"). An account keeps them once, and
deals that name it (`account: <id>`) take their people from it. Like a deal,
an account knows nothing of its file; `salesflow.files` attaches id and path.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from salesflow.model.deal import FileModel, Relationship, Stakeholder
from salesflow.model.fields import Money, NonEmptyText, Text, YDate, parse_money
from salesflow.model.i18n import _

Tier = Literal["A", "B", "C"]
TIERS: tuple[str, ...] = ("A", "B", "C")
ACCOUNTS_DIR = "accounts"


def _percent(value: Any) -> Any:
    """`30%`, `"30%"`, `30` or `12.5`: a share of wallet in percent, never a float."""
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    number = parse_money(value)
    if number > 100:
        raise PydanticCustomError("percent_range", _("a share of wallet is at most 100%, "
                                  "found {found}%"), {"found": str(number)})
    return number


Percent = Annotated[Decimal, BeforeValidator(_percent)]
Year = Annotated[int, Field(ge=1900, le=2200, strict=True)]


class WalletYear(FileModel):
    """One year of the customer's spend in our category, and our part of it.

    `ours` is what we sold them (an amount), or `share` what part of the
    spend that is (a percentage); one of them is enough, the other follows.
    """

    year: Year
    spend: Money
    ours: Money | None = None
    share: Percent | None = None

    def share_percent(self) -> Decimal | None:
        """Our share of the spend in percent, from `share` or from `ours` / `spend`."""
        if self.share is not None:
            return self.share.quantize(Decimal("0.1"))
        if self.ours is None or self.spend == 0:
            return None
        return (self.ours * 100 / self.spend).quantize(Decimal("0.1"))


class PlanMove(FileModel):
    """One line of the differentiated relationship plan: a person, the goal, the next move."""

    person: NonEmptyText
    goal: Relationship | None = None  # the relationship stage to reach with this person
    next: NonEmptyText
    due: YDate
    done: YDate | None = None


class Account(FileModel):
    """One customer: its grading, the relationship, its spend, its people and the plan."""

    name: NonEmptyText
    segment: Text | None = None
    tier: Tier | None = None
    owner: Text | None = None
    relationship: Relationship | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    wallet: list[WalletYear] = []
    people: list[Stakeholder] = []
    plan: list[PlanMove] = []
    notes: Text | None = None

    def person(self, name: str) -> Stakeholder | None:
        for p in self.people:
            if p.name == name:
                return p
        return None

    def latest_wallet(self) -> WalletYear | None:
        return max(self.wallet, key=lambda w: w.year) if self.wallet else None


ACCOUNT_KEYS: tuple[str, ...] = tuple(name for name in Account.model_fields if name != "extensions")


@dataclass(frozen=True)
class AccountFile:
    """A validated account with its id (the file stem) and where it lives."""

    id: str
    path: str  # relative to the workspace root, forward slashes
    account: Account
