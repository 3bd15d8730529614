"""Ids: what a deal id (a file name), a milestone id or a procurement step id may be.

Kept apart from the pydantic field types so that finding deal files by name
needs no heavy import.
"""

from __future__ import annotations

import re

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"  # for JSON Schema and pydantic (no final newline there)
# Python's `$` also matches before a final newline ("abc\n"): always use fullmatch.
ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")


def is_id(text: str) -> bool:
    return ID_RE.fullmatch(text) is not None
