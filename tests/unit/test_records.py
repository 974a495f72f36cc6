"""Reading decision records and writing exported tables, without I/O: every line that cannot
be read is named, and a table cell survives the spreadsheet's formula guard."""

from __future__ import annotations

import csv
import io

from projections.ledger.tables import COLUMNS, csv_text, rows
from web.cli.records import is_record_file, read_csv, read_markdown


def test_an_unclosed_front_matter_is_named_on_its_first_line() -> None:
    record, problems = read_markdown("0001-x.md", b"---\nstatus: accepted\n# Title\n")
    assert record is None
    assert [str(p) for p in problems] == [
        "0001-x.md:1: the front matter opened by '---' is never closed"]


def test_bytes_that_are_not_utf8_are_named_by_line() -> None:
    _, problems = read_markdown("0002-x.md", b"# Title\n\nStatus: accepted\n\xff\n")
    assert [str(p) for p in problems] == ["0002-x.md:4: not UTF-8 text"]


def test_a_madr_2_record_with_bullets_and_a_numbered_choice() -> None:
    text = ("# Use Markdown records\n\n* Status: superseded by [ADR-0005](0005-other.md)\n"
            "* Deciders: Oliver, Stefan and Ada\n* Date: 2017-12-15\n\n"
            "## Considered Options\n\n* option 1\n* option 2\n  * a detail\n\n"
            "## Decision Outcome\n\nChosen option: \"option 2\", because it is *simple*.\n")
    record, problems = read_markdown("0001-use-markdown.md", text.encode())
    assert problems == [] and record is not None
    assert (record.format, record.status, record.date) == ("madr", "superseded", "2017-12-15")
    assert record.deciders == ["Oliver", "Stefan", "Ada"]
    assert record.options == ["option 1", "option 2"]
    assert (record.chosen, record.rationale) == ("option 2", "it is simple.")
    assert record.superseded_by == ["0005-other.md"] and record.line("superseded_by") == 3


def test_a_file_without_status_or_outcome_is_not_a_record() -> None:
    _, problems = read_markdown("notes.md", b"# Meeting notes\n\nWe talked.\n")
    assert [str(p) for p in problems] == [
        "notes.md:1: neither a MADR, an adr-tools nor a log4brains record: no status and no "
        "decision outcome"]


def test_readme_index_and_templates_are_not_records() -> None:
    from pathlib import PurePath
    assert [is_record_file(PurePath(n)) for n in (
        "README.md", "index.md", "adr-template.md", "0001-a.md", "notes.txt")] == [
        False, False, False, True, False]


def test_a_csv_row_with_too_few_cells_is_named_by_line() -> None:
    records, problems = read_csv("list.csv", b"id,title,date,status\na,A,2021-01-01,accepted\n"
                                             b"b,B\n")
    assert [r.key for r in records] == ["a"]
    assert [str(p) for p in problems] == ["list.csv:3: 2 cells, the header names 4 columns"]


def test_a_cell_a_spreadsheet_would_run_is_guarded_and_read_back_as_it_was() -> None:
    envelope = {"position": 7, "type": "DecisionTaken", "initiative": "k", "actor": "a",
                "effective_at": "t", "recorded_at": "t", "backdated": False,
                "summary": "=HYPERLINK(\"http://evil\")", "data": {"x": 1}}
    text = csv_text(rows([envelope], {7: "hash"}))
    grid = list(csv.reader(io.StringIO(text)))
    assert grid[0] == list(COLUMNS)
    assert grid[1][COLUMNS.index("summary")] == "'=HYPERLINK(\"http://evil\")"
    from projections.ledger.tables import _unguard
    assert _unguard(grid[1][COLUMNS.index("summary")]) == envelope["summary"]
    assert grid[1][COLUMNS.index("data")] == '{"x": 1}'


def test_two_rows_with_one_id_are_both_read_for_the_plan_to_name() -> None:
    records, problems = read_csv("list.csv", b"id,title,date,status\na,A,2021-01-01,proposed\n"
                                             b"A,Again,2021-01-02,proposed\n")
    assert problems == [] and [r.key for r in records] == ["a", "a"]
