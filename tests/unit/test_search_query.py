"""The search query language, without a database: what a person types becomes words, phrases,
alternatives and exclusions, and only quoted words reach FTS5 or `to_tsquery`; what cannot be
read is `InvalidInput` naming `q`. Snippets mark stems and never carry markup."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from projections.search import Query, fts5_match, parse, snippet, stem, tsquery


def test_words_phrases_alternatives_and_exclusions() -> None:
    assert parse('Rückruf "data structure" OR Datenbank -pilot NOT x') == Query(
        clauses=((("rückruf",),), (("data", "structure"), ("datenbank",))),
        excluded=(("pilot",), ("x",)))
    assert parse("a AND b & c").clauses == ((("a",),), (("b",),), (("c",),))
    assert parse("NEAR(a, b)").clauses == ((("near", "a"),), (("b",),))


def test_only_quoted_words_reach_the_databases() -> None:
    query = parse('Datenstrukturen OR "three patterns" -x')
    assert fts5_match(query) == ('(("datenstrukturen"* OR "datenstruktur"* OR '
                                 '"three patterns"*)) NOT "x"*')
    expression, params = tsquery(query)
    assert "?" in expression and all(p.endswith(":*") for p in params)
    assert params[:3] == ["datenstrukturen:*"] * 3


def test_stems_keep_four_letters() -> None:
    assert stem("datenstrukturen") == "datenstruktur"
    assert stem("deciding") == "decid"
    assert stem("ones") == "ones"


@pytest.mark.parametrize("q", ['"open', "", "OR", "a OR", "-a", "NOT", "***", "x" * 201,
                               " ".join("w" * 17), "a NOT", "a OR -b"])
def test_what_cannot_be_read_names_q(q: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse(q)
    assert raised.value.fields is not None and "q" in raised.value.fields


def test_snippets_mark_stems_and_are_plain_segments() -> None:
    segments = snippet("We <b>decided</b> on the Rückrufservice.", ["deciding", "rückruf"])
    assert [s["text"] for s in segments if s["match"]] == ["decided", "Rückrufservice"]
    assert "".join(s["text"] for s in segments) == "We <b>decided</b> on the Rückrufservice."
