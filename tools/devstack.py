"""Start the whole system locally: PostgreSQL (embedded unless DATABASE_URL), migrations, demo
data, the four services and the gateway. Used by `make run` and by the end-to-end tests.

    python tools/devstack.py            # what `make run` does
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SERVICES = [  # (name, python package, default port)
    ("identity", "identity", 4001),
    ("personnel", "personnel", 4002),
    ("assessment", "assessment", 4003),
    ("platform", "platforms", 4004),
    ("notifications", "notifications", 4005),
]


def connect(database_url: str, dbname: str):
    """A psycopg connection (autocommit) to database ``dbname`` on the server of ``database_url``."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    kw = {"dbname": dbname, "autocommit": True, "user": url.username or "postgres"}
    if url.host:
        kw["host"] = url.host
    if url.port:
        kw["port"] = url.port
    kw.update(dict(url.query.items()))
    return psycopg.connect(**kw)


def embedded_database(datadir: Path) -> str:
    sys.path.insert(0, str(ROOT / "services" / "servicekit" / "src"))
    from servicekit import embedded_pg

    return embedded_pg.start(datadir)


@dataclass
class Stack:
    database_url: str
    db_prefix: str = "county_"
    host: str = "127.0.0.1"
    gateway_port: int = 4000
    # The web console (web/dist, built by `make run`), served as static files; None: not started.
    console_port: int | None = None
    # The demo mail sink's folder, readable in the console at /mail/ (make run); None: not shown.
    mail_dir: Path | None = None
    ports: dict[str, int] = field(default_factory=lambda: {n: p for n, _, p in SERVICES})
    log_dir: Path = ROOT / ".data" / "logs"
    extra_env: dict[str, str] = field(default_factory=dict)
    environment: str = "dev"
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://{self.host}:{self.ports[name]}"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}/graphql"

    def env(self, name: str | None = None) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DB_PREFIX": self.db_prefix,
            "ENVIRONMENT": self.environment,
            "IDENTITY_URL": self.url("identity"),
            "ISSUER": self.url("identity"),
            "PERSONNEL_URL": self.url("personnel"),
            "ASSESSMENT_URL": self.url("assessment"),
            "PLATFORM_URL": self.url("platform"),
            "NOTIFICATIONS_URL": self.url("notifications"),
            "LOG_JSON": "true",
        }
        for sname, _, _ in SERVICES:
            env[f"{sname.upper()}_GRAPHQL_URL"] = f"{self.url(sname)}/graphql"
        if name:
            env["SERVICE_NAME"] = name
            env["SERVICE_CLIENT_ID"] = f"svc-{name}"
            env["SERVICE_CLIENT_SECRET"] = os.environ.get(f"SVC_{name.upper()}_SECRET", f"dev-svc-{name}-secret")
        env.update(self.extra_env)
        return env

    def manage(self, package: str, *args: str) -> str:
        name = next(n for n, p, _ in SERVICES if p == package)
        out = subprocess.run(
            [PYTHON, "-m", package, *args], env=self.env(name), cwd=ROOT, capture_output=True, text=True
        )
        if out.returncode != 0:
            raise RuntimeError(f"{package} {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def prepare(self, *, demo: bool = True) -> None:
        """Each service's database is its own: the services migrate (and load the demo) side by side,
        each in order — what `make run` waits for before anything answers."""
        from concurrent.futures import ThreadPoolExecutor

        seeded = {"identity", "personnel", "platforms"} if demo else {"identity"}

        def chain(package: str) -> None:
            self.manage(package, "migrate")
            if package in seeded:
                self.manage(package, "seed-demo" if demo else "bootstrap")

        with ThreadPoolExecutor(max_workers=len(SERVICES)) as pool:
            for future in [pool.submit(chain, package) for _, package, _ in SERVICES]:
                future.result()

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str], cwd: Path) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_service(self, name: str) -> None:
        package = next(p for n, p, _ in SERVICES if n == name)
        self._spawn(
            name,
            [
                PYTHON,
                "-m",
                "uvicorn",
                "--factory",
                f"{package}.app:app",
                "--host",
                self.host,
                "--port",
                str(self.ports[name]),
                "--no-access-log",
                "--log-level",
                "warning",
                # Longer than the gateway's idle keep-alive (4 s): it never reuses a closed socket.
                "--timeout-keep-alive",
                "75",
            ],
            self.env(name),
            ROOT,
        )

    def start_gateway(self) -> None:
        env = {**self.env(), "GATEWAY_PORT": str(self.gateway_port), "GATEWAY_HOST": self.host}
        if endpoint := env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            # Hive Gateway's own switch for its OpenTelemetry exporter (OTLP/HTTP, traces path).
            env["OPENTELEMETRY"] = endpoint.rstrip("/") + "/v1/traces"
        self._spawn("gateway", ["node", "node_modules/.bin/hive-gateway", "supergraph"], env, ROOT / "gateway")

    @property
    def console_url(self) -> str:
        return f"http://{self.host}:{self.console_port}"

    def start_console(self) -> None:
        self._spawn(
            "console",
            [
                PYTHON,
                str(ROOT / "tools" / "console_server.py"),
                "--host",
                self.host,
                "--port",
                str(self.console_port),
                "--authority",
                self.url("identity"),
                "--gateway",
                self.gateway_url,
                *(["--mail-dir", str(self.mail_dir)] if self.mail_dir else []),
            ],
            self.env(),
            ROOT,
        )

    def start(self, *, services: list[str] | None = None, gateway: bool = True) -> None:
        for name in services or [n for n, _, _ in SERVICES]:
            self.start_service(name)
        if gateway:
            self.start_gateway()
        if self.console_port:
            self.start_console()
        self.wait_ready()

    def ready_urls(self) -> dict[str, str]:
        urls = {name: f"{self.url(name)}/readyz" for name in self.processes if name not in ("gateway", "console")}
        if "console" in self.processes:
            urls["console"] = f"{self.console_url}/readyz"
        if "gateway" in self.processes:
            urls["gateway"] = f"http://{self.host}:{self.gateway_port}/readyz"
        return urls

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self.ready_urls())
        while pending:
            for name, url in list(pending.items()):
                proc = self.processes[name]
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.log_dir / (name + '.log')}")
                try:
                    if httpx.get(url, timeout=2.0).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout}s: {', '.join(pending)}; logs in {self.log_dir}")
            if pending:
                time.sleep(0.2)

    def stop(self, name: str | None = None, sig: int = signal.SIGTERM) -> None:
        names = [name] if name else list(self.processes)
        for n in names:
            proc = self.processes.get(n)
            if proc and proc.poll() is None:
                os.killpg(proc.pid, sig)
        for n in names:
            proc = self.processes.pop(n, None)
            if proc:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def demo_logins() -> str:
    data = json.loads((ROOT / "demo" / "identities.json").read_text(encoding="utf-8"))
    lines = [f"  {'username':<18} {'role':<18} 姓名", f"  {'-' * 18} {'-' * 18} {'-' * 12}"]
    for u in data["users"]:
        lines.append(f"  {u['username']:<18} {u['roles'][0][0]:<18} {u['display_name']}")
    lines.append(f"  password for every demo user: {data['password']}")
    secret = next(c["secret"] for c in data["clients"] if c["client_id"] == "sfj-system")
    lines.append(f"  service client: sfj-system / {secret} (client credentials)")
    return "\n".join(lines)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mail_sink(port: int, folder: Path):
    """A local SMTP server for the demo (aiosmtpd): every message the notifications service sends
    lands in ``folder`` as an .eml file, so a newcomer sees mail arrive. Returns the controller."""
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**9:09d}.eml"
            (folder / name).write_bytes(envelope.content)
            return "250 kept"

    try:
        controller = Controller(Keep(), hostname="127.0.0.1", port=port)
        controller.start()
    except OSError:  # the port is taken (another stack's sink): any free one will do
        controller = Controller(Keep(), hostname="127.0.0.1", port=_free_port())
        controller.start()
    return controller


