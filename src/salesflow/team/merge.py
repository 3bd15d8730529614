"""Three-way merge of deal files at the data level, for git's merge driver.

Git merges lines; a deal file is data. When two salespeople both append to
`history:` or both tick a milestone, the lines collide although the changes
do not. Here the three versions (the common ancestor O, ours A, theirs B) are
merged key by key:

- a key changed on one side only takes that side's value (or removal);
- `history:` is a union: the ancestor's entries, then the new entries of both
  sides in date order (ours first on the same date), each distinct entry once;
  other lists (stakeholders, needs, next steps) are unions of what each side
  appended;
- `milestones:` is a union of records; the same milestone recorded on both
  sides keeps the earlier record, with the other's note if only it has one;
  two different notes conflict;
- `stage:` and `status:`, when both sides moved the deal differently, follow
  the merged history: the latest new entry decides, if it is unambiguous;
- anything else both sides changed differently is a conflict, left for a person.

Pure: plain data in (as `yamlio` builds it), merged data and conflicts out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from salesflow.files.edit import same

DataPath = tuple[str | int, ...]


class _Missing:
    """A key that is not there (distinct from a key whose value is null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
UNION_LISTS = ("stakeholders", "needs", "next_steps")
# An account file has no history or stage: its lists are unions of what each side appended.
ACCOUNT_UNION_LISTS = ("people", "plan", "wallet")
ACCOUNT_KEYED_LISTS = (("people", "name"),)  # a person is merged on their own, by name


@dataclass(frozen=True)
class Conflict:
    """Both sides changed the value at `path` differently."""

    path: DataPath
    base: Any
    ours: Any
    theirs: Any

    @property
    def key(self) -> str:
        """The top-level key the conflict sits under."""
        return str(self.path[0])


@dataclass
class Merged:
    """The merged data (ours where in conflict) and the conflicts."""

    data: dict[str, Any]
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_deal(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any],
               *, won_stage: str | None = None,
               union_lists: tuple[str, ...] = UNION_LISTS,
               keyed_lists: tuple[tuple[str, str], ...] = ()) -> Merged:
    """Merge two edits of a deal file made from a common ancestor (None: added on both sides).

    `won_stage` is the process's last stage code, used to tell the status of a
    deal moved into it when the history does not say.
    """
    result = Merged({})
    o = base if isinstance(base, dict) else {}
    def three(key: str) -> tuple[Any, Any, Any]:
        return o.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)

    # history first: the stage follows it; the stage before the status, which may follow it
    done = {"history": _history(*three("history"), result)}
    done["stage"] = _follow_history("stage", *three("stage"), o, ours, theirs, result, None)
    done["status"] = _follow_history("status", *three("status"), o, ours, theirs, result,
                                     won_stage, stage=done["stage"])
    for key in _keys(ours, theirs):
        old, a, b = three(key)
        if key in done:
            value = done[key]
        elif key == "milestones":
            value = _milestones(old, a, b, result)
        elif key in dict(keyed_lists):
            value = _keyed_list((key,), old, a, b, result, dict(keyed_lists)[key])
        elif key in union_lists:
            value = _union_list((key,), old, a, b, result)
        else:
            value = _value((key,), old, a, b, result)
        if value is not MISSING:
            result.data[key] = value
    return result


