"""The township's side of the platforms: units on platforms, grids and their members, team visits
(组团式进村入户), and post management 定事、定岗、定责、定人 that routing reads.

Rules: ``MEMBER_NOT_IN_TOWNSHIP`` (a grid member, visitor or post holder must be a stationed cadre in
post in the township), ``HOLDER_NOT_IN_UNIT`` (an agency's post is held by that agency's cadres),
``VISIT_IN_FUTURE``, ``UNIT_NOT_IN_TOWNSHIP``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, func, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, calendar
from servicekit import visibility as vis
from servicekit.errors import BadInput, Conflict, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import policy
from .models import (
    Grid,
    GridMember,
    MatterType,
    Platform,
    Post,
    PostDuty,
    PostHolder,
    StationedCadre,
    TeamVisit,
    Township,
    Unit,
)

ACTIVE = ("IN_POST", "SECONDED")
MEMBER_KINDS = ("CADRE", "STAFF", "GRID_WORKER")
MEMBER_DUTIES = ("LEADER", "MEMBER")


def _text(value: str | None, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise BadInput(f"请填写{what}")
    if len(value) > limit:
        raise BadInput(f"{what}不能超过 {limit} 个字")
    return value


async def _platform(session: AsyncSession, code: str | None) -> str | None:
    if code is not None and await session.get(Platform, code) is None:
        raise BadInput("平台不存在")
    return code


async def _unit(session: AsyncSession, unit_id: uuid.UUID) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    return unit


async def _grid(session: AsyncSession, grid_id: uuid.UUID) -> Grid:
    grid = await session.get(Grid, grid_id)
    if grid is None:
        raise NotFound("网格不存在")
    return grid


async def cadres_in_township(session: AsyncSession, township_id: uuid.UUID, cadre_ids: list[uuid.UUID]) -> dict:
    """The stationed cadres among ``cadre_ids`` in post in the township; the rule if any is not."""
    rows = (await session.scalars(select(StationedCadre).where(StationedCadre.cadre_id.in_(cadre_ids)))).all()
    found = {c.cadre_id: c for c in rows if c.township_id == township_id and c.status in ACTIVE}
    if missing := [str(c) for c in cadre_ids if c not in found]:
        raise RuleViolation("MEMBER_NOT_IN_TOWNSHIP", "须为本乡镇(街道)在岗的派驻干部", cadres=missing)
    return found


# ---- units -----------------------------------------------------------------------------------


async def create_office(
    session: AsyncSession, principal: Principal, *, township_id: uuid.UUID, name: str, platform_code: str | None
) -> Unit:
    """A township office (站所/办公室) joining a platform; stationed agencies come from personnel."""
    policy.require_township_admin(principal, township_id)
    unit = Unit(
        township_id=township_id,
        kind="OFFICE",
        name=_text(name, "单位名称", 100),
        platform_code=await _platform(session, platform_code),
    )
    session.add(unit)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="unit.create",
        entity_type="Unit",
        entity_id=unit.id,
        after={"name": unit.name, "platform": platform_code},
    )
    return unit


async def attach_unit(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID, platform_code: str) -> Unit:
    """入驻平台: the township decides which platform each unit, agencies included, sits on."""
    unit = await _unit(session, unit_id)
    policy.require_township_admin(principal, unit.township_id)
    before = unit.platform_code
    unit.platform_code = await _platform(session, platform_code)
    await audit.record(
        session,
        actor=principal,
        action="unit.attach",
        entity_type="Unit",
        entity_id=unit.id,
        before={"platform": before},
        after={"platform": platform_code},
    )
    return unit


async def list_platforms(session: AsyncSession) -> list[Platform]:
    """基层治理四平台, in the county's order: open to every signed-in user."""
    return list((await session.scalars(select(Platform).order_by(Platform.position))).all())


async def list_matter_types(session: AsyncSession) -> list[MatterType]:
    """定事: every kind of matter, its line and platform; open to every signed-in caller."""
    return list((await session.scalars(select(MatterType).order_by(MatterType.code))).all())


