"""干部档案: the township's daily-management fields, the department's professional fields, roster import and
export, in GraphQL."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

import strawberry
from strawberry.types import Info

from servicekit import audit, gql
from servicekit.app import Context
from servicekit.errors import BadInput
from servicekit.ids import parse_id

from .. import (
    excel,
    profile,
)
from .roster import (
    Cadre,
    CadreFilter,
    CadreStatus,
)


@strawberry.type(description="导入错误 (行号从表头下一行的 2 开始)")
class ImportRowError:
    row: int = strawberry.field(description="行号")
    column: str | None = strawberry.field(description="列名")
    message: str = strawberry.field(description="错误说明")


@strawberry.type(description="名单导入结果")
class RosterImportResult:
    ok: bool = strawberry.field(description="全部成功 (整体模式下有任何错误则一行也不写入)")
    created: int = strawberry.field(description="新建人数")
    created_cadre_ids: list[strawberry.ID] = strawberry.field(description="新建人员的 id")
    errors: list[ImportRowError] = strawberry.field(description="逐行错误 (有错误时不导入任何行)")


@strawberry.input(description="导入名单 Excel")
class ImportRosterInput:
    content_base64: str = strawberry.field(description="Excel 文件内容 (base64)")
    partial: bool = strawberry.field(default=False, description="true: 写入有效行, 返回错误行")


@strawberry.input(description="日常管理信息 (乡镇维护)")
class UpdateDailyManagementInput:
    cadre_id: strawberry.ID
    status: CadreStatus | None = strawberry.field(default=None, description="在岗、请假或借调 (离开只能经人事调整)")
    phone: str | None = strawberry.field(default=None, description="电话")
    political_status: str | None = strawberry.field(default=None, description="政治面貌")
    reason: str | None = strawberry.field(default=None, description="变更理由 (记入审计)")


@strawberry.input(description="业务信息 (部门维护)")
class UpdateProfessionalInfoInput:
    cadre_id: strawberry.ID
    professional_line: str | None = strawberry.field(default=None, description="条线")
    rank: str | None = strawberry.field(default=None, description="职级")
    education: str | None = strawberry.field(default=None, description="学历")
    enforcement_cert_no: str | None = strawberry.field(default=None, description="执法证号")
    enforcement_cert_expiry: dt.date | None = strawberry.field(default=None, description="执法证有效期至")
    reason: str | None = strawberry.field(default=None, description="变更理由 (记入审计)")


@strawberry.type
class ProfileQuery:
    @strawberry.federation.field(
        description="导出名单 Excel (按权限范围, 敏感字段同页面脱敏)", requires_scopes=gql.PEOPLE
    )
    async def export_roster(self, info: Info[Context, None], filter: CadreFilter | None = None) -> gql.ExcelFile:
        f = filter.rules() if filter else None
        content, rows = await excel.export_roster(info.context.session, info.context.principal, f)
        await audit.record_read(
            info.context.sessionmaker,
            actor=info.context.principal,
            action="roster.export",
            entity_type="Roster",
            entity_id="export",
            after={"rows": rows},
        )
        return gql.ExcelFile.of("派驻人员名单", content)


@strawberry.type
class ProfileMutation:
    @strawberry.federation.mutation(description="乡镇(街道)维护日常管理信息", requires_scopes=gql.PEOPLE)
    async def update_daily_management(self, info: Info[Context, None], input: UpdateDailyManagementInput) -> Cadre:
        row = await profile.update_daily(
            info.context.session,
            info.context.principal,
            cadre_id=parse_id(input.cadre_id, "人员"),
            status=input.status.value if input.status else None,
            phone=input.phone,
            political_status=input.political_status,
            reason=input.reason,
        )
        return Cadre.of(row)

    @strawberry.federation.mutation(description="派驻部门维护业务信息", requires_scopes=gql.PEOPLE)
    async def update_professional_info(self, info: Info[Context, None], input: UpdateProfessionalInfoInput) -> Cadre:
        row = await profile.update_professional(
            info.context.session,
            info.context.principal,
            cadre_id=parse_id(input.cadre_id, "人员"),
            professional_line=input.professional_line,
            rank=input.rank,
            education=input.education,
            enforcement_cert_no=input.enforcement_cert_no,
            enforcement_cert_expiry=input.enforcement_cert_expiry,
            reason=input.reason,
        )
        return Cadre.of(row)

    @strawberry.federation.mutation(description="编办导入名单 Excel", requires_scopes=gql.PEOPLE)
    async def import_roster(self, info: Info[Context, None], input: ImportRosterInput) -> RosterImportResult:
        try:
            content = base64.b64decode(input.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadInput("文件内容须为 base64") from exc
        created, errors = await excel.import_roster(
            info.context.session, info.context.principal, content, partial=input.partial
        )
        return RosterImportResult(
            ok=not errors,
            created=len(created),
            created_cadre_ids=[strawberry.ID(str(c.id)) for c in created],
            errors=[ImportRowError(row=e.row, column=e.column, message=e.message) for e in errors],
        )
