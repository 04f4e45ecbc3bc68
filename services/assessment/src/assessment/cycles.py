"""Annual assessment cycles: opening with a roster snapshot, scoring by each side for its own
cadres only, and the excellence flow (联动化评优) as states of each department's flow.

Rules (``extensions.rule``): ``CYCLE_EXISTS`` (one annual cycle a year), ``CYCLE_YEAR_OUT_OF_RANGE``
(from 2000 to next year), ``SCORE_OUT_OF_RANGE``,
``SCORING_CLOSED``, ``MISSING_SCORES`` (a missing score blocks the shortlist unless excused),
``FLOW_OUT_OF_ORDER`` (the report's order), ``ROUND2_ALREADY_SUBMITTED`` and the pick rules of
``excellence.py`` (``PICK_NOT_SHORTLISTED``, ``EXCELLENCE_QUOTA_EXCEEDED``, ``ALREADY_EXCELLENT``,
``PICK_OUTSIDE_TOWNSHIP``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, insert, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox, visibility
from servicekit.calendar import today
from servicekit.errors import AppError, BadInput, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import events, policy, schemes, stays, work
from . import excellence as ex
from .models import OCCUPYING, Cycle, DepartmentFlow, Member, Objection, RosterEntry, TownshipRound


def settings_of(c: Cycle) -> ex.Settings:
    return ex.Settings(
        township_weight=c.township_weight,
        department_weight=1 - c.township_weight,
        shortlist_share=c.shortlist_share,
        round1_share=c.round1_share,
        round2_share=c.round2_share,
        rounding=c.rounding,
        ties=c.ties,
    )


FIRST_YEAR = 2000
PERIOD = re.compile(r"^(\d{4})(-(Q[1-4]|0[1-9]|1[0-2]))?$")


async def list_cycles(session: AsyncSession) -> list[Cycle]:
    """Every cycle, newest year first: what a cycle is (its year, shares, rules) is open to all people."""
    return list((await session.scalars(select(Cycle).order_by(Cycle.year.desc(), Cycle.period.desc()))).all())


async def department_flows(session: AsyncSession, cycle_id: uuid.UUID) -> list[DepartmentFlow]:
    """Each department's excellence flow in a cycle (its state and quotas)."""
    stmt = select(DepartmentFlow).where(DepartmentFlow.cycle_id == cycle_id).order_by(DepartmentFlow.department_id)
    return list((await session.scalars(stmt)).all())


async def open_cycle(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int,
    township_share: Decimal,
    rounding: str,
    ties: str,
    period: str | None = None,
    assessed_where: str = "TOWNSHIP_AT_OPENING",
) -> Cycle:
    """An annual cycle (``period`` = the year) runs the excellence flow; a regular cycle (平时考核,
    ``period`` = 2026-Q4 or 2026-11) collects scores only."""
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("考核周期由组织部开启")
    # Past years may be entered late (a county starting with the system); next year's may be prepared
    # in December; nothing before the system's first year or further ahead.
    if not FIRST_YEAR <= year <= today().year + 1:
        raise RuleViolation("CYCLE_YEAR_OUT_OF_RANGE", f"考核年度须在 {FIRST_YEAR}–{today().year + 1} 年之间")
    township_share = Decimal(township_share)
    # A share of the total (0-1), as the column stores it (three decimals): 0.6 is 60%. Both sides weigh something.
    if not (0 < township_share < 1) or township_share != township_share.quantize(Decimal("0.001")):
        raise BadInput("乡镇考核权重须在 0 与 1 之间, 最多三位小数 (如 0.6 即 60%)")
    try:
        s = ex.Settings(
            township_weight=township_share, department_weight=1 - township_share, rounding=rounding, ties=ties
        )
    except ValueError as exc:
        raise BadInput("考核设置无效", detail=str(exc)) from exc
    if assessed_where not in stays.RULES:
        raise BadInput(f"调动人员考核地规则须为 {', '.join(stays.RULES)}")
    period = period or str(year)
    match = PERIOD.match(period)
    if not match or int(match.group(1)) != year:
        raise BadInput("期间格式: 2026 (年度)、2026-Q4 (季度) 或 2026-11 (月度)，且与年度一致")
    kind = "ANNUAL" if period == str(year) else "REGULAR"
    if await session.scalar(select(Cycle.id).where(Cycle.kind == kind, Cycle.period == period)):
        raise RuleViolation("CYCLE_EXISTS", f"{period} 考核已开启")
    cycle = Cycle(
        year=year,
        kind=kind,
        period=period,
        township_weight=s.township_weight,
        shortlist_share=s.shortlist_share,
        round1_share=s.round1_share,
        round2_share=s.round2_share,
        rounding=rounding,
        ties=ties,
        assessed_where=assessed_where,
        opened_by=principal.subject,
    )
    session.add(cycle)
    await session.flush()
    # Roster snapshot from the personnel projection, in one statement.
    await session.execute(
        insert(Member).from_select(
            ["cycle_id", "cadre_id", "name", "department_id", "township_id", "agency_id"],
            select(
                literal(cycle.id),
                RosterEntry.cadre_id,
                RosterEntry.name,
                RosterEntry.department_id,
                RosterEntry.township_id,
                RosterEntry.agency_id,
            ).where(RosterEntry.status.in_(OCCUPYING)),
        )
    )
    moved = 0
    if assessed_where == "LONGEST_STAY":
        moved = await stays.assign_longest_stay(session, cycle.id, period, today(), Member)
    await session.execute(
        insert(DepartmentFlow).from_select(
            ["cycle_id", "department_id"],
            select(literal(cycle.id), Member.department_id).where(Member.cycle_id == cycle.id).distinct(),
        )
    )
    await schemes.attach_active(session, cycle)
    members = await session.scalar(select(func.count()).select_from(Member).where(Member.cycle_id == cycle.id))
    await audit.record(
        session,
        actor=principal,
        action="cycle.open",
        entity_type="Cycle",
        entity_id=cycle.id,
        after={
            "year": year,
            "members": members,
            "township_weight": str(s.township_weight),
            "rounding": rounding,
            "ties": ties,
            "assessed_where": assessed_where,
            "assessed_elsewhere": moved,
        },
    )
    await work.announce_flows(
        session,
        cycle,
        (await session.scalars(select(DepartmentFlow.department_id).where(DepartmentFlow.cycle_id == cycle.id))).all(),
    )
    return cycle