async def list_units(session: AsyncSession, principal: Principal, township_id: uuid.UUID) -> list[Unit]:
    policy.require_township_reader(principal, township_id, "单位")
    return list(
        (
            await session.scalars(
                select(Unit).where(Unit.township_id == township_id).order_by(Unit.kind, Unit.name, Unit.id)
            )
        ).all()
    )


async def set_command_centre(
    session: AsyncSession, principal: Principal, *, township_id: uuid.UUID, name: str
) -> Township:
    policy.require_township_admin(principal, township_id)
    town = await session.get(Township, township_id)
    if town is None:
        raise NotFound("乡镇(街道)不存在")
    town.command_centre_name = _text(name, "指挥室名称", 100)
    await audit.record(
        session,
        actor=principal,
        action="township.command_centre",
        entity_type="Township",
        entity_id=township_id,
        after={"name": town.command_centre_name},
    )
    return town


# ---- grids -----------------------------------------------------------------------------------


async def create_grid(
    session: AsyncSession, principal: Principal, *, township_id: uuid.UUID, code: str, name: str, village: str | None
) -> Grid:
    policy.require_township_admin(principal, township_id)
    code = _text(code, "网格编号", 30)
    if await session.scalar(select(Grid.id).where(Grid.township_id == township_id, Grid.code == code)):
        raise Conflict("本乡镇已有该编号的网格", field="code")
    grid = Grid(township_id=township_id, code=code, name=_text(name, "网格名称", 100), village=village)
    session.add(grid)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="grid.create",
        entity_type="Grid",
        entity_id=grid.id,
        after={"code": code, "name": grid.name},
    )
    return grid


async def add_member(
    session: AsyncSession,
    principal: Principal,
    *,
    grid_id: uuid.UUID,
    kind: str,
    cadre_id: uuid.UUID | None,
    name: str | None,
    duty: str,
) -> GridMember:
    grid = await _grid(session, grid_id)
    policy.require_township_admin(principal, grid.township_id)
    if kind not in MEMBER_KINDS:
        raise BadInput(f"成员类别须为 {', '.join(MEMBER_KINDS)}")
    if duty not in MEMBER_DUTIES:
        raise BadInput(f"网格职务须为 {', '.join(MEMBER_DUTIES)}")
    if kind == "CADRE":
        if cadre_id is None:
            raise BadInput("请指定派驻干部")
        cadre = (await cadres_in_township(session, grid.township_id, [cadre_id]))[cadre_id]
        if await session.scalar(
            select(GridMember.id).where(GridMember.grid_id == grid_id, GridMember.cadre_id == cadre_id)
        ):
            raise Conflict("该干部已在本网格")
        name = cadre.name or str(cadre_id)
    else:
        if cadre_id is not None:
            raise BadInput("乡镇干部和网格员不填派驻干部编号")
        name = _text(name, "姓名", 50)
    member = GridMember(grid_id=grid_id, kind=kind, cadre_id=cadre_id, name=name, duty=duty)
    session.add(member)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="grid.member_add",
        entity_type="Grid",
        entity_id=grid_id,
        after={"member": str(member.id), "kind": kind, "cadre": str(cadre_id) if cadre_id else None},
    )
    return member


async def remove_member(session: AsyncSession, principal: Principal, *, member_id: uuid.UUID) -> Grid:
    member = await session.get(GridMember, member_id)
    if member is None:
        raise NotFound("网格成员不存在")
    grid = await _grid(session, member.grid_id)
    policy.require_township_admin(principal, grid.township_id)
    await session.delete(member)
    await audit.record(
        session,
        actor=principal,
        action="grid.member_remove",
        entity_type="Grid",
        entity_id=grid.id,
        before={"member": str(member_id), "name": member.name},
    )
    return grid


async def list_grids(session: AsyncSession, principal: Principal, township_id: uuid.UUID) -> list[Grid]:
    policy.require_township_reader(principal, township_id, "网格")
    return list((await session.scalars(select(Grid).where(Grid.township_id == township_id).order_by(Grid.code))).all())


# ---- team visits -----------------------------------------------------------------------------


