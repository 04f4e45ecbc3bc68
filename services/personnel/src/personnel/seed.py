"""Demo data reproducing the field report: 6 departments, 12 townships, quota 597, 566 in post,
enforcement staff above 71% of those sent down. Deterministic (fixed ids and random seed)."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicekit import audit, outbox

from . import events
from .models import (
    Agency,
    Attendance,
    Cadre,
    CareerRecommendation,
    Department,
    MiddlePost,
    Posting,
    ReminderBatch,
    ReminderNotice,
    Township,
    TrainingPlan,
    TrainingSession,
)
from .roster import id_check_digit

DEMO_DIR = Path(__file__).resolve().parents[4] / "demo"

# Department totals sent down (下沉员额总量): sum 597. Enforcement departments hold 430.
DEPARTMENT_QUOTA = {"zhzfj": 220, "scjgj": 140, "sfj": 100, "rsj": 67, "zrzyj": 40, "sthjfj": 30}
ENFORCEMENT = {"zhzfj", "scjgj", "zrzyj", "sthjfj"}
AGENCY_SUFFIX = {
    "sfj": "司法所",
    "rsj": "人力社保所",
    "scjgj": "市场监管所",
    "zhzfj": "综合行政执法中队",
    "sthjfj": "生态环境监管站",
    "zrzyj": "自然资源所",
}
LINES = {
    "sfj": ["人民调解", "社区矫正", "法律服务"],
    "rsj": ["劳动保障监察", "就业服务"],
    "scjgj": ["市场监管", "食品安全", "特种设备"],
    "zhzfj": ["城市管理", "违建治理", "综合执法"],
    "sthjfj": ["生态环境执法"],
    "zrzyj": ["国土资源执法", "规划管理"],
}
CLASS_WEIGHT = {"A": 1.4, "B": 1.0, "C": 0.7}
# Population, area (km²) and enterprises per township: illustrative figures of the right size.
TOWNSHIP_FACTS = {
    "jiyang": (215000, 68, 5200),
    "huandong": (132000, 92, 3900),
    "taozhu": (96000, 55, 3100),
    "diankou": (180000, 106, 6800),
    "datang": (112000, 82, 5600),
    "ciwu": (58000, 81, 1900),
    "fengqiao": (96000, 151, 2600),
    "paitou": (62000, 92, 1500),
    "huangshan": (36000, 110, 700),
    "caota": (41000, 71, 1100),
    "wuxie": (21000, 123, 300),
    "tongshan": (19000, 104, 250),
}
IN_POST_TOTAL = 566
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任"
    "沈姚卢钟姜崔谭陆范汪金石廖贾夏韦方邹熊孟秦白江"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲建国志红文辉斌宇浩凯晨婷雪琳鹏飞丹欣佳俊峰亮健波宁倩云龙"


def _id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    exact = [total * w / s for w in weights]
    base = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: exact[i] - base[i], reverse=True)[: total - sum(base)]:
        base[i] += 1
    return base


def seed_demo(session: Session, settings=None) -> dict:
    if session.scalar(select(func.count()).select_from(Department)):
        return {"skipped": "demo data already loaded"}
    org = json.loads((DEMO_DIR / "org.json").read_text(encoding="utf-8"))
    ns = uuid.UUID(org["namespace"])
    rng = random.Random(20261127)
    departments = {
        d["code"]: Department(
            id=uuid.UUID(d["id"]), code=d["code"], name=d["name"], quota_total=DEPARTMENT_QUOTA[d["code"]]
        )
        for d in org["departments"]
    }
    townships = {
        t["code"]: Township(
            id=uuid.UUID(t["id"]),
            code=t["code"],
            name=t["name"],
            kind=t["kind"],
            township_class=t["class"],
            population=TOWNSHIP_FACTS[t["code"]][0],
            area_km2=TOWNSHIP_FACTS[t["code"]][1],
            enterprises=TOWNSHIP_FACTS[t["code"]][2],
            workload=0.0,
        )
        for t in org["townships"]
    }
    session.add_all([*departments.values(), *townships.values()])
    session.flush()

    agencies: list[Agency] = []
    for dcode, total in DEPARTMENT_QUOTA.items():
        towns = list(townships.values())
        quotas = _largest_remainder(total, [CLASS_WEIGHT[t.township_class] for t in towns])
        for town, quota in zip(towns, quotas):
            co_located = rng.random() < 0.8  # the report notes some agencies sit far from the township office
            agencies.append(
                Agency(
                    id=uuid.uuid5(ns, f"agency:{dcode}:{town.code}"),
                    department_id=departments[dcode].id,
                    township_id=town.id,
                    name=f"{town.name}{AGENCY_SUFFIX[dcode]}",
                    quota=quota,
                    is_enforcement=dcode in ENFORCEMENT,
                    co_located=co_located,
                    distance_km=None if co_located else round(rng.uniform(0.5, 8.0), 1),
                )
            )
    session.add_all(agencies)
    session.flush()

    # 31 vacancies spread over the agencies, so 566 are in post.
    vacancies = _largest_remainder(sum(a.quota for a in agencies) - IN_POST_TOTAL, [a.quota for a in agencies])
    code_of = {d.id: c for c, d in departments.items()}
    today = dt.date(2026, 11, 27)
    demo_cadre_id = uuid.uuid5(ns, "cadre:demo")
    n = 0
    for agency, vacant in zip(agencies, vacancies):
        dcode = code_of[agency.department_id]
        for _ in range(agency.quota - vacant):
            n += 1
            is_demo = (
                dcode == "sfj"
                and agency.id == uuid.uuid5(ns, "agency:sfj:diankou")
                and not session.get(Cadre, demo_cadre_id)
            )
            birth = today - dt.timedelta(days=rng.randint(23 * 365, 59 * 365))
            cadre = Cadre(
                id=demo_cadre_id if is_demo else uuid.uuid5(ns, f"cadre:{n}"),
                name="杨明"
                if is_demo
                else rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                gender=rng.choice(("MALE", "MALE", "FEMALE")),
                birth_date=birth,
                id_number=_id_number(f"330681{birth:%Y%m%d}{rng.randint(100, 999)}"),
                phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                professional_line=rng.choice(LINES[dcode]),
                is_enforcement=agency.is_enforcement,
                department_id=agency.department_id,
                township_id=agency.township_id,
                agency_id=agency.id,
                posted_on=today - dt.timedelta(days=rng.randint(30, 8 * 365)),
                status="IN_POST",
            )
            if is_demo:  # the demo cadre mediates, so the demo's dispute events route to them
                cadre.professional_line = "人民调解"
            cadre.political_status = rng.choice(("中共党员", "中共党员", "共青团员", "群众"))
            cadre.education = rng.choice(("大学本科", "大学本科", "研究生", "大学专科"))
            cadre.rank = rng.choice(("一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员"))
            if agency.is_enforcement:
                cadre.enforcement_cert_no = f"ZJ{dcode.upper()}{n:05d}"
                cadre.enforcement_cert_expiry = today + dt.timedelta(days=rng.randint(-20, 5 * 365))
            session.add(cadre)
            session.flush()
            is_head = agency.head_cadre_id is None and not is_demo  # the first person posted heads the agency
            if is_head:
                agency.head_cadre_id = cadre.id
            session.add(
                Posting(
                    cadre_id=cadre.id,
                    agency_id=agency.id,
                    township_id=agency.township_id,
                    role="HEAD" if is_head else "MEMBER",
                    start_date=cadre.posted_on,
                )
            )
            outbox.emit_sync(
                session,
                events.CADRE_STATIONED,
                aggregate_type="Cadre",
                aggregate_id=cadre.id,
                payload=events.cadre_payload(cadre),
            )
    for kind, rows in (("DEPARTMENT", departments.values()), ("TOWNSHIP", townships.values()), ("AGENCY", agencies)):
        for row in rows:
            outbox.emit_sync(
                session,
                events.UNIT_UPSERTED,
                aggregate_type=kind.title(),
                aggregate_id=row.id,
                payload=events.unit_payload(kind, row),
            )
    history = _report_history(session, departments, today)
    audit.record_sync(
        session,
        actor=None,
        action="demo.load",
        entity_type="Roster",
        entity_id="demo",
        after={
            "departments": len(departments),
            "townships": len(townships),
            "agencies": len(agencies),
            "quota": sum(a.quota for a in agencies),
            "in_post": n,
            **history,
        },
        reason="demo data from the Zhuji field report",
    )
    return {
        "departments": len(departments),
        "townships": len(townships),
        "agencies": len(agencies),
        "quota": sum(a.quota for a in agencies),
        "in_post": n,
    }


# The report's other figures (docs/domain.md): 提醒告知单6批次、及时补员29人; 近两年6名提任乡科级副职、
# 17名担(兼)任乡镇(街道)中层; one department's year: 4 集中轮训 and 6 案件会商.
REMINDER_BATCHES = [  # (issued, deadline, {department: people replenished})
    (dt.date(2025, 3, 10), dt.date(2025, 4, 30), {"zhzfj": 4, "scjgj": 2}),
    (dt.date(2025, 6, 16), dt.date(2025, 7, 31), {"sfj": 3, "rsj": 2}),
    (dt.date(2025, 9, 8), dt.date(2025, 10, 31), {"zhzfj": 3, "zrzyj": 2}),
    (dt.date(2025, 12, 1), dt.date(2026, 1, 31), {"scjgj": 2, "sthjfj": 2}),
    (dt.date(2026, 3, 9), dt.date(2026, 4, 30), {"zhzfj": 3, "rsj": 2}),
    (dt.date(2026, 6, 15), dt.date(2026, 7, 31), {"sfj": 2, "scjgj": 2}),
]
PROMOTED = 6
MIDDLE_POSTS = (
    "综治办副主任",
    "党政办副主任",
    "经济发展办副主任",
    "社会事务办副主任",
    "平安办副主任",
    "应急管理办副主任",
)
MIDDLE_POSTS_HELD = 17
TRAINING_YEAR = 2025  # a whole year, before the demo's current one (whose plans are the user's to file)


def _report_history(session: Session, departments: dict, today: dt.date) -> dict:
    """Closed history, as it would stand after two years of use: what the report counts as success."""
    by_department = {
        code: list(
            session.scalars(
                select(Cadre).where(Cadre.department_id == d.id, Cadre.status == "IN_POST").order_by(Cadre.id.desc())
            ).all()
        )
        for code, d in departments.items()
    }
    for issued, deadline, filled in REMINDER_BATCHES:
        batch = ReminderBatch(
            issued_by="demo-bianban",
            issued_at=dt.datetime.combine(issued, dt.time(9), dt.timezone.utc),
            deadline=deadline,
            note="未按员额下沉，请于期限内补员",
        )
        session.add(batch)
        session.flush()
        for code, n in filled.items():
            session.add(
                ReminderNotice(
                    batch_id=batch.id,
                    department_id=departments[code].id,
                    vacancies_at_issue=n,
                    status="CLOSED",
                    plan=f"{n}人经调入补齐",
                    planned_by=f"demo-{code}-admin",
                    planned_at=dt.datetime.combine(issued + dt.timedelta(days=7), dt.time(9), dt.timezone.utc),
                    replenished=n,
                    closed_at=dt.datetime.combine(deadline - dt.timedelta(days=5), dt.time(17), dt.timezone.utc),
                )
            )
    # Promotions and middle posts: from the longest-serving end of each department's list, in turn.
    pool = [c for group in zip(*by_department.values()) for c in group]
    for i, cadre in enumerate(pool[:PROMOTED]):
        session.add(
            CareerRecommendation(
                cadre_id=cadre.id,
                side="DEPARTMENT" if i % 2 == 0 else "TOWNSHIP",
                target="PROMOTION",
                reasons="业务骨干，群众认可",
                status="APPROVED",
                recommended_by="demo-recommender",
                recommended_at=dt.datetime(2025 + i % 2, 4 + i, 1, 9, tzinfo=dt.timezone.utc),
                decided_by="demo-zuzhibu",
                decision_note="提任为乡科级副职领导",
            )
        )
    for i, cadre in enumerate(pool[PROMOTED : PROMOTED + MIDDLE_POSTS_HELD]):
        session.add(
            MiddlePost(
                cadre_id=cadre.id,
                township_id=cadre.township_id,
                post=MIDDLE_POSTS[i % len(MIDDLE_POSTS)],
                concurrent=True,
                status="HELD",
                proposed_by="demo-township-admin",
                consented_by="demo-department-admin",
                start_date=today - dt.timedelta(days=30 + 40 * i),  # all within two years
            )
        )
    sfj = departments["sfj"]
    plan = TrainingPlan(
        owner_kind="DEPARTMENT",
        owner_id=sfj.id,
        year=TRAINING_YEAR,
        title=f"{TRAINING_YEAR}年度派驻司法所业务培训计划",
        content="集中轮训4期（人民调解、社区矫正、法律服务、执法规范），案件会商每两月一次",
        filed_by="demo-sfj-admin",
    )
    session.add(plan)
    session.flush()
    people = by_department["sfj"]
    kinds = [("ROTATION_TRAINING", f"集中轮训第{k}期") for k in range(1, 5)] + [
        ("CASE_CONSULTATION", f"疑难案件会商（第{k}次）") for k in range(1, 7)
    ]
    for k, (kind, title) in enumerate(kinds):
        held = dt.date(TRAINING_YEAR, 2 + k, 15)
        training = TrainingSession(plan_id=plan.id, kind=kind, title=title, held_on=held, recorded_by="demo-sfj-admin")
        session.add(training)
        session.flush()
        attendees = people if kind == "ROTATION_TRAINING" else people[k * 5 : k * 5 + 5]
        session.add_all(
            [Attendance(session_id=training.id, cadre_id=c.id, present=(j % 12 != 0)) for j, c in enumerate(attendees)]
        )
    return {
        "reminder_batches": len(REMINDER_BATCHES),
        "replenished": sum(sum(f.values()) for _, _, f in REMINDER_BATCHES),
        "promoted": PROMOTED,
        "middle_posts": MIDDLE_POSTS_HELD,
        "trainings": 4,
        "case_consultations": 6,
    }
