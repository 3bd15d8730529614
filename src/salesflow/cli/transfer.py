"""Commands that move deals in and out as rows: import (CSV) and export (CSV, JSON)."""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer

from salesflow.cli._common import check_status, handle_errors, overview, pick, root
from salesflow.cli.app import app
from salesflow.model.i18n import _


class ExportFormat(enum.StrEnum):
    """Output formats of `export`."""

    csv = "csv"
    json = "json"


@app.command("import")
@handle_errors
def import_(
    file: Path = typer.Argument(..., metavar="FILE.csv", help="The CSV file (first row: the "
                                "column names; comma, semicolon or tab separated)."),
    maps: list[str] = typer.Option(None, "--map", "-m", metavar="FIELD=COLUMN",
                                   help="Which column feeds a field (repeatable); "
                                   "'amount=A|B' takes the first non-empty of A and B. "
                                   "Columns named like a field (customer, Amount, x-crm-id) "
                                   "need none. Events: created, closed, stage_date."),
    stage_maps: list[str] = typer.Option(None, "--stage-map", metavar="VALUE=CODE",
                                         help="Translate a stage value to a stage code "
                                         "(repeatable); '*=CODE' for every other value."),
    status_maps: list[str] = typer.Option(None, "--status-map", metavar="VALUE=STATUS",
                                          help="Translate a value to open, won, lost or hold "
                                          "(repeatable); '*=open' for every other value."),
    reason_maps: list[str] = typer.Option(None, "--lost-reason-map", metavar="VALUE=REASON",
                                          help="Translate the CRM's loss reason to one of "
                                          "stages.yaml's lost_reasons (repeatable; '*=...')."),
    defaults: list[str] = typer.Option(None, "--default", metavar="FIELD=VALUE",
                                       help="The value of a field where its column is empty "
                                       "(or not there), e.g. customer='Unknown account'."),
    joins: list[Path] = typer.Option(None, "--join", metavar="FILE.csv",
                                     help="Add this file's columns to each row by key "
                                     "(repeatable; each needs an --on)."),
    ons: list[str] = typer.Option(None, "--on", metavar="COLUMN[=COLUMN]",
                                  help="The key of the --join before it: a column of the "
                                  "import file [= the column of the joined file]."),
    currency: str | None = typer.Option(None, "--currency", metavar="CODE",
                                        help="The currency of the file's amounts (stages.yaml "
                                        "must have it or a rate for it)."),
    date_formats: list[str] = typer.Option(None, "--date-format", metavar="FMT",
                                           help="strftime layout of dates, e.g. %d/%m/%Y "
                                           "(repeatable, tried in order). Default: ISO."),
    id_column: str | None = typer.Option(None, "--id-column", metavar="COLUMN",
                                         help="Take deal ids from this column (default: a "
                                         "column named id, else made from the deal name)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="The file's text encoding, "
                                 "e.g. gbk or cp1252 (a UTF-8 BOM is fine)."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Write the good rows and list the "
                                  "bad ones (exit 1) instead of writing nothing."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and show the deals "
                                 "that would be created; write nothing."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every bad row as "
                                 "FILE:LINE:COLUMN instead of each distinct problem once."),
    update: bool = typer.Option(False, "--update", help="Sync: rows whose id names an existing "
                                "deal change only what changed in the CRM (new rows are "
                                "added; nothing is deleted; milestones, people, needs and "
                                "steps are never touched)."),
    preset: str | None = typer.Option(None, "--preset", metavar="CRM",
                                      help="The mapping of a CRM's standard export: hubspot, "
                                      "salesforce or pipedrive (options given win)."),
    kind: str = typer.Option("deal", "--kind", metavar="deal|account",
                             help="account: one account file per row (name, id, tier, "
                             "segment, relationship, owner, notes) and deals linked to them "
                             "by customer name."),
) -> None:
    """Create one deal file per row of a CSV file, e.g. a CRM export.

    Every row is checked before anything is written, and nothing is written
    unless all rows are good (or --skip-bad). Each distinct problem is shown
    once with its row count and first rows (--verbose: every row as
    FILE:LINE:COLUMN). Stage and status values from the CRM are translated
    with --stage-map/--status-map; created/closed/stage_date columns become
    the deals' history, so stats and --as-of read the import truthfully.

    With --kind account each row is an account instead (see `salesflow
    account`); deals whose customer is its name are linked with `account:`.

    Example: salesflow import hubspot-deals.csv --preset hubspot --currency USD
    """
    if kind != "deal":
        from salesflow.cli.account_import import import_accounts

        import_accounts(_read_text(file, encoding), str(file), kind, maps or [],
                        dry_run=dry_run)
        return
    import datetime as dt

    from salesflow.files.guard import make_folders
    from salesflow.files.load import load_process
    from salesflow.files.newdeal import deal_text_with_history
    from salesflow.files.workspace import (
        DEALS_DIR,
        deal_id_of,
        deal_paths,
        default_author,
        relative,
    )
    from salesflow.files.yamlio import write_new_batch
    from salesflow.model.errors import DataError, Problem, UsageError
    from salesflow.output.render import money, output
    from salesflow.team.importreport import grouped
    from salesflow.team.joins import Join, join_all, parse_on
    from salesflow.team.teamsetup import schema_header
    from salesflow.team.transfer import Stamp, make_spec, plan_rows, read_table

    base = root()
    process = load_process(base)
    shown = str(file)
    table = read_table(_read_text(file, encoding), shown)
    joins, ons = joins or [], ons or []
    if len(joins) != len(ons):
        raise UsageError(_("{joins} --join but {ons} --on: give each --join FILE its key "
                           "with --on COLUMN[=COLUMN]").format(joins=len(joins), ons=len(ons)),
                         hint=_("e.g. --join products.csv --on product"))
    if joins:
        plans = [Join(read_table(_read_text(j, encoding), str(j)), *parse_on(on))
                 for j, on in zip(joins, ons, strict=True)]
        table, notes = join_all(table, plans)
        for note in notes:
            output.note(note)
    won_to_won = False
    maps, stage_maps, status_maps = maps or [], stage_maps or [], status_maps or []
    date_formats = date_formats or []
    if preset is not None:
        from salesflow.team.presets import apply_preset

        filled = apply_preset(preset, table.header, process, maps=maps, stage_maps=stage_maps,
                              status_maps=status_maps, date_formats=date_formats,
                              id_column=id_column, rows=[c for _line, c in table.rows])
        maps, stage_maps, status_maps = filled.maps, filled.stage_maps, filled.status_maps
        date_formats, id_column = filled.date_formats, filled.id_column
        won_to_won = filled.won_to_won_stage
        for note in filled.notes:
            output.note(note)
    spec = make_spec(table.header, process, maps=maps, stage_maps=stage_maps,
                     status_maps=status_maps, date_formats=date_formats,
                     id_column=id_column, defaults=defaults or [], currency=currency,
                     won_to_won_stage=won_to_won, reason_maps=reason_maps or [])
    existing = {deal_id_of(p) for p in deal_paths(base)}
    ids: dict[str, str] | None = None
    if update:
        ids = _crm_ids(base, spec, table.header)
    today = dt.date.today()
    stamp = Stamp(today, default_author(base), f"imported from {file.name}")
    with output.progress(len(table.rows), _("checking rows")) as advance:
        planned, problems = plan_rows(table, spec, process, existing, stamp=stamp,
                                      progress=advance, update=ids)

    header = schema_header(base, f"{DEALS_DIR}/x.yaml")  # the same for every deal file
    files: list[tuple[str, bytes]] = []
    for row in planned:
        if row.matched:
            continue
        rel = f"{DEALS_DIR}/{row.id}.yaml"
        body = (header + deal_text_with_history(row.fields, row.history)).encode()
        found = _unfaithful(body, rel, row.data, row.deal, process)
        if found:  # a value the checks let through but the file cannot hold
            problems.extend(Problem(shown, row.line, 1, _("cannot be written as {path}: "
                                                          "{message}").format(
                path=rel, message=p.message), p.code) for p in found)
            continue
        files.append((rel, body))

    bad_rows = len({p.line for p in problems})
    if problems:
        for line in (map(str, problems) if verbose else grouped(problems)):
            output.note(line)
        if not skip_bad and not dry_run:
            raise DataError(_("{n:,} problem(s) in {bad_rows:,} row(s) of {shown}; nothing "
                              "was written").format(
                                n=len(problems), bad_rows=bad_rows, shown=shown),
                            hint=_("fix the rows (or the --map/--stage-map options), try "
                            "--dry-run, or pass --skip-bad to import only the good rows")
                            + ("" if verbose else _("; --verbose lists every row")))
    written_rels = {rel for rel, _data in files}
    undated = [r for r in planned if r.undated and f"{DEALS_DIR}/{r.id}.yaml" in written_rels]

    if update:
        _sync(base, file, planned, files, problems, dry_run=dry_run, today=today,
              author=stamp.author)
        _undated_note(undated, today, "would be" if dry_run else "is")
        if problems:
            output.note(_("{bad_rows} bad row(s) skipped (listed above)").format(
                            bad_rows=bad_rows))
        raise typer.Exit(1 if problems else 0)

    if dry_run:
        grid = output.table("Row", "ID", "Customer", "Stage", "Status", "Amount",
                            right=("Row", "Amount"))
        for row in planned:
            if f"{DEALS_DIR}/{row.id}.yaml" in written_rels:
                d = row.deal
                grid.add_row(str(row.line), row.id, d.customer, d.stage, d.status,
                             money(d.amount) if d.amount is not None else "")
        output.print(grid)
        _undated_note(undated, today, "would be")
        output.note(_("dry run: {n} deal(s) would be created in {deals_dir}/").format(
                        n=len(files), deals_dir=DEALS_DIR)
                    + (_(", {bad_rows} bad row(s) left out").format(
                           bad_rows=bad_rows) if problems else "")
                    + _("; nothing was written"))
        raise typer.Exit(1 if problems else 0)

    from salesflow.files.lock import workspace_lock

    (base / DEALS_DIR).mkdir(exist_ok=True)
    for folder in sorted({(base / rel).parent for rel, _data in files}):
        make_folders(folder, [base], relative(base, folder))  # a symlinked deals/: refused
    try:
        with (_deferred_interrupts() as stop_if_asked, workspace_lock(base),
              output.progress(len(files), _("writing deals")) as advance):
            write_new_batch([(base / rel, data) for rel, data in files],
                            before_each=stop_if_asked, progress=advance)
    except OSError as exc:  # every file written so far was removed: all or nothing
        what = (_("{filename} appeared meanwhile").format(
                    filename=exc.filename) if isinstance(exc, FileExistsError)
                else f"{exc.strerror or exc}: {exc.filename or ''}")
        raise DataError(_("import stopped: {what}; nothing was written (the files already "
                          "written were removed)").format(what=what),
                        hint=_("run the import again")) from None
    output.text(_("imported {n} deal(s) from {shown} into {deals_dir}/").format(
                    n=len(files), shown=shown, deals_dir=DEALS_DIR))
    _undated_note(undated, today, "is")
    if problems:
        output.note(_("{bad_rows} bad row(s) skipped (listed above)").format(bad_rows=bad_rows))
        raise typer.Exit(1)