def _keys(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Ours in its order, then the keys only theirs has, in theirs' order."""
    return [*ours, *(k for k in theirs if k not in ours)]


def _value(path: DataPath, old: Any, a: Any, b: Any, result: Merged) -> Any:
    """The generic three-way rule, recursing into mappings both sides changed."""
    if same(a, b):
        return a
    if same(old, a):
        return b
    if same(old, b):
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        base = old if isinstance(old, dict) else {}
        merged: dict[str, Any] = {}
        for key in _keys(a, b):
            value = _value((*path, key), base.get(key, MISSING), a.get(key, MISSING),
                           b.get(key, MISSING), result)
            if value is not MISSING:
                merged[key] = value
        return merged
    result.conflicts.append(Conflict(path, old, a, b))
    return a


def _union_list(path: DataPath, old: Any, a: Any, b: Any, result: Merged,
                *, by_date: bool = False) -> Any:
    """Both sides appended to a list: the ancestor's items, then each new item once."""
    if same(a, b) or same(old, a) or same(old, b) or not (isinstance(a, list)
                                                         and isinstance(b, list)):
        return _value(path, old, a, b, result)
    start = old if isinstance(old, list) else []
    n = len(start)
    if not (same(a[:n], start) and same(b[:n], start)):  # an old item was edited or removed
        return _value(path, old, a, b, result)
    new = list(a[n:])
    new.extend(item for item in b[n:] if not any(same(item, x) for x in new))
    if by_date:
        new.sort(key=_date_of)  # stable: ours first on the same date
    return [*start, *new]


def _keyed_list(path: DataPath, old: Any, a: Any, b: Any, result: Merged, key: str) -> Any:
    """A list of mappings with a unique `key` (people by name), merged item by item.

    One side changing a person's attitude and the other adding a person is
    no conflict: each person is merged three-way on their own; new people
    come after ours, in theirs' order. Anything else falls back to the union.
    """
    start = old if isinstance(old, list) else []
    if not (isinstance(a, list) and isinstance(b, list)
            and all(_keyed(items, key) for items in (start, a, b))):
        return _union_list(path, old, a, b, result)
    base = {item[key]: item for item in start}
    ours = {item[key]: item for item in a}
    theirs = {item[key]: item for item in b}
    names = [*ours, *(name for name in theirs if name not in ours)]
    merged: list[Any] = []
    for name in names:
        value = _value((*path, len(merged)), base.get(name, MISSING), ours.get(name, MISSING),
                       theirs.get(name, MISSING), result)
        if value is not MISSING:
            merged.append(value)
    return merged


def _keyed(items: list[Any], key: str) -> bool:
    names = [item.get(key) for item in items if isinstance(item, dict)]
    return (len(names) == len(items) and all(isinstance(n, str) for n in names)
            and len(set(names)) == len(names))


def _date_of(item: Any) -> str:
    return str(item.get("date", "")) if isinstance(item, dict) else ""


def _history(old: Any, a: Any, b: Any, result: Merged) -> Any:
    return _union_list(("history",), old, a, b, result, by_date=True)


def _new_entries(old: Any, side: Any) -> list[dict[str, Any]]:
    start = old if isinstance(old, list) else []
    if not isinstance(side, list) or not same(side[:len(start)], start):
        return []
    return [e for e in side[len(start):] if isinstance(e, dict)]


def _follow_history(key: str, old: Any, a: Any, b: Any, base: dict[str, Any],
                    ours: dict[str, Any], theirs: dict[str, Any], result: Merged,
                    won_stage: str | None, *, stage: Any = MISSING) -> Any:
    """Stage or status moved on both sides: the latest new history entry decides."""
    if same(a, b) or same(old, a) or same(old, b):
        return _value((key,), old, a, b, result)
    field_name = "to" if key == "stage" else "status"
    entries = [e for e in (_new_entries(base.get("history"), ours.get("history"))
                           + _new_entries(base.get("history"), theirs.get("history")))
               if e.get(field_name) is not None and "field" not in e and "activity" not in e]
    if entries:
        latest = max(_date_of(e) for e in entries)
        values = {str(e[field_name]) for e in entries if _date_of(e) == latest}
        if len(values) == 1:
            (value,) = values
            if value in (a, b):
                return a if value == a else b
    if key == "status":
        if stage == won_stage and "won" in (a, b):  # moved into the won stage: won
            return "won"
        sides = [v for v, s in ((a, ours.get("stage")), (b, theirs.get("stage"))) if s == stage]
        if len(sides) == 1:
            return sides[0]
    result.conflicts.append(Conflict((key,), old, a, b))
    return a


def _milestones(old: Any, a: Any, b: Any, result: Merged) -> Any:
    if same(a, b) or same(old, a) or same(old, b) or not (isinstance(a, dict)
                                                         and isinstance(b, dict)):
        return _value(("milestones",), old, a, b, result)
    base = old if isinstance(old, dict) else {}
    merged: dict[str, Any] = {}
    for mid in _keys(a, b):
        ra, rb, ro = a.get(mid, MISSING), b.get(mid, MISSING), base.get(mid, MISSING)
        if ra is not MISSING and rb is not MISSING and not same(ra, rb) and not (
                same(ro, ra) or same(ro, rb)):
            value = _pick_record(("milestones", mid), ro, ra, rb, result)
        else:
            value = _value(("milestones", mid), ro, ra, rb, result)
        if value is not MISSING:
            merged[mid] = value
    return merged


def _record_parts(record: Any) -> tuple[str, str]:
    if isinstance(record, dict):
        return str(record.get("date", "")), str(record.get("note") or "")
    return str(record), ""


def _pick_record(path: DataPath, old: Any, a: Any, b: Any, result: Merged) -> Any:
    """The same milestone recorded on both sides: the first to reach it, keeping any note.

    The earlier record wins (ours on the same day, unless only theirs has a
    note); a note only the later record has is added to it, so nothing said
    is lost. Two different notes conflict.
    """
    (date_a, note_a), (date_b, note_b) = _record_parts(a), _record_parts(b)
    if note_a and note_b and note_a != note_b:
        result.conflicts.append(Conflict(path, old, a, b))
        return a
    if date_a == date_b:
        return b if note_b and not note_a else a
    first, note = (a, note_b) if date_a < date_b else (b, note_a)
    if note and not _record_parts(first)[1]:
        record = dict(first) if isinstance(first, dict) else {"date": first}
        items = list(record.items())
        items.insert(1, ("note", note))  # after the date, as salesflow tick writes it
        return dict(items)
    return first
