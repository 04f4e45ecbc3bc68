"""派单推荐: which unit and person should take an event, and why. Plain Python, no database.

The post management (定事 → 定岗 → 定责 → 定人) comes first, then the grid, then the professional
line, so a recommendation always states which of these it rests on:

- ``POST_AND_GRID``: holds a post whose duties cover the matter and belongs to the event's grid;
- ``POST``: holds such a post;
- ``GRID_LINE``: belongs to the event's grid and works on the matter's professional line;
- ``LINE``: works on the line in the township;
- ``POST_UNIT``: no person fits, but a unit has a post covering the matter (its head assigns);
- ``NONE``: nothing fits; the command centre decides.

Persons off the matter's line are never recommended (专业人做专业事). Among equals the one with
fewer open tasks wins, then the name, so the answer does not depend on input order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

REASONS = ("POST_AND_GRID", "POST", "GRID_LINE", "LINE", "POST_UNIT", "NONE")


@dataclass(frozen=True)
class Candidate:
    cadre_id: uuid.UUID
    unit_id: uuid.UUID
    name: str
    line: str
    open_tasks: int
    holds_post: bool  # a post of theirs has a duty for this matter type
    in_grid: bool  # member of the event's grid


@dataclass(frozen=True)
class Recommendation:
    unit_id: uuid.UUID | None
    cadre_id: uuid.UUID | None
    reason: str
    note: str


def _reason(c: Candidate) -> str:
    if c.holds_post:
        return "POST_AND_GRID" if c.in_grid else "POST"
    return "GRID_LINE" if c.in_grid else "LINE"


def recommend(line: str, candidates: list[Candidate], post_units: list[uuid.UUID]) -> Recommendation:
    eligible = [c for c in candidates if c.line == line]
    if eligible:
        best = min(eligible, key=lambda c: (REASONS.index(_reason(c)), c.open_tasks, c.name, c.cadre_id))
        reason = _reason(best)
        basis = {
            "POST_AND_GRID": "持有该事项岗位且在本网格",
            "POST": "持有该事项岗位",
            "GRID_LINE": f"在本网格且属{line}条线",
            "LINE": f"属{line}条线",
        }[reason]
        return Recommendation(best.unit_id, best.cadre_id, reason, f"{best.name}：{basis}，在办 {best.open_tasks} 件")
    if post_units:
        return Recommendation(
            sorted(post_units)[0], None, "POST_UNIT", "该事项有定岗单位，但无在岗的本条线人员；由单位负责人指派"
        )
    return Recommendation(None, None, "NONE", f"本乡镇无{line}条线在岗人员，也无该事项的定岗，由指挥室研判")
