"""Money and dates for people, in the invocation's language (Babel's CLDR data).

One module decides how a person reads a number, so the terminal tables, the
notes and the HTML report agree:

- English stays as it always was: whole units with thousands separators
  (`1,250,000`), the currency named in the column header; dates ISO.
- Chinese puts the currency's sign before the amount where the currency is
  known (`¥1,250,000`, `€80,000`), as Chinese business documents do, and
  writes dates in prose the Chinese way (`2027年3月31日`). Tables and files
  keep ISO dates: they sort and compare.
- `--units short` (or `$SALESFLOW_UNITS=short`) shows big amounts in the
  language's own short units: 万 and 亿 in Chinese (`125万`, `1.25亿`), K/M/B
  in English (`1.25M`). Chinese teams think in 万; a table of `¥12,500,000`
  is read digit by digit.

Machine output never comes here: JSON and CSV keep the exact decimal string
(`model.money.money_json`). Babel is a formatting library, so this lives in
the output layer; the core stays free of it. Babel is imported on first use,
so `--version` and `--help` stay fast.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from salesflow.model.i18n import language

# The CLDR locale of each language the tool speaks.
LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
NONE = "—"


class Units(enum.StrEnum):
    """How big amounts are shown to people: every digit, or the language's short units."""

    full = "full"
    short = "short"


_UNITS: contextvars.ContextVar[Units] = contextvars.ContextVar(
    "salesflow_units", default=Units.full)


def use_units(units: Units | str) -> None:
    """Show money in `units` from now on in this context (the CLI sets it per invocation)."""
    _UNITS.set(Units(units))


def units() -> Units:
    return _UNITS.get()


# The currency of the report being drawn (see `report_money`): its sign goes before
# each amount in Chinese when the caller names no currency.
_CURRENCY: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "salesflow_report_currency", default=None)
View = TypeVar("View", bound=Callable[..., Any])


def report_money(view: View) -> View:
    """Decorate a terminal view of a report's JSON shape: its amounts are in `data["currency"]`.

    Inside the view, `money(value)` writes `¥1,250,000` in Chinese for a CNY
    report, without every cell having to pass the currency along; outside it
    (a sentence that names the currency itself) nothing changes.
    """

    @functools.wraps(view)
    def drawn(data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        token = _CURRENCY.set(data.get("currency"))
        try:
            return view(data, *args, **kwargs)
        finally:
            _CURRENCY.reset(token)

    return drawn  # type: ignore[return-value]


def _locale() -> str:
    return LOCALES.get(language(), "en")


def money(value: Decimal | None, currency: str | None = None) -> str:
    """`value` for a person: whole units, the language's separators, short units if asked.

    `currency` (an ISO code; by default the one of the report being drawn, see
    `report_money`) is shown as its sign in Chinese (`¥1,250,000`); English
    keeps the bare number (its tables name the currency in the header).
    None is a dash.
    """
    if value is None:
        return NONE
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    zh = language() == "zh"
    currency = currency or _CURRENCY.get()
    if units() is Units.short:
        from babel.numbers import format_compact_currency, format_compact_decimal

        if zh and currency:
            return format_compact_currency(value, currency, locale=_locale(),
                                           fraction_digits=2)
        return format_compact_decimal(value, locale=_locale(), fraction_digits=2)
    if not zh:  # exactly what the tool always printed (no Babel needed for it)
        return f"{whole:,.0f}"
    shape = _shapes(_locale(), currency or None)
    if shape is None:
        return _babel_money(whole, _locale(), currency or None)
    positive, negative, group = shape
    digits = f"{abs(whole):,.0f}"
    if group != ",":
        digits = digits.replace(",", group)
    return (negative if whole.is_signed() else positive).format(digits)


def _babel_money(whole: Decimal, locale: str, currency: str | None) -> str:
    """Whole-unit money the CLDR way: the currency's sign before it, when there is one."""
    if currency:
        from babel.numbers import format_currency

        return format_currency(whole, currency, format="¤#,##0", locale=locale,
                               currency_digits=False)
    from babel.numbers import format_decimal

    return format_decimal(whole, format="#,##0", locale=locale)


@functools.lru_cache(maxsize=64)
def _shapes(locale: str, currency: str | None) -> tuple[str, str, str] | None:
    """What `_babel_money` writes around the digits, positive and negative, and its separator.

    Babel takes some fifty microseconds an amount: a Chinese review or list of
    ten thousand deals spent most of its time there. Its pattern (`#,##0`,
    groups of three) only puts a sign and the currency's symbol around the
    digits, so it is asked once per locale and currency, on a probe, and the
    digits are grouped by Python; None (Babel every time) should a locale ever
    write the probe's digits otherwise. Tests hold the two to the same text.
    """
    from babel.numbers import get_group_symbol

    group = get_group_symbol(locale)
    digits = f"1{group}234{group}567"
    shapes = []
    for probe in (Decimal(1234567), Decimal(-1234567)):
        text = _babel_money(probe, locale, currency)
        if text.count(digits) != 1:
            return None
        shapes.append(text.replace("{", "{{").replace("}", "}}").replace(digits, "{}"))
    return shapes[0], shapes[1], group


def signed(value: Decimal | None, currency: str | None = None) -> str:
    """A change of money: `+1,250,000` / `-80,000` (no sign for zero)."""
    if value is None:
        return NONE
    text = money(value, currency)
    return "+" + text if value.quantize(Decimal(1), rounding=ROUND_HALF_UP) > 0 else text


def day(value: dt.date | str | None) -> str:
    """A date in prose: ISO in English, `2027年3月31日` in Chinese (tables keep ISO)."""
    if value is None or value == "":
        return NONE
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if language() != "zh":
        return date.isoformat()
    from babel.dates import format_date

    return format_date(date, format="long", locale=_locale())
