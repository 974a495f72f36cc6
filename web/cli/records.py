"""Existing decision records read into plain values: architecture decision records in
Markdown (MADR 2–4, adr-tools, log4brains) and decision lists in CSV (docs/import.md).

Reading never guesses silently: whatever cannot be read is a `Problem` naming the file and the
line, and the importer records nothing while any remains."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath

SKIPPED = ("readme.md", "index.md", "template.md")
STATUSES = ("proposed", "draft", "accepted", "superseded", "deprecated", "rejected")
DECIDED = ("accepted", "superseded", "deprecated")
CSV_COLUMNS = ("id", "title", "date", "status", "decided_by", "options", "chosen", "rationale",
               "supersedes", "scope")
CSV_REQUIRED = ("id", "title", "date", "status")

LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
RELATION = re.compile(r"\b(supersedes|superseded by)\b\s*:?\s*(.*)", re.IGNORECASE)
BULLET = re.compile(r"^[*-]\s+(.*)$")
META = re.compile(r"^(?:[*-]\s+)?([A-Za-z][A-Za-z -]{0,30}?)\s*:\s*(.*)$")
CHOSEN = re.compile(r'^\s*Chosen option\s*:\s*(.*)$', re.IGNORECASE)
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
NUMBERED_TITLE = re.compile(r"^\d+\.\s+(.*)$")


@dataclass(frozen=True)
class Problem:
    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass
class Record:
    """One decision record as its source says it; `lines` holds the line of each field."""

    source: str
    sha256: str
    format: str
    key: str
    title: str = ""
    status: str = ""
    date: str = ""
    deciders: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    chosen: str = ""
    rationale: str = ""
    scope: str = ""
    supersedes: list[str] = field(default_factory=list)  # sources (file names) or keys
    superseded_by: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    file: str = ""  # the file problems are reported in (default: the source)

    @property
    def where(self) -> str:
        return self.file or self.source

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)


def plain(text: str) -> str:
    """Markdown inline markup removed: links to their text, emphasis and code marks."""
    text = LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"[*_`]+", "", text).strip().strip('"').strip()


def slug(text: str, limit: int = 60) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:limit].rstrip("-") or "record"


def is_record_file(path: PurePath) -> bool:
    name = path.name.lower()
    return name.endswith(".md") and name not in SKIPPED and "template" not in name


def _targets(text: str) -> list[str]:
    """The records a supersede line points to: link targets' file names, else the bare text."""
    links = [PurePath(m.group(2).split("#")[0]).name for m in LINK.finditer(text)]
    return [t for t in links if t] or ([plain(text)] if plain(text) else [])


