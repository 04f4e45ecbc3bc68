from functools import lru_cache

from servicekit.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity"
    access_token_seconds: int = 600
    refresh_token_seconds: int = 14 * 24 * 3600
    authorization_code_seconds: int = 300
    id_token_seconds: int = 600
    # 登录失败锁定: after this many consecutive failures the account is locked for a while.
    # Failed sign-ins (login.py): an address locked out of one account after `lockout_threshold`
    # failures within `login_window_minutes`; an address turned away altogether after
    # `login_ip_max_failures` (a county office's NAT is one address: keep this well above one
    # person's typos).
    lockout_enabled: bool = True
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    login_window_minutes: int = 15
    login_ip_max_failures: int = 50
    # Addresses of proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated); anyone
    # else's header is ignored. Under uvicorn, FORWARDED_ALLOW_IPS has already put the ingress's
    # client address in place (deploy/base/county-config), so this is for other front proxies.
    trusted_proxies: str = ""
    # Browser origins allowed beside those of registered redirect URIs (comma-separated).
    cors_origins: str = ""
    # The web console's public origin (e.g. https://console.county.example): `bootstrap` registers
    # it with the county-web client, so the console can sign people in after `kubectl apply -k`.
    console_origin: str | None = None
    # A mounted Secret with the signing keys (see keys.py); unset: keys live in the database.
    signing_keys_file: str | None = None


@lru_cache
def get_settings() -> IdentitySettings:
    return IdentitySettings()
