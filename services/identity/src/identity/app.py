"""ASGI entry point of the identity service: the OAuth endpoints plus the identity subgraph."""

from __future__ import annotations

import os

from sqlalchemy.orm import sessionmaker

from servicekit import db, logs
from servicekit.app import create_app
from servicekit.feed import consumer_hooks

from . import oauth, web
from .config import IdentitySettings, get_settings
from .graphql import schema
from .scheduled import background


def build(settings: IdentitySettings | None = None):
    settings = settings or get_settings()
    if settings.environment != "prod":
        # Plain http on localhost in dev and tests; production terminates TLS at the ingress.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    sync_engine = db.make_sync_engine(settings)
    session_factory = sessionmaker(sync_engine, expire_on_commit=False)
    server = oauth.AuthorizationServer(settings)

    async def dispose(runtime):
        sync_engine.dispose()

    metrics = web.SignInMetrics()
    start, stop = consumer_hooks(background)

    async def bind_metrics(runtime):
        metrics.bind(runtime.registry, session_factory, settings)

    app = create_app(
        settings=settings,
        schema=schema,
        routes=web.routes(server, settings, session_factory, metrics),
        startup=[bind_metrics, start],
        shutdown=[stop, dispose],
        needs_revocation_list=False,  # the list is ours: /readyz must not wait on ourselves
    )
    app.add_middleware(web.BrowserCors, session_factory=session_factory, extra=settings.cors_origins)
    return app


def app():
    """uvicorn factory: ``uvicorn --factory identity.app:app``."""
    settings = get_settings()
    logs.configure_for(settings)
    return build(settings)
