"""Demo data for the platform (``python -m platforms seed-demo``): 店口镇's grids, two township
offices on their platforms, a post with its duty, and a few hotline events waiting for the command
centre. Stationed cadres and agencies arrive from personnel's feed once the services run."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit import audit, outbox

from . import events
from .models import Grid, GridEvent, GridMember, Post, PostDuty, Unit

DEMO = Path(__file__).resolve().parents[4] / "demo" / "org.json"
GRIDS = [
    ("DK-01", "店口村网格", "店口村", "王建国"),
    ("DK-02", "解放路社区网格", "解放路社区", "陈丽"),
    ("DK-03", "湄池村网格", "湄池村", "赵海峰"),
]
EVENTS = [
    ("NEIGHBOUR_DISPUTE", "NORMAL", "DK-01", "两户因宅基地界址发生争执，要求村里调解"),
    ("STREET_TRADING", "HIGH", "DK-02", "解放路早市占道经营，影响通行"),
    ("WAGE_ARREARS", "HIGH", "DK-03", "某五金厂拖欠 12 名工人两个月工资"),
    ("POLLUTION", "URGENT", "DK-03", "湄池村河道出现大面积异味和死鱼"),
]


def seed_demo(session: Session) -> dict:
    org = json.loads(DEMO.read_text(encoding="utf-8"))
    ns = uuid.UUID(org["namespace"])
    town = uuid.UUID(next(t["id"] for t in org["townships"] if t["code"] == "diankou"))
    if session.scalar(select(Grid.id).where(Grid.township_id == town, Grid.code == "DK-01")):
        return {"skipped": "already loaded"}
    grids = {}
    for code, name, village, worker in GRIDS:
        grid = Grid(id=uuid.uuid5(ns, f"grid:{code}"), township_id=town, code=code, name=name, village=village)
        session.add(grid)
        session.flush()
        session.add(GridMember(grid_id=grid.id, kind="GRID_WORKER", name=worker, duty="MEMBER"))
        session.add(GridMember(grid_id=grid.id, kind="STAFF", name=f"{village}联村干部", duty="LEADER"))
        grids[code] = grid.id
    office = Unit(
        id=uuid.uuid5(ns, "unit:diankou:zongzhiban"),
        township_id=town,
        kind="OFFICE",
        name="店口镇综治办",
        platform_code="SAFETY_RULE_OF_LAW",
    )
    service = Unit(
        id=uuid.uuid5(ns, "unit:diankou:bianmin"),
        township_id=town,
        kind="OFFICE",
        name="店口镇便民服务中心",
        platform_code="PUBLIC_SERVICE",
    )
    session.add_all([office, service])
    session.flush()
    post = Post(id=uuid.uuid5(ns, "post:diankou:mediation"), township_id=town, unit_id=office.id, name="矛盾纠纷调处岗")
    session.add(post)
    session.flush()
    session.add(
        PostDuty(post_id=post.id, matter_type="NEIGHBOUR_DISPUTE", responsibility="邻里、宅基地纠纷的受理与调处")
    )
    for matter, priority, grid, text in EVENTS:
        event = GridEvent(
            township_id=town,
            matter_type=matter,
            priority=priority,
            description=text,
            grid_id=grids[grid],
            location=dict((g[0], g[2]) for g in GRIDS)[grid],
            reported_by="demo-hotline",
            source="HOTLINE",
        )
        session.add(event)
        session.flush()
        # Announced as intake announces a report: the command centre's 待办 starts with them.
        outbox.emit_sync(
            session,
            events.EVENT_REPORTED,
            aggregate_type="GridEvent",
            aggregate_id=event.id,
            payload={"township_id": str(town), "matter_type": matter, "priority": priority},
        )
    counts = {"grids": len(GRIDS), "offices": 2, "posts": 1, "events": len(EVENTS)}
    audit.record_sync(
        session,
        actor=None,
        action="demo.load",
        entity_type="Platform",
        entity_id="demo",
        after=counts,
        reason="demo data from the Zhuji field report",
    )
    return counts