@dataclass(frozen=True)
class CountyPlaces:
    """The cycle's excellence places now: the county figures and their shares (``excellence.py``)."""

    round1: int
    round2: int
    department: dict
    township: dict

    @property
    def total(self) -> int:
        return self.round1 + self.round2


async def county_places(session: AsyncSession, cycle: Cycle) -> CountyPlaces:
    """Places on the cycle's assessed people (members not excused), all departments together."""
    by_department: Counter = Counter()
    by_township: Counter = Counter()
    for d, t, n in (
        await session.execute(
            select(Member.department_id, Member.township_id, func.count())
            .where(Member.cycle_id == cycle.id, Member.excused.is_(False))
            .group_by(Member.department_id, Member.township_id)
        )
    ).all():
        by_department[d] += n
        by_township[t] += n
    s = settings_of(cycle)
    first, second = ex.county_places(sum(by_department.values()), s)
    return CountyPlaces(first, second, ex.apportion(first, by_department), ex.apportion(second, by_township))


async def _excellent(session: AsyncSession, cycle_id: uuid.UUID, *conditions) -> int:
    return await session.scalar(
        select(func.count()).where(Member.cycle_id == cycle_id, Member.excellent_round.is_not(None), *conditions)
    )


async def round2_used(session: AsyncSession, cycle_id: uuid.UUID, township_id: uuid.UUID) -> int:
    """Round-2 places a township has used, all departments together."""
    return await _excellent(session, cycle_id, Member.excellent_round == 2, Member.township_id == township_id)


def _county_cap(places: CountyPlaces, used: int, adding: int) -> None:
    if used + adding > places.total:
        raise RuleViolation(
            "EXCELLENCE_QUOTA_EXCEEDED",
            f"全县优秀名额为 {places.total} 名(已评定 {used} 名)，不能超过参评人数的25%",
            detail=f"county places {places.total}, used {used}, adding {adding}",
        )


async def _flow(session: AsyncSession, cycle_id: uuid.UUID, department_id: uuid.UUID) -> DepartmentFlow:
    flow = await db.get_for_update(session, DepartmentFlow, (cycle_id, department_id), missing="该部门不在本考核周期内")
    return flow


async def set_score(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    cadre_id: uuid.UUID,
    side: str,
    score: str | Decimal | None,
    reason: str | None,
    indicator_scores: dict[str, Decimal] | None = None,
) -> Member:
    """A side's score for one of its own cadres: either a total, or per indicator of the side's
    scheme recorded for the cycle (then the total is the weighted sum)."""
    member = await _set_score(
        session,
        principal,
        cycle_id=cycle_id,
        cadre_id=cadre_id,
        side=side,
        score=score,
        reason=reason,
        indicator_scores=indicator_scores,
    )
    await work.announce_flows(session, await session.get(Cycle, cycle_id), [member.department_id])
    return member


