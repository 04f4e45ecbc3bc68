"""平台数据作为考核依据: the platform's monthly figures for a cadre, added up over a cycle's period
and shown beside the indicators. Plain Python; the assessors score, the figures only inform.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTS = (
    "dispatched",
    "closed",
    "returned",
    "overdue_phases",
    "outside_line",
    "team_visits",
    "callbacks",
    "satisfied",
    "timed_steps",
    "on_time_steps",
)


def months_of(period: str) -> list[str]:
    """``2026`` → twelve months; ``2026-Q4`` → October to December; ``2026-11`` → itself."""
    year, _, rest = period.partition("-")
    if not rest:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    if rest.startswith("Q"):
        q = int(rest[1:])
        return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    return [period]


@dataclass(frozen=True)
class Evidence:
    months: list[str]
    dispatched: int = 0
    closed: int = 0
    returned: int = 0
    overdue_phases: int = 0
    outside_line: int = 0
    team_visits: int = 0
    callbacks: int = 0
    satisfied: int = 0
    timed_steps: int = 0
    on_time_steps: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time_steps / self.timed_steps, 4) if self.timed_steps else None

    @property
    def satisfaction_rate(self) -> float | None:
        return round(self.satisfied / self.callbacks, 4) if self.callbacks else None


def add_up(monthly: dict[str, dict]) -> Evidence:
    """``monthly`` maps YYYY-MM to the published figures of that month."""
    totals = {k: sum(int(f.get(k) or 0) for f in monthly.values()) for k in COUNTS}
    return Evidence(months=sorted(monthly), **totals)
