"""Read model of full-text search over what people wrote: titles, rationales, goals, criteria,
status reports, escalation topics, options, reasons and meeting minutes (agenda, notes, outcomes,
feedback per unit); its table, its projection and its
queries.

SQLite keeps an FTS5 index beside the rows (the Porter stemmer over `unicode61`
without diacritics);
PostgreSQL keeps a `tsvector` of each entry under the German, English and simple
configurations, with a GIN index (without a pending list). Both take every word of a query as
a prefix of its stem, so
"Datenstruktur" finds "Datenstrukturen", "Rückruf" finds "Rückrufservice" (the German stemmer
does not split compounds; the prefix does) and "deciding" finds "decided". A query is parsed
here, never handed to the database's own query syntax: words, "quoted phrases", OR between
alternatives, and -word (or NOT word) to leave entries out; anything else is a clear
`InvalidInput`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.errors import InvalidInput
from domain.event_types import EventClass
from projections.db import Connection, Database, Row
from projections.envelope import Envelope, bound, db_time, iso
from projections.projection import Projection
from projections.timeline import PERSON_FIELDS

# What each event contributes to the index: the fields people wrote.
TEXT_FIELDS: dict[EventClass, tuple[str, ...]] = {
    ev.InitiativeOpened: ("title",),
    ev.GoalSet: ("statement", "reason"),
    ev.GoalRevised: ("statement", "reason"),
    ev.CriterionDefined: ("criterion", "description", "target"),
    ev.CriterionRevised: ("criterion", "description", "target", "reason"),
    ev.CriterionRetired: ("criterion", "reason"),
    ev.MeasurementRecorded: ("criterion", "note"),
    ev.MandateGranted: ("mandate", "scope", "limits"),
    ev.MandateRevoked: ("mandate", "reason"),
    ev.DecisionProposed: ("question", "scope", "options"),
    ev.DecisionTaken: ("title", "scope", "rationale", "options"),
    ev.DecisionRevoked: ("reason",),
    ev.EscalationRaised: ("topic", "options"),
    ev.EscalationForwarded: ("reason",),
    ev.StatusReported: ("summary", "running", "blocked", "options"),
    ev.HandoffStarted: ("item",),
    ev.TandemDissolved: ("reason",),
    ev.InitiativeClosed: ("outcome",),
    ev.MandateDelegated: ("mandate", "scope", "limits"),
    ev.HandoffRefused: ("reason",),
    ev.HandoffReturned: ("reason",),
    ev.MeetingScheduled: ("title", "agenda"),  # the minutes: agenda, notes, outcomes, feedback
    ev.MeetingHeld: ("notes",),
    ev.MeetingOutcomeRecorded: ("summary", "feedback"),
}
# The ids an entry's page is found by (web.links), kept with the entry.
REF_FIELDS = ("decision", "escalation", "proposal", "criterion", "mandate", "handoff", "meeting")
COLUMNS = ("position", "initiative", "type", "actor", "people", "effective_at", "recorded_at",
           "title", "ref", "body")
TABLE = (
    "CREATE TABLE IF NOT EXISTS tandem_search (position BIGINT PRIMARY KEY, "
    "initiative TEXT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL, people TEXT NOT NULL, "
    "effective_at TEXT NOT NULL, recorded_at TEXT NOT NULL, title TEXT NOT NULL, "
    "ref TEXT NOT NULL, body TEXT NOT NULL{})"
)
# SQLite: the rows in a plain table (an INTEGER PRIMARY KEY is its rowid), the words in an
# FTS5 table whose rowid is the position (not contentless: a rebuild empties it with DELETE).
SQLITE_DDL = [
    TABLE.format("").replace("position BIGINT PRIMARY KEY", "position INTEGER PRIMARY KEY"),
    "CREATE VIRTUAL TABLE IF NOT EXISTS tandem_search_fts USING fts5(body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
]
POSTGRES_DDL = [
    TABLE.format(", doc tsvector NOT NULL"),
    # Without the pending list (fastupdate): a query would read every entry not yet merged
    # into the index one by one, tens of milliseconds after a burst of writes or a rebuild.
    "CREATE INDEX IF NOT EXISTS tandem_search_doc ON tandem_search USING GIN (doc) "
    "WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS tandem_search_initiative ON tandem_search (initiative, position)",
]
INSERT = (
    f"INSERT INTO tandem_search ({', '.join(COLUMNS)}) "  # noqa: S608 - constant names
    f"VALUES ({', '.join('?' for _ in COLUMNS)})"
)
SQLITE_INDEX = "INSERT INTO tandem_search_fts (rowid, body) VALUES (?, ?)"
DOCUMENT = "to_tsvector('german', ?) || to_tsvector('english', ?) || to_tsvector('simple', ?)"
POSTGRES_INSERT = (
    f"INSERT INTO tandem_search ({', '.join(COLUMNS)}, doc) "  # noqa: S608 - constant names
    f"VALUES ({', '.join('?' for _ in COLUMNS)}, {DOCUMENT})"
)


def _text(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _text(v)]
    if isinstance(value, list):
        return [t for v in value for t in _text(v)]
    return []


def document(e: Envelope) -> str:
    """The text an entry is found by."""
    fields = TEXT_FIELDS.get(e.kind, ())
    return "\n".join(t for f in fields for t in _text(e.data.get(f)) if t.strip())


class SearchProjection(Projection):
    """One row per entry that carries text people wrote (SQLite)."""

    name = "search"
    ddl = SQLITE_DDL
    tables: ClassVar[Sequence[str]] = ("tandem_search", "tandem_search_fts")

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        if e.kind not in TEXT_FIELDS or e.initiative is None:
            return
        body = document(e)
        people = {e.actor}
        for field in PERSON_FIELDS:
            value = e.data.get(field)
            people.update([value] if isinstance(value, str) else
                          [v for v in value or [] if isinstance(v, str)])
        ref = {k: e.data[k] for k in REF_FIELDS if isinstance(e.data.get(k), str)}
        row = (e.position, e.initiative, e.type, e.actor, "," + ",".join(sorted(people)) + ",",
               db_time(e.effective_at), db_time(e.recorded_at), e.summary,
               json.dumps(ref, ensure_ascii=False), body)
        if tx.backend == "postgres":
            tx.execute(POSTGRES_INSERT, (*row, body, body, body))
        else:
            tx.execute(INSERT, row)
            tx.execute(SQLITE_INDEX, (e.position, body))


class PostgresSearchProjection(SearchProjection):
    """The same read model on PostgreSQL: a tsvector under three configurations."""

    ddl = POSTGRES_DDL
    tables: ClassVar[Sequence[str]] = ("tandem_search",)


def search_projection(backend: str) -> SearchProjection:
    """The search read model for a backend (its tables differ; its rows do not)."""
    return PostgresSearchProjection() if backend == "postgres" else SearchProjection()


# --- the query language -------------------------------------------------------------------

MAX_QUERY = 200
MAX_WORDS = 16
TOKEN = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"[^\W_]+")
SUFFIXES = ("ungen", "ations", "ation", "ions", "ion", "ing", "ung", "ed", "es", "en", "er",
            "e", "s")


@dataclass(frozen=True)
class Query:
    """What to find: every clause (one of its phrases) and none of the excluded phrases; a
    phrase is words in order, the last one a prefix."""

    clauses: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...] = ()

    def words(self) -> list[str]:
        return [w for clause in self.clauses for phrase in clause for w in phrase]


def parse(text: str) -> Query:
    """A search query from what a person typed; `InvalidInput` (field `q`) names what is
    wrong with it."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Enter a word to search for.", field="q")
    if len(text) > MAX_QUERY:
        raise InvalidInput("A search query has at most 200 characters.", field="q")
    if text.count('"') % 2:
        raise InvalidInput("A quotation mark in the search query is not closed.", field="q")
    clauses: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    joining = negating = False
    for match in TOKEN.finditer(text):
        quoted, bare = match.group(1), match.group(2)
        if bare in ("OR", "|"):
            if not clauses or joining or negating:
                raise InvalidInput("OR stands between two words or phrases.", field="q")
            joining = True
            continue
        if bare in ("AND", "&"):
            continue
        if bare == "NOT":
            negating = True
            continue
        negated = negating or (bare is not None and bare.startswith("-") and len(bare) > 1)
        source = quoted if quoted is not None else bare.lstrip("-") if negated else bare
        phrase = tuple(WORD.findall(unicodedata.normalize("NFC", source).casefold()))
        if not phrase:
            if joining or negating:
                raise InvalidInput("OR and NOT need a word after them.", field="q")
            continue
        if negated:
            if joining:
                raise InvalidInput("OR stands between two words or phrases.", field="q")
            excluded.append(phrase)
        elif joining:
            clauses[-1].append(phrase)
        else:
            clauses.append([phrase])
        joining = negating = False
    if joining or negating:
        raise InvalidInput("OR and NOT need a word after them.", field="q")
    if not clauses:
        raise InvalidInput("Enter a word to search for (not only words to leave out).",
                           field="q")
    query = Query(tuple(tuple(c) for c in clauses), tuple(excluded))
    if len(query.words()) + sum(len(p) for p in query.excluded) > MAX_WORDS:
        raise InvalidInput("A search query has at most 16 words.", field="q")
    return query