def _crm_ids(base: Path, spec: Any, header: list[str]) -> dict[str, str]:
    """`--update`: the id cell of each existing deal, from its `x-...` key of the id column."""
    from salesflow.files.load import load_workspace
    from salesflow.model.errors import UsageError

    if spec.id_column is None:
        raise UsageError(_("import --update matches rows to deals by the CRM's id: give its "
                           "column with --id-column COLUMN (a preset names it)"),
                         hint=_("e.g. --id-column 'Record ID' -m x-crm-id='Record ID'"))
    keys = [name for name, cols in spec.columns.items()
            if name.startswith("x-") and cols == (spec.id_column,)]
    if not keys:
        return {}
    ws = load_workspace(base)
    out: dict[str, str] = {}
    for item in ws.deals:
        value = item.deal.extensions.get(keys[0])
        if value is not None:
            out[str(value).strip()] = item.id
    return out


def _sync(base: Path, file: Path, planned: list[Any], files: list[tuple[str, bytes]],
          problems: list[Any], *, dry_run: bool, today: Any, author: str) -> None:
    """`import --update`: add the new deals and edit the changed ones, all or nothing."""
    from salesflow.files.guard import write_file
    from salesflow.files.load import load_workspace
    from salesflow.files.lock import workspace_lock
    from salesflow.files.update import plan_update
    from salesflow.files.workspace import DEALS_DIR
    from salesflow.files.yamlio import write_atomic, write_new_batch
    from salesflow.method.transitions import Context
    from salesflow.model.errors import DataError
    from salesflow.output.render import output
    from salesflow.team.sync import changed_fields, sync_change

    current = {item.id: item for item in load_workspace(base).deals}
    matched = [r for r in planned if r.matched]
    changed = [r for r in matched if r.id not in current
               or changed_fields(current[r.id].deal, r.deal, r.fields)]

    def compute(row: Any) -> Any:
        def change(deal: Any, data: Any, process: Any) -> Any:
            return sync_change(deal, data, process, Context(row.id, today, author), row.deal,
                               row.fields, closed=row.events.closed,
                               stage_date=row.events.stage_date,
                               note=f"updated from {file.name}")
        return change

    def plans() -> list[Any]:
        outcomes = [plan_update(base, f"{DEALS_DIR}/{r.id}.yaml", compute(r)) for r in changed]
        return [o for o in outcomes if not o.change.empty]

    outcomes = plans()
    summary = _sync_summary(len(files), len(outcomes), len(matched) - len(outcomes))
    if dry_run:
        for o in outcomes:
            output.text(o.change.summary)
        for rel, _data in files:
            deal_id = rel.removeprefix(DEALS_DIR + "/").removesuffix(".yaml")
            output.text(_("{id}: new").format(id=deal_id))
        output.note(_("dry run: {summary}; nothing was written").format(summary=summary))
        return
    bom = b"\xef\xbb\xbf"
    done: list[tuple[Path, bytes]] = []
    try:
        with (_deferred_interrupts() as stop_if_asked, workspace_lock(base),
              output.progress(len(files) + len(outcomes), _("writing deals")) as advance):
            outcomes = plans()  # again, under the lock: a hand edit may have landed
            (base / DEALS_DIR).mkdir(exist_ok=True)
            write_new_batch([(base / rel, data) for rel, data in files],
                            before_each=stop_if_asked, progress=advance)
            try:
                for o in outcomes:
                    stop_if_asked()
                    target = (base / o.path).resolve()
                    head = bom if o.bom else b""
                    write_file(target, head + o.after.encode("utf-8"), within=[base],
                               shown=o.path)
                    done.append((target, head + o.before.encode("utf-8")))
                    advance(1)
            except BaseException:
                for target, before in reversed(done):  # put back what was there
                    write_atomic(target, before)
                for rel, _data in files:
                    (base / rel).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise DataError(_("import stopped: {what}: {file}; nothing was changed (what was "
                          "written was put back)").format(what=exc.strerror or exc,
                                                          file=exc.filename or ""),
                        hint=_("run the import again")) from None
    output.text(_sync_summary(len(files), len(outcomes), len(matched) - len(outcomes)))


