"""Pages kept by log head: a reading page changes only when the log does, so each worker keeps
the pages it rendered in memory and drops them all when the log moves.

A kept page is the output of the page template's own blocks (everything below the header) with
the context they were built from, under a key of everything that changes them: the log position
the read models reflect (their tracking positions), the page and its query, the language, what
the reader may see (the initiatives hidden from them), whether they may write, and the minute
(ages and overdue marks follow the clock). The header around it (the signed-in name, the CSRF
token, the count waiting for the reader's confirmation) is rendered for each request, never
kept across people: the blocks are rendered with stand-ins for those parts, and a page whose
blocks show one of them is not kept at all.

Every kept page answers with an `ETag` made of its key and the reader's own parts;
`If-None-Match` with that tag is answered 304 without building or rendering anything.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jinja2 import Template
from jinja2.runtime import Context
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from projections.members import Visibility
from web.auth import Principal

# Pages whose body depends on the reader only through what they may see and whether they may
# write. A page built from the reader's own entries (like "Waiting for my confirmation") is not
# listed, and so is never kept.
SHARED_PAGES = frozenset({
    "overview.html", "initiative.html", "timeline.html", "goal.html", "decision.html",
    "escalations.html", "person.html",
})
CACHE_CONTROL = "private, no-cache"
VARY = "Cookie, Accept-Language"
LIMIT = 512  # pages kept per worker between two moves of the log
Block = Callable[[Context], Iterator[str]]


class Stand:
    """Stand-ins for the reader's own parts while a kept page's blocks are rendered: strings
    no page shows by itself, so that a block showing one of them is found out."""

    def __init__(self) -> None:
        mark = "kept" + secrets.token_hex(8)
        self.person, self.name, self.csrf = f"{mark}person", f"{mark}name", f"{mark}csrf"
        self.waiting = f"{mark}waiting"
        self.marks = (mark,)

    def user(self, real: Principal) -> Principal:
        return Principal(person=self.person, name=self.name, unit=self.person, role=real.role)

    def shown_in(self, text: str) -> bool:
        return any(mark in text for mark in self.marks)


class KeptPage:
    """A page's blocks as rendered, and the context they were rendered from."""

    __slots__ = ("blocks", "context")

    def __init__(self, blocks: dict[str, str], context: dict[str, Any]):
        self.blocks = blocks
        self.context = context


class Keeper:
    """One worker's kept pages (and the reader facts they need), all for one log position."""

    def __init__(self, head: Callable[[], object], limit: int = LIMIT):
        self._head = head
        self._limit = limit
        self._lock = threading.Lock()
        self._at: object = None
        self._pages: dict[str, KeptPage] = {}
        self._facts: dict[tuple[Any, ...], Any] = {}
        self.stand = Stand()

    def head(self) -> str:
        """Where the read models stand now (asked of the database: another worker may have
        written); a different head drops everything kept."""
        at = repr(self._head())
        with self._lock:
            if at != self._at:
                self._at, self._pages, self._facts = at, {}, {}
        return at

    def page(self, at: str, key: str) -> KeptPage | None:
        with self._lock:
            return self._pages.get(key) if at == self._at else None

    def keep(self, at: str, key: str, page: KeptPage) -> None:
        with self._lock:
            if at != self._at:
                return  # the log moved while it was rendered
            if len(self._pages) >= self._limit:
                self._pages.pop(next(iter(self._pages)))
            self._pages[key] = page

    def fact(self, at: str, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A fact about one reader (what they may see, how much waits for them) at this head,
        kept under a key that names the reader."""
        with self._lock:
            if at == self._at and key in self._facts:
                return self._facts[key]
        value = compute()
        with self._lock:
            if at == self._at:
                if len(self._facts) >= self._limit:
                    self._facts.pop(next(iter(self._facts)))
                self._facts[key] = value
        return value


def page_key(template: str, here: str, lang: str, seen: Visibility, can_write: bool,
             minute: str) -> str:
    """Everything but the log position and the reader's own parts that changes the page."""
    parts = [template, here, lang, ",".join(sorted(seen.hidden)), str(can_write), minute]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def etag(at: str, key: str, user: Principal, csrf: str, waiting: int) -> str:
    """The page's entity tag: its log position, its key, and the reader's own parts (a new
    session or a new count waiting for them is a new page)."""
    parts = [at, key, user.person, user.name, user.role, csrf, str(waiting)]
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40] + '"'


def still_fresh(if_none_match: str | None, tag: str) -> bool:
    """Whether the client's `If-None-Match` names this tag (weak comparison, as RFC 9110 says
    for If-None-Match)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def render_blocks(template: Template, context: Mapping[str, Any]) -> dict[str, str]:
    """Render the whole page once, keeping what each of the template's own blocks rendered."""
    rendered: dict[str, str] = {}
    ctx = template.new_context(dict(context))
    for name in template.blocks:
        ctx.blocks[name] = [_capture(name, ctx.blocks[name][0], rendered)]
    for _part in template.root_render_func(ctx):
        pass
    return rendered


def _capture(name: str, block: Block, into: dict[str, str]) -> Block:
    def captured(context: Context) -> Iterator[str]:
        text = "".join(block(context))
        into.setdefault(name, text)
        yield text
    return captured


def assemble(template: Template, context: Mapping[str, Any], blocks: dict[str, str]) -> str:
    """The page: the template rendered around blocks rendered before."""
    ctx = template.new_context(dict(context))
    for name, text in blocks.items():
        ctx.blocks[name] = [_constant(text)]
    return "".join(template.root_render_func(ctx))


def _constant(text: str) -> Block:
    def block(context: Context) -> Iterator[str]:
        yield text
    return block


class PageResponse(HTMLResponse):
    """A rendered page that, like Starlette's template response, tells a test client which
    template and context it came from."""

    def __init__(self, content: str, template: Template, context: dict[str, Any],
                 headers: Mapping[str, str]):
        self.template = template
        self.context = context
        super().__init__(content, 200, headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "http.response.debug" in scope.get("extensions", {}):
            await send({"type": "http.response.debug",
                        "info": {"template": self.template, "context": self.context}})
        await super().__call__(scope, receive, send)
