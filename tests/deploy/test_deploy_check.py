"""The deployment policy check passes on the real manifests and fails on each kind of breakage."""

from __future__ import annotations

import copy

import deploy_check as dc
import pytest


@pytest.fixture(scope="module")
def rendered():
    return {overlay: dc.render(overlay) for overlay in dc.OVERLAYS}


@pytest.mark.parametrize("overlay", dc.OVERLAYS)
def test_every_overlay_renders_validates_and_meets_the_policy(rendered, overlay):
    assert dc.check(rendered[overlay], overlay) == []


def test_the_dockerfiles_pass_the_linters():
    assert dc.lint_dockerfiles() == []


def _find(objects, kind, name=None):
    return next(o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name))


def _container(objects, name="personnel"):
    return dc._pod_spec(_find(objects, "Deployment", name))["containers"][0]


def _drop(objects, kind, name):
    objects.remove(_find(objects, kind, name))


MUTATIONS = {
    "readiness probe removed": (lambda o: _container(o).pop("readinessProbe"), "readinessProbe missing"),
    "liveness probe removed": (lambda o: _container(o, "gateway").pop("livenessProbe"), "livenessProbe missing"),
    "memory limit removed": (lambda o: _container(o)["resources"]["limits"].pop("memory"), "resources.limits.memory"),
    "cpu request removed from an init container": (
        lambda o: dc._pod_spec(_find(o, "Deployment", "identity"))["initContainers"][0]["resources"]["requests"].pop(
            "cpu"
        ),
        "resources.requests.cpu",
    ),
    "writable root filesystem": (
        lambda o: _container(o)["securityContext"].update(readOnlyRootFilesystem=False),
        "readOnlyRootFilesystem",
    ),
    "privilege escalation": (
        lambda o: _container(o)["securityContext"].pop("allowPrivilegeEscalation"),
        "allowPrivilegeEscalation",
    ),
    "capabilities kept": (lambda o: _container(o)["securityContext"].pop("capabilities"), "drop ALL"),
    "may run as root": (
        lambda o: (
            dc._pod_spec(_find(o, "Job", "platform-migrate"))["securityContext"].pop("runAsNonRoot"),
            dc._pod_spec(_find(o, "Job", "platform-migrate"))["containers"][0]["securityContext"].pop("runAsNonRoot"),
        ),
        "runAsNonRoot",
    ),
    "unpinned image": (lambda o: _container(o).update(image="county/personnel:latest"), "must be pinned"),
    "no PodDisruptionBudget": (lambda o: _drop(o, "PodDisruptionBudget", "assessment"), "no PodDisruptionBudget"),
    "no HorizontalPodAutoscaler": (
        lambda o: _drop(o, "HorizontalPodAutoscaler", "gateway"),
        "no HorizontalPodAutoscaler",
    ),
    "no migration Job": (lambda o: _drop(o, "Job", "personnel-migrate"), "no migration Job"),
    "no default deny": (lambda o: _drop(o, "NetworkPolicy", "default-deny"), "no default-deny"),
    "namespace not restricted": (
        lambda o: _find(o, "Namespace")["metadata"]["labels"].update(
            {"pod-security.kubernetes.io/enforce": "baseline"}
        ),
        "restricted Pod Security",
    ),
    "a Secret in the manifests": (
        lambda o: o.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "oops", "namespace": _find(o, "Namespace")["metadata"]["name"]},
                "stringData": {"password": "x"},
            }
        ),
        "credentials never go in the manifests",
    ),
    "a password written in env": (
        lambda o: _container(o)["env"].append({"name": "DATABASE_PASSWORD", "value": "hunter2"}),
        "take it from a Secret",
    ),
    "ingress without TLS": (lambda o: _find(o, "Ingress")["spec"].pop("tls"), "without TLS"),
    # Both ends must be opened for a connection; the check evaluates egress and ingress together.
    "gateway may reach PostgreSQL": (
        lambda o: (
            _find(o, "NetworkPolicy", "gateway")["spec"]["egress"].append(
                {"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": "county-pg"}}}]}
            ),
            _find(o, "NetworkPolicy", "postgres")["spec"]["ingress"][0]["from"][0]["podSelector"]["matchExpressions"][
                0
            ]["values"].append("gateway"),
        ),
        "gateway → postgres:5432 must be denied",
    ),
    "identity cut off from PostgreSQL": (
        lambda o: _find(o, "NetworkPolicy", "identity")["spec"].update(egress=[]),
        "identity → postgres:5432 must be allowed",
    ),
    "a schema error": (lambda o: _find(o, "Deployment", "platform")["spec"].update(replicas="two"), "schema"),
    "an unknown field (strict)": (lambda o: _find(o, "Service", "gateway")["spec"].update(portz=[]), "schema"),
    # Before: county-config gave LOG_LEVEL INFO and the gateway refused it (crash loop in every overlay).
    "an upper-case log level": (
        lambda o: _find(o, "ConfigMap", "county-config")["data"].update(LOG_LEVEL="INFO"),
        "LOG_LEVEL 'INFO' must be one of",
    ),
    # Before: FORWARDED_ALLOW_IPS '*' with --proxy-headers let a caller pick its address for throttling.
    "forwarded headers believed from anyone": (
        lambda o: _find(o, "ConfigMap", "county-config")["data"].update(FORWARDED_ALLOW_IPS="*"),
        "FORWARDED_ALLOW_IPS is not used",
    ),
    "every address a trusted proxy": (
        lambda o: _find(o, "ConfigMap", "county-config")["data"].update(TRUSTED_PROXIES="0.0.0.0/0"),
        "must name the ingress, not everyone",
    ),
    "no trusted proxy named in prod": (
        lambda o: _find(o, "ConfigMap", "county-config")["data"].update(TRUSTED_PROXIES=""),
        "must name the ingress controller's addresses in prod",
    ),
    "uvicorn taking forwarded headers": (
        lambda o: _container(o).update(args=["--proxy-headers"]),
        "runs uvicorn with --proxy-headers",
    ),
    "a service role without a password Secret": (
        lambda o: _find(o, "Cluster")["spec"]["managed"]["roles"][0].pop("passwordSecret"),
        "password from a Secret",
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_check_catches(rendered, mutation):
    objects = copy.deepcopy(rendered["prod"])
    mutate, expected = MUTATIONS[mutation]
    mutate(objects)
    problems = dc.check(objects, "prod")
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    "mutation, expected",
    [
        (lambda c: c.update(instances=1), "at least 3 instances"),
        (lambda c: c.pop("backup"), "needs backups"),
    ],
)
def test_production_postgres_needs_three_instances_and_backups(rendered, mutation, expected):
    objects = copy.deepcopy(rendered["prod"])
    mutation(_find(objects, "Cluster")["spec"])
    assert any(expected in p for p in dc.check(objects, "prod"))


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda t: t.replace("USER 10001:10001\n", ""), "non-root USER"),
        (lambda t: t.replace("FROM python:3.11.14-slim-bookworm AS build", "FROM python AS build"), "pinned"),
        (lambda t: t[t.rindex("FROM ") :], "multi-stage"),
        (lambda t: t.replace("--no-access-log", "--no-access-log --proxy-headers"), "--proxy-headers"),
    ],
)
def test_the_dockerfile_lint_catches(tmp_path, edit, expected):
    text = (dc.ROOT / "services" / "identity" / "Dockerfile").read_text()
    path = tmp_path / "Dockerfile"
    path.write_text(edit(text))
    assert any(expected in p for p in dc.lint_dockerfile(path))