def stem(word: str) -> str:
    """A word without a common German or English ending (at least four letters stay), so
    that a plural finds its singular on both backends ("Datenstrukturen": "datenstruktur")."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def alternatives(clause: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A clause's phrases, and for each single word its stem as a further alternative."""
    found: list[tuple[str, ...]] = []
    for phrase in clause:
        variants = [phrase] + ([(stem(phrase[0]),)] if len(phrase) == 1 else [])
        found += [v for v in variants if v not in found]
    return found


def fts5_match(query: Query) -> str:
    """The query as an FTS5 MATCH expression (only quoted words: no syntax of the user's)."""
    def phrase(words: tuple[str, ...]) -> str:
        return '"' + " ".join(words) + '"*'
    positive = " AND ".join("(" + " OR ".join(phrase(p) for p in alternatives(clause)) + ")"
                            for clause in query.clauses)
    return "".join([f"({positive})", *(f" NOT {phrase(p)}" for p in query.excluded)])


def tsquery(query: Query) -> tuple[str, list[str]]:
    """The query as a PostgreSQL tsquery expression over three configurations, and its
    parameters (each word a prefix; only words of letters and digits reach `to_tsquery`)."""
    params: list[str] = []

    def word(w: str) -> str:
        params.extend([f"{w}:*"] * 3)
        return ("(to_tsquery('german', ?) || to_tsquery('english', ?) "
                "|| to_tsquery('simple', ?))")

    def phrase(words: tuple[str, ...]) -> str:
        return "(" + " <-> ".join(word(w) for w in words) + ")"
    positive = " && ".join("(" + " || ".join(phrase(p) for p in alternatives(clause)) + ")"
                           for clause in query.clauses)
    expression = "".join([f"({positive})", *(f" && !!{phrase(p)}" for p in query.excluded)])
    return expression, params


