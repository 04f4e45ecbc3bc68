"""GraphQL app factory: a strawberry federation subgraph on Starlette.

Routes: ``/graphql`` (token required), ``/events`` (this service's outbox feed, for service
clients with the ``events:read`` scope), ``/healthz``, ``/readyz`` (database reachable),
``/metrics`` (Prometheus). Every request carries an ``x-request-id`` (taken from the gateway or
made here) into logs and the response.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Sequence

import orjson
from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from . import db, logs, outbox, tracing
from .auth import TokenVerifier, bearer_token
from .errors import INTERNAL, AppError, BadInput, Conflict, Forbidden, Unauthenticated
from .principal import Principal
from .settings import ServiceSettings

log = logging.getLogger("servicekit.app")


@dataclass
class Context:
    """Per-request context: the caller, a lazily opened DB session and the request's DataLoaders."""

    request: Request
    principal: Principal
    settings: ServiceSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    loaders: dict[str, Any] = field(default_factory=dict)
    _session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self.sessionmaker()
        return self._session

    def loader(self, name: str, factory: Callable[["Context"], Any]) -> Any:
        """One DataLoader per name per request, so a page of N items costs one query per loader."""
        if name not in self.loaders:
            self.loaders[name] = factory(self)
        return self.loaders[name]


class RequestTransaction(SchemaExtension):
    """A successful mutation commits; anything else rolls back, so a failed mutation writes nothing."""

    async def on_execute(self) -> AsyncIterator[None]:
        # A query's root fields resolve concurrently; a session cannot open its connection from two
        # tasks at once, so open it before they start (statements then queue on the connection).
        await self.execution_context.context.session.connection()
        yield

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        ctx = self.execution_context.context
        session = getattr(ctx, "_session", None)
        if session is None:
            return
        result = self.execution_context.result
        ok = result is not None and not getattr(result, "errors", None)
        try:
            if ok and self.execution_context.operation_type == OperationType.MUTATION:
                try:
                    await session.commit()
                except DBAPIError as exc:
                    # Refused at commit (a deferred check, a concurrent duplicate): nothing was
                    # written, and the caller hears why instead of a 500.
                    await session.rollback()
                    shaped = _data_error(exc)
                    if shaped is None:
                        raise
                    result.data = None
                    result.errors = [GraphQLError(shaped.message, extensions=shaped.extensions())]
            else:
                await session.rollback()
        finally:
            await session.close()


class ErrorCodes(SchemaExtension):
    """Every error leaves with ``extensions.code``; unexpected ones are logged and masked."""

    def on_operation(self):
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        dev = getattr(self.execution_context.context, "settings", None)
        dev = getattr(dev, "environment", "dev") == "dev"
        result.errors = [self._shape(e, suggestions=dev) for e in result.errors]

    @staticmethod
    def _shape(error: GraphQLError, *, suggestions: bool = True) -> GraphQLError:
        original = error.original_error
        if isinstance(original, AppError):
            return GraphQLError(original.message, nodes=error.nodes, path=error.path, extensions=original.extensions())
        if original is None or isinstance(original, GraphQLError):
            # Parse and validation errors, wrong variable types, a scalar literal that does not
            # parse (a Date of "", a Decimal of "þ"): the caller's input is at fault.
            ext = dict(error.extensions or {})
            ext.setdefault("code", "BAD_USER_INPUT")
            message = error.message if suggestions else _SUGGESTION.sub("", error.message)
            return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=ext)
        if (data_error := _data_error(original)) is not None:
            return GraphQLError(
                data_error.message, nodes=error.nodes, path=error.path, extensions=data_error.extensions()
            )
        return GraphQLError("服务器内部错误", nodes=error.nodes, path=error.path, extensions={"code": INTERNAL})