def test_overlays_build_with_the_default_load_restrictor():
    """What Argo CD, Flux and `kubectl apply -k` do: no --load-restrictor flag."""
    import subprocess

    for overlay in dc.OVERLAYS:
        out = subprocess.run(
            ["kubectl", "kustomize", str(dc.ROOT / "deploy" / "overlays" / overlay)], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        assert "kind: ConfigMap" in out.stdout and "supergraph.graphql" in out.stdout


def test_a_stale_gateway_copy_is_caught(tmp_path, monkeypatch):
    assert dc.sync_gateway_files(check=True) == []
    copies = tmp_path / "files"
    copies.mkdir()
    for name in dc.GATEWAY_FILES:
        (copies / name).write_bytes((dc.GATEWAY_COPIES / name).read_bytes())
    (copies / "supergraph.graphql").write_text("# an older supergraph\n")
    monkeypatch.setattr(dc, "GATEWAY_COPIES", copies)
    assert dc.sync_gateway_files(check=True) == [
        "deploy/base/gateway/files/supergraph.graphql differs from gateway/supergraph.graphql: run `make supergraph`"
    ]


def test_alert_rules_pass_promtool_and_name_their_runbooks(rendered):
    objects = rendered["prod-monitoring"]
    assert [o for o in objects if o["kind"] == "PrometheusRule"] and dc.check_alert_rules(objects) == []
    broken = copy.deepcopy(objects)
    rule = next(o for o in broken if o["kind"] == "PrometheusRule")
    rule["spec"]["groups"][0]["rules"][0]["expr"] = "sum by (job) (rate(http_requests_total[5m]"  # unbalanced
    rule["spec"]["groups"][0]["rules"][1]["alert"] = "CountyAlertWithoutRunbook"
    problems = dc.check_alert_rules(broken)
    assert any("promtool" in p for p in problems), problems
    assert any("CountyAlertWithoutRunbook has no" in p for p in problems), problems


def test_the_restore_drill_renders_and_its_jobs_meet_the_policy():
    import subprocess

    import yaml

    out = subprocess.run(
        ["kubectl", "kustomize", str(dc.ROOT / "deploy" / "drills" / "restore")],
        capture_output=True,
        text=True,
        check=True,
    )
    objects = [d for d in yaml.safe_load_all(out.stdout) if d]
    cluster = next(o for o in objects if o["kind"] == "Cluster")
    assert (
        cluster["metadata"]["name"] != "county-pg" and cluster["spec"]["bootstrap"]["recovery"]["source"] == "county-pg"
    )
    jobs = [o for o in objects if o["kind"] == "Job"]
    assert len(jobs) == 4 and dc.validate_schemas(jobs) == []
    assert [p for job in jobs for p in dc.check_containers(job)] == []
    assert all("county-pg-restore-rw" in json_env(job) for job in jobs)


def json_env(job: dict) -> str:
    import json

    return json.dumps(job["spec"]["template"]["spec"]["containers"][0]["env"])
