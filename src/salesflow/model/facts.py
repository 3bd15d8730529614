"""What the funnel and the cuts read: a deal's top-level facts, the stages, the rates.

Typed as protocols so the same report code runs on the pydantic models
(`Deal`, `DealFile`, `Process`) and on the cache's summaries (`DealSummary`,
`SummaryFile`, `ProcessSummary`), which a warm report gets without parsing a
file. A report that needs more of a deal (history, stakeholders) takes the
models themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol


class DealFacts(Protocol):
    """A deal's top-level fields."""

    @property
    def customer(self) -> str: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def stage(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def expected_close(self) -> dt.date | None: ...
    @property
    def segment(self) -> str | None: ...
    @property
    def product_line(self) -> str | None: ...


class DealItem(Protocol):
    """A deal with its id: `DealFile` or `SummaryFile`."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def deal(self) -> DealFacts: ...


class StageFacts(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def probability(self) -> int: ...


class ProcessFacts(Protocol):
    """The stages in order and the report currency with its rates."""

    @property
    def currency(self) -> str: ...
    @property
    def stages(self) -> Sequence[StageFacts]: ...
    @property
    def won(self) -> StageFacts: ...
    def stage(self, code: str) -> StageFacts: ...
    def rate(self, currency: str) -> Decimal | None: ...
