from functools import lru_cache

from servicekit.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    service_name: str = "assessment"
    # 考核权重: township 60%, department 40% (DOMAIN.md §3), configurable per county.
    township_weight_percent: int = 60


@lru_cache
def get_settings() -> AssessmentSettings:
    return AssessmentSettings()
