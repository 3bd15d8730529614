"""The message catalog's tooling: extract, update the .po, compile the .mo.

    python -m tests.catalog update    # extract from src/, merge into the .po (new: empty)
    python -m tests.catalog compile   # .po -> the .mo shipped in the package
    python -m tests.catalog missing   # list what zh lacks (what the completeness test fails on)
    python -m tests.catalog fill F.json  # write {msgid: msgstr} translations into the .po

What is extracted (Babel's Python extractor plus what it cannot see):
- calls of `_`, `N_`, `ngettext`, `pgettext` (salesflow.model.i18n) with literal strings,
  also inside f-string expressions (read from the AST: Babel sees an f-string as one token);
- literal headers and titles of `output.table(...)` and `Col(...)` (render.table and
  fit.fitted translate them);
- every `help="..."` keyword (Typer options, arguments, apps, commands): Typer
  evaluates them at import, so the CLI translates them when help is rendered;
- the docstring of every function decorated with `<app>.command(...)` or
  `<app>.callback(...)`: Typer makes it the command's help.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages import mofile, pofile
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "salesflow"
PO = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "salesflow.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {k: DEFAULT_KEYWORDS[k] for k in ("_", "N_", "ngettext", "pgettext")}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}")

Message = tuple[str | tuple[str, str], str | None, str]  # id (or singular, plural), context, where


def _help_texts(path: Path) -> Iterator[tuple[str, int]]:
    """`help=` literals and command docstrings: Typer's help, translated at render time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if (kw.arg == "help" and isinstance(kw.value, ast.Constant)
                        and isinstance(kw.value.value, str) and kw.value.value):
                    yield kw.value.value, kw.value.lineno
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "table" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "output"):  # output.table: headers, title
            literals = [*node.args, *(k.value for k in node.keywords if k.arg == "title")]
            for arg in literals:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    yield arg.value, arg.lineno
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "Col" and node.args):  # output.fit.Col: its header
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                yield arg.value, arg.lineno
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            commands = [d for d in node.decorator_list
                        if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                        and d.func.attr in ("command", "callback")]
            doc = ast.get_docstring(node, clean=True)
            if commands and doc:
                yield doc, node.lineno


