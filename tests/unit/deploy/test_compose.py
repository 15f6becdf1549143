"""docker-compose.yml and Dockerfile, checked without Docker: the Compose
Specification schema, files the stack mounts or builds from, host ports, the
worker settings it passes, and the image conventions (pinned bases,
non-root, readiness healthcheck, constrained install).

The schema in schemas/compose-spec.json is the compose-spec project's
`schema/compose-spec.json` (Apache-2.0, licence alongside), taken as vendored
in the check-jsonschema 0.39.0 wheel on PyPI
(check_jsonschema/builtin_schemas/vendor/compose-spec.json).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from streams.worker.settings import ENV_VARS, Topics
from tests.unit.deploy.deploy_checks import REPO, load_yaml

COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "compose-spec.json"
WORKERS = ("worker-1", "worker-2")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(COMPOSE_FILE)
    return document


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = compose["services"]
    return services


def test_compose_file_follows_the_compose_specification(
        compose: dict[str, Any], validator: jsonschema.protocols.Validator) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_the_schema_rejects_a_misspelt_service_key(
        compose: dict[str, Any], validator: jsonschema.protocols.Validator) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["worker-1"]["portz"] = ["6066:6066"]
    assert not validator.is_valid(broken)


def test_every_bind_mount_and_build_context_exists(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        build = service.get("build")
        if build:
            context = REPO / build["context"]
            assert context.is_dir(), name
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            if source.startswith((".", "/")):
                assert (REPO / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in compose["volumes"], f"{name}: undeclared volume {source}"


def test_published_host_ports_are_unique_and_loopback_only(compose: dict[str, Any]) -> None:
    published = []
    for service in _services(compose).values():
        for port in service.get("ports", []):
            host_ip, host_port, _container = str(port).split(":")
            assert host_ip == "127.0.0.1", port
            published.append(int(host_port))
    assert len(published) == len(set(published)), sorted(published)
    assert {6066, 6067, 9090, 3000, 9094} <= set(published)


def test_brandguard_settings_are_ones_the_worker_reads(compose: dict[str, Any]) -> None:
    used = {var for service in _services(compose).values()
            for var in service.get("environment", {}) if var.startswith("BRANDGUARD_")}
    assert used, "no BRANDGUARD_* settings passed"
    assert used - ENV_VARS.keys() == set()


def test_depends_on_names_existing_services(compose: dict[str, Any]) -> None:
    services = _services(compose)
    for name, service in services.items():
        assert set(service.get("depends_on", [])) <= services.keys() - {name}, name


def test_workers_are_built_from_the_dockerfile_and_keep_their_own_state(
        compose: dict[str, Any]) -> None:
    services = _services(compose)
    state_volumes: set[str] = set()
    for name in WORKERS:
        worker = services[name]
        assert worker["build"]["dockerfile"] == "Dockerfile"
        assert worker["command"][0] == "worker"
        assert "/readyz" in " ".join(worker["healthcheck"]["test"])
        state_volumes.update(v.split(":")[0] for v in worker["volumes"])
    # Two workers on one RocksDB directory would corrupt it.
    assert len(state_volumes) == len(WORKERS)


def test_topics_created_match_the_worker_defaults_and_partitions(
        compose: dict[str, Any]) -> None:
    script = _services(compose)["kafka-init"]["command"][0]
    topics = Topics()
    for name in (topics.listings, topics.orders, topics.reports, topics.brands,
                 topics.alerts, topics.deadletter):
        assert f"{name}:" in script, name
    assert f"{topics.brands}:compact" in script
    partitions = re.search(r"--partitions (\d+)", script)
    assert partitions is not None
    for name in WORKERS:
        env = _services(compose)[name]["environment"]
        assert env["BRANDGUARD_PARTITIONS"] == partitions.group(1)


def test_simulator_produces_a_scenario_to_the_compose_broker(compose: dict[str, Any]) -> None:
    command = _services(compose)["simulator"]["command"][0]
    simulate = re.search(r"brandguard simulate .*--out (\S+)", command)
    produce = re.search(r"brandguard produce (\S+) --bootstrap kafka:9092", command)
    assert simulate and produce and simulate.group(1) == produce.group(1)
    assert "--scenario" in command


def test_prometheus_scrapes_every_worker(compose: dict[str, Any]) -> None:
    config = load_yaml(REPO / "deploy" / "prometheus" / "prometheus.yml")
    (job,) = [job for job in config["scrape_configs"] if job["job_name"] == "brandguard"]
    targets = {t for static in job["static_configs"] for t in static["targets"]}
    port = _services(compose)[WORKERS[0]]["environment"]["BRANDGUARD_WEB_PORT"]
    assert targets == {f"{name}:{port}" for name in WORKERS}


def test_third_party_images_are_pinned_to_exact_versions(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        image = service.get("image", "")
        if "build" in service:
            continue
        assert re.fullmatch(r"[\w./-]+:v?\d+\.\d+\.\d+", image), f"{name}: {image}"
    assert _services(compose)["kafka"]["image"].startswith("apache/kafka:3.9.")


def test_dockerfile_pins_its_base_runs_as_non_root_and_checks_readiness() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.MULTILINE)
    assert base and re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", base.group(1))
    assert re.findall(r"^FROM (\S+)", text, re.MULTILINE) == ["${PYTHON_IMAGE}"] * 2
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\n?.*/readyz", text, re.MULTILINE)
    installs = re.findall(r"pip install [^\n]*", text)
    assert installs and all("-c constraints.txt" in line for line in installs)


def test_dockerignore_keeps_the_build_context_to_the_package() -> None:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert lines[lines.index("*") + 1:][:5] == [
        "!pyproject.toml", "!constraints.txt", "!README.md", "!signals/", "!streams/"]
    text = DOCKERFILE.read_text(encoding="utf-8")
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE):
        for path in copied.split():
            assert (REPO / path).exists(), path
