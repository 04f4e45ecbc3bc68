"""Nothing personal in what the suite's services wrote: every log line of every stack this run
started (gateway, services, console), scanned for the roster's ID numbers and phone numbers, access
and refresh tokens, the demo password and client secrets.

The file is named to sort last, so that pytest collects it after every other end-to-end module and
the logs it reads hold what the whole suite did (login failures, refused inputs, imports, faults)."""

from __future__ import annotations

import re

from stackutil import ROOT, db_conn

DIGITS = re.compile(r"[0-9X]{11,}")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")
SECRETS = ("Demo-2026-county", "sfj-system-demo-secret", "dev-svc-personnel-secret")


def test_no_log_line_of_the_run_carries_personal_data_tokens_or_passwords(stack, run_prefix):
    with db_conn(stack, "personnel") as conn:
        values = {v for row in conn.execute("SELECT id_number, phone FROM cadre") for v in row if v and len(v) >= 11}
    assert len(values) > 500  # the demo roster's ID numbers and phones
    logs = sorted((ROOT / ".data" / "test-logs").glob(f"{run_prefix.rstrip('_')}*/*.log"))
    assert logs, "no logs from this run"
    found = []
    for path in logs:
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            hits = [v for run in DIGITS.findall(line) for v in _windows(run) if v in values]
            hits += JWT.findall(line) + [s for s in SECRETS if s in line]
            if hits:
                found.append(f"{path.relative_to(ROOT)}:{n}: {hits[:2]} in {line[:160]}")
    assert not found, "\n".join(found[:20])


def _windows(run: str):
    """Every 11- and 18-character stretch of a run of digits (a phone, an ID number)."""
    for size in (11, 18):
        for i in range(len(run) - size + 1):
            yield run[i : i + size]
