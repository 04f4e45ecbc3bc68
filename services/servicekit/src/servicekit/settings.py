"""Settings from the environment (pydantic-settings).

One ``DATABASE_URL`` per deployment names the PostgreSQL *server*; each service derives its own
database ``<DB_PREFIX><service>`` from it, so no service can read another's tables by accident.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    service_name: str = "service"
    environment: Literal["dev", "test", "prod"] = "dev"
    database_url: str | None = None
    # In Kubernetes the credentials come from a Secret, apart from the URL (no escaping worries).
    database_user: str | None = None
    database_password: str | None = None
    db_prefix: str = "county_"
    db_pool_size: int = 10

    # Where tokens come from. ``identity_url`` is how this process reaches the identity service;
    # ``issuer`` is the value tokens carry in ``iss`` (may differ behind an ingress).
    identity_url: str = "http://127.0.0.1:4001"
    issuer: str = "http://127.0.0.1:4001"
    audience: str = "county-api"
    jwks_cache_seconds: float = 300.0
    jwks_min_refresh_seconds: float = 1.0
    revocation_refresh_seconds: float = 2.0
    # While identity does not answer, the last revocation list is trusted this long (an access
    # token's lifetime), then tokens are refused; and how long one call to identity may take.
    revocation_max_age_seconds: float = 600.0
    identity_timeout_seconds: float = 2.0

    # This service's own OAuth client, used to read other services' event feeds.
    service_client_id: str | None = None
    service_client_secret: str | None = None

    # Whether the app runs its consumers and timers itself (dev) or leaves them to a separate worker
    # process (``python -m <service> consume``). The peers whose feeds it reads are in its own config.
    run_consumers: bool = True
    consumer_batch_size: int = 200

    # Where ``alembic.ini`` and ``migrations/`` live when the service is installed as a package
    # (container images); in a checkout they are found next to ``src/``.
    migrations_dir: str | None = None

    # What one GraphQL request may ask for (guard.py); the gateway holds callers to tighter limits,
    # these stop a direct call inside the cluster. Gateway query plans stay well within them.
    graphql_max_depth: int = 15
    graphql_max_aliases: int = 30

    # Garbage collection (app.py): freeze what start-up built (schema, mappers, modules) so full
    # collections stop walking it — they ran every ~25 requests for 50–117 ms; and how many
    # allocations start a young collection (CPython's default is 700).
    gc_freeze: bool = True
    gc_threshold: int = 700

    log_level: str = "INFO"
    log_json: bool = True


@lru_cache
def get_settings() -> ServiceSettings:
    return ServiceSettings()