def read_markdown(source: str, data: bytes) -> tuple[Record | None, list[Problem]]:
    """An architecture decision record: MADR (front matter or bullets), adr-tools or
    log4brains."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return None, [Problem(source, line, "not UTF-8 text")]
    record = Record(source, digest, "", slug(PurePath(source).stem))
    problems: list[Problem] = []
    meta: dict[str, tuple[str, int]] = {}
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            return None, [Problem(source, 1, "the front matter opened by '---' is never closed")]
        for i in range(1, end):
            found = META.match(lines[i].strip())
            if found:
                meta[found.group(1).lower()] = (found.group(2).strip().strip("'\""), i + 1)
        start = end + 1
        record.format = "madr"
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for number, raw in enumerate(lines[start:], start=start + 1):
        stripped = raw.strip()
        if stripped.startswith("# ") and not record.title:
            title = stripped[2:].strip()
            numbered = NUMBERED_TITLE.match(title)
            record.title = plain(numbered.group(1) if numbered else title)
            record.lines["title"] = number
            continue
        if stripped.startswith("## "):
            current = sections.setdefault(stripped[3:].strip().lower(), [])
            continue
        if current is not None:
            current.append((number, raw))
        elif record.title and stripped:
            found = META.match(stripped)
            if found and found.group(1).lower() in ("status", "date", "deciders",
                                                    "decision-makers", "tags", "technical story"):
                meta.setdefault(found.group(1).lower(), (found.group(2).strip(), number))
    if not record.title:
        problems.append(Problem(source, start + 1, "no title: a record starts with a '# ' "
                                                   "heading"))
    # status: the metadata's, or the first line of an adr-tools "## Status" section
    status_lines = [(n, t.strip()) for n, t in sections.get("status", []) if t.strip()]
    if "status" in meta:
        status, record.lines["status"] = meta["status"]
    elif status_lines:
        record.lines["status"], status = status_lines[0]
    else:
        status = ""
    if "date" in meta:
        record.date, record.lines["date"] = meta["date"]
    for name in ("deciders", "decision-makers"):
        if name in meta:
            value, record.lines["deciders"] = meta[name]
            record.deciders = [plain(p) for p in re.split(r",|;|\band\b", value) if plain(p)]
    first = plain(status).split()
    record.status = first[0].lower().rstrip(".,:") if first else ""
    relation = RELATION.search(status)
    if relation:
        _relate(record, relation, record.line("status"))
    for number, raw in status_lines[1:] + sections.get("links", []):
        found = RELATION.search(raw)
        if found:
            _relate(record, found, number)
    for number, raw in sections.get("considered options", []):
        bullet = BULLET.match(raw)  # top-level bullets only: sub-bullets describe an option
        if bullet:
            record.options.append(plain(bullet.group(1)))
            record.lines.setdefault("options", number)
    outcome = sections.get("decision outcome", [])
    for index, (number, raw) in enumerate(outcome):
        chosen = CHOSEN.match(raw)
        if chosen:
            record.lines["chosen"] = number
            head, _, because = chosen.group(1).partition("because")
            record.chosen = plain(head.strip().rstrip(",").strip())
            rest = [because.strip()] + [t.strip() for _, t in outcome[index + 1:]]
            record.rationale = _paragraph(rest)
            break
    if not outcome and "decision" in sections:  # adr-tools: the decision as prose
        decision = sections["decision"]
        record.rationale = _paragraph([t.strip() for _, t in decision])
        record.lines["chosen"] = decision[0][0] if decision else record.line("title")
    record.format = _format(source, record, meta, sections)
    if not record.format:
        problems.append(Problem(source, 1, "neither a MADR, an adr-tools nor a log4brains "
                                           "record: no status and no decision outcome"))
    return record, problems


def _relate(record: Record, found: re.Match[str], number: int) -> None:
    targets = _targets(found.group(2))
    kind = "supersedes" if found.group(1).lower() == "supersedes" else "superseded_by"
    getattr(record, kind).extend(targets)
    record.lines.setdefault(kind, number)


def _paragraph(lines: list[str]) -> str:
    """The text up to the first blank line or sub-heading, joined."""
    kept: list[str] = []
    for text in lines:
        if text.startswith("#") or (not text and kept):
            break
        if text:
            kept.append(text)
    return plain(" ".join(kept))


def _format(source: str, record: Record, meta: dict[str, tuple[str, int]],
            sections: dict[str, list[tuple[int, str]]]) -> str:
    if "tags" in meta or re.match(r"^\d{8}-", PurePath(source).name):
        return "log4brains"
    if record.format or record.lines.get("chosen") and "decision outcome" in sections \
            or "considered options" in sections:
        return "madr"
    if "status" in sections and "decision" in sections:
        return "adr-tools"
    return "madr" if "status" in meta else ""


def read_csv(source: str, data: bytes) -> tuple[list[Record], list[Problem]]:
    """A decision list: one decision record per row, columns as docs/import.md lists them;
    lists (decided_by, options, supersedes) separated by ';'."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [Problem(source, data[:error.start].count(b"\n") + 1, "not UTF-8 text")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        return [], [Problem(source, reader.line_num, f"not CSV: {error}")]
    if not rows:
        return [], [Problem(source, 1, "empty: the first row names the columns")]
    header = [h.strip().lower() for h in rows[0]]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [h for h in CSV_REQUIRED if h not in header]
    if unknown or missing:
        return [], [Problem(source, 1, "; ".join(
            ([f"unknown columns: {', '.join(unknown)}"] if unknown else [])
            + ([f"missing columns: {', '.join(missing)}"] if missing else []))
            + f" (the columns are {', '.join(CSV_COLUMNS)})")]
    records, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(source, number, f"{len(row)} cells, the header names "
                                                    f"{len(header)} columns"))
            continue
        values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        canonical = "\x1f".join(values.get(c, "") for c in CSV_COLUMNS)
        record = Record(f"{source} row {number}", hashlib.sha256(canonical.encode()).hexdigest(),
                        "csv", slug(values["id"]), title=values["title"],
                        status=values["status"].lower(), date=values["date"],
                        chosen=values.get("chosen", ""), rationale=values.get("rationale", ""),
                        scope=values.get("scope", ""),
                        lines=dict.fromkeys(("title", "status", "date", "deciders", "options",
                                             "chosen", "supersedes"), number), file=source)
        record.deciders = _split(values.get("decided_by", ""))
        record.options = _split(values.get("options", ""))
        record.supersedes = [slug(k) for k in _split(values.get("supersedes", ""))]
        records.append(record)
    return records, problems


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]
