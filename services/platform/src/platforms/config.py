from functools import lru_cache

from servicekit.settings import ServiceSettings


class PlatformSettings(ServiceSettings):
    service_name: str = "platform"
    # Peers whose event feeds this service follows (consumers.py).
    personnel_url: str = "http://127.0.0.1:4002"
    # How often the deadline worker sweeps (warnings, overdue, 督办) and checks the monthly publication.
    deadline_interval_seconds: float = 5.0
    # The object-store buckets attachments may point into (comma-separated); any other is refused.
    attachment_buckets: str = "county-files,events"


@lru_cache
def get_settings() -> PlatformSettings:
    return PlatformSettings()
