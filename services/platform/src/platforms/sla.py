"""时限: deadlines on a working-day calendar. Plain Python, no database.

A limit is a number of clock HOURS (urgent matters run around the clock) or of WORKING_DAYS.
Working time only passes on working days: Monday–Friday unless the county's calendar says a day is
a public holiday, or a weekend day is a swapped working day (调休上班). A phase that starts on a
non-working day starts counting at the next working day's midnight; N working days from Friday
15:00 end on the N-th following working day at 15:00.

Each phase (SIGN for 签收, HANDLE for 办理 up to feedback, VERIFY for 核查) gets, when it starts, a
warning time (``warn_share`` of the limit), a due time and a second-level escalation time
(``escalate_share`` of the limit). They are computed once and stored, so a later change to the
calendar or the policy never moves a deadline that is already running.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from servicekit.calendar import SHANGHAI

HOURS, WORKING_DAYS = "HOURS", "WORKING_DAYS"
UNITS = (HOURS, WORKING_DAYS)
SIGN, HANDLE, VERIFY = "SIGN", "HANDLE", "VERIFY"
DAY = dt.timedelta(days=1)
MAX_SCAN_DAYS = 3 * 366  # a calendar with no working day for three years is a configuration error


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class WorkCalendar:
    """Monday–Friday, with the county's exceptions: ``overrides[date] = working?``."""

    overrides: dict[dt.date, bool]

    def is_working(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def _next_working_start(self, day: dt.date) -> dt.datetime:
        for _ in range(MAX_SCAN_DAYS):
            day += DAY
            if self.is_working(day):
                return dt.datetime.combine(day, dt.time(), SHANGHAI)
        raise CalendarError("工作日历在三年内没有工作日")

    def advance(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment ``seconds`` of working time after ``start``."""
        t = start.astimezone(SHANGHAI)
        if not self.is_working(t.date()):
            t = self._next_working_start(t.date())
        remaining = dt.timedelta(seconds=seconds)
        for _ in range(MAX_SCAN_DAYS):
            midnight = dt.datetime.combine(t.date() + DAY, dt.time(), SHANGHAI)
            if remaining <= midnight - t:
                return t + remaining
            remaining -= midnight - t
            t = self._next_working_start(t.date())
        raise CalendarError("时限超出工作日历的计算范围")


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str

    def seconds(self) -> float:
        return self.amount * (3600 if self.unit == HOURS else 86400)

    def after(self, calendar: WorkCalendar, start: dt.datetime, share: Decimal | float = 1) -> dt.datetime:
        span = self.seconds() * float(share)
        if self.unit == HOURS:
            return start + dt.timedelta(seconds=span)
        return calendar.advance(start, span)


@dataclass(frozen=True)
class Policy:
    sign: Limit
    handle: Limit
    verify: Limit
    warn_share: Decimal
    escalate_share: Decimal

    def limit(self, phase: str) -> Limit:
        return {SIGN: self.sign, HANDLE: self.handle, VERIFY: self.verify}[phase]


@dataclass(frozen=True)
class Clock:
    """One phase's times; the worker raises a warning, then overdue (督办 level 1, the command
    centre), then escalation level 2 (township leaders)."""

    phase: str
    started_at: dt.datetime
    warn_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime

    def next_check(self, warned: bool, overdue: bool, level: int) -> dt.datetime | None:
        if not warned:
            return self.warn_at
        if not overdue:
            return self.due_at
        if level < 2:
            return self.escalate_at
        return None


def clock(policy: Policy, calendar: WorkCalendar, phase: str, start: dt.datetime) -> Clock:
    limit = policy.limit(phase)
    return Clock(
        phase=phase,
        started_at=start,
        warn_at=limit.after(calendar, start, policy.warn_share),
        due_at=limit.after(calendar, start),
        escalate_at=limit.after(calendar, start, policy.escalate_share),
    )


@dataclass(frozen=True)
class Alert:
    kind: str  # WARNING | OVERDUE | ESCALATION
    level: int


def due_alerts(c: Clock, *, warned: bool, overdue: bool, level: int, now: dt.datetime) -> list[Alert]:
    """Every alert that ``now`` has reached and that was not raised yet, in order (a worker that
    was down for a day raises the warning and the overdue notice together, never skips one)."""
    out = []
    if not warned and now >= c.warn_at:
        out.append(Alert("WARNING", 0))
    if not overdue and now >= c.due_at:
        out.append(Alert("OVERDUE", 1))
    if level < 2 and now >= c.escalate_at:
        out.append(Alert("ESCALATION", 2))
    return out