# --- snippets -----------------------------------------------------------------------------

def _plain(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.casefold().replace("ß", "ss"))
    return "".join(c for c in folded if not unicodedata.combining(c))


def _root(word: str) -> str:
    return stem(_plain(word))


def snippet(body: str, words: Sequence[str], before: int = 8,
            width: int = 28) -> list[dict[str, Any]]:
    """A piece of the text around its first match, as segments `{text, match}` (the pages
    mark the matches; nothing here is markup)."""
    roots = {_root(w) for w in words} | {_plain(w) for w in words}
    tokens = list(WORD.finditer(body))
    hits = [i for i, t in enumerate(tokens) if any(_plain(t.group()).startswith(r)
                                                   for r in roots)]
    first = max(0, (hits[0] if hits else 0) - before)
    last = min(len(tokens), first + width)
    if not tokens:
        return [{"text": body[:200], "match": False}]
    start = tokens[first].start() if first else 0
    end = tokens[last - 1].end() if last < len(tokens) else len(body)
    segments: list[dict[str, Any]] = []
    if first:
        segments.append({"text": "…", "match": False})
    cursor = start
    for i in hits:
        if first <= i < last:
            t = tokens[i]
            if t.start() > cursor:
                segments.append({"text": body[cursor:t.start()], "match": False})
            segments.append({"text": t.group(), "match": True})
            cursor = t.end()
    if end > cursor:
        segments.append({"text": body[cursor:end], "match": False})
    if last < len(tokens):
        segments.append({"text": "…", "match": False})
    return segments


