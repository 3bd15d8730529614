"""Values of the models that light commands read without importing pydantic.

`list` and `export` check `--status` against STATUSES on every run, and the
forecast's targets default to DEFAULT_COVERAGE_GOAL; importing
`salesflow.model.deal` or `salesflow.model.process` (pydantic, about 0.1 s)
for one constant would cost a warm report more than its own work.
"""

from __future__ import annotations

from decimal import Decimal

STATUSES: tuple[str, ...] = ("open", "won", "lost", "hold")
DEFAULT_COVERAGE_GOAL = Decimal("3.0")  # open pipeline / what is still to win