def _sync_summary(new: int, updated: int, unchanged: int) -> str:
    """`12 new, 37 updated, 8,751 unchanged`."""
    return _("{new} new, {updated} updated, {unchanged} unchanged").format(
        new=f"{new:,}", updated=f"{updated:,}", unchanged=f"{unchanged:,}")


def _unfaithful(body: bytes, rel: str, data: dict[str, Any], deal: Any,
                process: Any) -> list[Any]:
    """Problems if the written text would not read back as the planned deal (else none).

    The fast check (the C parser, no marks: the very data that was validated)
    answers for nearly every file; a file that fails it is parsed again with
    marks and validated, for exact problems.
    """
    from salesflow.files.parse import parse_deal
    from salesflow.files.yamlio import parse_data
    from salesflow.model.errors import Problem

    try:
        if data and parse_data(body, rel) == data:
            return []
    except Exception:  # any doubt: the exact, slow path below decides
        pass
    back, found = parse_deal(body, rel, process)
    if back is None:
        return found
    if back != deal:
        return [Problem(rel, 0, 0, _("the file would not read back as the row's values"),
                        "import-roundtrip")]
    return []


def _undated_note(undated: list[Any], today: Any, verb: str) -> None:
    """Say how many won/lost deals had no close date and got the import date."""
    from salesflow.output.render import output

    if not undated:
        return
    lost = sum(1 for r in undated if r.deal.status == "lost")
    won = len(undated) - lost
    parts = [_("{n} lost").format(n=f"{lost:,}") if lost else "",
             _("{n} won").format(n=f"{won:,}") if won else ""]
    what = _(" and ").join(p for p in parts if p)
    message = (_("{what} deal(s) have no close date: the close would be dated {today}, the "
                 "import date (map one with --map closed=COLUMN)") if verb == "would be" else
               _("{what} deal(s) have no close date: the close is dated {today}, the import "
                 "date (map one with --map closed=COLUMN)"))
    output.note(message.format(what=what, today=today))


