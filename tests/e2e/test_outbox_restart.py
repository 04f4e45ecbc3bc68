"""Outbox → feed → consumer: kill a consumer mid-stream and restart it; nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess

from devstack import PYTHON, ROOT
from helpers import eventually
from stackutil import db_conn


def test_consumer_killed_mid_stream_loses_and_doubles_nothing(stack, run_prefix):
    prefix = f"{run_prefix}k_"  # a fresh assessment database that has seen no event yet
    env = {**stack.env("assessment"), "DB_PREFIX": prefix, "CONSUMER_BATCH_SIZE": "5"}
    subprocess.run([PYTHON, "-m", "assessment", "migrate"], env=env, cwd=ROOT, check=True)
    scratch = type(stack)(database_url=stack.database_url, db_prefix=prefix)

    with db_conn(stack, "personnel") as conn:
        cadre_ids = {str(r[0]) for r in conn.execute("SELECT id FROM cadre")}
    expected = len(cadre_ids)

    def count() -> int:
        with db_conn(scratch, "assessment") as conn:
            return conn.execute("SELECT count(*) FROM roster_entry").fetchone()[0]

    def consume() -> subprocess.Popen:
        return subprocess.Popen(
            [PYTHON, "-m", "assessment", "consume"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    first = consume()
    try:
        eventually(lambda: count() > 0, timeout=30, interval=0.02)
        os.killpg(first.pid, signal.SIGKILL)  # no chance to finish a batch or say goodbye
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    at_kill = count()
    assert 0 < at_kill < expected, f"consumer was not stopped mid-stream ({at_kill}/{expected})"

    with db_conn(stack, "personnel") as conn:
        last = conn.execute("SELECT txid, id FROM outbox_event ORDER BY txid DESC, id DESC LIMIT 1").fetchone()

    def position() -> str | None:
        with db_conn(scratch, "assessment") as conn:
            row = conn.execute("SELECT position FROM consumer_cursor WHERE name = 'personnel'").fetchone()
        return row[0] if row else None

    second = consume()
    try:
        # Done when the cursor stands on the last event: everything after the kill was applied and
        # acknowledged, so no later poll can deliver any of it again.
        eventually(lambda: count() == expected and position() == f"{last[0]}:{last[1]}", timeout=60)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=10)

    with db_conn(scratch, "assessment") as conn:
        rows = conn.execute("SELECT cadre_id::text, events_applied FROM roster_entry").fetchall()
    assert {r[0] for r in rows} == cadre_ids
    assert all(applied == 1 for _, applied in rows), "an event was applied twice"
