from decimal import Decimal
from functools import lru_cache

from servicekit.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    service_name: str = "assessment"
    # Peers whose event feeds this service follows (consumers.py).
    personnel_url: str = "http://127.0.0.1:4002"
    platform_url: str = "http://127.0.0.1:4004"
    # 考核权重: the township's share of the total (0.6: township 60%, department 40%), configurable
    # per county (TOWNSHIP_SHARE); a cycle may set its own when it is opened.
    township_share: Decimal = Decimal("0.6")


@lru_cache
def get_settings() -> AssessmentSettings:
    return AssessmentSettings()
