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
    # Personal channels (mail, DingTalk, WeCom) hold back what is not urgent in these hours
    # (Asia/Shanghai, "HH:MM-HH:MM"; empty: never).
    notify_quiet_hours: str = "22:00-07:00"
    # Mail (deliveries.py): each person holding an item's role binding, over SMTP. Empty: no mail.
    notify_smtp_url: str = ""
    notify_mail_from: str = "县属乡用 <noreply@county.example>"
    notify_mail_domain: str = "county.example"  # the Message-ID's right-hand side
    notify_console_url: str = "http://127.0.0.1:4080"  # links in mail open the console here
    # DingTalk (浙政钉) work notifications and WeCom app messages (vendors.py): the vendor's base URL
    # (https://oapi.dingtalk.com, https://qyapi.weixin.qq.com) and the app's credentials. Empty: off.
    notify_dingtalk_url: str = ""
    notify_dingtalk_app_key: str = ""
    notify_dingtalk_app_secret: str = ""
    notify_dingtalk_agent_id: str = ""
    notify_wecom_url: str = ""
    notify_wecom_corp_id: str = ""
    notify_wecom_secret: str = ""
    notify_wecom_agent_id: str = ""
    # The signed webhook (deliveries.py): every new item POSTed there, HMAC-SHA256 with the secret.
    # Empty URL: no webhook deliveries.
    notify_webhook_url: str = ""
    notify_webhook_secret: str = ""
    notify_timeout_seconds: float = 5.0
    notify_interval_seconds: float = 1.0
    notify_max_attempts: int = 8
    notify_backoff_seconds: float = 2.0  # then 4, 8 … up to the cap
    notify_backoff_cap_seconds: float = 3600.0
    # DingTalk / WeCom calls a second at most (their rate limits; each vendor paced on its own).
    notify_vendor_per_second: float = 20.0
    # When the daily digest goes (Asia/Shanghai), for people who chose it.
    notify_digest_at: str = "08:00"


@lru_cache
def get_settings() -> NotificationsSettings:
    return NotificationsSettings()