async def _set_score(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    cadre_id: uuid.UUID,
    side: str,
    score: str | Decimal | None,
    reason: str | None,
    indicator_scores: dict[str, Decimal] | None = None,
) -> Member:
    member = await db.get_for_update(session, Member, (cycle_id, cadre_id), missing="该人员不在本考核周期名单中")
    if principal.is_service:
        raise Forbidden("服务客户端不能评分")
    if side == "TOWNSHIP":
        if not principal.has_role(Role.TOWNSHIP_ADMIN, str(member.township_id)):
            raise Forbidden("乡镇(街道)只为本乡镇的派驻人员评分")
    elif side == "DEPARTMENT":
        if not principal.has_role(Role.DEPARTMENT_ADMIN, str(member.department_id)):
            raise Forbidden("派驻部门只为本部门人员评分")
    else:
        raise BadInput("评分方须为 TOWNSHIP 或 DEPARTMENT")
    if indicator_scores is not None:
        assessor = member.township_id if side == "TOWNSHIP" else member.department_id
        scheme = await schemes.scheme_for(session, cycle_id, side, assessor)
        if scheme is None:
            raise BadInput("本考核周期没有该考核方的方案，请直接给出总分")
        score = await schemes.weighted(session, scheme, indicator_scores)
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise BadInput("分数格式错误") from exc
    if not Decimal(0) <= value <= Decimal(100):
        raise RuleViolation("SCORE_OUT_OF_RANGE", "分数须在 0 到 100 之间")
    if (await _flow(session, cycle_id, member.department_id)).status != "SCORING":
        raise RuleViolation("SCORING_CLOSED", "该部门已入围评定，评分已锁定")
    column = "township_score" if side == "TOWNSHIP" else "department_score"
    before = getattr(member, column)
    setattr(member, column, value)
    await audit.record(
        session,
        actor=principal,
        action="score.set",
        entity_type="CycleMember",
        entity_id=f"{cycle_id}:{cadre_id}",
        before={column: before},
        after={column: value},
        reason=reason,
    )
    return member


MAX_SCORES_PER_CALL = 500


@dataclass(frozen=True)
class ScoreItem:
    cadre_id: uuid.UUID
    score: str | Decimal | None
    reason: str | None = None
    indicator_scores: dict[str, Decimal] | None = None


async def set_scores(
    session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, side: str, items: list[ScoreItem]
) -> list[Member]:
    """One side's scores for many of its cadres in one transaction: each item passes every check of
    ``set_score`` or nothing is written (the request rolls back); a refusal names the item (``index``)."""
    if not items:
        raise BadInput("评分列表为空")
    if len(items) > MAX_SCORES_PER_CALL:
        raise BadInput(f"一次最多为 {MAX_SCORES_PER_CALL} 人评分")
    seen: dict[uuid.UUID, int] = {}
    for i, item in enumerate(items):
        if item.cadre_id in seen:
            raise BadInput("同一人员重复评分", index=i, detail=f"item {i} repeats item {seen[item.cadre_id]}")
        seen[item.cadre_id] = i
    members: dict[int, Member] = {}
    # A savepoint: a refused item undoes the items before it, whatever the caller does next.
    async with session.begin_nested():
        # Rows are locked in one order (by id) so two concurrent batches cannot deadlock on each other.
        for i in sorted(range(len(items)), key=lambda k: items[k].cadre_id):
            item = items[i]
            try:
                members[i] = await _set_score(
                    session,
                    principal,
                    cycle_id=cycle_id,
                    cadre_id=item.cadre_id,
                    side=side,
                    score=item.score,
                    reason=item.reason,
                    indicator_scores=item.indicator_scores,
                )
            except AppError as exc:
                exc.extra.setdefault("index", i)
                raise
    departments = sorted({m.department_id for m in members.values()})
    await work.announce_flows(session, await session.get(Cycle, cycle_id), departments)
    return [members[i] for i in range(len(items))]


async def make_shortlist(
    session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, department_id: uuid.UUID
) -> DepartmentFlow:
    policy.require_department_admin(principal, department_id)
    cycle = await session.get(Cycle, cycle_id)
    if cycle is not None and cycle.kind != "ANNUAL":
        raise RuleViolation("FLOW_OUT_OF_ORDER", "平时考核不评优")
    flow = await _flow(session, cycle_id, department_id)
    if flow.status != "SCORING":
        raise RuleViolation("FLOW_OUT_OF_ORDER", "入围名单已产生")
    # Plain rows, computed in Python by the rule module and written back in one statement: a
    # department can hold thousands of people, and ORM objects flushed one UPDATE each cost more
    # than the rule itself.
    members = (
        await session.execute(
            select(Member.cadre_id, Member.township_id, Member.township_score, Member.department_score).where(
                Member.cycle_id == cycle_id, Member.department_id == department_id, Member.excused.is_(False)
            )
        )
    ).all()
    missing = [m for m in members if m.township_score is None or m.department_score is None]
    if missing:
        raise RuleViolation(
            "MISSING_SCORES", f"尚有 {len(missing)} 人缺少评分", missing=[str(m.cadre_id) for m in missing[:50]]
        )
    s = settings_of(cycle)
    totals = {m.cadre_id: ex.combine(m.township_score, m.department_score, s) for m in members}
    sl = ex.shortlist(totals, s, {m.cadre_id: m.township_score for m in members})
    await db.update_rows(
        session,
        Member,
        [{"cycle_id": cycle_id, "cadre_id": c, "total": t, "shortlisted": c in sl.members} for c, t in totals.items()],
    )
    # Round 1: the department's share of the county's round-1 places; round 2: each township's
    # share of the rest, on all its assessed stationed cadres (shown on each of its rounds).
    places = await county_places(session, cycle)
    round1_quota = places.department.get(department_id, 0)
    flow.status, flow.shortlist_quota, flow.round1_quota = "SHORTLISTED", sl.size_quota, round1_quota
    per_town = {m.township_id for m in members}
    if per_town:
        await session.execute(
            insert(TownshipRound),
            [
                {
                    "cycle_id": cycle_id,
                    "department_id": department_id,
                    "township_id": t,
                    "quota": places.township.get(t, 0),
                    "submitted": False,
                }
                for t in sorted(per_town)
            ],
        )
    await audit.record(
        session,
        actor=principal,
        action="excellence.shortlist",
        entity_type="DepartmentFlow",
        entity_id=f"{cycle_id}:{department_id}",
        after={"shortlisted": len(sl.members), "quota": sl.size_quota, "round1_quota": round1_quota},
    )
    await work.announce_flows(session, cycle, [department_id])
    return flow


