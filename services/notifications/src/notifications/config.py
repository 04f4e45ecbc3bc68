from functools import lru_cache

from servicekit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    # Peers whose event feeds this service follows (consumers.py).
    personnel_url: str = "http://127.0.0.1:4002"
    platform_url: str = "http://127.0.0.1:4004"
    assessment_url: str = "http://127.0.0.1:4003"
    # Where an item's link opens the thing itself (the console's hash routes).
    console_base: str = "#"


@lru_cache
def get_settings() -> NotificationsSettings:
    return NotificationsSettings()