def load_demo_state(stack: "Stack") -> None:
    """The demo's lived state, through the rule modules once the feeds have arrived: last year's
    assessment cycle (公示 open) and this year's review meeting, the morning's dispatches, the
    offices' open work. Each service's on its own, so the three run side by side."""

    def load(package: str, command: str, what: str) -> None:
        try:
            print(f"{what}: {stack.manage(package, command).strip()}", flush=True)
        except RuntimeError as exc:
            print(f"{what} not loaded: {exc}", file=sys.stderr, flush=True)

    loaders = [
        threading.Thread(target=load, args=spec)
        for spec in (
            ("assessment", "demo-cycle", "demo assessment cycle"),
            ("platforms", "demo-dispatch", "demo dispatches"),
            ("personnel", "demo-open-work", "demo open work"),
        )
    ]
    for t in loaders:
        t.start()
    for t in loaders:
        t.join()


def main() -> int:
    started = time.monotonic()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = embedded_database(ROOT / ".data" / "pg")
        print(f"embedded PostgreSQL: {database_url}")
    stack = Stack(
        database_url=database_url,
        db_prefix=os.environ.get("DB_PREFIX", "county_"),
        gateway_port=int(os.environ.get("GATEWAY_PORT", "4000")),
        console_port=int(os.environ.get("CONSOLE_PORT", "4080")),
        ports={n: int(os.environ.get(f"{n.upper()}_PORT", p)) for n, _, p in SERVICES},
    )
    # Mail goes to a local sink unless NOTIFY_SMTP_URL names a real server.
    sink = None
    if not os.environ.get("NOTIFY_SMTP_URL"):
        sink = mail_sink(int(os.environ.get("MAIL_SINK_PORT", "1025")), ROOT / ".data" / "mail")
        stack.extra_env["NOTIFY_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
        stack.mail_dir = ROOT / ".data" / "mail"
        # The demo's mail arrives whatever the hour (production holds it back 22:00–07:00).
        stack.extra_env.setdefault("NOTIFY_QUIET_HOURS", os.environ.get("NOTIFY_QUIET_HOURS", ""))
    print("migrating and loading demo data …")
    stack.prepare(demo=True)
    print("starting services …")
    try:
        stack.start()
    except RuntimeError as exc:
        print(f"failed to start: {exc}", file=sys.stderr)
        stack.stop()
        return 1
    identity = stack.url("identity")
    # Last year's annual cycle on the demo roster, published (公示 open): once assessment has followed
    # personnel's feed. In the background: the addresses below answer meanwhile.
    threading.Thread(target=load_demo_state, args=(stack,), daemon=True).start()
    print(
        f"""
县属乡用 is running (ready {time.monotonic() - started:.1f} s after start).

  Web console:       {stack.console_url}   (log in with a demo user below)
  GraphQL (gateway): {stack.gateway_url}
  Login page:        {identity}/oauth/authorize  (authorization code + PKCE, client county-web)
  Token endpoint:    {identity}/oauth/token
  Discovery:         {identity}/.well-known/openid-configuration
  Logs:              {stack.log_dir}
  Mail (待办 sent):  {stack.extra_env.get("NOTIFY_SMTP_URL") or os.environ.get("NOTIFY_SMTP_URL")}{
            f"  → {ROOT / '.data' / 'mail'}/*.eml, readable at {stack.console_url}/mail/" if sink else ""
        }

Demo logins:
{demo_logins()}

Quick try (service token → gateway):
  TOKEN=$(curl -s -u sfj-system:sfj-system-demo-secret -d grant_type=client_credentials \\
    -d scope=roster:read {identity}/oauth/token \\
    | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
  curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{{"query":"{{ cadres(first: 3) {{ nodes {{ name township {{ name }} }} }} }}"}}' {stack.gateway_url}

Press Ctrl-C to stop.""",
        flush=True,
    )
    stopping = {"flag": False}

    def on_signal(signum, frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stopping["flag"]:
            for name, proc in stack.processes.items():
                if proc.poll() is not None:
                    print(f"{name} exited ({proc.returncode}); see {stack.log_dir / (name + '.log')}", file=sys.stderr)
                    stopping["flag"] = True
            time.sleep(0.5)
    finally:
        print("\nstopping …")
        stack.stop()
        if sink is not None:
            sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