def _pick_error(err: ex.PickError) -> RuleViolation:
    return RuleViolation(err.rule, err.message)


async def submit_round1(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    department_id: uuid.UUID,
    cadre_ids: set[uuid.UUID],
) -> DepartmentFlow:
    policy.require_department_admin(principal, department_id)
    flow = await _flow(session, cycle_id, department_id)
    if flow.status != "SHORTLISTED":
        raise RuleViolation("FLOW_OUT_OF_ORDER", "须先产生入围名单，且第一轮只提交一次")
    shortlisted = set(
        (
            await session.scalars(
                select(Member.cadre_id).where(
                    Member.cycle_id == cycle_id, Member.department_id == department_id, Member.shortlisted.is_(True)
                )
            )
        ).all()
    )
    try:
        ex.check_round1(cadre_ids, ex.Shortlist(frozenset(shortlisted), flow.shortlist_quota, flow.round1_quota))
    except ex.PickError as err:
        raise _pick_error(err) from err
    # The department's share was fixed at its shortlist; the county's places are counted now.
    cycle = await session.get(Cycle, cycle_id)
    _county_cap(await county_places(session, cycle), await _excellent(session, cycle_id), len(cadre_ids))
    await db.update_rows(
        session, Member, [{"cycle_id": cycle_id, "cadre_id": c, "excellent_round": 1} for c in cadre_ids]
    )
    flow.status = "ROUND1_SENT"
    await audit.record(
        session,
        actor=principal,
        action="excellence.round1",
        entity_type="DepartmentFlow",
        entity_id=f"{cycle_id}:{department_id}",
        after={"excellent": sorted(map(str, cadre_ids))},
    )
    await work.announce_flows(session, cycle, [department_id])
    return flow


async def submit_round2(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    department_id: uuid.UUID,
    township_id: uuid.UUID,
    cadre_ids: set[uuid.UUID],
) -> TownshipRound:
    """第二轮 for one department's people in one township."""
    rounds = await submit_township_round2(
        session, principal, cycle_id=cycle_id, township_id=township_id, picks={department_id: cadre_ids}
    )
    return rounds[0]


MAX_ROUND2_DEPARTMENTS = 200


