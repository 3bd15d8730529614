"""Which language an invocation speaks, and help texts translated when they are shown.

First match wins: `--lang en|zh` before the command, `$SALESFLOW_LANG`,
`language:` in the workspace's stages.yaml, `$LC_ALL`/`$LC_MESSAGES`/`$LANG`,
then English. The choice goes into `salesflow.model.i18n`'s context variable
for this invocation only; the workspace and locale are looked at only when
something is first said (so `--version` reads no file).

Typer builds every help text at import, in English; `Group` puts each command's
and option's help through `_()` when a command is looked up or help is printed,
so `--help` speaks the invocation's language too. Click's own words (usage
errors, "Usage:", the panels) are `cli._click_words`'.
"""

from __future__ import annotations

import contextvars
import os
import re
from typing import Any

import typer
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from salesflow.cli import _click_words
from salesflow.model import i18n
from salesflow.model.i18n import _

# `language: zh` at the top level of stages.yaml (the full parse validates it; this
# only decides which language to speak before anything else is read).
_LANGUAGE_KEY = re.compile(r"^language:[ \t]*['\"]?([A-Za-z_-]+)['\"]?[ \t]*(?:#.*)?$",
                           re.MULTILINE)
_ORIGINAL = "_salesflow_help_en"


def normalise(value: str) -> str | None:
    """'zh', 'zh_CN.UTF-8', 'zh-Hans' -> 'zh'; 'en_GB' -> 'en'; anything else -> None."""
    head = re.split(r"[_.@-]", value.strip(), maxsplit=1)[0].lower()
    return head if head in i18n.LANGUAGES else None


def workspace_language(root: str | None) -> str | None:
    """The `language:` of the workspace's stages.yaml, when there is one to find."""
    from salesflow.files.guard import read_regular
    from salesflow.files.workspace import PROCESS_FILE, find_root

    try:
        base = find_root(override=root)
        # never blocks on a FIFO swapped in after find_root looked; 1 MiB as the loader's cap
        text = read_regular(base / PROCESS_FILE, 1 << 20).decode("utf-8")
    except Exception:  # no workspace (yet), unreadable: not an error here, just no choice
        return None
    found = _LANGUAGE_KEY.search(text)
    return normalise(found.group(1)) if found else None


def locale_language() -> str | None:
    """The POSIX locale's language: the first of LC_ALL, LC_MESSAGES, LANG that is set."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return normalise(value)
    return None


def deferred(ctx: Any) -> i18n.Choice:
    """The choice when neither --lang nor $SALESFLOW_LANG says: decided on first use."""

    def decide() -> str:
        # $SALESFLOW_LANG again: a --help handled before --lang's own callback still sees it.
        chosen = normalise(os.environ.get("SALESFLOW_LANG", ""))
        if chosen:
            return chosen
        root = ctx.params.get("root") if ctx is not None else None
        return (workspace_language(root or os.environ.get("SALESFLOW_ROOT") or None)
                or locale_language() or "en")

    return decide


# Whether this invocation named its language (--lang, $SALESFLOW_LANG) rather than deferring.
_NAMED: contextvars.ContextVar[bool] = contextvars.ContextVar("salesflow_lang_named",
                                                              default=False)


def choose(ctx: typer.Context, _param: Any, value: str | None) -> str | None:
    """The --lang callback (eager: it runs before any other option is handled)."""
    if value is None or value == "":
        i18n.use(deferred(ctx))
        _NAMED.set(False)
        return None
    lang = normalise(value) if value.lower() in ("en", "zh") else None
    if lang is None:
        raise typer.BadParameter(
            _("{value!r} is not a language: use en or zh").format(value=value))
    i18n.use(lang)
    _NAMED.set(True)
    return lang


def speak_new_workspace(lang: str) -> None:
    """`init --lang zh` says what it did in Chinese, unless the invocation named a language.

    The workspace it writes will choose Chinese for every later command; the
    deferred choice cannot see it yet (there was no stages.yaml to read).
    """
    if not _NAMED.get():
        i18n.use(lang)


def translate_help(obj: Any) -> Any:
    """Put a command's (and its options') help through `_()`, from the English kept aside."""
    for item in (obj, *getattr(obj, "params", ())):
        if not hasattr(item, _ORIGINAL):
            setattr(item, _ORIGINAL, getattr(item, "help", None))
        original = getattr(item, _ORIGINAL)
        if original:
            item.help = _(original)
    return obj


class Group(TyperGroup):
    """The app's group: help texts and Click's own words in the invocation's language."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Before any option: a --help met before --lang still finds the workspace's language.
        # Only the top-level group decides: a sub-group (`account`) keeps the --lang given.
        if ctx.parent is None:
            i18n.use(deferred(ctx))
            _NAMED.set(False)
        return super().parse_args(ctx, args)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except ClickException as exc:  # a wrong top-level option: said in our language
            _click_words.translate(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClickException as exc:  # a wrong command, option or argument of a command
            _click_words.translate(exc)
            raise

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            return None
        if not hasattr(command, _ORIGINAL):  # its help and usage line in our words
            render = command.format_help

            def format_help(ctx: Any, formatter: Any) -> None:
                _click_words.panel_words()
                _click_words.help_option(command, ctx)
                render(ctx, formatter)

            def format_usage(ctx: Any, formatter: Any) -> None:
                _click_words.write_usage(formatter, ctx.command_path,
                                         " ".join(command.collect_usage_pieces(ctx)))

            command.format_help = format_help  # type: ignore[method-assign]
            command.format_usage = format_usage  # type: ignore[method-assign]
        return translate_help(command)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        translate_help(self)
        _click_words.panel_words()
        _click_words.help_option(self, ctx)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _click_words.write_usage(formatter, ctx.command_path,
                                 " ".join(self.collect_usage_pieces(ctx)))
