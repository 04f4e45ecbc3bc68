"""Events the identity service consumes: none. Users and role bindings are administered here."""

from __future__ import annotations


def consumers(runtime) -> list:
    return []
