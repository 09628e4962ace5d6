"""Full-text search of courses on each database (the objects come from migration 0022).

PostgreSQL matches ``courses.search_vector`` (a weighted tsvector over title, subtitle,
tags and description, GIN-indexed) against a ``to_tsquery`` and ranks with ``ts_rank``.
SQLite matches the FTS5 table ``courses_fts`` and ranks with ``bm25``.

User input never reaches either query language as syntax: it is cut into words (letters
and digits only), each becomes a quoted prefix term, and the terms are AND-ed. A query
with no word in it matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    false,
    func,
    literal_column,
    text,
)

from lectern.kit.prebuilt import Prebuilt
from lectern.models import Course

MAX_TERMS = 10
MAX_TERM_LENGTH = 64
_WORD = re.compile(r"[^\W_]+")
# bm25 weighs title, subtitle, description and tags 10 : 5 : 1 : 5 (higher counts more).
_FTS5_MATCHES = (
    "SELECT rowid AS course_id, bm25(courses_fts, 10.0, 5.0, 1.0, 5.0) AS rank "
    "FROM courses_fts WHERE courses_fts MATCH :fts_query"
)


# The best plan for a search depends on how common its words are (the sort's index for a
# common word, the full-text index for a rare one), but after five runs of a prepared
# statement PostgreSQL settles on one generic plan, which reads every match of a common
# word. A search is planned for its own words: for the rest of the request's transaction.
PLAN_FOR_EACH_QUERY = Prebuilt(
    text("SET LOCAL plan_cache_mode = force_custom_plan"), in_transaction=True
)


def terms(query: str) -> list[str]:
    """The words of a search query, lower-cased, at most MAX_TERMS of them."""
    words = [word[:MAX_TERM_LENGTH] for word in _WORD.findall(query.lower())]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word as a quoted prefix term ("word"*)."""
    return " ".join(f'"{word}"*' for word in words)


def tsquery_text(words: list[str]) -> str:
    """A to_tsquery input: every word as a prefix term, AND-ed (word:* & other:*)."""
    return " & ".join(f"{word}:*" for word in words)


@dataclass(frozen=True)
class Match:
    """How to restrict a statement over courses to the matches, and how to rank them."""

    statement: Select[Any]
    rank: ColumnElement[Any] | None  # order by this ascending; None when nothing can match


def restrict(statement: Select[Any], matchable: bool, dialect: str) -> Match:
    """``statement`` (selecting from courses) limited to the courses matching the query
    given by :func:`parameters` (``matchable``: the query has a word to match)."""
    if not matchable:
        return Match(statement.where(false()), None)
    if dialect == "postgresql":
        tsquery = func.to_tsquery(
            literal_column("'english'::regconfig"), bindparam("tsquery", type_=String)
        )
        vector: ColumnClause[Any] = literal_column("courses.search_vector")
        # ts_rank grows with relevance; negate it so that every rank sorts ascending.
        rank = -func.ts_rank(vector, tsquery)
        return Match(statement.where(vector.op("@@")(tsquery)), rank)
    fts = (
        text(_FTS5_MATCHES)
        .bindparams(bindparam("fts_query", type_=String))
        .columns(course_id=Integer, rank=Float)
        .subquery("fts")
    )
    # bm25 is lower for better matches: it already sorts ascending.
    return Match(statement.join(fts, fts.c.course_id == Course.id), fts.c.rank)


def parameters(query: str, dialect: str) -> dict[str, str]:
    """The bind parameters of :func:`restrict`'s statement for ``query``."""
    words = terms(query)
    if dialect == "postgresql":
        return {"tsquery": tsquery_text(words)}
    return {"fts_query": fts5_query(words)}
