"""The statuses a deal can have, apart from the pydantic models.

`list` and `export` check their `--status` option against these on every
run; importing `salesflow.model.deal` (pydantic) for one tuple cost a warm
list about 0.08 s.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = ("open", "won", "lost", "hold")