# --- the queries --------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    initiative: str | None = None
    types: Sequence[str] | None = None
    person: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    known_at: datetime | None = None
    hidden: Collection[str] = ()

    def where(self) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.hidden:
            clauses.append(f"s.initiative NOT IN ({', '.join('?' for _ in self.hidden)})")
            params += sorted(self.hidden)
        if self.initiative:
            clauses.append("s.initiative = ?")
            params.append(self.initiative)
        if self.types:
            clauses.append(f"s.type IN ({', '.join('?' for _ in self.types)})")
            params += list(self.types)
        if self.person:
            clauses.append("s.people LIKE ?")
            params.append(f"%,{self.person},%")
        if self.start is not None:
            clauses.append("s.effective_at >= ?")
            params.append(db_time(self.start))
        if self.end is not None:
            clauses.append("s.effective_at <= ?")
            params.append(db_time(self.end))
        clauses.append("s.recorded_at <= ?")
        params.append(bound(self.known_at))
        return clauses, params


FACETS = (("type", "type"), ("initiative", "initiative"), ("person", "actor"))
MAX_RESULTS = 100
# Matches counted (and counted into the facets), newest first: beyond them a search says "more
# than 1,000" rather than counting tens of thousands of entries a common word matches.
MAX_COUNTED = 1000