async def submit_township_round2(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    township_id: uuid.UUID,
    picks: dict[uuid.UUID, set[uuid.UUID]],
) -> list[TownshipRound]:
    """第二轮 as a township reports it: its picks for each department stationed with it, all or
    nothing. Each department is checked as if reported alone (the error names its position in
    ``extensions.index``); the statements are one per step for all of them."""
    if principal.is_service or not principal.has_role(Role.TOWNSHIP_ADMIN, str(township_id)):
        raise Forbidden("第二轮由乡镇(街道)评定")
    if not picks:
        raise BadInput("请至少报送一个部门的第二轮结果")
    if len(picks) > MAX_ROUND2_DEPARTMENTS:
        raise BadInput(f"一次最多报送 {MAX_ROUND2_DEPARTMENTS} 个部门")
    departments = list(picks)
    flows = {
        f.department_id: f
        for f in (
            await session.scalars(
                select(DepartmentFlow)
                .where(DepartmentFlow.cycle_id == cycle_id, DepartmentFlow.department_id.in_(departments))
                # One lock order for every township: two reports sharing departments queue, never deadlock.
                .order_by(DepartmentFlow.department_id)
                .with_for_update()
            )
        ).all()
    }
    # Every writer of a department's township rounds holds its flow's lock (taken above), so the
    # rounds read now are current: this township's (quota, reported?) and how many others are
    # still to report.
    rounds: dict[uuid.UUID, TownshipRound] = {}
    others_pending: dict[uuid.UUID, int] = {}
    for d, t, quota_, submitted in (
        await session.execute(
            select(
                TownshipRound.department_id, TownshipRound.township_id, TownshipRound.quota, TownshipRound.submitted
            ).where(TownshipRound.cycle_id == cycle_id, TownshipRound.department_id.in_(departments))
        )
    ).all():
        if t == township_id:
            rounds[d] = TownshipRound(
                cycle_id=cycle_id, department_id=d, township_id=t, quota=quota_, submitted=submitted
            )
        elif not submitted:
            others_pending[d] = others_pending.get(d, 0) + 1
    everyone = set().union(*picks.values())
    # The township's places are its share of the county's round 2, all departments together
    # ("综合各派驻部门评定情况"): what it reported for other departments counts against them.
    cycle = await session.get(Cycle, cycle_id)
    places = await county_places(session, cycle)
    township_quota = places.township.get(township_id, 0)
    remaining = township_quota - await round2_used(session, cycle_id, township_id)
    # Only the township's people and the picks matter to the checks: a page of rows, not the departments.
    rows = (
        await session.execute(
            select(
                Member.cadre_id, Member.department_id, Member.township_id, Member.shortlisted, Member.excellent_round
            ).where(
                Member.cycle_id == cycle_id,
                Member.department_id.in_(departments),
                or_(Member.township_id == township_id, Member.cadre_id.in_(everyone)),
            )
        )
    ).all()
    by_department: dict[uuid.UUID, list] = {d: [] for d in departments}
    for r in rows:
        by_department[r.department_id].append(r)
    taken = 0  # places this report has already given to the departments before
    for i, d in enumerate(departments):
        try:
            flow = flows.get(d)
            if flow is None:
                raise NotFound("该部门不在本考核周期内")
            if flow.status != "ROUND1_SENT":
                raise RuleViolation("FLOW_OUT_OF_ORDER", "须在部门第一轮评定并函告乡镇后进行")
            township_round = rounds.get(d)
            if township_round is None:
                raise NotFound("本乡镇没有该部门的参评人员")
            if township_round.submitted:
                raise RuleViolation("ROUND2_ALREADY_SUBMITTED", "本乡镇已报送第二轮结果")
            mine = by_department[d]
            try:
                ex.check_round2(
                    picks[d],
                    ex.Shortlist(
                        frozenset(r.cadre_id for r in mine if r.shortlisted), flow.shortlist_quota, flow.round1_quota
                    ),
                    {r.cadre_id for r in mine if r.excellent_round == 1},
                    {r.cadre_id for r in mine if r.township_id == township_id},
                    remaining - taken,
                )
                taken += len(picks[d])
            except ex.PickError as err:
                raise _pick_error(err) from err
        except AppError as exc:
            if len(departments) > 1:
                exc.extra.setdefault("index", i)
            raise
    _county_cap(places, await _excellent(session, cycle_id), len(everyone))
    await db.update_rows(
        session, Member, [{"cycle_id": cycle_id, "cadre_id": c, "excellent_round": 2} for c in everyone]
    )
    await db.update_rows(
        session,
        TownshipRound,
        [
            {
                "cycle_id": cycle_id,
                "department_id": d,
                "township_id": township_id,
                "submitted": True,
                "quota": township_quota,
            }
            for d in departments
        ],
    )
    for d in departments:
        rounds[d].submitted, rounds[d].quota = True, township_quota
        if not others_pending.get(d):
            flows[d].status = "ROUND2_DONE"
            await outbox.emit(
                session,
                events.EXCELLENCE_DECIDED,
                aggregate_type="DepartmentFlow",
                aggregate_id=f"{cycle_id}:{d}",
                payload={"cycle_id": str(cycle_id), "department_id": str(d)},
            )
    await audit.record_many(
        session,
        actor=principal,
        action="excellence.round2",
        entries=[
            {
                "entity_type": "TownshipRound",
                "entity_id": f"{cycle_id}:{d}:{township_id}",
                "after": {"excellent": sorted(map(str, picks[d]))},
            }
            for d in departments
        ],
    )
    await work.announce_flows(session, cycle, departments)
    if any(flows[d].status == "ROUND2_DONE" for d in departments):
        await work.announce_cycle(session, cycle)  # perhaps the last: 组织部 may publish
    return [rounds[d] for d in departments]


async def list_members(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    first: int | None,
    after: str | None,
    department_id: uuid.UUID | None = None,
    township_id: uuid.UUID | None = None,
):
    size = page_size(first)
    cycle = await session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在")
    stmt = select(Member).where(Member.cycle_id == cycle_id).order_by(Member.name, Member.cadre_id).limit(size + 1)
    if (cond := policy.member_visibility(principal, published=cycle.status != "OPEN")) is not None:
        stmt = stmt.where(cond)
    if department_id:
        stmt = stmt.where(Member.department_id == department_id)
    if township_id:
        stmt = stmt.where(Member.township_id == township_id)
    if key := decode_key(after, str, uuid.UUID):
        stmt = stmt.where(tuple_(Member.name, Member.cadre_id) > key)
    return make_page((await session.scalars(stmt)).all(), size, lambda m: (m.name, str(m.cadre_id)))


