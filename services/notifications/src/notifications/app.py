"""ASGI entry point of the notifications service."""

from servicekit import logs
from servicekit.app import create_app
from servicekit.feed import consumer_hooks

from .config import NotificationsSettings, get_settings
from .graphql import schema
from .scheduled import background


def build(settings: NotificationsSettings | None = None):
    start, stop = consumer_hooks(background)
    return create_app(settings=settings or get_settings(), schema=schema, startup=[start], shutdown=[stop])


def app():
    settings = get_settings()
    logs.configure_for(settings)
    return build(settings)
