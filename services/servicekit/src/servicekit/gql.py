"""Shared GraphQL building blocks: Relay connections and the federation schema constructor."""

from __future__ import annotations

import base64
import logging
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
    has_next_page: bool
    end_cursor: str | None


# Connections are value types: two subgraphs may both return a page of the same entity.
@strawberry.federation.type(shareable=True)
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.federation.type(shareable=True)
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


@strawberry.federation.type(shareable=True, description="Excel 文件 (base64)")
class ExcelFile:
    filename: str
    content_type: str
    content_base64: str

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


def connection(page: Page[N], convert: Callable[[N], T]) -> Connection[T]:
    edges = [Edge(cursor=c, node=convert(item)) for item, c in zip(page.items, page.cursors)]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
    )


class Schema(FederationSchema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Rule violations and bad input are answers, not failures: log them without a stack trace.
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, (AppError, GraphQLError)):
                log.info(
                    "graphql error: %s",
                    error.message,
                    extra={"fields": {"code": getattr(original, "code", "BAD_USER_INPUT")}},
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