async def places(session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, department_id: uuid.UUID):
    """How many places remain in each round for one department's flow."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看")
    policy.member_visibility(principal)  # the same people who may see the results
    flow = await session.get(DepartmentFlow, (cycle_id, department_id))
    if flow is None:
        raise NotFound("该部门不在本考核周期内")
    used = dict(
        (
            await session.execute(
                select(Member.excellent_round, func.count())
                .where(
                    Member.cycle_id == cycle_id,
                    Member.department_id == department_id,
                    Member.excellent_round.is_not(None),
                )
                .group_by(Member.excellent_round)
            )
        ).all()
    )
    rounds = (
        await session.scalars(
            select(TownshipRound)
            .where(TownshipRound.cycle_id == cycle_id, TownshipRound.department_id == department_id)
            .order_by(TownshipRound.township_id)
        )
    ).all()
    round2_used = dict(
        (
            await session.execute(
                # A township's round-2 places are shared by every department stationed with it.
                select(Member.township_id, func.count())
                .where(
                    Member.cycle_id == cycle_id,
                    Member.township_id.in_([r.township_id for r in rounds]),
                    Member.excellent_round == 2,
                )
                .group_by(Member.township_id)
            )
        ).all()
    )
    return flow, used.get(1, 0), [(r, round2_used.get(r.township_id, 0)) for r in rounds]


# --- completeness, excuses, grades, publication, objections, approval -------------------------

GRADES = ("EXCELLENT", "COMPETENT", "BASIC", "INCOMPETENT")  # 优秀 / 称职 / 基本称职 / 不称职
# Grade rules: excellent = named in round 1 or 2; otherwise by total (county-set thresholds).
COMPETENT_FROM = Decimal("70")
BASIC_FROM = Decimal("60")


def grade_for(total: Decimal | None, excellent: bool) -> str | None:
    if total is None:
        return None
    if excellent:
        return "EXCELLENT"
    if total >= COMPETENT_FROM:
        return "COMPETENT"
    return "BASIC" if total >= BASIC_FROM else "INCOMPETENT"


async def completeness(session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID) -> list[tuple]:
    """Who still lacks which score: (member, missing sides), for the caller's scope."""
    stmt = select(Member).where(
        Member.cycle_id == cycle_id,
        Member.excused.is_(False),
        or_(Member.township_score.is_(None), Member.department_score.is_(None)),
    )
    if (cond := policy.member_visibility(principal)) is not None:
        stmt = stmt.where(cond)
    rows = (await session.scalars(stmt.order_by(Member.name, Member.cadre_id).limit(1000))).all()
    return [
        (m, [s for s, v in (("TOWNSHIP", m.township_score), ("DEPARTMENT", m.department_score)) if v is None])
        for m in rows
    ]


async def excuse(
    session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, cadre_id: uuid.UUID, reason: str
) -> Member:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("免于考核由组织部决定")
    if not reason.strip():
        raise BadInput("请说明理由")
    member = await db.get_for_update(session, Member, (cycle_id, cadre_id), missing="该人员不在本考核周期名单中")
    if (await _flow(session, cycle_id, member.department_id)).status != "SCORING":
        raise RuleViolation("SCORING_CLOSED", "该部门已入围评定")
    # One fewer assessed may lower the county's places below what other departments already named.
    if not member.excused:
        member.excused = True
        await session.flush()
        places = await county_places(session, await session.get(Cycle, cycle_id))
        used = await _excellent(session, cycle_id)
        if used > places.total:
            member.excused = False
            await session.flush()
            _county_cap(places, used, 0)
    await audit.record(
        session,
        actor=principal,
        action="member.excuse",
        entity_type="CycleMember",
        entity_id=f"{cycle_id}:{cadre_id}",
        after={"excused": True},
        reason=reason,
    )
    await work.announce_flows(session, await session.get(Cycle, cycle_id), [member.department_id])
    return member


async def publish(session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, objection_days: int) -> Cycle:
    """公示: every department's flow must be complete; grades are set and an objection window opens."""
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("由组织部公示")
    cycle = await db.get_for_update(session, Cycle, cycle_id, missing="考核周期不存在")
    if cycle.status != "OPEN":
        raise RuleViolation("FLOW_OUT_OF_ORDER", "已公示")
    if cycle.kind != "ANNUAL":
        raise RuleViolation("FLOW_OUT_OF_ORDER", "平时考核结果不公示评优")
    if not 1 <= objection_days <= 30:
        raise BadInput("公示期须为 1 到 30 天")
    unfinished = await session.scalar(
        select(func.count())
        .select_from(DepartmentFlow)
        .where(DepartmentFlow.cycle_id == cycle_id, DepartmentFlow.status != "ROUND2_DONE")
    )
    if unfinished:
        raise RuleViolation("FLOW_OUT_OF_ORDER", f"尚有 {unfinished} 个部门未完成评优")
    members = (
        await session.execute(
            select(Member.cadre_id, Member.total, Member.excellent_round, Member.excused).where(
                Member.cycle_id == cycle_id
            )
        )
    ).all()
    await db.update_rows(
        session,
        Member,
        [
            {
                "cycle_id": cycle_id,
                "cadre_id": m.cadre_id,
                "grade": None if m.excused else grade_for(m.total, m.excellent_round is not None),
            }
            for m in members
        ],
    )
    cycle.status, cycle.objection_deadline = "PUBLISHED", today() + dt.timedelta(days=objection_days)
    await audit.record(
        session,
        actor=principal,
        action="cycle.publish",
        entity_type="Cycle",
        entity_id=cycle.id,
        after={"objection_deadline": cycle.objection_deadline.isoformat()},
    )
    await work.announce_cycle(session, cycle)
    return cycle


def _concerned(member: Member):
    """公示 reaches the stationed cadres concerned: those of the same department or township."""
    return or_(Member.department_id == member.department_id, Member.township_id == member.township_id)


