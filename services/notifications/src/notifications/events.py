"""Domain events the notifications service publishes: none yet (deliveries will report here)."""

from __future__ import annotations