def _read_text(file: Path, encoding: str) -> str:
    """A CSV file's text; a usage or data error a person can act on if it cannot be read."""
    from salesflow.model.errors import DataError, UsageError

    shown = str(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise UsageError(_("no such file: {shown}").format(shown=shown)) from None
    except IsADirectoryError:
        raise UsageError(_("{shown} is a folder, not a CSV file").format(shown=shown)) from None
    codec = _text_codec(encoding)
    content = raw
    if codec == "utf-8" and raw.startswith(b"\xef\xbb\xbf"):
        content = raw[3:]  # a spreadsheet's BOM: not part of the first cell
    try:
        text = content.decode(codec)
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise DataError(_("{shown}:{line}: byte 0x{value:02x} is not {encoding}").format(
                            shown=shown, line=line, value=content[exc.start], encoding=encoding),
                        hint=_("give the file's encoding with --encoding (e.g. gbk or cp1252), "
                        "or save it as UTF-8")) from None
    except (UnicodeError, ValueError) as exc:  # a codec that refuses to decode at all
        raise UsageError(_("--encoding {encoding!r} cannot decode text: {exc}").format(
                             encoding=encoding, exc=exc),
                         hint=_("e.g. utf-8, gbk, cp1252, latin-1")) from None
    if "\x00" in text:
        raise DataError(_("{shown} contains NUL bytes: it is not a CSV text file").format(
                            shown=shown),
                        hint=_("export it from the spreadsheet as CSV (UTF-8)"))
    return text


@app.command()
@handle_errors
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", "-f", help="csv or json."),
    stage: list[str] = typer.Option(None, "--stage", "-s", help="Only these stage codes "
                                    "(repeatable)."),
    owner: list[str] = typer.Option(None, "--owner", "-o", help="Only these owners "
                                    "(repeatable)."),
    status: str = typer.Option("all", "--status", help="open, won, lost, hold or all."),
    segment: list[str] = typer.Option(None, "--segment", help="Only these segments "
                                      "(repeatable)."),
    product_line: list[str] = typer.Option(None, "--product-line", help="Only these product "
                                           "lines (repeatable)."),
    safe_csv: bool = typer.Option(False, "--safe-csv", help="Prefix cells starting with = + "
                                  "- @ (or tab, CR) with ' so a spreadsheet never runs them "
                                  "as formulas; such cells no longer import back unchanged."),
) -> None:
    """Write the pipeline out, one row per deal, in the columns `salesflow import` reads.

    Columns: id, name, customer, owner, amount, currency, stage, status,
    expected_close, segment, product_line, relationship, procurement_step,
    lost_reason, notes, created (the first history date), then the deals' own
    x- keys. Importing the file into an empty workspace gives the same export.

    With --safe-csv, cells that a spreadsheet would take for a formula are
    prefixed with ' (for opening in Excel; the file no longer round-trips).

    Example: salesflow export --status open --owner li.wei > open-deals.csv
    """
    from salesflow.output.render import output
    from salesflow.team.exporting import EXPORT_FIELDS, cell, export_row

    check_status(status)
    ws = overview()
    items = pick(ws.deals, ws.process, status=status, stage=stage, owner=owner,
                 segment=segment, product_line=product_line)
    items.sort(key=lambda i: i.id)
    rows = [export_row(i) for i in items]
    # the team's own keys, where some deal gives one a value (an empty cell reads back as unset)
    # (a row has more keys than EXPORT_FIELDS only when the deal has x- keys)
    fixed = len(EXPORT_FIELDS)
    own = sorted({k for r in rows if len(r) > fixed
                  for k, v in r.items() if k.startswith("x-") and cell(v)})
    columns = [*EXPORT_FIELDS, *own]
    if fmt == ExportFormat.json:
        output.json([{k: r.get(k) for k in columns} for r in rows])
    elif safe_csv:
        output.csv(columns, ([defuse(cell(r.get(k))) for k in columns] for r in rows))
    else:  # most cells are text already: cell() only for the others (same text)
        output.csv(columns, ([v if (v := r.get(k)).__class__ is str else cell(v)
                              for k in columns] for r in rows))
    raise typer.Exit(1 if ws.problems else 0)


