"""Deals in and out as table rows: CSV import from a CRM export, and export.

Import is planned completely before anything is written: every row becomes
either a deal (id, fields, the text of its file) or problems at its line and
column in the CSV file, so the command can refuse the whole file, or write
only the good rows when asked to. Values are converted per field, then checked
by the same models and cross-field checks as a hand-written deal file.

Pure: text in, rows and problems out. `salesflow.cli.transfer` reads the file
and writes the deals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from salesflow.model.constants import STATUSES
from salesflow.model.deal import DEAL_KEYS, Deal
from salesflow.model.errors import Problem, UsageError
from salesflow.model.fields import ID_PATTERN, parse_money
from salesflow.model.i18n import _
from salesflow.model.process import Process
from salesflow.team.importhistory import Events, HistoryProblem, build_history

# What a row may set, in the order a deal file lists it, then the events its
# history is made of: `created` (the first entry), `closed` (the date a won or
# lost deal closed) and `stage_date` (when it entered its stage). Keys
# starting with x- are the team's own.
IMPORT_FIELDS: tuple[str, ...] = (
    "name", "customer", "owner", "amount", "currency", "stage", "status", "expected_close",
    "segment", "product_line", "relationship", "procurement_step", "lost_reason", "notes",
    "created", "closed", "stage_date",
)
EVENT_FIELDS = ("created", "closed", "stage_date")
DATE_FIELDS = frozenset({"expected_close", *EVENT_FIELDS})
TEXT_FIELDS = frozenset({"name", "customer", "owner", "segment", "product_line", "notes"})
ANY = "*"
ID_MAX = 60
_ID_RE = re.compile(ID_PATTERN)
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                       "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                       "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"})


# ------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Table:
    """A CSV file: its header and its rows, each with the line it starts on."""

    path: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    problems: list[Problem] = field(default_factory=list)


def read_table(text: str, path: str) -> Table:
    """Rows of a CSV text (comma, semicolon or tab separated, as the header shows)."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) > len(header):
                problems.append(Problem(path, start, len(header) + 1,
                                        _("row has {n} cells but the header has {n2} "
                                          "columns").format(
                                            n=len(cells), n2=len(header)), "csv-cells"))
                continue
            rows.append((start, cells + [""] * (len(header) - len(cells))))
    except csv.Error as exc:
        problems.append(Problem(path, reader.line_num, 1, _("CSV syntax error: {exc}").format(
                                                              exc=exc), "csv"))
    if header is None:
        problems.append(Problem(path, 1, 1, _("the file has no header row: the first row must "
                                "name the columns"), "csv-header"))
        header = []
    return Table(path, header, rows, problems)


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class ImportSpec:
    """Which column feeds which field, and how CRM values translate."""

    columns: dict[str, tuple[int, ...]]  # field (or x- key) -> columns, first non-empty wins
    id_column: int | None = None
    stage_map: dict[str, str] = field(default_factory=dict)
    status_map: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)  # field -> value for empty cells
    won_to_won_stage: bool = False  # a won status puts the deal in the won stage
    reason_map: dict[str, str] = field(default_factory=dict)  # CRM loss reason -> ours

    def fields(self) -> list[str]:
        """Every field a row sets: the mapped ones, then those only a default gives.

        The status comes first, so that a won status can place the deal before
        its stage cell is read.
        """
        names = [*self.columns, *(k for k in self.defaults if k not in self.columns)]
        return sorted(names, key=lambda n: n != "status")


