"""OpenTelemetry traces, off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the standard variable;
``OTEL_SERVICE_NAME`` and ``OTEL_BSP_*`` are honoured too). Then each service exports OTLP/HTTP:
a server span per request, continuing the W3C ``traceparent`` the gateway sends; a span per SQL
statement; a client span per outgoing HTTP call (feeds, JWKS, service tokens), which carries
``traceparent`` on to the next service. Every JSON log line carries the trace id (logs.py).
"""

from __future__ import annotations

import os

_configured = False


def enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def configure(service_name: str) -> None:
    """Process-wide provider and exporter, and the outgoing-HTTP instrumentation (once)."""
    global _configured
    if _configured or not enabled():
        return
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()
    _configured = True


def instrument_app(app, engine) -> object:
    """The ASGI app wrapped in a server span per request; SQL statements of ``engine`` as spans."""
    if not enabled():
        return app
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation declares SQLAlchemy < 2.1; 2.1's engine events are the same (tested by
    # tests/e2e/test_tracing.py, which needs the SQL spans).
    SQLAlchemyInstrumentor().instrument(engine=engine, skip_dep_check=True)
    return OpenTelemetryMiddleware(app, excluded_urls="healthz,readyz,metrics")


def current_trace_id() -> str | None:
    if not _configured:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
