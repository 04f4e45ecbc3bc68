from functools import lru_cache

from servicekit.settings import ServiceSettings


class PersonnelSettings(ServiceSettings):
    service_name: str = "personnel"


@lru_cache
def get_settings() -> PersonnelSettings:
    return PersonnelSettings()