class SearchQueries:
    """Entries whose text matches a query, newest first, with facets and snippets; `total` and
    the facets count the newest `MAX_COUNTED` matches (more when the page asked for reaches
    further), and `more` says there are further matches beyond them."""

    def __init__(self, db: Database):
        self.db = db

    def search(self, q: str, *, initiative: str | None = None,
               types: Sequence[str] | None = None, person: str | None = None,
               start: datetime | None = None, end: datetime | None = None,
               known_at: datetime | None = None, hidden: Collection[str] = (),
               limit: int = 20, offset: int = 0) -> dict[str, Any]:
        query = parse(q)
        if not 1 <= limit <= MAX_RESULTS:
            raise InvalidInput("A page of search results holds 1 to 100 entries.", field="limit")
        filters = Filters(initiative, types, person, start, end, known_at, hidden)
        clauses, params = filters.where()
        # The newest matches up to the cap (or the end of the page asked for), one more to tell
        # whether there are more: the count, the facets and the page come from them.
        counted = max(MAX_COUNTED, offset + limit)
        try:
            with self.db.connect() as conn:
                if conn.backend == "postgres":
                    source, newest = "tandem_search s", "s.position DESC"
                    match, mparams = _postgres_match(conn, query)
                else:
                    # FTS5 drives: it yields rowids newest first, so the LIMIT stops it early
                    source = "tandem_search_fts f JOIN tandem_search s ON s.position = f.rowid"
                    newest = "f.rowid DESC"
                    match, mparams = "tandem_search_fts MATCH ?", [fts5_match(query)]
                where = " AND ".join([match, *clauses])
                select = f"SELECT s.position, s.type, s.initiative, s.actor FROM {source} "  # noqa: S608
                head = conn.all(f"{select}WHERE {where} ORDER BY {newest} LIMIT ?",
                                [*mparams, *params, counted + 1])
                page = [int(r["position"]) for r in head[offset:offset + limit]]
                rows = conn.all(
                    "SELECT s.position, s.initiative, s.type, s.actor, "  # noqa: S608
                    "s.effective_at, s.recorded_at, s.title, s.body, s.ref FROM tandem_search s "
                    f"WHERE s.position IN ({', '.join('?' for _ in page)}) "
                    "ORDER BY s.position DESC", page) if page else []
        except InvalidInput:
            raise
        except Exception as error:  # a query the index cannot read is the query's fault
            if _query_error(error):
                raise InvalidInput("The search index cannot read this query; use words, "
                                   "\"phrases\", OR and -word.", field="q") from error
            raise
        capped = len(head) > counted
        head = head[:counted]
        facets: dict[str, dict[str, int]] = {}
        for name, column in FACETS:
            counts: dict[str, int] = {}
            for found in head:
                counts[str(found[column])] = counts.get(str(found[column]), 0) + 1
            facets[name] = dict(sorted(counts.items(), key=lambda c: (-c[1], c[0])))
        words = query.words()
        return {
            "q": q, "total": len(head), "more": capped, "limit": limit, "offset": offset,
            "as_known_at": iso(known_at) if known_at else None,
            "results": [self._result(r, words) for r in rows],
            "facets": facets,
        }

    @staticmethod
    def _result(row: Row, words: Sequence[str]) -> dict[str, Any]:
        return {
            "position": int(row["position"]), "initiative": row["initiative"],
            "type": row["type"], "actor": row["actor"],
            "effective_at": iso(datetime.fromisoformat(row["effective_at"])),
            "recorded_at": iso(datetime.fromisoformat(row["recorded_at"])),
            "summary": row["title"], "data": json.loads(row["ref"]),
            "snippet": snippet(row["body"], words),
        }


STEMS = ("SELECT w, CAST(to_tsquery('german', w || ':*') AS text) AS german, "
         "CAST(to_tsquery('english', w || ':*') AS text) AS english, "
         "CAST(to_tsquery('simple', w || ':*') AS text) AS simple "
         "FROM unnest(CAST(? AS text[])) AS w")


def _postgres_match(conn: Connection, query: Query) -> tuple[str, list[Any]]:
    """The condition matching a query on PostgreSQL, and its parameters: the `tsquery` of
    the three configurations with each distinct prefix once (the planner estimates a prefix
    that appears three times as three times as common, and then walks the whole table
    newest first instead of asking the GIN index); `tsquery` where a word has no prefix."""
    phrases = [p for clause in query.clauses for p in alternatives(clause)] + list(query.excluded)
    words = sorted({w for p in phrases for w in p})
    prefixes: dict[str, str] = {}
    for row in conn.all(STEMS, [words]):
        found = [f"({row[c]})" for c in ("german", "english", "simple") if row[c]]
        if found:
            prefixes[str(row["w"])] = "(" + " | ".join(dict.fromkeys(found)) + ")"
    if any(w not in prefixes for w in words):
        expression, params = tsquery(query)
        return f"s.doc @@ ({expression})", params

    def phrase(p: tuple[str, ...]) -> str:
        return "(" + " <-> ".join(prefixes[w] for w in p) + ")"
    positive = " & ".join("(" + " | ".join(phrase(p) for p in alternatives(clause)) + ")"
                          for clause in query.clauses)
    text = "".join([f"({positive})", *(f" & !{phrase(p)}" for p in query.excluded)])
    return "s.doc @@ CAST(? AS tsquery)", [text]


def _query_error(error: Exception) -> bool:
    text = str(error).lower()
    return any(k in text for k in ("fts5", "tsquery", "syntax error", "malformed match"))
