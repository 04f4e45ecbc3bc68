from functools import lru_cache

from servicekit.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity"
    access_token_seconds: int = 600
    refresh_token_seconds: int = 14 * 24 * 3600
    authorization_code_seconds: int = 300
    # 登录失败锁定: after this many consecutive failures the account is locked for a while.
    lockout_enabled: bool = True
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    # A mounted Secret with the signing keys (see keys.py); unset: keys live in the database.
    signing_keys_file: str | None = None


@lru_cache
def get_settings() -> IdentitySettings:
    return IdentitySettings()
