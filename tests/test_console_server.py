"""The console server's demo mailbox (``--mail-dir``, as ``make run`` starts it): the sink's messages
readable in the browser, newest first, escaped; without the option there is no mailbox."""

from __future__ import annotations

import http.server
import threading
import urllib.request
from email.message import EmailMessage

import pytest
from console_server import make_handler


def _serve(tmp_path, mail_dir):
    dist = tmp_path / "dist"
    dist.mkdir(exist_ok=True)
    (dist / "index.html").write_text("<html>console</html>", encoding="utf-8")
    config = {"authority": "http://127.0.0.1:4001", "gateway": "http://127.0.0.1:4000/graphql", "clientId": "c"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(dist, config, mail_dir))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    for name, subject, body in (
        ("20261203-080000-1.eml", "【待办】网格事件待受理：NEIGHBOUR_DISPUTE", "打开办理：http://x/#/dispatch"),
        ("20261203-090000-2.eml", "<script>alert(1)</script>", "正文 <b>不是标记</b>"),
    ):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "县属乡用 <noreply@county.example>", "a@county.example", subject
        msg.set_content(body)
        (folder / name).write_bytes(msg.as_bytes())
    (folder / "20261203-100000-3.eml").write_bytes(b"\xff\xfe not a message")
    return folder


def test_the_mailbox_lists_the_sinks_messages_newest_first_and_escaped(tmp_path, mail_dir):
    server, base = _serve(tmp_path, mail_dir)
    try:
        with urllib.request.urlopen(f"{base}/mail/") as resp:
            page = resp.read().decode()
            assert resp.status == 200 and resp.headers["content-type"].startswith("text/html")
            assert "default-src 'self'" in resp.headers["content-security-policy"]
    finally:
        server.shutdown()
    assert "网格事件待受理" in page and "a@county.example" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>不是标记</b>" not in page
    assert page.index("&lt;script&gt;") < page.index("网格事件待受理")  # newest first


def test_without_a_mail_folder_there_is_no_mailbox(tmp_path):
    server, base = _serve(tmp_path, None)
    try:
        with urllib.request.urlopen(f"{base}/mail/") as resp:
            page = resp.read().decode()
        with urllib.request.urlopen(f"{base}/config.js") as resp:
            config = resp.read().decode()
    finally:
        server.shutdown()
    assert page == "<html>console</html>"  # the console's router, not a mailbox
    assert "mailbox" not in config
