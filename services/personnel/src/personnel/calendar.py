"""Business dates are in Asia/Shanghai; the clock lives in the kernel."""

from servicekit.calendar import SHANGHAI, today

__all__ = ["SHANGHAI", "today"]