async def log_visit(
    session: AsyncSession,
    principal: Principal,
    *,
    grid_id: uuid.UUID,
    visited_on: dt.date,
    place: str,
    findings: str,
    cadre_ids: list[uuid.UUID],
    staff_names: list[str],
) -> TeamVisit:
    """组团式进村入户: stationed cadres go with township staff; the visit counts as grid work."""
    grid = await _grid(session, grid_id)
    if not policy.may_log_visit(principal, grid.township_id):
        raise Forbidden("由本乡镇(街道)登记走访")
    if visited_on > calendar.today():
        raise RuleViolation("VISIT_IN_FUTURE", "走访日期不能晚于今天")
    staff = [_text(n, "乡镇干部姓名", 50) for n in staff_names]
    cadre_ids = list(dict.fromkeys(cadre_ids))
    if not cadre_ids and not staff:
        raise BadInput("请填写走访人员")
    if cadre_ids:
        await cadres_in_township(session, grid.township_id, cadre_ids)
    visit = TeamVisit(
        township_id=grid.township_id,
        grid_id=grid_id,
        visited_on=visited_on,
        place=_text(place, "走访地点", 200),
        findings=_text(findings, "走访发现", 4000),
        cadre_ids=cadre_ids,
        staff_names=staff,
        logged_by=principal.subject,
    )
    session.add(visit)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="visit.log",
        entity_type="TeamVisit",
        entity_id=visit.id,
        after={"grid": str(grid_id), "on": visited_on.isoformat(), "cadres": [str(c) for c in cadre_ids]},
    )
    return visit


async def list_visits(
    session: AsyncSession,
    principal: Principal,
    *,
    township_id: uuid.UUID | None,
    cadre_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
):
    """Township staff see their township's visits; a department admin or cadre sees visits its
    cadres joined (grid work is evidence for both sides of the assessment)."""
    size = page_size(first)
    stmt = select(TeamVisit).order_by(TeamVisit.visited_on.desc(), TeamVisit.id.desc()).limit(size + 1)
    if township_id:
        stmt = stmt.where(TeamVisit.township_id == township_id)
    if cadre_id:
        stmt = stmt.where(TeamVisit.cadre_ids.contains([cadre_id]))
    stmt = stmt.where(visit_visibility(principal))
    if key := decode_key(after, dt.date, uuid.UUID):
        stmt = stmt.where(tuple_(TeamVisit.visited_on, TeamVisit.id) < key)
    return make_page((await session.scalars(stmt)).all(), size, lambda v: (v.visited_on.isoformat(), str(v.id)))


def visit_visibility(principal: Principal):
    if principal.is_service:
        raise Forbidden("服务客户端无权查看走访记录")
    cond = vis.scoped(
        principal,
        {
            vis.TOWNSHIP_ROLES: lambda ids: TeamVisit.township_id.in_(ids),
            Role.DEPARTMENT_ADMIN: lambda ids: TeamVisit.cadre_ids.overlap(
                select(func.array_agg(StationedCadre.cadre_id))
                .where(StationedCadre.department_id.in_(ids))
                .scalar_subquery()
            ),
            Role.CADRE: lambda ids: TeamVisit.cadre_ids.overlap(ids),
        },
        denied="无权查看走访记录",
    )
    return true() if cond is None else cond


# ---- posts: 定岗、定责、定人 ------------------------------------------------------------------


async def create_post(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID, name: str) -> Post:
    unit = await _unit(session, unit_id)
    policy.require_township_admin(principal, unit.township_id)
    post = Post(township_id=unit.township_id, unit_id=unit.id, name=_text(name, "岗位名称", 100))
    session.add(post)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="post.create",
        entity_type="Post",
        entity_id=post.id,
        after={"unit": str(unit.id), "name": post.name},
    )
    return post


async def _post(session: AsyncSession, principal: Principal, post_id: uuid.UUID) -> tuple[Post, Unit]:
    post = await session.get(Post, post_id)
    if post is None:
        raise NotFound("岗位不存在")
    policy.require_township_admin(principal, post.township_id)
    return post, await _unit(session, post.unit_id)