def _pairs(values: Iterable[str], option: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip():
            raise UsageError(_("{option} {value!r}: expected KEY=VALUE").format(
                                 option=option, value=value),
                             hint=_("e.g. {option} 'customer=Company name'").format(option=option))
        out.append((left.strip(), right.strip()))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def find_column(header: Sequence[str], name: str, option: str) -> int:
    """The index of a column named `name` (exact, else ignoring case); a usage error if none."""
    import difflib

    exact = [i for i, h in enumerate(header) if h == name]
    loose = exact or [i for i, h in enumerate(header) if h.lower() == name.lower()]
    if len(loose) == 1:
        return loose[0]
    if len(loose) > 1:
        raise UsageError(_("{option}: more than one column is named {name!r}").format(
                             option=option, name=name),
                         hint=_("rename one of them in the CSV file"))
    close = difflib.get_close_matches(name, list(header), n=1, cutoff=0.6)
    hint = _("did you mean {value!r}? ").format(value=close[0]) if close else ""
    raise UsageError(_("{option}: the file has no column {name!r}").format(
                         option=option, name=name),
                     hint=_("{hint}the columns are: {columns}").format(
                              hint=hint, columns=", ".join(repr(h) for h in header)))


def _check_field(name: str, option: str) -> None:
    import difflib

    if name not in IMPORT_FIELDS and not name.startswith("x-"):
        close = difflib.get_close_matches(name, IMPORT_FIELDS, n=1)
        raise UsageError(_("{option} {name}=...: {name!r} is not a field salesflow imports").format(
                             option=option, name=name)
                         + (_(" (did you mean {value!r}?)").format(
                                value=close[0]) if close else ""),
                         hint=_("fields: {import_fields}, or your own x-... key").format(
                                  import_fields=', '.join(IMPORT_FIELDS)))


def _columns(header: Sequence[str], name: str, value: str) -> tuple[int, ...]:
    """`A|B|C`: several columns, the first non-empty one wins (unless `A|B` is a column)."""
    if "|" in value and not any(h == value or h.lower() == value.lower() for h in header):
        parts = [p.strip() for p in value.split("|")]
        if not all(parts):
            raise UsageError(_("--map {name}={value}: an empty column name between '|'").format(
                                 name=name, value=value),
                             hint=_("e.g. --map {name}='close_value|sales_price'").format(
                                      name=name))
        return tuple(find_column(header, p, f"--map {name}") for p in parts)
    return (find_column(header, value, f"--map {name}"),)


def make_spec(header: Sequence[str], process: Process, *, maps: Iterable[str] = (),
              stage_maps: Iterable[str] = (), status_maps: Iterable[str] = (),
              date_formats: Iterable[str] = (), id_column: str | None = None,
              defaults: Iterable[str] = (), currency: str | None = None,
              won_to_won_stage: bool = False,
              reason_maps: Iterable[str] = ()) -> ImportSpec:
    """Check the command line against the file's header; usage errors say what to fix."""
    columns: dict[str, tuple[int, ...]] = {}
    for name, column in _pairs(maps, "--map"):
        _check_field(name, "--map")
        columns[name] = _columns(header, name, column)
    # columns named like a field (Amount, expected_close, x-crm-id) need no --map
    used = {i for cols in columns.values() for i in cols}
    for i, h in enumerate(header):
        key = h.strip() if h.strip().startswith("x-") else _norm(h)
        wanted = key in IMPORT_FIELDS or key.startswith("x-")
        if wanted and key not in columns and i not in used:
            columns[key] = (i,)
    given = dict(_pairs(defaults, "--default"))
    for name in given:
        _check_field(name, "--default")
    if currency is not None:
        code = _currency(currency, process)
        if code != process.currency:  # the process's own currency needs no key
            given.setdefault("currency", code)
    id_index: int | None = None
    if id_column is not None:
        id_index = find_column(header, id_column, "--id-column")
    elif "id" in [_norm(h) for h in header]:
        id_index = [_norm(h) for h in header].index("id")
    if "customer" not in columns and "customer" not in given:
        raise UsageError(_("no column for the customer: add --map customer=COLUMN"),
                         hint=_("the columns are: {columns}").format(
                                  columns=", ".join(repr(h) for h in header)))
    stage_map = dict(_pairs(stage_maps, "--stage-map"))
    for value, code in stage_map.items():
        if not process.has_stage(code):
            raise UsageError(_("--stage-map {value}={code}: {code!r} is not a stage code").format(
                                 value=value, code=code),
                             hint=_("use one of {codes}").format(codes=', '.join(process.codes)))
    status_map = dict(_pairs(status_maps, "--status-map"))
    for value, status in status_map.items():
        if status not in STATUSES:
            raise UsageError(_("--status-map {value}={status}: {status!r} is not a status").format(
                                 value=value, status=status),
                             hint=_("use one of {statuses}").format(statuses=', '.join(STATUSES)))
    formats = tuple(date_formats)
    for fmt in formats:
        try:
            dt.date(2027, 3, 31).strftime(fmt)
        except ValueError:
            raise UsageError(_("--date-format {fmt!r} is not a date format").format(fmt=fmt),
                             hint=_("use strftime codes, e.g. %d/%m/%Y or '%Y-%m-%d "
                                    "%H:%M'")) from None
    reason_map = dict(_pairs(reason_maps, "--lost-reason-map"))
    for value, reason in reason_map.items():
        if process.lost_reasons and reason not in process.lost_reasons:
            raise UsageError(_("--lost-reason-map {value}={reason}: {reason!r} is not one of "
                               "this process's lost reasons").format(value=value, reason=reason),
                             hint=_("use one of: {lost_reasons} (stages.yaml "
                                    "`lost_reasons`)").format(
                                      lost_reasons=', '.join(process.lost_reasons)))
    spec = ImportSpec(columns, id_index, stage_map, status_map, formats, given,
                      won_to_won_stage, reason_map)
    for name, value in given.items():
        try:
            _convert(name, value, spec, process)
        except _CellError as exc:
            raise UsageError(_("--default {name}={value}: {message}").format(
                                 name=name, value=value, message=exc.message)) from None
    return spec


def _currency(code: str, process: Process) -> str:
    """`--currency CODE`: a code the process can convert (its own, or one with a rate)."""
    text = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise UsageError(_("--currency {code!r}: expected a three-letter currency code "
                           "such as USD or EUR").format(code=code))
    if process.rate(text) is None:
        raise UsageError(_("--currency {text}: stages.yaml reports in {currency} and has "
                           "no exchange rate for {text}").format(
                             text=text, currency=process.currency),
                         hint=_("add `{text}: <value of 1 {text} in {currency}>` under "
                                "`rates:` in stages.yaml, then import again").format(
                                  text=text, currency=process.currency))
    return text


# ------------------------------------------------------------------ the rows


@dataclass(frozen=True)
class PlannedDeal:
    """One good row: the deal file it becomes."""

    line: int
    id: str
    deal: Deal
    fields: dict[str, Any]  # what the file sets, in file order
    history: list[dict[str, Any]]  # its entries, oldest first
    undated: bool = False  # won or lost without a close date: closed on the import date
    data: dict[str, Any] = field(default_factory=dict)  # the file's data, as YAML reads it
    matched: bool = False  # `import --update`: the row is this existing deal
    events: Events = field(default_factory=Events)

    @property
    def created(self) -> dt.date:
        date: dt.date = self.history[0]["date"]
        return date


class _CellError(Exception):
    def __init__(self, message: str, code: str = "import-value") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def slugify(text: str) -> str:
    """A deal id from a name: ASCII-folded, lowercase, words joined by '-'.

    Letters with accents lose them (Müller -> muller); scripts without an ASCII
    form (Chinese, Cyrillic, ...) are dropped, so such a name may give "".
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(slug) > ID_MAX:
        cut = slug[:ID_MAX]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")
    return slug


def _lookup(mapping: dict[str, str], value: str) -> str | None:
    if value in mapping:
        return mapping[value]
    for key, target in mapping.items():
        if key.lower() == value.lower() and key != ANY:
            return target
    return None


def parse_amount(value: str) -> Decimal:
    """An amount as CRMs export it: `1,250,000.50`, `$1250000`, `1 250 000 CNY` are fine."""
    text = value.strip()
    text = re.sub(r"^[A-Z]{3}\s*|\s*[A-Z]{3}$", "", text)
    text = text.strip("$€£¥￥ \u00a0")
    text = re.sub(r"(?<=\d)[,_ \u00a0'](?=\d{3}\b)", "", text)
    try:
        return parse_money(text)
    except PydanticCustomError as exc:
        raise _CellError(exc.message().replace(repr(text), repr(value))) from None


def parse_date(value: str, formats: tuple[str, ...]) -> dt.date:
    """A date in one of `formats`, else ISO (a time after the date is ignored)."""
    text = value.strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if not formats:
        match = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$", text)
        if match:
            try:
                return dt.date.fromisoformat(match.group(1))
            except ValueError:
                pass
        raise _CellError(_("{value!r} is not a date like 2027-03-31; for other layouts "
                           "give --date-format, e.g. --date-format %d/%m/%Y").format(
                             value=value), "import-date")
    raise _CellError(_("{value!r} does not match --date-format {formats}").format(
                         value=value, formats=_(" or ").join(repr(f) for f in formats)),
                     "import-date")


def _stage(value: str, spec: ImportSpec, process: Process) -> str:
    text = value.strip()
    mapped = _lookup(spec.stage_map, text)
    if mapped is not None:
        return mapped
    if text and process.has_stage(text):
        return text
    if ANY in spec.stage_map:
        return spec.stage_map[ANY]
    if not text:
        raise _CellError(_("the stage is empty; give every row a stage, or --stage-map '*=CODE' "
                         "for a default"), "import-stage")
    raise _CellError(_("{text!r} is not a stage code (expected one of {codes}); "
                       "translate it with --stage-map '{text}=CODE'").format(
                         text=text, codes=', '.join(process.codes)), "import-stage")


def _status(value: str, spec: ImportSpec) -> str | None:
    text = value.strip()
    mapped = _lookup(spec.status_map, text)
    if mapped is not None:
        return mapped
    if text in STATUSES:
        return text
    if ANY in spec.status_map:
        return spec.status_map[ANY]
    if not text:
        return None
    raise _CellError(_("{text!r} is not a status (expected one of {statuses}); "
                       "translate it with --status-map '{text}=STATUS'").format(
                         text=text, statuses=', '.join(STATUSES)), "import-status")


def _convert(name: str, raw: str, spec: ImportSpec, process: Process) -> Any:
    if name == "stage":
        return _stage(raw, spec, process)
    if name == "status":
        return _status(raw, spec)
    if name == "customer" and not raw.strip():
        raise _CellError(_("the customer is empty: every deal needs one"), "import-customer")
    if raw == "" or (name not in TEXT_FIELDS and not name.startswith("x-") and not raw.strip()):
        return None
    if name == "amount":
        return parse_amount(raw)
    if name in DATE_FIELDS:
        return parse_date(raw, spec.date_formats)
    if name == "currency":
        return raw.strip().upper()
    if name == "lost_reason":
        text = raw.strip()
        mapped = _lookup(spec.reason_map, text)
        if mapped is not None:
            return mapped
        for reason in process.lost_reasons:  # `Price`, `No budget` are the process's own
            if slugify(text) == reason:
                return reason
        return spec.reason_map.get(ANY, text)
    if name in TEXT_FIELDS or name.startswith("x-"):
        return raw
    return raw.strip()


@dataclass(frozen=True)
class Stamp:
    """Who imports, when, and the note on each deal's first history entry."""

    today: dt.date
    author: str
    note: str | None = None


def _cell(cells: list[str], columns: tuple[int, ...]) -> tuple[str, int | None]:
    """The first non-empty cell of `columns` (else the first one's), and its column."""
    for column in columns:
        if cells[column].strip():
            return cells[column], column
    return (cells[columns[0]], columns[0]) if columns else ("", None)


def plan_rows(table: Table, spec: ImportSpec, process: Process, existing: set[str],
              *, stamp: Stamp | None = None, progress: Callable[[int], None] | None = None,
              update: dict[str, str] | None = None,
              ) -> tuple[list[PlannedDeal], list[Problem]]:
    """Every row as a planned deal or as problems; ids are unique against `existing`.

    With `update` (the id cell -> the existing deal it names, from the deals'
    id keys), a row whose id names an existing deal, by that map or by the
    file name, is planned as that deal (`matched`) instead of refused.
    """
    from salesflow.files.yamlio import Marks, problems_from_validation
    from salesflow.method.checks import check_deal

    stamp = stamp or Stamp(dt.date.today(), "salesflow")
    names = dict(enumerate(table.header))
    taken = set(existing)
    seen: dict[str, int] = {}  # deal id -> the line that gave it
    planned: list[PlannedDeal] = []
    problems: list[Problem] = list(table.problems)
    won = process.won.code
    wanted = spec.fields()
    for line, cells in table.rows:
        row_problems: list[Problem] = []

        def at(column: int | None, message: str, code: str, line: int = line) -> Problem:
            if column is None:
                return Problem(table.path, line, 1, message, code)
            return Problem(table.path, line, column + 1,
                           _("column {value!r}: {message}").format(
                               value=names[column], message=message), code)

        values: dict[str, Any] = {}
        source: dict[str, int | None] = {}
        for name in wanted:
            if name == "stage" and spec.won_to_won_stage and values.get("status") == "won":
                values["stage"] = won
                continue
            raw, column = _cell(cells, spec.columns.get(name, ()))
            if not raw.strip() and name in spec.defaults:
                raw, column = spec.defaults[name], None
            source[name] = column
            try:
                values[name] = _convert(name, raw, spec, process)
            except _CellError as exc:
                row_problems.append(at(column, exc.message, exc.code))
        if "stage" not in wanted:
            values["stage"] = spec.stage_map.get(ANY, process.first.code)
        if values.get("status") is None and values.get("stage") is not None:
            values["status"] = "won" if values["stage"] == won else "open"
        events = Events(*(values.pop(k, None) for k in EVENT_FIELDS))
        fields = {k: values[k] for k in DEAL_KEYS if values.get(k) is not None}
        fields.update({k: v for k, v in values.items() if k.startswith("x-") and v is not None})

        deal: Deal | None = None
        history: list[dict[str, Any]] = []
        data: dict[str, Any] = {}
        undated = False
        if not row_problems:
            try:
                history, undated = build_history(
                    fields["stage"], fields["status"], events, process, today=stamp.today,
                    author=stamp.author, note=stamp.note, lost_reason=fields.get("lost_reason"))
            except HistoryProblem as exc:
                row_problems.append(at(source.get(exc.field), exc.message, "import-history"))
        if not row_problems:
            marks = Marks(values={(): (line - 1, 0)})
            for name, column in source.items():
                if column is not None:
                    marks.values[(name,)] = (line - 1, column)
            data = {k: (v.isoformat() if isinstance(v, dt.date) else v)
                    for k, v in fields.items()}
            data["history"] = [{k: (v.isoformat() if isinstance(v, dt.date) else v)
                                for k, v in entry.items()} for entry in history]
            try:
                deal = Deal.model_validate(data)
            except ValidationError as exc:
                for p in problems_from_validation(exc.errors(include_url=False), marks,
                                                  table.path):
                    row_problems.append(_in_column(p, names, source))
            if deal is not None:
                for finding in check_deal(deal, process):
                    row_line, col = marks.locate(finding.loc)
                    message = finding.message
                    if finding.code == "unknown-lost-reason":
                        message += (_("; translate it with --lost-reason-map "
                                      "'{lost_reason}=REASON'").format(
                                        lost_reason=deal.lost_reason))
                    row_problems.append(_in_column(
                        Problem(table.path, row_line, col, message, finding.code),
                        names, source))

        matched = False
        if update is not None and spec.id_column is not None:
            raw_id = cells[spec.id_column].strip()
            known = update.get(raw_id) or (
                raw_id if raw_id in existing else slugify(raw_id) if slugify(raw_id) in existing
                else None)
            if known is not None:
                matched = True
                deal_id: str | tuple[int, str] = known
                if known in seen:
                    deal_id = (spec.id_column, _("deal {known!r} is given by line "
                                                 "{value} too: one row per deal").format(
                                                   known=known, value=seen[known]))
        if not matched:
            deal_id = _assign_id(cells, spec, fields, line, taken)
        if isinstance(deal_id, tuple):
            row_problems.append(at(deal_id[0], deal_id[1], "import-id"))
        elif not row_problems and deal is not None:
            taken.add(deal_id)
            seen[deal_id] = line
            planned.append(PlannedDeal(line, deal_id, deal, fields, history, undated, data,
                                       matched, events))
        problems.extend(row_problems)
        if progress is not None:
            progress(1)
    return planned, problems


def _in_column(problem: Problem, names: dict[int, str], source: dict[str, int | None],
               ) -> Problem:
    """Name the column a model problem came from (the column number is in `col`)."""
    column = problem.col - 1
    if column in names and column in source.values() and problem.line:
        return Problem(problem.path, problem.line, problem.col,
                       _("column {value!r}: {message}").format(
                           value=names[column], message=problem.message), problem.code)
    return problem


def _assign_id(cells: list[str], spec: ImportSpec, fields: dict[str, Any], line: int,
               taken: set[str]) -> str | tuple[int, str]:
    """The row's deal id, or (column, message) when its id column gives none."""
    if spec.id_column is not None and cells[spec.id_column].strip():
        raw = cells[spec.id_column].strip()
        deal_id = raw if _ID_RE.fullmatch(raw) and len(raw) <= 120 else slugify(raw)
        if not deal_id:
            return spec.id_column, _("{raw!r} gives no usable deal id").format(raw=raw)
        if deal_id in taken:
            return spec.id_column, (_("deal id {deal_id!r} is already taken (by an "
                                      "existing deal or an earlier row)").format(deal_id=deal_id))
        return deal_id
    base = slugify(str(fields.get("name") or "")) or slugify(str(fields.get("customer") or ""))
    base = base or f"deal-{line}"
    deal_id, n = base, 1
    while deal_id in taken:
        n += 1
        deal_id = f"{base}-{n}"
    return deal_id
