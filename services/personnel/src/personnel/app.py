"""ASGI entry point of the personnel service."""

from servicekit import logs
from servicekit.app import create_app
from servicekit.outbox import consumer_hooks

from . import consumers
from .config import PersonnelSettings, get_settings
from .schema import schema


def build(settings: PersonnelSettings | None = None):
    start, stop = consumer_hooks(consumers.consumers)
    return create_app(settings=settings or get_settings(), schema=schema, startup=[start], shutdown=[stop])


def app():
    settings = get_settings()
    logs.configure_for(settings)
    return build(settings)
