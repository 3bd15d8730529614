"""Field types shared by the process and deal models.

The loader hands pydantic plain values from a YAML 1.2 core-schema resolver:
quoted scalars are text, plain scalars may be int, Decimal, bool or None.
These annotated types decide, per field, what is acceptable, so that a value
becomes a date only where a date is expected and money never passes through
float.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel as _BaseModel
from pydantic import BeforeValidator, ConfigDict, PlainSerializer, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from salesflow.model import ids
from salesflow.model.days import MAX_YEAR, MIN_YEAR, in_years
from salesflow.model.i18n import _

ID_PATTERN = ids.ID_PATTERN
_ID_RE = ids.ID_RE

MAX_AMOUNT = Decimal("1e15")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Model(_BaseModel):
    """Immutable, strict about unknown keys: the base of every file model."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False)


def _text(value: Any) -> str:
    if value.__class__ is str:  # nearly always: answer it first
        return value
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError(
            "text_type", _("expected text, found {found}; put it in quotes if you mean the word"),
            {"found": _show(value)},
        )
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return value
    raise PydanticCustomError(
        "text_type", _("expected text, found {found}"), {"found": _kind(value)}
    )


def _nonempty_text(value: Any) -> str:
    text = _text(value)
    if not text.strip():
        raise PydanticCustomError("text_empty", _("must not be empty"))
    return text


_DAYS: dict[str, dt.date] = {}  # ISO text -> its day, once found valid: dates recur


def _date(value: Any) -> dt.date:
    if value.__class__ is str:  # nearly always: a deal's dates recur across its file
        known = _DAYS.get(value)
        if known is not None:
            return known
    day: dt.date | None = None
    if isinstance(value, str):
        if _DATE_RE.match(value):
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value)
    elif isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    if day is not None:
        if not in_years(day):
            raise PydanticCustomError(
                "date_range", _("{found} is out of range: years {low} to {high} only"),
                {"found": day.isoformat(), "low": MIN_YEAR, "high": MAX_YEAR},
            )
        if value.__class__ is str and len(_DAYS) < 100_000:
            _DAYS[value] = day
        return day
    raise PydanticCustomError(
        "date_type",
        _("expected a date like 2027-03-31 (year-month-day), found {found}"),
        {"found": _show(value)},
    )


def parse_money(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError(
            "money_type", _("expected an amount like 1250000, found {found}"),
            {"found": _show(value)},
        )
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise PydanticCustomError(
                "money_type",
                _("expected an amount like 1250000 (digits, an optional decimal point, "
                "no thousands separators or currency), found {found}"),
                {"found": _show(value)},
            ) from None
    else:
        raise PydanticCustomError(
            "money_type", _("expected an amount, found {found}"), {"found": _kind(value)}
        )
    if not amount.is_finite():
        raise PydanticCustomError(
            "money_finite", _("expected a finite amount, found {found}"), {"found": _show(value)}
        )
    if amount < 0:
        raise PydanticCustomError(
            "money_negative", _("must not be negative, found {found}"), {"found": _show(value)}
        )
    if amount >= MAX_AMOUNT:
        raise PydanticCustomError(
            "money_range", _("{found} is implausibly large (the limit is 10^15)"),
            {"found": _show(value)},
        )
    if amount == 0:
        amount = Decimal(0)  # no negative zero
    return amount


def _ident(value: Any) -> str:
    text = _text(value)
    if not _ID_RE.fullmatch(text):
        raise PydanticCustomError(
            "id_format",
            _("{found} is not a valid id: use lowercase letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"),
            {"found": _show(text)},
        )
    return text


def _show(value: Any) -> str:
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return _kind(value)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    return type(value).__name__


# The JSON Schemas (`salesflow schema`) say what the loader accepts: text may be
# written as a plain number (`owner: 1024`), money as a number or a quoted number.
_TEXT_SCHEMA: dict[str, Any] = {"type": ["string", "number"]}

Text = Annotated[str, BeforeValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]
NonEmptyText = Annotated[
    str, BeforeValidator(_nonempty_text), WithJsonSchema({**_TEXT_SCHEMA, "minLength": 1}),
]
YDate = Annotated[dt.date, BeforeValidator(_date),
                  WithJsonSchema({"type": "string", "format": "date"})]
Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
    WithJsonSchema({"anyOf": [
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1e15},
        {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*$"},
    ]}, mode="validation"),
]
Ident = Annotated[str, BeforeValidator(_ident),
                  WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
# Only YAML's true/false: "yes", "on" or 1 are not silently taken for a boolean.
Flag = Annotated[bool, Strict()]


# Public names for the checks above, for models and commands that type a value
# by something only known at run time (a history entry's `field`, `salesflow set`).
parse_date = _date
parse_ident = _ident
parse_text = _nonempty_text
show = _show