def defuse(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ tab or CR gets a '.

    OWASP's advice against CSV ("formula") injection. The price: the cell is
    no longer the exact value, so `--safe-csv` files are for people, and a
    plain export is what `salesflow import` reads back unchanged (a negative
    number such as -5 gets the ' too).
    """
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@contextlib.contextmanager
def _deferred_interrupts() -> Iterator[Callable[[], None]]:
    """Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop the import between files.

    A signal only sets a flag; the loop checks it before each file, so no
    write is ever cut in half and the list of files written is always exact,
    and the import can remove them all: nothing or everything is imported.
    """
    import signal

    asked: list[int] = []

    def remember(signum: int, frame: Any) -> None:
        asked.append(signum)

    def stop_if_asked() -> None:
        if asked:
            raise KeyboardInterrupt

    wanted = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None),
                          getattr(signal, "SIGHUP", None)) if s is not None]
    try:
        old = {s: signal.signal(s, remember) for s in wanted}
    except ValueError:  # not the main thread: leave the signals alone
        yield stop_if_asked
        return
    try:
        yield stop_if_asked
        stop_if_asked()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _text_codec(encoding: str) -> str:
    """The codec name for --encoding; refuses unknown names and non-text codecs (base64)."""
    import codecs

    from salesflow.model.errors import UsageError

    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise UsageError(_("--encoding {encoding!r} is not an encoding Python knows (or "
                           "not one for text)").format(encoding=encoding),
                         hint=_("e.g. utf-8, gbk, cp1252, latin-1"))
    return "utf-8" if info.name in ("utf-8", "utf-8-sig") else info.name
