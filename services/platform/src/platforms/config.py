from functools import lru_cache

from servicekit.settings import ServiceSettings


class PlatformSettings(ServiceSettings):
    service_name: str = "platform"


@lru_cache
def get_settings() -> PlatformSettings:
    return PlatformSettings()
