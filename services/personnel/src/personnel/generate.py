"""A province-sized data set for benchmarks: by default 90 counties × 6 departments, 1,400
townships, one agency per department and township, 100,000 cadres. Pure SQL (generate_series),
so it loads in seconds. Never mixed with the demo data: use its own database (DB_PREFIX)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

LINES = [
    "人民调解",
    "社区矫正",
    "劳动保障监察",
    "市场监管",
    "食品安全",
    "城市管理",
    "综合执法",
    "生态环境执法",
    "国土资源执法",
]


def generate(session: Session, *, counties: int = 90, townships: int = 1400, cadres: int = 100_000) -> dict:
    if session.execute(text("SELECT count(*) FROM department")).scalar():
        raise RuntimeError("the database already holds data; generate into an empty one")
    p = {"counties": counties, "townships": townships, "cadres": cadres, "lines": LINES}
    session.execute(
        text("""
        INSERT INTO department (id, code, name, quota_total)
        SELECT gen_random_uuid(), 'c' || c || '-d' || d, '县' || c || '部门' || d, 0
        FROM generate_series(1, :counties) c, generate_series(1, 6) d"""),
        p,
    )
    session.execute(
        text("""
        INSERT INTO township (id, code, name, kind, township_class, population, area_km2, enterprises, workload)
        SELECT gen_random_uuid(), 't' || t, '乡镇' || t, CASE WHEN t % 4 = 0 THEN 'SUBDISTRICT' ELSE 'TOWN' END,
               (ARRAY['A','B','C'])[1 + t % 3], 20000 + (t * 7919) % 180000, 30 + (t * 31) % 150, 200 + (t * 53)
                 % 6000, 0
        FROM generate_series(1, :townships) t"""),
        p,
    )
    # Each township belongs to one county (t mod counties); each of that county's departments has an agency there.
    session.execute(
        text("""
        INSERT INTO agency (id, department_id, township_id, name, quota, is_enforcement, co_located)
        SELECT gen_random_uuid(), d.id, t.id, t.name || d.name || '派驻机构', 0, d.code LIKE '%-d1' OR d.code
          LIKE '%-d2', true
        FROM township t
        JOIN department d ON d.code LIKE 'c' || (1 + (substr(t.code, 2)::int % :counties)) || '-d%'"""),
        p,
    )
    session.execute(
        text("""
        WITH a AS (SELECT id, department_id, township_id, is_enforcement, row_number() OVER (ORDER BY id) AS n,
                          count(*) OVER () AS total FROM agency)
        INSERT INTO cadre (id, name, gender, birth_date, professional_line, is_enforcement, department_id, township_id,
                           agency_id, posted_on, status, id_number, phone)
        SELECT gen_random_uuid(), (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周'])[1 + i % 10] || '干部' || i,
               CASE WHEN i % 3 = 0 THEN 'FEMALE' ELSE 'MALE' END, DATE '1966-01-01' + (i * 37) % 13000,
               (CAST(:lines AS text[]))[1 + i % 9], a.is_enforcement, a.department_id, a.township_id, a.id,
               DATE '2018-01-01' + (i * 13) % 3200, 'IN_POST', NULL, NULL
        FROM generate_series(1, :cadres) i JOIN a ON a.n = 1 + (i % a.total)"""),
        p,
    )
    session.execute(
        text("""
        UPDATE agency SET quota = c.n + 1 FROM (SELECT agency_id, count(*) n FROM cadre GROUP BY agency_id) c
        WHERE c.agency_id = agency.id""")
    )
    session.execute(
        text("""
        UPDATE department SET quota_total = s.q FROM (SELECT department_id, sum(quota) q FROM agency GROUP BY 1) s
        WHERE s.department_id = department.id""")
    )
    session.execute(text("ANALYZE department; ANALYZE township; ANALYZE agency; ANALYZE cadre"))
    counts = session.execute(
        text("""SELECT (SELECT count(*) FROM department), (SELECT count(*) FROM township),
                                            (SELECT count(*) FROM agency), (SELECT count(*) FROM cadre)""")
    ).one()
    return dict(zip(("departments", "townships", "agencies", "cadres"), counts))
