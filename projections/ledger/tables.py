"""The bundle's events as tables auditors open: events.csv and events.xlsx.

One row per exported event, carrying its log position and its leaf hash (the base64 hash the
event's inclusion proof ends in), then the envelope's fields as text. `check_table` compares
every cell with what the event's signed bytes say, so a changed cell is named by file, row and
column even when the manifest was rewritten to match."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl

from projections.db import Database

COLUMNS = ("position", "leaf_hash", "type", "initiative", "actor", "effective_at",
           "recorded_at", "backdated", "summary", "attestation", "data")
CSV_FILE, XLSX_FILE = "events.csv", "events.xlsx"
TABLE_FILES = (CSV_FILE, XLSX_FILE)
# A spreadsheet runs a cell starting with one of these as a formula: such cells are written
# with a leading apostrophe in CSV (and as plain strings in XLSX); the check strips it again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


DECISION_COLUMNS = ("position", "leaf_hash", "id", "title", "status", "scope", "effective_at",
                    "recorded_at", "actor", "decided_by", "option", "options", "rationale",
                    "basis", "proposal", "escalation", "supersedes", "superseded_by", "revoked",
                    "attestation")
SELECT_LEAVES = "SELECT position, leaf FROM tandem_ledger_leaves WHERE position IN ({marks})"
CHUNK = 500


def leaf_hashes(db: Database, positions: Iterable[int]) -> dict[int, str]:
    """The leaf hash (base64, as in proofs) of each event at these positions that the audit
    ledger holds already."""
    wanted = sorted(set(positions))
    found: dict[int, str] = {}
    with db.connect() as conn:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            sql = SELECT_LEAVES.format(marks=", ".join("?" for _ in chunk))
            for row in conn.all(sql, tuple(chunk)):
                found[int(row["position"])] = base64.b64encode(
                    bytes.fromhex(row["leaf"])).decode()
    return found


def decision_rows(decisions: Iterable[Mapping[str, Any]],
                  hashes: Mapping[int, str]) -> list[list[str]]:
    """The decision register as table rows, each with its log position and leaf hash."""
    return [[cell(d, c, hashes.get(int(d["position"]), "")) for c in DECISION_COLUMNS]
            for d in decisions]


class TableError(Exception):
    """A table file that cannot be read as a table of events."""


def cell(envelope: Mapping[str, Any], column: str, leaf_hash: str = "") -> str:
    """One cell's text: JSON for structured values, ISO 8601 for times, `true`/`false`."""
    if column == "leaf_hash":
        return leaf_hash
    value = envelope.get(column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def rows(events: Iterable[Mapping[str, Any]], leaf_hashes: Mapping[int, str]) -> list[list[str]]:
    return [[cell(e, c, leaf_hashes.get(int(e["position"]), "")) for c in COLUMNS]
            for e in events]


def _guard(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def csv_text(table: list[list[str]], columns: Sequence[str] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[_guard(value) for value in row] for row in table])
    return buffer.getvalue()


def write_xlsx(path: Path | BinaryIO, table: list[list[str]], title: str = "events",
               columns: Sequence[str] = COLUMNS) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for r, row in enumerate(table, start=2):
        for c, value in enumerate(row, start=1):
            target = sheet.cell(row=r, column=c)
            target.value = value
            target.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "C2"
    book.save(path)


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of events.csv or events.xlsx as {column: text}, in file order."""
    try:
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True, data_only=False)
            try:
                grid = [["" if v is None else str(v) for v in row]
                        for row in book.worksheets[0].iter_rows(values_only=True)]
            finally:
                book.close()
        else:
            with path.open(encoding="utf-8", newline="") as handle:
                grid = [[_unguard(v) for v in row] for row in csv.reader(handle)]
    except (OSError, ValueError, KeyError, csv.Error) as error:
        raise TableError(f"{path.name} cannot be read as a table: {error}") from None
    except Exception as error:  # openpyxl raises zipfile and XML errors of many kinds
        raise TableError(f"{path.name} cannot be read as a table: {error}") from None
    if not grid or tuple(grid[0][:len(COLUMNS)]) != COLUMNS:
        raise TableError(f"{path.name}: the first row must name the columns "
                         f"{', '.join(COLUMNS)}")
    return [dict(zip(COLUMNS, row + [""] * (len(COLUMNS) - len(row)), strict=False))
            for row in grid[1:]]


def check_table(name: str, table: list[dict[str, str]], derived: Mapping[int, Mapping[str, Any]],
                leaf_hashes: Mapping[int, str]) -> list[str]:
    """Every cell against the signed events: each problem names the file, row and column
    (row 1 is the header, as a spreadsheet counts)."""
    problems: list[str] = []
    seen: set[int] = set()
    for number, row in enumerate(table, start=2):
        try:
            position = int(row["position"])
        except ValueError:
            problems.append(f"{name} row {number}, column position: {row['position']!r} is not "
                            "a position in the log")
            continue
        envelope = derived.get(position)
        if envelope is None:
            problems.append(f"{name} row {number}, column position: {position} is not an event "
                            "proven in the bundle")
            continue
        if position in seen:
            problems.append(f"{name} row {number}: position {position} appears twice")
        seen.add(position)
        for column in COLUMNS:
            expected = cell(envelope, column, leaf_hashes.get(position, ""))
            if row[column] != expected:
                problems.append(f"{name} row {number} (position {position}), column {column}: "
                                f"the file says {_short(row[column])}, the signed event says "
                                f"{_short(expected)}")
    for position in sorted(set(derived) - seen):
        problems.append(f"{name}: the event at position {position} has no row")
    return problems


def _short(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted if len(quoted) <= 60 else quoted[:57] + "…"
