"""Atom feeds of notices: a person's own (what is due to them now), and an initiative's (every
notice due in it, once per situation). A feed is opened with a person's feed token in its URL
(`?token=tdf_...`), the usual practice of feed readers; only the token's digest is stored, and
the token is cut from the access log (`RedactTokens`)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from projections.notices import Notice
from web.notices.texts import render

ATOM = "http://www.w3.org/2005/Atom"
TOKEN = re.compile(r"(token=)[^&\s\"]+")


class RedactTokens(logging.Filter):
    """Replaces a token in a logged request line by `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(TOKEN.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                                for a in record.args)
        if isinstance(record.msg, str) and "token=" in record.msg:
            record.msg = TOKEN.sub(r"\1[redacted]", record.msg)
        return True


def situations(notices: list[Notice]) -> list[Notice]:
    """One notice per situation (kind, entry, period), whoever it is addressed to."""
    seen: dict[tuple[str, Any, str, Any], Notice] = {}
    for n in notices:
        seen.setdefault((n.kind, n.about, n.period, n.initiative), n)
    return list(seen.values())


def atom(title: str, feed_url: str, notices: list[Notice], language: str, base_url: str,
         now: datetime) -> bytes:
    """The Atom document of these notices, newest first, in a language."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": language})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"tag:tandem,2026:feed:{title}"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ordered = sorted(notices, key=lambda n: n.at, reverse=True)
    updated = ordered[0].at if ordered and ordered[0].at else now.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Tandem"
    for notice in ordered:
        text = render(notice, language, base_url)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:tandem,2026:notice:{notice.id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = text.subject
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = notice.at or updated
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": text.link})
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": notice.kind})
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = text.body
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