# Outside dev, graphql-core's "Did you mean …?" would list field names to a prober.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def _data_error(exc: BaseException) -> AppError | None:
    """A value the database refused (SQLSTATE class 22: too long for its column, out of range, bad
    text) is the caller's input; a unique violation (23505) is a conflict with an existing row. The
    request's transaction rolls back either way, so nothing is written."""
    if not isinstance(exc, DBAPIError):
        return None
    state = getattr(exc.orig, "sqlstate", None) or ""
    diag = getattr(getattr(exc.orig, "diag", None), "message_primary", None) or ""
    if state.startswith("22"):
        return BadInput("输入值超出允许的长度或范围", detail=f"rejected by the database: {diag}"[:300])
    if state == "23505":
        return Conflict("与现有数据重复", detail=f"duplicate: {getattr(exc.orig.diag, 'constraint_name', '')}")
    return None


def extensions() -> list:
    from strawberry.extensions import ParserCache

    from .guard import RequestGuard

    # The same page is parsed once (bounded LRU keyed by the query text), then validated once (guard).
    return [lambda: ParserCache(maxsize=256), RequestGuard, RequestTransaction, ErrorCodes]


class _GraphQLView(GraphQL):
    def __init__(self, schema, service: "ServiceRuntime"):
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=False)
        self.service = service

    # JSON in C (orjson): a roster page of 50 people encodes in ≈ 10 µs instead of ≈ 100 µs with
    # json.dumps, and request bodies decode ≈ 2.5× faster. Anything orjson refuses (an integer
    # beyond 64 bits) falls back to the standard encoder rather than failing the response.
    def encode_json(self, data: object) -> bytes | str:
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            # orjson refuses what JSON allows but UTF-8 cannot hold (a lone "\ud800"): the standard
            # parser reads it, so the request guard answers BAD_USER_INPUT as it always has, and
            # a body that is not JSON at all is still the same 400.
            return super().decode_json(data)

    async def get_context(self, request: Request, response: Any = None) -> Context:  # type: ignore[override]
        return Context(
            request=request,
            principal=request.state.principal,
            settings=self.service.settings,
            sessionmaker=self.service.sessionmaker,
        )


def error_response(exc: AppError, status: int) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": exc.message, "extensions": exc.extensions()}]},
        status_code=status,
        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None,
    )


