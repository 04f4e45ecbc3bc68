"""DingTalk (浙政钉) work notifications and WeCom app messages: each vendor's access token (from the
app's key and secret, cached until shortly before it expires) and its send call, at a base URL from
the settings — the vendor in production, a local receiver in tests.

- DingTalk: ``GET {base}/gettoken?appkey=…&appsecret=…`` → ``access_token``; ``POST
  {base}/topapi/message/corpconversation/asyncsend_v2?access_token=…`` with ``agent_id``,
  ``userid_list`` and a text ``msg``. DingTalk itself refuses the same content to one person twice a
  day, which is also our limit: one delivery per item and person.
- WeCom: ``GET {base}/cgi-bin/gettoken?corpid=…&corpsecret=…``; ``POST
  {base}/cgi-bin/message/send?access_token=…`` with ``touser``, ``agentid``, a text message, and
  ``enable_duplicate_check`` (4 hours) so a retry after a lost answer is not shown twice.

Both answer ``errcode`` 0 on success. A token the vendor no longer accepts is fetched again once;
any other error (rate limits included) fails the attempt, which the delivery queue retries later
with backoff.
"""

from __future__ import annotations

import time

import httpx

# Vendor error codes meaning "fetch a new access token" (expired or invalid).
TOKEN_ERRORS = {"DINGTALK": {40014, 42001, 88}, "WECOM": {40014, 42001}}


class VendorError(RuntimeError):
    pass


class _Token:
    def __init__(self):
        self.value, self.expires = None, 0.0

    def valid(self) -> str | None:
        return self.value if self.value and time.monotonic() < self.expires - 120 else None


class Vendor:
    """One vendor app: its token and its send."""

    def __init__(self, kind: str, base: str, *, key: str, secret: str, agent: str):
        self.kind, self.base, self.key, self.secret, self.agent = kind, base.rstrip("/"), key, secret, agent
        self.token = _Token()

    async def _fetch_token(self, client: httpx.AsyncClient) -> str:
        if self.kind == "DINGTALK":
            resp = await client.get(f"{self.base}/gettoken", params={"appkey": self.key, "appsecret": self.secret})
        else:
            resp = await client.get(
                f"{self.base}/cgi-bin/gettoken", params={"corpid": self.key, "corpsecret": self.secret}
            )
        body = resp.json()
        if body.get("errcode", 0) != 0 or "access_token" not in body:
            raise VendorError(f"{self.kind} token: {body.get('errcode')} {body.get('errmsg', '')}"[:300])
        self.token.value, self.token.expires = (
            body["access_token"],
            time.monotonic() + float(body.get("expires_in", 7200)),
        )
        return self.token.value

    def _request(self, token: str, user: str, text: str) -> tuple[str, dict]:
        if self.kind == "DINGTALK":
            return (
                f"{self.base}/topapi/message/corpconversation/asyncsend_v2?access_token={token}",
                {"agent_id": self.agent, "userid_list": user, "msg": {"msgtype": "text", "text": {"content": text}}},
            )
        return (
            f"{self.base}/cgi-bin/message/send?access_token={token}",
            {
                "touser": user,
                "msgtype": "text",
                "agentid": self.agent,
                "text": {"content": text},
                "enable_duplicate_check": 1,
                "duplicate_check_interval": 14400,
            },
        )

    async def send(self, client: httpx.AsyncClient, user: str, text: str) -> None:
        for attempt in (1, 2):
            token = self.token.valid() or await self._fetch_token(client)
            url, body = self._request(token, user, text)
            resp = await client.post(url, json=body)
            if resp.status_code // 100 != 2:
                raise VendorError(f"{self.kind} HTTP {resp.status_code}")
            answer = resp.json()
            code = answer.get("errcode", 0)
            if code == 0:
                return
            if code in TOKEN_ERRORS[self.kind] and attempt == 1:
                self.token.value = None  # fetch a fresh one and try once more
                continue
            raise VendorError(f"{self.kind} {code} {answer.get('errmsg', '')}"[:300])


def from_settings(s) -> dict[str, Vendor]:
    vendors = {}
    if s.notify_dingtalk_url:
        vendors["DINGTALK"] = Vendor(
            "DINGTALK",
            s.notify_dingtalk_url,
            key=s.notify_dingtalk_app_key,
            secret=s.notify_dingtalk_app_secret,
            agent=s.notify_dingtalk_agent_id,
        )
    if s.notify_wecom_url:
        vendors["WECOM"] = Vendor(
            "WECOM",
            s.notify_wecom_url,
            key=s.notify_wecom_corp_id,
            secret=s.notify_wecom_secret,
            agent=s.notify_wecom_agent_id,
        )
    return vendors
