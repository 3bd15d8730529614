"""Edits of a document's plain data, as values: what a transition asks the disk layer to do.

The sales method's transitions (`salesflow.method.transitions`) are pure: they
return these operations, and `salesflow.files.edit` carries them out on a
file's text, surgically. Keeping the types here lets the core describe a
change without importing the layer that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DataPath = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and list indexes, from the top."""


@dataclass(frozen=True)
class Set:
    """Set the value at `path`, adding the key (and a missing parent mapping) if needed."""

    path: DataPath
    value: Any


@dataclass(frozen=True)
class Delete:
    """Remove the key at `path` (which must exist) from its mapping, or a list's item."""

    path: DataPath


@dataclass(frozen=True)
class Append:
    """Append `value` to the list at `path`, creating the list if the key is missing."""

    path: DataPath
    value: Any


Op = Set | Delete | Append
