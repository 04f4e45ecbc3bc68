"""Shared GraphQL building blocks: Relay connections and the federation schema constructor."""

from __future__ import annotations

import base64
import logging
import re
from typing import Callable, Generic, Iterable, Mapping, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema as FederationSchema

from . import access
from .access import Access
from .app import extensions
from .calendar import today
from .errors import AppError
from .pagination import Page
from .principal import ROLE_TERMS, SCOPE_TERMS

T = TypeVar("T")
N = TypeVar("N")

log = logging.getLogger("servicekit.graphql")

FEDERATION_VERSION = "2.9"

# Scope requirements the gateway enforces (@requiresScopes) before a request reaches a subgraph;
# the subgraph's own policy still decides row by row. People's tokens carry ``api``.
PEOPLE = [["api"]]
ROSTER_READERS = [["api"], ["roster:read"]]  # what @theguild/federation-composition understands


@strawberry.federation.type(shareable=True, description="分页信息 (keyset cursors)")
class PageInfo:
    has_next_page: bool = strawberry.field(description="是否还有下一页")
    end_cursor: str | None = strawberry.field(description="本页最后一条的游标: 作为 after 传入取下一页; 空页为空")


# Connections are value types: two subgraphs may both return a page of the same entity.
@strawberry.federation.type(shareable=True, description="分页结果中的一条: 条目及其游标")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="该条目的游标 (不透明字符串): 作为 after 传入, 取其后的条目")
    node: T = strawberry.field(description="条目")


@strawberry.federation.type(
    shareable=True, description="一页结果 (keyset 分页: first 条数 1–100, 默认 20; after 上一页的 endCursor)"
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="本页条目及各自的游标")
    page_info: PageInfo = strawberry.field(description="翻页信息")

    @strawberry.field(description="本页条目 (不需要游标时用它)")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


@strawberry.federation.type(shareable=True, description="Excel 文件 (base64)")
class ExcelFile:
    filename: str = strawberry.field(description="建议的文件名 (含日期, .xlsx)")
    content_type: str = strawberry.field(description="MIME 类型 (xlsx)")
    content_base64: str = strawberry.field(description="文件内容, base64 编码; 单元格都是数据, 不含公式")

    @staticmethod
    def of(name: str, content: bytes) -> "ExcelFile":
        return ExcelFile(
            filename=f"{name}-{today():%Y%m%d}.xlsx",
            content_base64=base64.b64encode(content).decode(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def gid(value) -> strawberry.ID | None:
    """A database id (UUID or int) as a GraphQL ``ID``; ``None`` stays ``None``."""
    return strawberry.ID(str(value)) if value is not None else None


def rows_loader(query: Callable[[list], object], key: Callable[[object], object], *, many: bool):
    """A DataLoader factory for ``Context.loader``: ``query(keys)`` selects the ORM rows of a batch
    in one statement, ``key(row)`` says which key a row answers; ``many`` gives a list per key."""
    from strawberry.dataloader import DataLoader

    def factory(ctx):
        async def load(keys: list) -> list:
            rows = (await ctx.session.scalars(query(keys))).all()
            if many:
                grouped: dict = {}
                for row in rows:
                    grouped.setdefault(key(row), []).append(row)
                return [grouped.get(k, []) for k in keys]
            found = {key(row): row for row in rows}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load)

    return factory


def now_or_later(loader, key, convert: Callable[[object], T]):
    """A related object for a field resolver: at once when a batch already loaded it (the page's
    resolver prefetched it), else an awaitable. A resolver returning values, not coroutines, costs
    no task per item in a list — on a page of 50 that is most of the executor's time."""
    if loader.cache:
        converted = loader.__dict__.setdefault("_converted", {})  # one object per row per request
        if key in converted:
            return converted[key]
        future = loader.cache_map.get(key)
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            converted[key] = convert(future.result())
            return converted[key]

    async def later():
        return convert(await loader.load(key))

    return later()


def requested(info, *path: str) -> set[str]:
    """Field names selected under ``path`` of the current field (e.g. ``requested(info, "nodes")``):
    what a page's resolver should prefetch for its items."""
    from strawberry.types.nodes import SelectedField

    names: set[str] = set()

    def walk(selections, rest):
        for sel in selections:
            if not isinstance(sel, SelectedField):  # a fragment (named or inline): its selections, same level
                walk(sel.selections, rest)
            elif not rest:
                names.add(sel.name)
            elif sel.name == rest[0]:
                walk(sel.selections, rest[1:])

    for field in info.selected_fields:
        walk(field.selections, list(path))
    return names


def connection(page: Page[N], convert: Callable[[N], T]) -> Connection[T]:
    edges = [Edge(cursor=c, node=convert(item)) for item, c in zip(page.items, page.cursors)]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
    )


