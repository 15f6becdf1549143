"""Kubernetes base (deploy/k8s/base): every resource listed in
kustomization.yaml validates against the Kubernetes JSON schemas shipped by
the kubernetes-validate package (strict: unknown fields fail), the Prometheus
Operator resources validate against a structural schema of the fields we use,
the PrometheusRule carries exactly the rules promtool tests, and the pieces
refer to each other correctly (selectors, ports, ConfigMap, Secrets)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

from streams.worker.settings import ENV_VARS
from tests.unit.deploy.deploy_checks import ALERT_RULES_FILE, REPO, load_yaml

BASE = REPO / "deploy" / "k8s" / "base"
KUBERNETES_VERSION = "1.30.0"
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}

# Prometheus Operator duration, as in its CRDs.
_DURATION = {"type": "string",
             "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?"
                        r"(([0-9]+)s)?(([0-9]+)ms)?)$"}
_DNS_NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}
_METADATA = {"type": "object", "required": ["name"],
             "properties": {"name": _DNS_NAME,
                            "labels": {"type": "object",
                                       "additionalProperties": {"type": "string"}}}}
_LABEL_SELECTOR = {"type": "object", "additionalProperties": False, "properties": {
    "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
    "matchExpressions": {"type": "array"}}}
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
# Subsets of monitoring.coreos.com/v1 CRD schemas: the fields brandguard uses
# and their close neighbours; anything else (a typo) is rejected.
OPERATOR_SCHEMAS: dict[str, dict[str, Any]] = {
    "ServiceMonitor": {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"}, "metadata": _METADATA,
            "spec": {"type": "object", "required": ["selector", "endpoints"],
                     "additionalProperties": False, "properties": {
                "jobLabel": {"type": "string"}, "selector": _LABEL_SELECTOR,
                "namespaceSelector": {"type": "object"},
                "targetLabels": {"type": "array", "items": {"type": "string"}},
                "podTargetLabels": {"type": "array", "items": {"type": "string"}},
                "endpoints": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "properties": {
                        "port": {"type": "string"}, "path": {"type": "string"},
                        "scheme": {"enum": ["http", "https"]}, "interval": _DURATION,
                        "scrapeTimeout": _DURATION, "honorLabels": {"type": "boolean"},
                        "relabelings": {"type": "array"},
                        "metricRelabelings": {"type": "array"},
                        "tlsConfig": {"type": "object"}, "authorization": {"type": "object"},
                    }}},
            }}}},
    "PrometheusRule": {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"}, "metadata": _METADATA,
            "spec": {"type": "object", "additionalProperties": False, "properties": {
                "groups": {"type": "array", "items": {
                    "type": "object", "required": ["name", "rules"],
                    "additionalProperties": False, "properties": {
                        "name": {"type": "string", "minLength": 1}, "interval": _DURATION,
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["expr"],
                            "additionalProperties": False,
                            "oneOf": [{"required": ["record"]}, {"required": ["alert"]}],
                            "properties": {
                                "record": {"type": "string"}, "alert": {"type": "string"},
                                "expr": {"type": "string", "minLength": 1},
                                "for": _DURATION, "keep_firing_for": _DURATION,
                                "labels": _STRING_MAP, "annotations": _STRING_MAP,
                            }}}}}},
            }}}},
}


def _resources() -> list[dict[str, Any]]:
    """Every document of every file kustomization.yaml lists, in order."""
    kustomization = load_yaml(BASE / "kustomization.yaml")
    documents: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        with (BASE / name).open(encoding="utf-8") as handle:
            documents.extend(doc for doc in yaml.safe_load_all(handle) if doc)
    return documents


def _one(kind: str, name: str | None = None) -> dict[str, Any]:
    matches = [doc for doc in _resources() if doc["kind"] == kind
               and (name is None or doc["metadata"]["name"] == name)]
    assert len(matches) == 1, (kind, name, len(matches))
    return matches[0]


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_prometheusrule", REPO / "deploy" / "k8s" / "render_prometheusrule.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kustomization_lists_exactly_the_manifest_files() -> None:
    listed = set(load_yaml(BASE / "kustomization.yaml")["resources"])
    on_disk = {path.name for path in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


def test_builtin_resources_validate_against_the_kubernetes_schemas() -> None:
    validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate not installed").validate
    checked = 0
    for document in _resources():
        if document["kind"] in OPERATOR_KINDS:
            continue
        validate(document, KUBERNETES_VERSION, strict=True)
        checked += 1
    assert checked >= 5


def test_the_kubernetes_schemas_reject_a_misspelt_field() -> None:
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate not installed")
    statefulset = _one("StatefulSet")
    broken = {**statefulset, "spec": {**statefulset["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("kind", sorted(OPERATOR_KINDS))
def test_operator_resources_validate_structurally(kind: str) -> None:
    document = _one(kind)
    jsonschema.Draft202012Validator(OPERATOR_SCHEMAS[kind]).validate(document)
    broken = {**document, "spec": {**document["spec"], "unknownField": 1}}
    assert not jsonschema.Draft202012Validator(OPERATOR_SCHEMAS[kind]).is_valid(broken)


def test_prometheusrule_carries_exactly_the_tested_rules() -> None:
    assert _one("PrometheusRule")["spec"]["groups"] == load_yaml(ALERT_RULES_FILE)["groups"]
    committed = (BASE / "prometheusrule.yaml").read_text(encoding="utf-8")
    assert committed == _renderer().render(), "run deploy/k8s/render_prometheusrule.py"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed")
def test_promtool_accepts_the_prometheusrule_groups(tmp_path: Path) -> None:
    rules_file = tmp_path / "from-prometheusrule.yml"
    rules_file.write_text(yaml.safe_dump({"groups": _one("PrometheusRule")["spec"]["groups"]}),
                          encoding="utf-8")
    promtool = shutil.which("promtool")
    assert promtool is not None
    result = subprocess.run([promtool, "check", "rules", str(rules_file)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_pdb_and_monitor_select_the_worker_pods() -> None:
    statefulset = _one("StatefulSet")
    pod_labels = statefulset["spec"]["template"]["metadata"]["labels"]
    assert statefulset["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    container_ports = {port["name"] for port in _container()["ports"]}
    for service in (d for d in _resources() if d["kind"] == "Service"):
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= container_ports
    pdb = _one("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    headless = _one("Service", statefulset["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"
    monitor = _one("ServiceMonitor")
    metrics = _one("Service", "brandguard-metrics")
    monitored = monitor["spec"]["selector"]["matchLabels"].items()
    assert monitored <= metrics["metadata"]["labels"].items()
    assert {e["port"] for e in monitor["spec"]["endpoints"]} <= {
        p["name"] for p in metrics["spec"]["ports"]}
    # The alert rules select job="brandguard"; jobLabel names the job.
    assert metrics["metadata"]["labels"][monitor["spec"]["jobLabel"]] == "brandguard"


def _container() -> dict[str, Any]:
    (container,) = _one("StatefulSet")["spec"]["template"]["spec"]["containers"]
    result: dict[str, Any] = container
    return result


def test_worker_settings_come_from_the_configmap_and_secrets() -> None:
    config = _one("ConfigMap", "brandguard-config")
    assert set(config["data"]) <= ENV_VARS.keys()
    container = _container()
    assert container["envFrom"] == [{"configMapRef": {"name": "brandguard-config"}}]
    secret_env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert set(secret_env) <= ENV_VARS.keys()
    assert {"BRANDGUARD_KAFKA_SASL_USERNAME", "BRANDGUARD_KAFKA_SASL_PASSWORD"} <= set(secret_env)
    assert not {"BRANDGUARD_KAFKA_SASL_PASSWORD", "BRANDGUARD_API_TOKEN"} & set(config["data"])
    port = int(config["data"]["BRANDGUARD_WEB_PORT"])
    assert [p["containerPort"] for p in container["ports"]] == [port]


def test_worker_probes_state_volume_and_resources() -> None:
    statefulset = _one("StatefulSet")
    container = _container()
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    data_dir = Path(_one("ConfigMap")["data"]["BRANDGUARD_DATA_DIR"])
    mounts = {m["name"]: Path(m["mountPath"]) for m in container["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] in data_dir.parents
    requests = container["resources"]["requests"]
    assert requests["cpu"] and requests["memory"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert statefulset["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_statefulset_explains_partitions_and_standby_replicas() -> None:
    text = (BASE / "statefulset.yaml").read_text(encoding="utf-8")
    assert "BRANDGUARD_TABLE_STANDBY_REPLICAS" in text and "BRANDGUARD_PARTITIONS" in text