async def publicity_list(
    session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, first: int | None, after: str | None
):
    """公示名单: those rated 优秀 (name, department, township, agency), by name. A stationed cadre of
    the cycle sees the list of their department and township while it is published (the
    objection window); the county offices, leadership and the assessing sides see theirs once
    published, and afterwards."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看公示名单")
    cycle = await session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在")
    if cycle.status == "OPEN":
        raise RuleViolation("NOT_PUBLISHED", "考核结果尚未公示")
    size = page_size(first)
    stmt = (
        select(Member)
        .where(Member.cycle_id == cycle_id, Member.grade == "EXCELLENT")
        .order_by(Member.name, Member.cadre_id)
        .limit(size + 1)
    )
    cond = _publicity_readers(principal)
    own = visibility.uuids(principal.scope_ids(Role.CADRE))
    mine = await session.get(Member, (cycle_id, own[0])) if own else None
    if cond is not None and mine is not None and cycle.status == "PUBLISHED":
        cond = _concerned(mine) if cond is False else or_(cond, _concerned(mine))
    if cond is False:
        raise Forbidden("公示名单向本部门、本乡镇的派驻干部公开", detail="not concerned by this cycle's 公示")
    if cond is not None:
        stmt = stmt.where(cond)
    if key := decode_key(after, str, uuid.UUID):
        stmt = stmt.where(tuple_(Member.name, Member.cadre_id) > key)
    return make_page((await session.scalars(stmt)).all(), size, lambda m: (m.name, str(m.cadre_id)))


def _publicity_readers(principal: Principal):
    """The county and the assessing sides' part of the list (``None``: all; ``False``: none)."""
    if any(principal.has_role(r) for r in (Role.ORG_DEPARTMENT, Role.STAFFING_OFFICE, Role.LEADERSHIP)):
        return None
    parts = []
    if d := visibility.uuids(principal.scope_ids(Role.DEPARTMENT_ADMIN)):
        parts.append(Member.department_id.in_(d))
    if t := visibility.uuids(principal.scope_ids(Role.TOWNSHIP_ADMIN)):
        parts.append(Member.township_id.in_(t))
    return or_(*parts) if parts else False


async def file_objection(
    session: AsyncSession,
    principal: Principal,
    *,
    cycle_id: uuid.UUID,
    text: str,
    about_cadre_id: uuid.UUID | None = None,
) -> Objection:
    """异议 during 公示: to one's own result, or — as one of those concerned — to someone on the
    优秀 list of one's department or township (``OBJECTION_NOT_CONCERNED`` otherwise)."""
    cadre_ids = visibility.uuids(principal.scope_ids(Role.CADRE))
    if principal.is_service or not cadre_ids:
        raise Forbidden("由本人提出异议")
    cycle = await session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在")
    if cycle.status != "PUBLISHED" or today() > cycle.objection_deadline:
        raise RuleViolation("OBJECTION_WINDOW_CLOSED", "不在公示期内")
    member = await session.get(Member, (cycle_id, cadre_ids[0]))
    if member is None:
        raise NotFound("本人不在本考核周期名单中")
    if not text.strip():
        raise BadInput("请写明异议")
    about = member
    if about_cadre_id is not None and about_cadre_id != member.cadre_id:
        about = await session.get(Member, (cycle_id, about_cadre_id))
        concerned = about is not None and (
            about.department_id == member.department_id or about.township_id == member.township_id
        )
        if not concerned or about.grade != "EXCELLENT":
            raise RuleViolation(
                "OBJECTION_NOT_CONCERNED",
                "只能对本人结果或本部门、本乡镇公示的优秀人员提出异议",
                detail="the person is not on the 优秀 list of your department or township",
            )
    objection = Objection(
        cycle_id=cycle_id,
        cadre_id=member.cadre_id,
        about_cadre_id=about.cadre_id,
        about_name=about.name,
        text=text.strip(),
    )
    session.add(objection)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="objection.file",
        entity_type="Objection",
        entity_id=objection.id,
        after={"cadre_id": str(member.cadre_id), "about_cadre_id": str(about.cadre_id)},
        reason=text,
    )
    await outbox.emit(
        session,
        events.OBJECTION_FILED,
        aggregate_type="Objection",
        aggregate_id=objection.id,
        payload={"cycle_id": str(cycle_id), "deadline": cycle.objection_deadline.isoformat()},
    )
    return objection


async def list_objections(
    session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID, open_only: bool
) -> list[Objection]:
    """A cycle's objections, oldest first: the organisation department sees them all, a cadre their
    own; nobody else. A cycle has few (one per person at most in practice), so no paging."""
    stmt = select(Objection).where(Objection.cycle_id == cycle_id).order_by(Objection.filed_at, Objection.id)
    if principal.is_service:
        raise Forbidden("异议由组织部处理")
    if not principal.has_role(Role.ORG_DEPARTMENT):
        own = visibility.uuids(principal.scope_ids(Role.CADRE))
        if not own:
            raise Forbidden("异议由组织部处理")
        stmt = stmt.where(Objection.cadre_id.in_(own))
    if open_only:
        stmt = stmt.where(Objection.resolution.is_(None))
    return list((await session.scalars(stmt)).all())


