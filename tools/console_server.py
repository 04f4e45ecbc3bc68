"""Serve the built web console (web/dist) as static files, the way `make run` starts it.

    python tools/console_server.py --port 4080 --authority http://127.0.0.1:4001 \
        --gateway http://127.0.0.1:4000/graphql

`/config.js` is written from the arguments, so one build runs against any identity service and
gateway; any path that is not a file (e.g. `/callback`) gets index.html, the console's router
decides. `/healthz` and `/readyz` answer like every other process of the system. Security headers:
a Content-Security-Policy that lets the page talk only to its own origin, the identity service and
the gateway, no framing, no sniffing.

With ``--mail-dir`` (``make run``'s mail sink) ``/mail/`` shows the messages the system sent, newest
first — the demo's mailbox, so a newcomer reads the mail the inbox sent without a mail client.
Production serves the console from its own image and never passes it.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import http.server
import json
import mimetypes
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


MAILBOX_SIZE = 100


def mailbox_page(folder: Path) -> bytes:
    """The newest messages in ``folder`` (.eml files) as one page: sender, recipient, subject, body."""
    files = sorted(folder.glob("*.eml"), reverse=True)[:MAILBOX_SIZE] if folder.is_dir() else []
    parts = []
    for f in files:
        try:
            msg = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
        except Exception:  # a message that does not parse is shown as such, never breaks the page
            parts.append(f"<article><h2>{html.escape(f.name)}</h2><p>无法解析</p></article>")
            continue
        parts.append(
            "<article>"
            f"<h2>{html.escape(str(msg['Subject'] or ''))}</h2>"
            f"<p class=meta>收件人 {html.escape(str(msg['To'] or ''))} · {html.escape(str(msg['Date'] or ''))}</p>"
            f"<pre>{html.escape(text)}</pre></article>"
        )
    listing = "".join(parts) or "<p>还没有邮件。</p>"
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'><title>演示邮箱</title>"
        "<style>body{font-family:sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem}"
        "article{border-bottom:1px solid #ccc;padding:.5rem 0}h2{font-size:1rem;margin:.25rem 0}"
        ".meta{color:#555;margin:0}pre{white-space:pre-wrap;font-family:inherit}</style></head>"
        f"<body><main><h1>演示邮箱</h1><p>make run 的本地邮件服务器收到的邮件 (最新 {MAILBOX_SIZE} 封)。</p>"
        f"{listing}</main></body></html>"
    ).encode()


def make_handler(dist: Path, config: dict[str, str], mail_dir: Path | None = None):
    config_js = f"window.CONSOLE_CONFIG = {json.dumps(config)};\n".encode()
    connect = " ".join(sorted({origin(config["authority"]), origin(config["gateway"])}))
    csp = (
        f"default-src 'self'; script-src 'self'; connect-src 'self' {connect}; img-src 'self' data: blob:; "
        f"style-src 'self' 'unsafe-inline'; form-action 'self' {origin(config['authority'])}; "
        "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )
    root = dist.resolve()

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "county-console"
        sys_version = ""

        def do_HEAD(self):  # noqa: N802 - the standard library's name
            self._serve(head=True)

        def do_GET(self):  # noqa: N802 - the standard library's name
            self._serve(head=False)

        def _serve(self, head: bool) -> None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if path in ("/healthz", "/readyz"):
                ready = (root / "index.html").is_file()
                return self._send(
                    200 if ready else 503,
                    b'{"status":"ok"}' if ready else b'{"status":"no build"}',
                    "application/json",
                    head,
                    cache="no-store",
                )
            if mail_dir is not None and path in ("/mail", "/mail/"):
                return self._send(200, mailbox_page(mail_dir), "text/html; charset=utf-8", head, cache="no-store")
            if path == "/config.js":
                return self._send(200, config_js, "text/javascript; charset=utf-8", head, cache="no-store")
            target = (root / path.lstrip("/")).resolve()
            if path != "/" and target.is_file() and target.is_relative_to(root):
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                if kind.startswith("text/") or kind.endswith("javascript"):
                    kind += "; charset=utf-8"
                # Vite names assets by content hash: they never change under the same name.
                cache = "public, max-age=31536000, immutable" if path.startswith("/assets/") else "no-cache"
                return self._send(200, target.read_bytes(), kind, head, cache=cache)
            if "." in path.rsplit("/", 1)[-1]:
                return self._send(404, b"not found", "text/plain; charset=utf-8", head, cache="no-store")
            index = root / "index.html"
            if not index.is_file():
                return self._send(
                    503, "控制台尚未构建：请运行 make run".encode(), "text/plain; charset=utf-8", head, cache="no-store"
                )
            return self._send(200, index.read_bytes(), "text/html; charset=utf-8", head, cache="no-cache")

        def _send(self, status: int, body: bytes, kind: str, head: bool, *, cache: str) -> None:
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.send_header("cache-control", cache)
            self.send_header("content-security-policy", csp)
            self.send_header("x-content-type-options", "nosniff")
            self.send_header("referrer-policy", "no-referrer")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
            pass

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4080)
    parser.add_argument("--authority", default="http://127.0.0.1:4001", help="the identity service (OIDC issuer)")
    parser.add_argument("--gateway", default="http://127.0.0.1:4000/graphql")
    parser.add_argument("--client-id", default="county-web")
    parser.add_argument("--dist", type=Path, default=DIST)
    parser.add_argument("--mail-dir", type=Path, default=None, help="the demo mail sink's folder, shown at /mail/")
    args = parser.parse_args(argv)
    config = {"authority": args.authority, "gateway": args.gateway, "clientId": args.client_id}
    if args.mail_dir is not None:
        config["mailbox"] = "/mail/"
    server = http.server.ThreadingHTTPServer((args.host, args.port), make_handler(args.dist, config, args.mail_dir))
    server.daemon_threads = True
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
