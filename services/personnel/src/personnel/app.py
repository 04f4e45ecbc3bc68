"""ASGI entry point of the personnel service."""

from servicekit import logs
from servicekit.app import create_app

from .config import PersonnelSettings, get_settings
from .schema import schema


def build(settings: PersonnelSettings | None = None):
    return create_app(settings=settings or get_settings(), schema=schema)


def app():
    settings = get_settings()
    logs.configure_for(settings)
    return build(settings)
