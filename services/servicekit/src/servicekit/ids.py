"""Ids arrive as strings from GraphQL and events; a malformed one is the caller's bad input."""

from __future__ import annotations

import uuid

from .errors import BadInput


def parse_id(value, what: str) -> uuid.UUID:
    """``what`` names the thing in the message (e.g. "乡镇")."""
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise BadInput(f"{what}编号格式错误", detail=f"{what} id must be a UUID") from exc


def optional_id(value, what: str) -> uuid.UUID | None:
    return None if value is None else parse_id(value, what)