async def set_duties(
    session: AsyncSession, principal: Principal, *, post_id: uuid.UUID, duties: list[tuple[str, str | None]]
) -> Post:
    """定责: the matter types the post answers for (replaces the list)."""
    post, _ = await _post(session, principal, post_id)
    codes = [code for code, _ in duties]
    if len(set(codes)) != len(codes):
        raise BadInput("事项类型重复")
    known = set((await session.scalars(select(MatterType.code).where(MatterType.code.in_(codes)))).all())
    if unknown := [c for c in codes if c not in known]:
        raise BadInput("事项类型不存在", codes=unknown)
    before = (await session.scalars(select(PostDuty.matter_type).where(PostDuty.post_id == post_id))).all()
    await session.execute(delete(PostDuty).where(PostDuty.post_id == post_id))
    session.add_all(PostDuty(post_id=post_id, matter_type=code, responsibility=text) for code, text in duties)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="post.duties",
        entity_type="Post",
        entity_id=post_id,
        before={"duties": sorted(before)},
        after={"duties": sorted(codes)},
    )
    return post


async def set_holders(
    session: AsyncSession, principal: Principal, *, post_id: uuid.UUID, cadre_ids: list[uuid.UUID]
) -> Post:
    """定人: who holds the post (replaces the list)."""
    post, unit = await _post(session, principal, post_id)
    cadre_ids = list(dict.fromkeys(cadre_ids))
    found = await cadres_in_township(session, post.township_id, cadre_ids) if cadre_ids else {}
    if unit.kind == "AGENCY" and (outside := [str(c) for c, row in found.items() if row.agency_id != unit.id]):
        raise RuleViolation("HOLDER_NOT_IN_UNIT", "派驻机构的岗位须由本机构的干部担任", cadres=outside)
    before = (await session.scalars(select(PostHolder.cadre_id).where(PostHolder.post_id == post_id))).all()
    await session.execute(delete(PostHolder).where(PostHolder.post_id == post_id))
    session.add_all(PostHolder(post_id=post_id, cadre_id=c) for c in cadre_ids)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="post.holders",
        entity_type="Post",
        entity_id=post_id,
        before={"holders": sorted(map(str, before))},
        after={"holders": sorted(map(str, cadre_ids))},
    )
    return post


async def list_posts(session: AsyncSession, principal: Principal, township_id: uuid.UUID) -> list[Post]:
    policy.require_township_reader(principal, township_id, "岗位")
    return list(
        (await session.scalars(select(Post).where(Post.township_id == township_id).order_by(Post.name, Post.id))).all()
    )


# ---- county settings: the platforms and the matter types (定事) ----------------------------------


async def set_platform(session: AsyncSession, principal: Principal, *, code: str, name: str, position: int) -> Platform:
    """The four platforms are the default; the county may rename them or add one."""
    policy.require_county_settings(principal)
    code = _text(code, "平台代码", 32).upper()
    row = await session.get(Platform, code)
    before = {"name": row.name, "position": row.position} if row else None
    if row is None:
        row = Platform(code=code, name=_text(name, "平台名称", 50), position=position)
        session.add(row)
    else:
        row.name, row.position = _text(name, "平台名称", 50), position
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="platform.set",
        entity_type="Platform",
        entity_id=code,
        before=before,
        after={"name": row.name, "position": position},
    )
    return row


async def set_matter_type(
    session: AsyncSession, principal: Principal, *, code: str, name: str, professional_line: str, platform_code: str
) -> MatterType:
    """定事: a matter type, the professional line that handles it and its platform. Events already
    reported keep their type; routing reads the new line from the next acceptance on."""
    policy.require_county_settings(principal)
    code = _text(code, "事项代码", 40).upper()
    await _platform(session, platform_code)
    row = await session.get(MatterType, code)
    before = {"name": row.name, "line": row.professional_line, "platform": row.platform_code} if row else None
    values = {
        "name": _text(name, "事项名称", 100),
        "professional_line": _text(professional_line, "业务条线", 40),
        "platform_code": platform_code,
    }
    if row is None:
        row = MatterType(code=code, **values)
        session.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="matter_type.set",
        entity_type="MatterType",
        entity_id=code,
        before=before,
        after={"name": row.name, "line": row.professional_line, "platform": platform_code},
    )
    return row
