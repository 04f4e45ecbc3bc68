from functools import lru_cache

from servicekit.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity"
    # Personnel's event feed: agency head changes end and grant AGENCY_HEAD (consumers.py).
    personnel_url: str = "http://127.0.0.1:4002"
    access_token_seconds: int = 600
    refresh_token_seconds: int = 14 * 24 * 3600
    # A session (one sign-in's refresh-token family) ends this long after the sign-in, however often
    # it was refreshed.
    session_max_seconds: int = 30 * 24 * 3600
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
    # Failures for one account (or one client's secret) from any addresses before it is locked for
    # `lockout_minutes` — except from addresses it signed in from within `known_address_days`.
    account_lockout_threshold: int = 10
    known_address_days: int = 30
    # Addresses of proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated): the
    # ingress controller's pods in production (deploy/overlays/prod), none in dev. Anyone else's
    # header is ignored. uvicorn runs without --proxy-headers, so this is the only place a
    # forwarded address is believed.
    trusted_proxies: str = ""
    # Sign-in and token requests (they may hash a password or secret) run on their own threads,
    # apart from the pool that serves the revocation list and the JWKS (web.HashingLane).
    hashing_threads: int = 8
    hashing_queue: int = 64
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