async def resolve_objection(
    session: AsyncSession,
    principal: Principal,
    *,
    objection_id: uuid.UUID,
    resolution: str,
    new_grade: str | None = None,
) -> Objection:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("异议由组织部处理")
    objection = await db.get_for_update(session, Objection, objection_id, missing="异议不存在")
    if objection.resolution:
        raise RuleViolation("OBJECTION_RESOLVED", "该异议已处理")
    if not resolution.strip():
        raise BadInput("请写明处理意见")
    if new_grade is not None:
        if new_grade not in GRADES:
            raise BadInput(f"等次须为 {', '.join(GRADES)}")
        member = await session.get(Member, (objection.cycle_id, objection.about_cadre_id), with_for_update=True)
        before = member.grade
        member.grade = new_grade
        await audit.record(
            session,
            actor=principal,
            action="member.regrade",
            entity_type="CycleMember",
            entity_id=f"{member.cycle_id}:{member.cadre_id}",
            before={"grade": before},
            after={"grade": new_grade},
            reason=resolution,
        )
    objection.resolution, objection.resolved_by = resolution.strip(), principal.subject
    await audit.record(
        session,
        actor=principal,
        action="objection.resolve",
        entity_type="Objection",
        entity_id=objection.id,
        after={"resolution": objection.resolution},
        reason=resolution,
    )
    await outbox.emit(
        session,
        events.OBJECTION_RESOLVED,
        aggregate_type="Objection",
        aggregate_id=objection.id,
        payload={"cycle_id": str(objection.cycle_id)},
    )
    return objection


async def approve(session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID) -> Cycle:
    """组织部审定: after the window, with every objection answered; results go out as an event."""
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("由组织部审定")
    cycle = await db.get_for_update(session, Cycle, cycle_id, missing="考核周期不存在")
    if cycle.status != "PUBLISHED":
        raise RuleViolation("FLOW_OUT_OF_ORDER", "须先公示")
    if today() <= cycle.objection_deadline:
        raise RuleViolation("OBJECTION_WINDOW_OPEN", f"公示期至 {cycle.objection_deadline:%Y-%m-%d}")
    pending = await session.scalar(
        select(func.count())
        .select_from(Objection)
        .where(Objection.cycle_id == cycle_id, Objection.resolution.is_(None))
    )
    if pending:
        raise RuleViolation("OBJECTIONS_PENDING", f"尚有 {pending} 件异议未处理")
    cycle.status = "APPROVED"
    results = (await session.execute(select(Member.cadre_id, Member.grade).where(Member.cycle_id == cycle_id))).all()
    await outbox.emit(
        session,
        events.RESULTS_APPROVED,
        aggregate_type="Cycle",
        aggregate_id=cycle_id,
        payload={
            "cycle_id": str(cycle_id),
            "year": cycle.year,
            "results": [{"cadre_id": str(c), "grade": g} for c, g in results],
        },
    )
    await audit.record(
        session,
        actor=principal,
        action="cycle.approve",
        entity_type="Cycle",
        entity_id=cycle_id,
        after={"status": "APPROVED", "results": len(results)},
    )
    await work.announce_cycle(session, cycle)
    return cycle


async def normalized_totals(session: AsyncSession, cycle_id: uuid.UUID, cadre_ids: list[uuid.UUID]) -> dict:
    """Per-assessor normalisation to counter lenient or strict assessors: each township's scores and
    each department's scores become T-scores (50 + 10·z) within that assessor, then combine with the
    cycle's weights. Shown beside the raw total; the flow itself uses the raw total."""
    cycle = await session.get(Cycle, cycle_id)
    t_mean = func.avg(Member.township_score).over(partition_by=Member.township_id)
    t_sd = func.stddev_pop(Member.township_score).over(partition_by=Member.township_id)
    d_mean = func.avg(Member.department_score).over(partition_by=Member.department_id)
    d_sd = func.stddev_pop(Member.department_score).over(partition_by=Member.department_id)
    scored = (
        select(
            Member.cadre_id,
            Member.township_score,
            Member.department_score,
            t_mean.label("tm"),
            t_sd.label("ts"),
            d_mean.label("dm"),
            d_sd.label("ds"),
        )
        .where(
            Member.cycle_id == cycle_id,
            Member.excused.is_(False),
            Member.township_score.is_not(None),
            Member.department_score.is_not(None),
        )
        .subquery()
    )
    rows = (await session.execute(select(scored).where(scored.c.cadre_id.in_(cadre_ids)))).all()

    def t_score(x, mean, sd):
        return Decimal(50) if not sd else Decimal(50) + 10 * (Decimal(x) - Decimal(mean)) / Decimal(sd)

    w = cycle.township_weight
    return {
        r.cadre_id: (
            w * t_score(r.township_score, r.tm, r.ts) + (1 - w) * t_score(r.department_score, r.dm, r.ds)
        ).quantize(Decimal("0.01"))
        for r in rows
    }