def _in_fstrings(path: Path) -> Iterator[tuple[str | tuple[str, str], str | None, int]]:
    """`_("...")` and friends inside f-string expressions, which Babel's tokenizer cannot see.

    On Python 3.11 an f-string is one string token, so `f"<b>{_('Total')}</b>"`
    would never reach the catalog (and never be translated); the AST sees it.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for fstring in ast.walk(tree):
        if not isinstance(fstring, ast.JoinedStr):
            continue
        for node in ast.walk(fstring):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS):
                continue
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str)
                    else None for a in node.args]
            name = node.func.id
            if name in ("_", "N_") and args and args[0]:
                yield args[0], None, node.lineno
            elif name == "ngettext" and len(args) > 1 and args[0] and args[1]:
                yield (args[0], args[1]), None, node.lineno
            elif name == "pgettext" and len(args) > 1 and args[0] and args[1]:
                yield args[1], args[0], node.lineno


@functools.cache
def extract() -> dict[tuple[str, str | None], Message]:
    """Every translatable string in src/salesflow, keyed by (id, context)."""
    found: dict[tuple[str, str | None], Message] = {}
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(REPO).as_posix()
        for lineno, message, _comments, context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, strip_comment_tags=True):
            msgid = message[0] if isinstance(message, tuple) else message
            if not msgid:
                continue
            ident: str | tuple[str, str] = (
                (message[0], message[1]) if isinstance(message, tuple) and len(message) > 1
                and message[1] else msgid)
            found.setdefault((msgid, context), (ident, context, f"{where}:{lineno}"))
        for ident_, context_, lineno in _in_fstrings(path):
            msgid = ident_[0] if isinstance(ident_, tuple) else ident_
            found.setdefault((msgid, context_), (ident_, context_, f"{where}:{lineno}"))
        for text, lineno in _help_texts(path):
            found.setdefault((text, None), (text, None, f"{where}:{lineno}"))
    return found


def non_literal_calls() -> list[str]:
    """`_(f"...")`, `_(name)`: strings the extractor cannot see (so never translated)."""
    bad: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "i18n.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("N_", "ngettext", "pgettext")):
                count = {"ngettext": 2, "pgettext": 2}.get(node.func.id, 1)
                args = node.args[:count]
                if not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                           for a in args):
                    bad.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.func.id}() of "
                               "a non-literal")
    return bad


def read_po(path: Path = PO) -> Catalog:
    with path.open("rb") as f:
        return pofile.read_po(f, locale="zh_Hans_CN", domain="salesflow")


def write_po(catalog: Catalog, path: Path = PO) -> None:
    buf = io.BytesIO()
    pofile.write_po(buf, catalog, width=100, omit_header=False, sort_output=False,
                    include_previous=False)
    path.write_bytes(buf.getvalue())


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    mofile.write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def update() -> tuple[int, int]:
    """Merge the extracted strings into the .po: keep translations, add new ones empty.

    Strings no longer in the code are dropped (git keeps them). Returns (added, dropped).
    """
    catalog = read_po()
    found = extract()
    old = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}
    # The header as written (no dates that change on every run: fewer merge conflicts).
    fresh = Catalog(locale="zh_Hans_CN", domain="salesflow", project="salesflow",
                    header_comment=catalog.header_comment, fuzzy=False,
                    creation_date=catalog.creation_date, revision_date=catalog.revision_date,
                    last_translator="salesflow team", language_team="zh_Hans", charset="utf-8")

    def order(item: tuple[object, Message]) -> tuple[str, int]:
        path, _, line = item[1][2].rpartition(":")
        return path, int(line)

    for key, (ident, context, where) in sorted(found.items(), key=order):
        before = catalog.get(ident if isinstance(ident, str) else ident[0], context=context)
        path, _, line = where.rpartition(":")
        empty: str | tuple[str, str] = ("", "") if isinstance(ident, tuple) else ""
        fresh.add(ident, before.string if before is not None else empty,
                  locations=[(path, int(line))], context=context,
                  flags=before.flags if before is not None else ())
        del key
    write_po(fresh)
    return len(set(found) - old), len(old - set(found))


def problems(catalog: Catalog | None = None) -> list[str]:
    """What the completeness test fails on: missing, fuzzy, or placeholders that differ."""
    catalog = catalog if catalog is not None else read_po()
    out: list[str] = []
    for (msgid, context), (ident, _ctx, where) in extract().items():
        entry = catalog.get(msgid, context=context)
        label = f"{where}: {msgid!r}"
        if entry is None:
            out.append(f"{label}: missing")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            out.append(f"{label}: untranslated")
        elif entry.fuzzy:
            out.append(f"{label}: fuzzy")
        else:
            sources = ident if isinstance(ident, tuple) else (ident,)
            want = set().union(*(set(PLACEHOLDER.findall(s)) for s in sources))
            for s in strings:
                have = set(PLACEHOLDER.findall(s))
                if have != want:
                    out.append(f"{label}: placeholders {sorted(have)} != {sorted(want)}")
    return out


def fill(path: Path) -> int:
    """Write translations from a JSON file {msgid: msgstr} into the .po; returns how many."""
    import json

    catalog = read_po()
    done = 0
    for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
        context, _, bare = msgid.rpartition("\x04") if "\x04" in msgid else (None, "", msgid)
        entry = catalog.get(bare, context=context or None)
        if entry is None:
            print(f"not in the catalog: {msgid!r}", file=sys.stderr)
            continue
        entry.string = (text,) if isinstance(entry.id, tuple) else text
        entry.flags.discard("fuzzy")
        done += 1
    write_po(catalog)
    return done


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "missing"
    if command == "update":
        added, dropped = update()
        print(f"{PO.relative_to(REPO)}: {added} new, {dropped} dropped")
    elif command == "compile":
        MO.write_bytes(compiled(read_po()))
        print(f"wrote {MO.relative_to(REPO)}")
    elif command == "fill":
        print(f"{fill(Path(argv[1]))} translations written")
    elif command == "missing":
        found = problems() + non_literal_calls()
        print("\n".join(found) or "complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