class _Authenticated:
    """ASGI wrapper: no valid token, no GraphQL."""

    def __init__(self, app: ASGIApp, service: "ServiceRuntime"):
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            principal = await self.service.verifier.verify(bearer_token(request.headers.get("authorization")))
        except Unauthenticated as exc:
            await error_response(exc, 401)(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


class _Observed:
    """Request id, access log and Prometheus metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, service: "ServiceRuntime"):
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        # The gateway's id (it makes one per request) when it has the shape of one, else ours; the
        # id the client chose travels beside it (x-client-request-id), validated the same way.
        rid = logs.valid_request_id(headers.get(b"x-request-id")) or uuid.uuid4().hex
        client_rid = logs.valid_request_id(headers.get(b"x-client-request-id"))
        token = logs.request_id_var.set(rid)
        client_token = logs.client_request_id_var.set(client_rid)
        status = {"code": 500}
        started = time.perf_counter()

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            path = scope.get("path", "")
            route = path if path in self.service.known_paths else "other"
            self.service.http_requests.labels(scope.get("method", ""), route, str(status["code"])).inc()
            self.service.http_latency.labels(route).observe(elapsed)
            if route not in ("/healthz", "/readyz", "/metrics"):
                logs.log(
                    log,
                    logging.INFO,
                    "request",
                    method=scope.get("method"),
                    path=path,
                    status=status["code"],
                    ms=round(elapsed * 1000, 2),
                )
            logs.request_id_var.reset(token)
            logs.client_request_id_var.reset(client_token)


class ServiceRuntime:
    """Everything one service process holds: settings, engine, verifier, metrics."""

    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.engine: AsyncEngine = db.make_async_engine(settings)
        self.sessionmaker = db.make_sessionmaker(self.engine)
        self.verifier = TokenVerifier(settings)
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.http_latency = Histogram(
            "http_request_duration_seconds", "HTTP request latency", ["route"], registry=self.registry
        )
        self.feed_events = Counter(
            "feed_events_total", "Events received from another service's feed", ["feed"], registry=self.registry
        )
        self.feed_errors = Counter(
            "feed_errors_total", "Feed polls that failed (the consumer backs off)", ["feed"], registry=self.registry
        )
        self.feed_polled = Gauge(
            "feed_last_poll_success_timestamp_seconds",
            "When the consumer last read the feed successfully (lag alert: now minus this)",
            ["feed"],
            registry=self.registry,
        )
        self.known_paths: set[str] = set()

    async def principal(self, request: Request) -> Principal:
        return await self.verifier.verify(bearer_token(request.headers.get("authorization")))


def tune_gc(settings: ServiceSettings) -> None:
    """Everything alive after start-up lives as long as the process: moved out of the collector's
    sight (``gc.freeze``), a full collection only walks what requests made."""
    import gc

    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(settings.gc_threshold, gen1, gen2)
    if settings.gc_freeze:
        gc.collect()
        gc.freeze()


def create_app(
    *,
    settings: ServiceSettings,
    schema,
    routes: Sequence[BaseRoute] = (),
    startup: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = (),
    shutdown: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = (),
    readiness: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = (),
    needs_revocation_list: bool = True,
) -> Starlette:
    """``needs_revocation_list``: /readyz stays 503 until this process holds a current list of
    revoked tokens (a subgraph started while identity is down must not take traffic and accept
    revoked tokens). The identity service itself passes False: it is where the list comes from."""
    runtime = ServiceRuntime(settings)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "service": settings.service_name})

    async def readyz(request: Request) -> Response:
        try:
            await db.ping(runtime.engine)
            if needs_revocation_list:
                await runtime.verifier.ready()
            for check in readiness:
                await check(runtime)
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            return JSONResponse({"status": "unavailable", "reason": str(exc)[:200]}, status_code=503)
        return JSONResponse({"status": "ready", "service": settings.service_name})

    async def metrics(request: Request) -> Response:
        return PlainTextResponse(generate_latest(runtime.registry), media_type=CONTENT_TYPE_LATEST)

    async def events(request: Request) -> Response:
        try:
            principal = await runtime.principal(request)
            if not principal.has_scope("events:read"):
                raise Forbidden("无权读取事件流", detail="scope events:read required")
            try:
                limit = int(request.query_params.get("limit", "200"))
            except ValueError as exc:
                raise BadInput("limit 必须是整数") from exc
            async with runtime.sessionmaker() as session:
                page = await outbox.read_feed(session, request.query_params.get("after"), limit)
        except Unauthenticated as exc:
            return error_response(exc, 401)
        except Forbidden as exc:
            return error_response(exc, 403)
        except BadInput as exc:
            return error_response(exc, 400)
        return JSONResponse(page)

    graphql_view = _GraphQLView(schema, runtime)
    all_routes = [
        Route("/graphql", _Authenticated(graphql_view, runtime), methods=["POST"]),
        Route("/events", events, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *routes,
    ]
    runtime.known_paths = {getattr(r, "path", "") for r in all_routes}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        for hook in startup:
            await hook(runtime)
        tune_gc(settings)
        try:
            yield
        finally:
            for hook in shutdown:
                await hook(runtime)
            await runtime.verifier.aclose()
            await runtime.engine.dispose()

    app = Starlette(routes=all_routes, lifespan=lifespan)
    app.state.runtime = runtime
    app.add_middleware(_Observed, service=runtime)
    tracing.configure(settings.service_name)
    if tracing.enabled():
        # Outermost, so the request's server span (and its trace id) covers the logs below it.
        app.add_middleware(_Traced, engine=runtime.engine.sync_engine)
    return app


class _Traced:
    """The server span of each request, which never sees the query string: a URL like
    ``/oauth/logout?id_token_hint=…`` would put a person's name, username and session id into every
    trace store. The span gets the path; the app below gets the request as it came."""

    def __init__(self, app: ASGIApp, engine):
        self.app = tracing.instrument_app(_QueryRestored(app), engine)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            scope = {**scope, "query_string": b"", "county.query_string": scope["query_string"]}
        await self.app(scope, receive, send)


class _QueryRestored:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "county.query_string" in scope:
            scope = {**scope, "query_string": scope["county.query_string"]}
        await self.app(scope, receive, send)
