"""Dates as people type them, and the years salesflow accepts: no pydantic here.

Kept apart from `model.fields` (the pydantic field types) because every
report parses its date options, and a warm report must not pay for importing
pydantic just to read `--as-of 2026-11-30`.
"""

from __future__ import annotations

import datetime as dt

from salesflow.model.errors import UsageError
from salesflow.model.i18n import _

# Dates outside these years are typing mistakes (2207 for 2027), and a year near
# 9999 overflows date arithmetic (a quarter's end, a week later): refused at the edge.
MIN_YEAR, MAX_YEAR = 1900, 2999

DAY_WORDS: dict[str, int] = {"today": 0, "yesterday": -1, "tomorrow": 1}


def in_years(day: dt.date) -> bool:
    """True when `day` lies in the years salesflow accepts (MIN_YEAR to MAX_YEAR)."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def day_from_text(value: str, option: str, today: dt.date) -> dt.date:
    """A date a person typed (a `--due`, the board's due date): ISO, or today/yesterday/tomorrow.

    Shared by the CLI's date options and the board's prompts, so both accept
    and refuse the same texts with the same words.
    """
    if value in DAY_WORDS:
        return today + dt.timedelta(days=DAY_WORDS[value])
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(_("{option}: {value!r} is not a date").format(
            option=option, value=value),
            hint=_("write dates as YYYY-MM-DD, e.g. 2027-03-31")) from None
    if not in_years(day):
        raise UsageError(_("{option}: {value!r} is out of range").format(
            option=option, value=value),
            hint=_("give a date in the years {low} to {high}").format(
                low=MIN_YEAR, high=MAX_YEAR))
    return day
