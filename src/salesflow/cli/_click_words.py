"""Click's and Typer's own words ("Usage:", "Error", "Missing argument", ...) in our language.

Typer vendors Click (`typer._click`) with its messages as plain English
f-strings, and its rich help and error panels take their words from module
constants of `typer.rich_utils` (its `_` is the process-wide stdlib gettext,
which would change every invocation of the process at once). So nothing is
patched at import. Per invocation, `cli._lang.Group`:

- catches the usage error on its way out (`translate`), rebuilds its message
  in the invocation's language from the exception's own facts (the option
  name, the close matches, the missing parameter) and lets it go on to
  Typer's display;
- sets the panel titles and the "Try ... for help." line just before they
  are rendered (`panel_words`), from the invocation's language, English
  included, so the next invocation in the same process starts clean;
- writes the usage line with a translated "Usage: " prefix (`write_usage`).

A message this module does not know (ours, already translated, or a new one
of a later Typer) is shown as it came: never lost, at worst in English.
"""

from __future__ import annotations

import re
from typing import Any

from salesflow.model.i18n import N_, _

# The words of typer.rich_utils, by the name of its constant.
RICH_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}

_NO_COMMAND = re.compile(r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<like>.+)\?)?$",
                         re.DOTALL)
_EXTRA = re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)$", re.DOTALL)
_NO_VALUE = re.compile(r"Option (?P<option>'.*?') does not take a value\.$")
_NEEDS = re.compile(r"Option (?P<option>'.*?') requires (?:an argument|(?P<n>\d+) arguments)\.$")
_NOT_ONE_OF = re.compile(r"(?:Value error, )?(?P<value>'.*?') is not one of (?P<choices>.*)\.$",
                         re.DOTALL)
_KINDS = {"argument": N_("Missing argument {name}."), "option": N_("Missing option {name}."),
          "parameter": N_("Missing parameter {name}.")}


def panel_words() -> None:
    """Typer's rich words for this render, in the invocation's language."""
    from typer import rich_utils

    for name, words in RICH_WORDS.items():
        setattr(rich_utils, name, _(words))


def help_option(command: Any, ctx: Any) -> None:
    """The `-h/--help` option's own help ("Show this message and exit.") in our language."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = _("Show this message and exit.")


def write_usage(formatter: Any, prog: str, args: str) -> None:
    """The usage line with "Usage: " in the invocation's language."""
    formatter.write_usage(prog, args, prefix=_("Usage: "))


def _hint(exc: Any) -> str | None:
    """The parameter as Click names it in errors ('--owner', 'DEAL'), quoted as Click does."""
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        try:
            hint = param.get_error_hint(exc.ctx)  # typer 0.26-0.28
        except TypeError:
            hint = param.get_error_hint()
    if hint is None:
        return None
    if isinstance(hint, str):
        return hint
    return " / ".join(repr(h) for h in hint)


def _plain(message: str) -> str:
    """A message of Click's own, rebuilt in our language; others as they are."""
    if found := _NO_COMMAND.match(message):
        text = _("No such command {name}.").format(name=found["name"])
        if found["like"]:
            text += _(" Did you mean {names}?").format(names=found["like"])
        return text
    if message == "Missing command.":
        return _("Missing command.")
    if found := _EXTRA.match(message):
        return _("Got unexpected extra argument(s) ({args})").format(args=found["args"])
    if found := _NO_VALUE.match(message):
        return _("Option {option} does not take a value.").format(option=found["option"])
    if found := _NEEDS.match(message):
        if found["n"]:
            return _("Option {option} requires {n} arguments.").format(option=found["option"],
                                                                         n=found["n"])
        return _("Option {option} requires an argument.").format(option=found["option"])
    if found := _NOT_ONE_OF.match(message):
        return _("{value} is not one of {choices}.").format(value=found["value"],
                                                            choices=found["choices"])
    return message


def message(exc: Any) -> str | None:
    """The error's message in the invocation's language (None: leave it as it is)."""
    from typer._click import exceptions as ex

    if isinstance(exc, ex.NoSuchOption):
        text = (_plain(exc.message) if not exc.message.startswith("No such option: ")
                else _("No such option: {name}").format(name=exc.option_name))
        if exc.possibilities:
            text += _(" (Possible options: {options})").format(
                options=", ".join(sorted(exc.possibilities)))
        return text
    if isinstance(exc, ex.MissingParameter):
        extra = _missing_extra(exc)
        if exc.message or extra:
            return None  # words of its own: shown as they are
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
        hint = _hint(exc)
        template = _KINDS.get(kind)
        if template is None or hint is None:
            return None
        return _(template).format(name=hint)
    if isinstance(exc, ex.BadParameter):
        hint = _hint(exc)
        inner = _plain(exc.message)
        if hint is None:
            return _("Invalid value: {message}").format(message=inner)
        return _("Invalid value for {name}: {message}").format(name=hint, message=inner)
    if isinstance(exc, ex.UsageError):
        return _plain(exc.message)
    return None


def _missing_extra(exc: Any) -> str | None:
    """What the parameter's type adds to "Missing ..." (typer 0.26-0.28 ask the type)."""
    param = exc.param
    if param is None:
        return None
    if hasattr(param, "get_missing_message"):
        extra: str | None = param.get_missing_message(ctx=exc.ctx)
        return extra
    found: str | None = param.type.get_missing_message(param=param, ctx=exc.ctx)
    return found


def translate(exc: Any) -> None:
    """Give a Click usage error its message in our language, and the words around it."""
    try:
        text = message(exc)
    except Exception:  # never hide the error itself behind a failed translation
        text = None
    if text is not None:
        exc.format_message = lambda: text
    panel_words()
