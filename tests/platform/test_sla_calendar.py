"""时限 on the working-day calendar: weekends, public holidays, swapped working days (调休), clock
hours for urgent matters, the warning / overdue / escalation times, and catching up after downtime."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platforms import sla
from servicekit.calendar import SHANGHAI

PLAIN = sla.WorkCalendar({})
# 2026: National Day holiday 1–7 October, Sunday 27 September and Saturday 10 October are worked.
NATIONAL_DAY = sla.WorkCalendar(
    {**{dt.date(2026, 10, d): False for d in range(1, 8)}, dt.date(2026, 9, 27): True, dt.date(2026, 10, 10): True}
)


def at(y, m, d, h=0, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


def test_working_days_skip_the_weekend():
    friday = at(2026, 11, 27, 15)
    assert sla.Limit(1, sla.WORKING_DAYS).after(PLAIN, friday) == at(2026, 11, 30, 15)  # Monday
    assert sla.Limit(5, sla.WORKING_DAYS).after(PLAIN, friday) == at(2026, 12, 4, 15)


def test_a_phase_starting_on_a_rest_day_counts_from_the_next_working_day():
    saturday = at(2026, 11, 28, 10)
    assert sla.Limit(1, sla.WORKING_DAYS).after(PLAIN, saturday) == at(2026, 12, 1, 0)


def test_public_holidays_stop_the_clock_and_swapped_days_run_it():
    before_holiday = at(2026, 9, 30, 9)  # Wednesday; 1–7 October are off, Saturday 10 October is worked
    assert sla.Limit(1, sla.WORKING_DAYS).after(NATIONAL_DAY, before_holiday) == at(2026, 10, 8, 9)
    assert sla.Limit(3, sla.WORKING_DAYS).after(NATIONAL_DAY, before_holiday) == at(2026, 10, 10, 9)
    swapped_sunday = at(2026, 9, 27, 9)
    assert sla.Limit(1, sla.WORKING_DAYS).after(NATIONAL_DAY, swapped_sunday) == at(2026, 9, 28, 9)


def test_hours_run_around_the_clock():
    saturday_night = at(2026, 11, 28, 23)
    assert sla.Limit(4, sla.HOURS).after(NATIONAL_DAY, saturday_night) == at(2026, 11, 29, 3)


def test_a_clock_warns_then_falls_due_then_escalates():
    policy = sla.Policy(
        sign=sla.Limit(4, sla.HOURS),
        handle=sla.Limit(2, sla.WORKING_DAYS),
        verify=sla.Limit(1, sla.WORKING_DAYS),
        warn_share=Decimal("0.75"),
        escalate_share=Decimal("1.5"),
    )
    c = sla.clock(policy, PLAIN, sla.HANDLE, at(2026, 11, 26, 12))  # Thursday noon
    # 2 working days = 48 h of working time: Thursday 12 h + Friday 24 h + Monday 12 h.
    assert c.warn_at == at(2026, 11, 28, 0)  # 36 h: the end of Friday
    assert c.due_at == at(2026, 11, 30, 12)
    assert c.escalate_at == at(2026, 12, 1, 12)  # 72 h


def test_a_worker_that_was_down_raises_every_missed_alert_in_order():
    c = sla.Clock(sla.SIGN, at(2026, 11, 27, 8), at(2026, 11, 27, 11), at(2026, 11, 27, 12), at(2026, 11, 27, 14))
    assert sla.due_alerts(c, warned=False, overdue=False, level=0, now=at(2026, 11, 27, 10)) == []
    assert [a.kind for a in sla.due_alerts(c, warned=False, overdue=False, level=0, now=at(2026, 11, 28))] == [
        "WARNING",
        "OVERDUE",
        "ESCALATION",
    ]
    assert sla.due_alerts(c, warned=True, overdue=True, level=2, now=at(2026, 11, 28)) == []
    assert c.next_check(True, True, 2) is None


def test_a_calendar_without_working_days_is_refused():
    never = sla.WorkCalendar({dt.date(2026, 1, 1) + dt.timedelta(days=i): False for i in range(4 * 366)})
    with pytest.raises(sla.CalendarError):
        sla.Limit(1, sla.WORKING_DAYS).after(never, at(2026, 1, 1))


@given(
    st.integers(min_value=0, max_value=600),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=0, max_value=23),
)
def test_working_time_is_monotonic_and_never_lands_on_a_rest_day(offset, days, hour):
    start = at(2026, 1, 1, hour) + dt.timedelta(days=offset)
    short, long = (sla.Limit(n, sla.WORKING_DAYS).after(NATIONAL_DAY, start) for n in (days, days + 1))
    assert start < short < long
    # The end of a span is on a working day, or the midnight that closes one.
    end_day = short.date() if short.time() != dt.time() else short.date() - dt.timedelta(days=1)
    assert NATIONAL_DAY.is_working(end_day)
