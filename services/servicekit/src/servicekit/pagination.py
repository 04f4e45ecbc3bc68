"""Relay-style connections over keyset cursors.

A cursor is an opaque base64 of the sort key of the last row; the next page is
``WHERE (sort_key, id) > cursor ORDER BY sort_key, id LIMIT first + 1`` — one indexed query,
whatever the page number.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any, Generic, Sequence, TypeVar

from .errors import BadInput

MAX_PAGE = 100
DEFAULT_PAGE = 20

T = TypeVar("T")


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_CURSOR = 1000  # characters; a real cursor is a few dozen


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The sort key inside a cursor. Whatever arrives — NUL bytes, lone surrogates, JSON nested a
    thousand deep, objects where scalars belong — is the caller's bad input, never a server error."""
    if cursor is None:
        return None
    malformed = BadInput("分页游标无效", detail="malformed cursor")
    if len(cursor) > MAX_CURSOR:
        raise malformed
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise malformed from exc
    if not isinstance(key, list) or len(key) != arity:
        raise BadInput("分页游标无效", detail="cursor does not belong to this list")
    for value in key:
        if isinstance(value, (list, dict)) or (isinstance(value, str) and not _clean(value)):
            raise malformed
    return key


def _clean(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _convert(value: Any, kind: type) -> Any:
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(str(value))
    if kind is dt.date:
        return dt.date.fromisoformat(str(value))
    if kind is uuid.UUID:
        return uuid.UUID(str(value))
    if kind is str and not isinstance(value, str):
        raise ValueError("expected a string")
    return kind(value)


def decode_key(cursor: str | None, *kinds: type) -> tuple | None:
    """The typed sort key of a cursor (e.g. ``decode_key(after, dt.datetime, uuid.UUID)``); a cursor
    that does not decode to these types is the caller's bad input, never a server error."""
    key = decode_cursor(cursor, len(kinds))
    if key is None:
        return None
    try:
        return tuple(_convert(v, k) for v, k in zip(key, kinds))
    except (TypeError, ValueError) as exc:
        raise BadInput("分页游标无效", detail="cursor does not belong to this list") from exc


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 1 or first > MAX_PAGE:
        raise BadInput(f"每页条数须在 1 到 {MAX_PAGE} 之间", detail=f"first must be 1..{MAX_PAGE}")
    return first


@dataclass
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool


def make_page(rows: Sequence[T], size: int, key) -> Page[T]:
    """``rows`` were fetched with ``LIMIT size + 1``; ``key(row)`` gives the row's sort key."""
    has_next = len(rows) > size
    items = list(rows[:size])
    return Page(items=items, cursors=[encode_cursor(key(r)) for r in items], has_next=has_next)