# Arguments and fields that mean the same everywhere are described once, here: a schema element
# without a description of its own gets the convention's (GraphiQL is a front-end team's manual).
ARGUMENT_CONVENTIONS = {
    "first": "每页条数 (1–100, 默认 20)",
    "after": "从这个游标之后开始 (上一页的 pageInfo.endCursor); 不填从第一条开始",
    "input": "本操作的输入 (各字段的含义见输入类型)",
    "filter": "筛选条件 (填写的各项须同时满足; 不填不筛选)",
    "id": "要查的对象的 id; 格式错误为 BAD_USER_INPUT, 不存在或无权查看为 NOT_FOUND",
}
SCALAR_TERMS = {
    "Date": "日期 (ISO 8601, 如 2026-11-30; 业务日期按 Asia/Shanghai)",
    "DateTime": "时间 (ISO 8601, 带时区, 如 2026-11-30T09:00:00+08:00)",
    "Decimal": '十进制数, 以字符串传递以免精度损失 (如 "91.50")',
    "JSON": "JSON 值",
    "Upload": "上传的文件",
}
ID_TERMS = {  # an argument or input field "<x>Id" → the Chinese term of what it names
    "cycleId": "考核周期",
    "departmentId": "县直部门 (派出部门)",
    "townshipId": "乡镇(街道)",
    "agencyId": "派驻机构",
    "cadreId": "派驻干部",
    "eventId": "网格事件",
    "batchId": "调整批次",
    "gridId": "网格",
    "unitId": "平台单位 (派驻机构或乡镇站所)",
    "postId": "岗位",
    "memberId": "网格成员",
    "requestId": "员额调整申请",
    "noticeId": "提醒告知单",
    "objectionId": "考核异议",
    "honourId": "荣誉推荐",
    "meetingId": "评议会",
    "recommendationId": "推荐",
    "planId": "培训计划",
    "userId": "用户",
    "bindingId": "角色绑定",
    "assessorId": "考核方 (乡镇或部门)",
    "regionId": "片区",
    "snapshotId": "锁定名单",
    "mentorId": "导师 (派驻干部)",
    "menteeId": "结对对象 (派驻干部)",
    "subjectId": "推荐对象",
    "ownerId": "计划所属方 (部门或乡镇)",
    "middlePostId": "中层岗位",
    "duplicateOf": "原事件",
}


def _term(name: str) -> str | None:
    if name in ID_TERMS:
        return f"{ID_TERMS[name]}的 id"
    if name.endswith("Ids") and name[:-1] in ID_TERMS:
        return f"{ID_TERMS[name[:-1]]}的 id 列表"
    return None


def _describe_by_convention(schema) -> None:
    from graphql import GraphQLInputObjectType, GraphQLObjectType

    for name, text in SCALAR_TERMS.items():
        if name in schema.type_map and not schema.type_map[name].description:
            schema.type_map[name].description = text
    # The kernel's enums (plain Python in servicekit.principal) carry their terms there.
    for enum_name, terms in (("Role", ROLE_TERMS), ("ScopeKind", SCOPE_TERMS)):
        if enum_name in schema.type_map:
            for member, term in terms.items():
                value = schema.type_map[enum_name].values.get(member.name)
                if value is not None and not value.description:
                    value.description = term
    if schema.query_type and not schema.query_type.description:
        schema.query_type.description = "查询: 只读; 每个字段按调用者的角色与范围返回 (双重管理)"
    if schema.mutation_type and not schema.mutation_type.description:
        schema.mutation_type.description = "变更: 一个请求只含一个变更字段; 失败时什么也不写"
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, (GraphQLObjectType, GraphQLInputObjectType)):
            continue
        for name, field in type_.fields.items():
            if not field.description:
                if name == "id" and isinstance(type_, GraphQLObjectType):
                    field.description = "唯一标识"
                elif isinstance(type_, GraphQLInputObjectType):
                    field.description = _term(name)
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    arg.description = ARGUMENT_CONVENTIONS.get(arg_name) or _term(arg_name)


# graphql-core's coercion messages echo the whole input they refused ("… found: {'name': '张三',
# 'idNumber': '330681…'}", "got invalid value {…}"). The caller gets the message as it is (it is
# their own input); the log keeps what was wrong, not the values.
_ECHOED_VALUE = re.compile(r"((?:got invalid value|found:?|represent[^:;]*:|value:)\s*)[^;]*")
# Quoted names (a field, a type, a variable's path) stay; any other quoted text is a value.
_QUOTED = re.compile(r"'([^']*)'")
_NAME = re.compile(r"[A-Za-z_$][\w.$\[\]!]*")
_LONG_NUMBER = re.compile(r"\d{6,}")  # an ID number or a phone wherever it still stands


def redacted(message: str) -> str:
    unquoted = _QUOTED.sub(lambda m: m.group(0) if _NAME.fullmatch(m.group(1)) else "'…'", message)
    return _LONG_NUMBER.sub("…", _ECHOED_VALUE.sub(r"\1…", unquoted))


class Schema(FederationSchema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Rule violations and bad input are answers, not failures: log them without a stack trace.
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, (AppError, GraphQLError)):
                log.info(
                    "graphql error: %s",
                    redacted(error.message),
                    extra={"fields": {"code": getattr(original, "code", "BAD_USER_INPUT"), "path": error.path}},
                )
            else:
                log.error("unhandled error in resolver", exc_info=original)


def schema(
    *, query: type, mutation: type | None = None, types: Iterable[type] = (), policy: Mapping[str, Access] | None = None
) -> Schema:
    """The service's subgraph. ``policy`` (the service's ``policy.ROOT_FIELDS``) names who may call
    each root field: every root field must have one, and each gates its resolver (``access``)."""
    built = Schema(
        query=query,
        mutation=mutation,
        types=list(types),
        extensions=extensions(),
        federation_version=FEDERATION_VERSION,
    )
    _describe_by_convention(built._schema)
    if policy is not None:
        roots = [t for t in (built._schema.query_type, built._schema.mutation_type) if t is not None]
        access.check([name for t in roots for name in t.fields], dict(policy))
        for t in roots:
            for name, field in t.fields.items():
                if name in policy:
                    field.resolve = _gated(field.resolve, policy[name])
    return built


def _gated(resolve, rule: Access):
    from .errors import Forbidden

    def gated(root, info, **kwargs):
        if not rule.allows(info.context.principal):
            raise Forbidden(detail=f"allowed: {rule.summary}")
        return resolve(root, info, **kwargs)

    return gated
