"""Kubernetes (deploy/k8s), rendered by kustomize as ``kubectl apply -k`` would:

- base: built-in kinds only, so it applies on a bare cluster; its settings are a
  generated ConfigMap whose hashed name is in the pod template, so an edit rolls
  the workers;
- components/monitoring: the Prometheus Operator resources and the Grafana
  dashboards ConfigMap for the sidecar, generated from the rules and dashboards
  that promtool and the dashboard tests check;
- overlays/production: the example overlay using both.

Every built-in resource validates against the Kubernetes JSON schemas shipped by
kubernetes-validate (strict: unknown fields fail), the operator resources against
a structural schema of the fields we use, and the pieces refer to each other
correctly (selectors, ports, ConfigMap, Secrets)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

from streams.worker.settings import ENV_VARS
from tests.unit.deploy import kustomize
from tests.unit.deploy.deploy_checks import ALERT_RULES_FILE, REPO, load_yaml

K8S = REPO / "deploy" / "k8s"
BASE = K8S / "base"
MONITORING = K8S / "components" / "monitoring"
PRODUCTION = K8S / "overlays" / "production"
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
KUBERNETES_VERSION = "1.30.0"
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}
BUILTIN_KINDS = {"ConfigMap", "Service", "StatefulSet", "PodDisruptionBudget"}

needs_kustomize = pytest.mark.skipif(kustomize.command() is None,
                                     reason="neither kustomize nor kubectl is installed")

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



_rendered: dict[Path, list[dict[str, Any]]] = {}


def _all_rule_groups() -> list[Any]:
    """Every group of every rules file Prometheus loads, in file-name order."""
    files = sorted(ALERT_RULES_FILE.parent.glob("*.rules.yml"))
    assert ALERT_RULES_FILE in files and len(files) >= 2
    return [group for path in files for group in load_yaml(path)["groups"]]


def _render(directory: Path) -> list[dict[str, Any]]:
    if directory not in _rendered:
        _rendered[directory] = kustomize.render(directory)
    return _rendered[directory]


def _one(documents: list[dict[str, Any]], kind: str, name: str | None = None,
         ) -> dict[str, Any]:
    matches = [doc for doc in documents if doc["kind"] == kind
               and (name is None or doc["metadata"]["name"] == name)]
    assert len(matches) == 1, (kind, name, len(matches))
    return matches[0]


def _container(documents: list[dict[str, Any]]) -> dict[str, Any]:
    (container,) = _one(documents, "StatefulSet")["spec"]["template"]["spec"]["containers"]
    result: dict[str, Any] = container
    return result


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_monitoring", K8S / "render_monitoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the files ---------------------------------------------------------------------

def test_each_kustomization_lists_exactly_its_files() -> None:
    base = load_yaml(BASE / "kustomization.yaml")
    (generator,) = base["configMapGenerator"]
    assert set(base["resources"]) | set(generator["envs"]) == {
        p.name for p in BASE.iterdir() if p.name != "kustomization.yaml"}
    component = load_yaml(MONITORING / "kustomization.yaml")
    assert component["kind"] == "Component"
    (dashboards,) = component["configMapGenerator"]
    assert set(component["resources"]) | set(dashboards["files"]) == {
        p.relative_to(MONITORING).as_posix() for p in MONITORING.rglob("*")
        if p.is_file() and p.name != "kustomization.yaml"}


def test_the_base_has_no_operator_resources() -> None:
    for name in load_yaml(BASE / "kustomization.yaml")["resources"]:
        with (BASE / name).open(encoding="utf-8") as handle:
            for doc in yaml.safe_load_all(handle):
                assert doc["apiVersion"].split("/")[0] in {"v1", "apps", "policy"}, name


def test_generated_monitoring_files_are_current() -> None:
    renderer = _renderer()
    for path, content in renderer.outputs().items():
        assert path.read_bytes() == content, f"{path}: run deploy/k8s/render_monitoring.py"
    assert {p.name for p in (MONITORING / "dashboards").glob("*.json")} == {
        p.name for p in DASHBOARDS.glob("*.json")}
    rule = load_yaml(MONITORING / "prometheusrule.yaml")
    assert rule["spec"]["groups"] == _all_rule_groups()


# -- the base, rendered -------------------------------------------------------------

@needs_kustomize
def test_the_base_renders_to_builtin_kinds_that_validate() -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    documents = _render(BASE)
    assert {doc["kind"] for doc in documents} == BUILTIN_KINDS
    for document in documents:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


@needs_kustomize
def test_the_kubernetes_schemas_reject_a_misspelt_field() -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    statefulset = _one(_render(BASE), "StatefulSet")
    broken = {**statefulset, "spec": {**statefulset["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _config_name(documents: list[dict[str, Any]]) -> tuple[str, str]:
    (config,) = [d for d in documents if d["kind"] == "ConfigMap"
                 and d["metadata"]["name"].startswith("brandguard-config")]
    (source,) = _container(documents)["envFrom"]
    return config["metadata"]["name"], source["configMapRef"]["name"]


@needs_kustomize
def test_a_settings_edit_renames_the_configmap_the_pods_read(tmp_path: Path) -> None:
    copy = tmp_path / "base"
    shutil.copytree(BASE, copy)
    before, used_before = _config_name(kustomize.render(copy))
    env = copy / "config.env"
    env.write_text(env.read_text(encoding="utf-8").replace(
        "BRANDGUARD_LOG_LEVEL=info", "BRANDGUARD_LOG_LEVEL=debug"), encoding="utf-8")
    after, used_after = _config_name(kustomize.render(copy))
    assert before.startswith("brandguard-config-") and after.startswith("brandguard-config-")
    assert before != after
    # the pod template changes with it, so the StatefulSet rolls its pods
    assert (used_before, used_after) == (before, after)


# -- the production overlay, rendered -----------------------------------------------

@needs_kustomize
def test_production_builtin_resources_validate() -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    documents = _render(PRODUCTION)
    assert {doc["kind"] for doc in documents} == BUILTIN_KINDS | OPERATOR_KINDS
    checked = 0
    for document in documents:
        assert document["metadata"]["namespace"] == "brandguard"
        if document["kind"] not in OPERATOR_KINDS:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            checked += 1
    assert checked >= 6


@needs_kustomize
@pytest.mark.parametrize("kind", sorted(OPERATOR_KINDS))
def test_operator_resources_validate_structurally(kind: str) -> None:
    document = _one(_render(PRODUCTION), kind)
    jsonschema.Draft202012Validator(OPERATOR_SCHEMAS[kind]).validate(document)
    assert document["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    broken = {**document, "spec": {**document["spec"], "unknownField": 1}}
    assert not jsonschema.Draft202012Validator(OPERATOR_SCHEMAS[kind]).is_valid(broken)


@needs_kustomize
def test_prometheusrule_carries_exactly_the_tested_rules() -> None:
    rule = _one(_render(PRODUCTION), "PrometheusRule")
    assert rule["spec"]["groups"] == _all_rule_groups()


@needs_kustomize
@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed")
def test_promtool_accepts_the_prometheusrule_groups(tmp_path: Path) -> None:
    rules_file = tmp_path / "from-prometheusrule.yml"
    groups = _one(_render(PRODUCTION), "PrometheusRule")["spec"]["groups"]
    rules_file.write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")
    promtool = shutil.which("promtool")
    assert promtool is not None
    result = subprocess.run([promtool, "check", "rules", str(rules_file)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_kustomize
def test_grafanas_sidecar_gets_every_dashboard() -> None:
    config = _one(_render(PRODUCTION), "ConfigMap", "brandguard-grafana-dashboards")
    assert config["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert set(config["data"]) == {p.name for p in DASHBOARDS.glob("*.json")}
    for name, text in config["data"].items():
        assert json.loads(text) == json.loads((DASHBOARDS / name).read_text(encoding="utf-8"))
    # kubectl apply (client side) keeps a copy in an annotation limited to 256 KiB
    assert sum(len(text.encode()) for text in config["data"].values()) < 200_000


@needs_kustomize
def test_production_patches_replicas_resources_and_settings() -> None:
    base, production = _render(BASE), _render(PRODUCTION)
    statefulset = _one(production, "StatefulSet")
    assert statefulset["spec"]["replicas"] > _one(base, "StatefulSet")["spec"]["replicas"]
    assert _container(production)["resources"] != _container(base)["resources"]
    assert _container(production)["image"].endswith("/brandguard:0.1.0")
    settings = _one(production, "ConfigMap", _config_name(production)[0])["data"]
    base_settings = _one(base, "ConfigMap", _config_name(base)[0])["data"]
    assert settings.keys() == base_settings.keys()  # merged, nothing lost
    assert settings["BRANDGUARD_PARTITIONS"] != base_settings["BRANDGUARD_PARTITIONS"]
    # the patch merged into the worker container instead of replacing it
    assert _container(production)["readinessProbe"] == _container(base)["readinessProbe"]


@needs_kustomize
def test_services_pdb_and_monitor_select_the_worker_pods() -> None:
    documents = _render(PRODUCTION)
    statefulset = _one(documents, "StatefulSet")
    pod_labels = statefulset["spec"]["template"]["metadata"]["labels"]
    assert statefulset["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    container_ports = {port["name"] for port in _container(documents)["ports"]}
    for service in (d for d in documents if d["kind"] == "Service"):
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= container_ports
    pdb = _one(documents, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    headless = _one(documents, "Service", statefulset["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"
    monitor = _one(documents, "ServiceMonitor")
    metrics = _one(documents, "Service", "brandguard-metrics")
    monitored = monitor["spec"]["selector"]["matchLabels"].items()
    assert monitored <= metrics["metadata"]["labels"].items()
    assert {e["port"] for e in monitor["spec"]["endpoints"]} <= {
        p["name"] for p in metrics["spec"]["ports"]}
    # The alert rules select job="brandguard"; jobLabel names the job.
    assert metrics["metadata"]["labels"][monitor["spec"]["jobLabel"]] == "brandguard"


@needs_kustomize
@pytest.mark.parametrize("directory", [BASE, PRODUCTION], ids=["base", "production"])
def test_worker_settings_come_from_the_configmap_and_secrets(directory: Path) -> None:
    documents = _render(directory)
    name, used = _config_name(documents)
    assert name == used
    config = _one(documents, "ConfigMap", name)
    assert set(config["data"]) <= ENV_VARS.keys()
    container = _container(documents)
    secret_env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert set(secret_env) <= ENV_VARS.keys()
    assert {"BRANDGUARD_KAFKA_SASL_USERNAME", "BRANDGUARD_KAFKA_SASL_PASSWORD"} <= set(secret_env)
    assert not {"BRANDGUARD_KAFKA_SASL_PASSWORD", "BRANDGUARD_API_TOKEN"} & set(config["data"])
    port = int(config["data"]["BRANDGUARD_WEB_PORT"])
    assert [p["containerPort"] for p in container["ports"]] == [port]


@needs_kustomize
@pytest.mark.parametrize("directory", [BASE, PRODUCTION], ids=["base", "production"])
def test_worker_probes_state_volume_and_resources(directory: Path) -> None:
    documents = _render(directory)
    statefulset = _one(documents, "StatefulSet")
    container = _container(documents)
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    data_dir = Path(_one(documents, "ConfigMap", _config_name(documents)[0])
                    ["data"]["BRANDGUARD_DATA_DIR"])
    mounts = {m["name"]: Path(m["mountPath"]) for m in container["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] in data_dir.parents
    requests = container["resources"]["requests"]
    assert requests["cpu"] and requests["memory"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert statefulset["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_statefulset_explains_partitions_and_standby_replicas() -> None:
    text = (BASE / "statefulset.yaml").read_text(encoding="utf-8")
    assert "BRANDGUARD_TABLE_STANDBY_REPLICAS" in text and "BRANDGUARD_PARTITIONS" in text
