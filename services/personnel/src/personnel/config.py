from functools import lru_cache

from servicekit.settings import ServiceSettings


class PersonnelSettings(ServiceSettings):
    service_name: str = "personnel"
    # Peers whose event feeds this service follows (consumers.py).
    assessment_url: str = "http://127.0.0.1:4003"
    platform_url: str = "http://127.0.0.1:4004"


@lru_cache
def get_settings() -> PersonnelSettings:
    return PersonnelSettings()
