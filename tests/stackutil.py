"""Helpers for tests that run against the started stack (kept out of conftest so that test
modules import them by a unique name)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from devstack import ROOT

DEMO = json.loads((ROOT / "demo" / "identities.json").read_text(encoding="utf-8"))
PASSWORD = DEMO["password"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subgraph(stack, name: str) -> str:
    return f"{stack.url(name)}/graphql"


def db_conn(stack, service: str) -> psycopg.Connection:
    url = make_url(stack.database_url)
    kw = {"dbname": f"{stack.db_prefix}{service}", "autocommit": True, "user": url.username or "postgres"}
    if url.host:
        kw["host"] = url.host
    if url.port:
        kw["port"] = url.port
    kw.update(dict(url.query.items()))
    return psycopg.connect(**kw)


def demo_user(username: str) -> dict:
    return next(u for u in DEMO["users"] if u["username"] == username)


def demo_path() -> Path:
    return ROOT / "demo"
