"""Business dates are in Asia/Shanghai (docs/api.md, "Dates and years")."""

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()
