"""`make deploy-check`: render every overlay, validate every object against the Kubernetes schemas
(strict), and hold the manifests to the deployment policy. Exits non-zero naming each problem.

The policy (deploy/README.md): every container has probes (Deployments), requests and limits, runs
as non-root on a read-only root filesystem with no privilege escalation and all capabilities
dropped; every namespace enforces the restricted Pod Security profile and denies all traffic by
default; each Deployment has an HPA, a PDB and a NetworkPolicy; each service migrates through a
Job that its pods wait for; PostgreSQL is a CloudNativePG cluster (3 instances and backups in
production) with one role and database per service; no credential is written in a manifest.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[1]
OVERLAYS = ["dev", "prod", "prod-monitoring"]
K8S_VERSION = "1.32"
SERVICES = ["identity", "personnel", "assessment", "platform", "notifications"]
CRD_KINDS = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("postgresql.cnpg.io/v1", "ScheduledBackup"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}
SECRETISH = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL", re.I)


# What the gateway's ConfigMap is generated from: copies inside deploy/ (kustomize's default load
# restrictor refuses files outside the kustomization's tree), kept identical to the originals.
GATEWAY_FILES = ["gateway.config.js", "supergraph.graphql"]
GATEWAY_COPIES = ROOT / "deploy" / "base" / "gateway" / "files"


def sync_gateway_files(check: bool) -> list[str]:
    """Copy gateway/ files into deploy/ (``check=False``) or name the stale copies (``check=True``)."""
    stale = []
    for name in GATEWAY_FILES:
        original, copy = ROOT / "gateway" / name, GATEWAY_COPIES / name
        if not copy.exists() or copy.read_bytes() != original.read_bytes():
            if check:
                stale.append(f"deploy/base/gateway/files/{name} differs from gateway/{name}: run `make supergraph`")
            else:
                GATEWAY_COPIES.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(original.read_bytes())
    return stale


def render(overlay: str) -> list[dict]:
    # The default load restrictor, as `kubectl apply -k`, Argo CD and Flux use it.
    out = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "deploy" / "overlays" / overlay)], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"kubectl kustomize deploy/overlays/{overlay} failed:\n{out.stderr}")
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def _name(obj: dict) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def validate_schemas(objects: Iterable[dict]) -> list[str]:
    problems = []
    for obj in objects:
        if (obj.get("apiVersion"), obj.get("kind")) in CRD_KINDS:
            continue  # operator CRDs: checked by the policy below
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{_name(obj)}: no schema for {obj.get('apiVersion')} {obj.get('kind')}")
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{_name(obj)}: schema: {exc.message}")
    return problems


def _pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def _selects(selector: dict, labels: dict) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        present = expr["key"] in labels
        if expr["operator"] == "In" and labels.get(expr["key"]) not in expr["values"]:
            return False
        if expr["operator"] == "NotIn" and labels.get(expr["key"]) in expr["values"]:
            return False
        if expr["operator"] == "Exists" and not present:
            return False
        if expr["operator"] == "DoesNotExist" and present:
            return False
    return True


def check_containers(obj: dict) -> list[str]:
    problems = []
    pod = _pod_spec(obj)
    pod_sc = pod.get("securityContext") or {}
    if (pod_sc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append(f"{_name(obj)}: pod seccompProfile must be RuntimeDefault")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append(f"{_name(obj)}: automountServiceAccountToken must be false")
    for kind, containers in (
        ("container", pod.get("containers") or []),
        ("initContainer", pod.get("initContainers") or []),
    ):
        for c in containers:
            where = f"{_name(obj)} {kind} {c['name']}"
            image = c.get("image", "")
            if ":" not in image.rsplit("/", 1)[-1] and "@" not in image or image.endswith(":latest"):
                problems.append(f"{where}: image must be pinned (got {image!r})")
            res = c.get("resources") or {}
            for part in ("requests", "limits"):
                for what in ("cpu", "memory"):
                    if not (res.get(part) or {}).get(what):
                        problems.append(f"{where}: resources.{part}.{what} missing")
            sc = c.get("securityContext") or {}
            if not (sc.get("runAsNonRoot") or (pod_sc.get("runAsNonRoot") and sc.get("runAsNonRoot") is not False)):
                problems.append(f"{where}: runAsNonRoot must be true")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem must be true")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation must be false")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where}: capabilities must drop ALL")
            if sc.get("privileged"):
                problems.append(f"{where}: privileged is not allowed")
            if kind == "container" and obj["kind"] == "Deployment":
                for probe in ("readinessProbe", "livenessProbe"):
                    if not c.get(probe):
                        problems.append(f"{where}: {probe} missing")
            for env in c.get("env") or []:
                if SECRETISH.search(env["name"]) and "value" in env:
                    problems.append(f"{where}: {env['name']} is written in the manifest; take it from a Secret")
    return problems


def check_namespace(objects: list[dict]) -> list[str]:
    problems = []
    namespaces = [o for o in objects if o["kind"] == "Namespace"]
    if len(namespaces) != 1:
        return [f"expected one Namespace, found {len(namespaces)}"]
    ns = namespaces[0]
    if ns["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") != "restricted":
        problems.append(f"{_name(ns)}: must enforce the restricted Pod Security profile")
    for obj in objects:
        if obj["kind"] != "Namespace" and obj["metadata"].get("namespace") != ns["metadata"]["name"]:
            problems.append(f"{_name(obj)}: not in namespace {ns['metadata']['name']}")
    deny = [
        o
        for o in objects
        if o["kind"] == "NetworkPolicy"
        and o["spec"].get("podSelector") == {}
        and set(o["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not o["spec"].get("ingress")
        and not o["spec"].get("egress")
    ]
    if not deny:
        problems.append(f"{_name(ns)}: no default-deny NetworkPolicy")
    return problems


def check_deployments(objects: list[dict]) -> list[str]:
    problems = []
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], []).append(o)
    for dep in by_kind.get("Deployment", []):
        labels = dep["spec"]["template"]["metadata"]["labels"]
        name = dep["metadata"]["name"]
        if not any(_selects(p["spec"]["selector"], labels) for p in by_kind.get("PodDisruptionBudget", [])):
            problems.append(f"{_name(dep)}: no PodDisruptionBudget")
        if not any(h["spec"]["scaleTargetRef"]["name"] == name for h in by_kind.get("HorizontalPodAutoscaler", [])):
            problems.append(f"{_name(dep)}: no HorizontalPodAutoscaler")
        if not any(
            np["spec"].get("podSelector") and _selects(np["spec"]["podSelector"], labels)
            for np in by_kind.get("NetworkPolicy", [])
        ):
            problems.append(f"{_name(dep)}: no NetworkPolicy of its own")
        if name in SERVICES:
            jobs = [
                j
                for j in by_kind.get("Job", [])
                if j["metadata"]["labels"].get("app.kubernetes.io/name") == name
                and j["metadata"]["labels"].get("app.kubernetes.io/component") == "migration"
            ]
            if not jobs:
                problems.append(f"{_name(dep)}: no migration Job")
            inits = [c["name"] for c in _pod_spec(dep).get("initContainers") or []]
            if "wait-migrated" not in inits:
                problems.append(f"{_name(dep)}: no init container waiting for its migration")
    identity = next((d for d in by_kind.get("Deployment", []) if d["metadata"]["name"] == "identity"), None)
    if identity and not any(
        (v.get("secret") or {}).get("secretName") for v in _pod_spec(identity).get("volumes") or []
    ):
        problems.append("Deployment/identity: signing keys must come from a Secret")
    if by_kind.get("Secret"):
        problems += [f"{_name(s)}: credentials never go in the manifests" for s in by_kind["Secret"]]
    for ing in by_kind.get("Ingress", []):
        tls_hosts = {h for t in ing["spec"].get("tls") or [] for h in t.get("hosts", []) if t.get("secretName")}
        for rule in ing["spec"].get("rules", []):
            if rule.get("host") not in tls_hosts:
                problems.append(f"{_name(ing)}: host {rule.get('host')} is served without TLS")
    return problems


def check_postgres(objects: list[dict], overlay: str) -> list[str]:
    problems = []
    clusters = [o for o in objects if o["kind"] == "Cluster"]
    if len(clusters) != 1:
        return [f"expected one CloudNativePG Cluster, found {len(clusters)}"]
    cluster = clusters[0]
    spec = cluster["spec"]
    if overlay.startswith("prod"):
        if spec.get("instances", 0) < 3:
            problems.append(f"{_name(cluster)}: production needs at least 3 instances")
        if not spec.get("backup"):
            problems.append(f"{_name(cluster)}: production needs backups")
        if not any(
            o["kind"] == "ScheduledBackup" and o["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
            for o in objects
        ):
            problems.append(f"{_name(cluster)}: production needs a ScheduledBackup")
    roles = {r["name"]: r for r in (spec.get("managed") or {}).get("roles", [])}
    databases = {o["spec"]["name"]: o["spec"]["owner"] for o in objects if o["kind"] == "Database"}
    for svc in SERVICES:
        role = roles.get(svc)
        if not role or not (role.get("passwordSecret") or {}).get("name"):
            problems.append(f"{_name(cluster)}: role {svc} must exist with a password from a Secret")
        elif role.get("superuser"):
            problems.append(f"{_name(cluster)}: role {svc} must not be a superuser")
        if databases.get(f"county_{svc}") != svc:
            problems.append(f"database county_{svc} owned by {svc} is missing")
    return problems


# --- network reachability -----------------------------------------------------------------------

OURS = {"kubernetes.io/metadata.name": "county"}  # the overlay's namespace, whatever its name


def _pods(objects: list[dict]) -> dict[str, dict]:
    pods = {
        o["metadata"]["name"]: {"namespace": OURS, "labels": o["spec"]["template"]["metadata"]["labels"]}
        for o in objects
        if o["kind"] in ("Deployment", "Job")
    }
    pods["postgres"] = {"namespace": OURS, "labels": {"cnpg.io/cluster": "county-pg"}}
    pods["ingress-controller"] = {"namespace": {"kubernetes.io/metadata.name": "ingress-nginx"}, "labels": {}}
    return pods


def _peer_matches(peer: dict, pod: dict) -> bool:
    if "ipBlock" in peer:
        return False  # pods are matched by selectors; ipBlocks are for destinations outside the cluster
    ns_sel = peer.get("namespaceSelector")
    in_namespace = pod["namespace"] == OURS if ns_sel is None else _selects(ns_sel, pod["namespace"])
    return in_namespace and _selects(peer.get("podSelector") or {}, pod["labels"])


def _allowed(policies: list[dict], direction: str, pod: dict, peer: dict, port: int) -> bool:
    relevant = [
        p
        for p in policies
        if _selects(p["spec"]["podSelector"], pod["labels"])
        and direction.capitalize() in p["spec"].get("policyTypes", [])
    ]
    if not relevant:
        return True  # not isolated in this direction
    key, peers_key = direction, "from" if direction == "ingress" else "to"
    for p in relevant:
        for rule in p["spec"].get(key) or []:
            ports = [x.get("port") for x in rule.get("ports") or []]
            if ports and port not in ports:
                continue
            if not rule.get(peers_key) or any(_peer_matches(pr, peer) for pr in rule[peers_key]):
                return True
    return False


def can_connect(objects: list[dict], src: str, dst: str, port: int) -> bool:
    policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
    pods = _pods(objects)
    if src not in pods or dst not in pods:
        return False  # a workload that is missing is reported by check_deployments
    source, target = pods[src], pods[dst]
    # The ingress controller lives in its own namespace, outside these policies.
    egress_ok = src == "ingress-controller" or _allowed(policies, "egress", source, target, port)
    return egress_ok and _allowed(policies, "ingress", target, source, port)


REQUIRED = [
    ("ingress-controller", "gateway", 4000),
    ("ingress-controller", "identity", 4001),
    ("ingress-controller", "console", 8080),
    *[("gateway", s, p) for s, p in zip(SERVICES, (4001, 4002, 4003, 4004, 4005))],
    *[(s, "identity", 4001) for s in ("personnel", "assessment", "platform", "notifications")],
    # the inbox follows personnel's and platform's feeds
    ("notifications", "personnel", 4002),
    ("notifications", "platform", 4004),
    ("notifications", "assessment", 4003),
    ("assessment", "personnel", 4002),
    ("platform", "personnel", 4002),
    # identity follows personnel's feed (agency head changes) with its own service token
    ("identity", "personnel", 4002),
    ("identity", "identity", 4001),
    ("personnel", "assessment", 4003),
    ("personnel", "platform", 4004),
    ("assessment", "platform", 4004),
    *[(s, "postgres", 5432) for s in SERVICES],
    *[(f"{s}-migrate", "postgres", 5432) for s in SERVICES],
]
FORBIDDEN = [
    ("ingress-controller", "personnel", 4002),
    ("ingress-controller", "postgres", 5432),
    # The console only serves files: browsers call the API; the pod reaches nothing.
    ("console", "gateway", 4000),
    ("console", "identity", 4001),
    ("console", "postgres", 5432),
    ("gateway", "postgres", 5432),
    ("platform", "assessment", 4003),
    ("identity", "assessment", 4003),
    ("identity", "platform", 4004),
    ("personnel", "notifications", 4005),
    *[(f"{s}-migrate", "identity", 4001) for s in SERVICES],
]


def check_network(objects: list[dict]) -> list[str]:
    problems = []
    for src, dst, port in REQUIRED:
        if not can_connect(objects, src, dst, port):
            problems.append(f"network: {src} → {dst}:{port} must be allowed")
    for src, dst, port in FORBIDDEN:
        if can_connect(objects, src, dst, port):
            problems.append(f"network: {src} → {dst}:{port} must be denied")
    return problems


def check_alert_rules(objects: list[dict]) -> list[str]:
    """Every PrometheusRule passes `promtool check rules` (Debian's prometheus package), and every
    alert names a runbook section that exists in deploy/README.md."""
    import shutil
    import tempfile

    rules = [o for o in objects if o.get("kind") == "PrometheusRule"]
    if not rules:
        return []
    problems = []
    promtool = shutil.which("promtool")
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8").lower()
    for rule in rules:
        for group in rule["spec"]["groups"]:
            for alert in group["rules"]:
                anchor = f"runbook: {alert['alert'].lower()}"
                if anchor not in readme:
                    problems.append(
                        f"PrometheusRule/{rule['metadata']['name']}: {alert['alert']} has no "
                        f"'Runbook: {alert['alert']}' section in deploy/README.md"
                    )
        if promtool is None:
            problems.append("promtool not found (Debian package prometheus; `make deploy-check` installs it)")
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            yaml.safe_dump({"groups": rule["spec"]["groups"]}, f, allow_unicode=True)
            f.flush()
            out = subprocess.run([promtool, "check", "rules", f.name], capture_output=True, text=True)
        if out.returncode:
            problems.append(f"PrometheusRule/{rule['metadata']['name']}: promtool: {(out.stdout + out.stderr).strip()}")
    return problems


# Values a container is known to refuse or to misuse, per ConfigMap key: the gateway's logger takes
# only lower-case levels ("Invalid LOG_LEVEL environment variable "INFO""), and Python's logging
# takes those too; a forwarded-for header believed from anyone lets a caller pick its address.
LOG_LEVELS = {"trace", "debug", "info", "warn", "error"}


def check_config(objects: list[dict], overlay: str) -> list[str]:
    problems = []
    for cm in (o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "county-config"):
        data = cm.get("data") or {}
        if data.get("LOG_LEVEL") not in LOG_LEVELS:
            problems.append(f"{_name(cm)}: LOG_LEVEL {data.get('LOG_LEVEL')!r} must be one of {sorted(LOG_LEVELS)}")
        if "FORWARDED_ALLOW_IPS" in data:
            problems.append(
                f"{_name(cm)}: FORWARDED_ALLOW_IPS is not used — forwarded addresses are believed only from "
                "TRUSTED_PROXIES (identity)"
            )
        proxies = [p.strip() for p in str(data.get("TRUSTED_PROXIES", "")).split(",") if p.strip()]
        if any(p in ("*", "0.0.0.0/0", "::/0") for p in proxies):
            problems.append(f"{_name(cm)}: TRUSTED_PROXIES must name the ingress, not everyone")
        if overlay == "prod" and not proxies:
            problems.append(f"{_name(cm)}: TRUSTED_PROXIES must name the ingress controller's addresses in prod")
    for obj in objects:
        if obj["kind"] not in WORKLOADS:
            continue
        for c in [*_pod_spec(obj).get("containers", []), *_pod_spec(obj).get("initContainers", [])]:
            if "--proxy-headers" in [*c.get("command", []), *c.get("args", [])]:
                problems.append(f"{_name(obj)}: {c['name']} runs uvicorn with --proxy-headers")
    return problems


def check(objects: list[dict], overlay: str) -> list[str]:
    problems = (
        validate_schemas(objects)
        + check_namespace(objects)
        + check_deployments(objects)
        + check_alert_rules(objects)
        + check_config(objects, overlay)
    )
    for obj in objects:
        if obj["kind"] in WORKLOADS:
            problems += check_containers(obj)
    return problems + check_postgres(objects, overlay) + check_network(objects)


def lint_dockerfile(dockerfile: Path) -> list[str]:
    name = dockerfile.name if not dockerfile.is_relative_to(ROOT) else str(dockerfile.relative_to(ROOT))
    problems = []
    hadolint = Path(sys.executable).parent / "hadolint"
    out = subprocess.run([str(hadolint), str(dockerfile)], capture_output=True, text=True)
    if out.returncode:
        problems.append(f"{name}: hadolint: {out.stdout.strip() or out.stderr.strip()}")
    text = dockerfile.read_text()
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    if len(stages) < 2:
        problems.append(f"{name}: must be multi-stage")
    if any(":" not in s or s.endswith(":latest") for s in stages):
        problems.append(f"{name}: base images must be pinned")
    final = text[text.rindex("FROM ") :]
    if not re.search(r"^USER\s+(?!root\b|0\b)\S+", final, re.M):
        problems.append(f"{name}: final stage must run as a non-root USER")
    if re.search(r"(apt-get|apk) (install|add)[^\n]*\b(gcc|g\+\+|build-essential|build-base|make)\b", final):
        problems.append(f"{name}: no build tools in the final stage")
    if "--proxy-headers" in final:
        problems.append(
            f"{name}: uvicorn must not take forwarded headers (--proxy-headers); identity's TRUSTED_PROXIES does"
        )
    return problems


def lint_dockerfiles() -> list[str]:
    dockerfiles = [*sorted(ROOT.glob("services/*/Dockerfile")), ROOT / "web" / "Dockerfile"]
    return [p for d in dockerfiles for p in lint_dockerfile(d)]


def main() -> int:
    if "--sync" in sys.argv:  # `make supergraph`: refresh the copies the gateway ConfigMap is built from
        sync_gateway_files(check=False)
        return 0
    problems = lint_dockerfiles() + sync_gateway_files(check=True)
    for overlay in OVERLAYS:
        objects = render(overlay)
        found = check(objects, overlay)
        problems += [f"[{overlay}] {p}" for p in found]
        print(f"{overlay}: {len(objects)} objects rendered, {len(found)} problems")
    for p in problems:
        print(f"  ✗ {p}")
    print("deploy-check: ok" if not problems else f"deploy-check: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
