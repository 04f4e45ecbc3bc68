"""Structured JSON logs carrying the request id from the gateway to every subgraph."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys

from .tracing import current_trace_id

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# The id a client chose for its own correlation (validated), kept beside ours, never in its place.
client_request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_request_id", default=None)

# What a request id may look like when it comes from outside: the gateway's UUIDs, a client's
# ULIDs or trace ids. Anything else (non-UTF-8, spaces, quotes, 10 kB) is dropped and ours is used.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def valid_request_id(raw: bytes | None) -> str | None:
    """A request id from a header, if it has the allowed shape; None otherwise (never raises)."""
    if not raw:
        return None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if _REQUEST_ID.fullmatch(text) else None


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id_var.get()
        if rid:
            entry["request_id"] = rid
        if client_rid := client_request_id_var.get():
            entry["client_request_id"] = client_rid
        if trace_id := current_trace_id():
            entry["trace_id"] = trace_id
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(service: str, level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stdout)
    if as_json:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s {service} %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own access log duplicates ours, which carries the request id.
    logging.getLogger("uvicorn.access").disabled = True
    # One line per outgoing call to JWKS/feeds is noise at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def configure_for(settings) -> None:
    """Process-level logging for a service; called by the uvicorn factory, not by ``create_app``,
    so that building an app inside a test leaves the test runner's logging alone."""
    configure(settings.service_name, settings.log_level, settings.log_json)


def log(logger: logging.Logger, level: int, msg: str, **fields) -> None:
    logger.log(level, msg, extra={"fields": fields})
