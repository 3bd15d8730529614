"""The one translation function: every word the tool says to a person goes through `_()`.

English is the source language and the message id; Chinese (zh-Hans) comes
from the gettext catalog shipped in the package
(`salesflow/locale/zh_Hans/LC_MESSAGES/salesflow.mo`, compiled from the `.po`
beside it; `python -m tests.catalog update` extracts, `compile` compiles).

Use:

- `_("recorded {milestone}").format(milestone=m)` for a message: translate the
  template first, then fill it, so a translator sees `{milestone}` and can move it.
- `N_("Stage")` for a module-level constant: it only marks the string for
  extraction; call `_(CONSTANT)` where it is shown, so the language of the
  invocation applies, not the one at import time.
- `ngettext("{n} deal", "{n} deals", n).format(n=n)` for plurals.
- `pgettext("level", "decision")` where one English word means two things.

The language is chosen per invocation, never by a module global: the CLI sets
a context variable (`use()`), so two invocations in one process (tests, the
board) each speak their own. It may be a function that decides on first use
(the workspace's `language:` is only read when something is said). Machine
output (`--format json|csv`, ids, codes, field names) is never translated: the
CLI runs such commands in English.

Reading the compiled catalog is the one read this module does: it is package
data read through `importlib.resources` (no path, no workspace), once per
process and language.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import io
from collections.abc import Callable, Iterator
from importlib import resources

DOMAIN = "salesflow"
LANGUAGES: tuple[str, ...] = ("en", "zh")
# The catalog folder of each language (gettext's locale names).
CATALOGS: dict[str, str] = {"zh": "zh_Hans"}

Choice = str | Callable[[], str]

_LANGUAGE: contextvars.ContextVar[Choice] = contextvars.ContextVar(
    "salesflow_language", default="en")


def use(choice: Choice) -> contextvars.Token[Choice]:
    """Speak `choice` ("en", "zh", or a function returning one) from now on in this context."""
    return _LANGUAGE.set(choice)


@contextlib.contextmanager
def using(choice: Choice) -> Iterator[None]:
    """Speak `choice` inside the block only (e.g. English while building JSON)."""
    token = _LANGUAGE.set(choice)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def language() -> str:
    """The language of this invocation: "en" or "zh"; a deferred choice is decided once."""
    choice = _LANGUAGE.get()
    if callable(choice):
        decided = choice()
        choice = decided if decided in LANGUAGES else "en"
        _LANGUAGE.set(choice)
    return choice


@functools.cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (English has none: the ids are the English)."""
    folder = CATALOGS.get(lang)
    if folder is None:
        return gettext.NullTranslations()
    data = (resources.files("salesflow") / "locale" / folder / "LC_MESSAGES"
            / f"{DOMAIN}.mo").read_bytes()
    return gettext.GNUTranslations(io.BytesIO(data))


def _(message: str) -> str:
    """`message` in the language of this invocation (itself when untranslated)."""
    lang = language()
    if lang == "en" or not message:
        return message
    return catalog(lang).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it (translate it where shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the language of this invocation."""
    lang = language()
    if lang == "en":
        return singular if n == 1 else plural
    return catalog(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context` (e.g. "level" vs "role" for "decision")."""
    lang = language()
    if lang == "en":
        return message
    return catalog(lang).pgettext(context, message)


def is_zh() -> bool:
    """True when this invocation speaks Chinese (for word order and spacing choices)."""
    return language() == "zh"
