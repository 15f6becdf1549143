"""Kafka versions, the Java and Maven the local broker needs, and the jar cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from streams.localkafka import jars as kafka_jars
from streams.localkafka.broker import (
    PINNED_VERSION,
    SUPPORTED_VERSIONS,
)
from streams.localkafka.jars import (
    KafkaLocalError,
    check_java,
    ensure_jars,
    kafka_major,
    log_config_flag,
    parse_java_version,
    require_tool,
)


def _fake_tool(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize(("text", "major"), [
    ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
    ('openjdk version "21" 2023-09-19', 21),
    ('openjdk version "22-ea" 2024-03-19', 22),
    ('java version "1.8.0_392"\nJava(TM) SE Runtime Environment', 8),
    ('openjdk version "11.0.22" 2024-01-16', 11),
])
def test_java_version_is_parsed(text: str, major: int) -> None:
    assert parse_java_version(text) == major


def test_unreadable_java_version_is_an_error() -> None:
    with pytest.raises(KafkaLocalError, match="cannot read"):
        parse_java_version("bash: java: command not found")


@pytest.mark.parametrize(("version", "major"), [("3.9.2", 3), ("4.1.1", 4)])
def test_kafka_major(version: str, major: int) -> None:
    assert kafka_major(version) == major


@pytest.mark.parametrize("version", ["3.9", "latest", "2.8.2", "5.0.0", "3.9.2-rc1"])
def test_unrunnable_kafka_versions_are_rejected(version: str) -> None:
    with pytest.raises(KafkaLocalError):
        kafka_major(version)


def test_pinned_version_is_supported_and_every_supported_version_is_runnable() -> None:
    assert PINNED_VERSION in SUPPORTED_VERSIONS
    for version in SUPPORTED_VERSIONS:
        kafka_major(version)


def test_logging_config_matches_the_kafka_line() -> None:
    flag3, flag4 = log_config_flag("3.9.2"), log_config_flag("4.1.1")
    assert flag3.startswith("-Dlog4j.configuration=file:")
    assert flag4.startswith("-Dlog4j2.configurationFile=")
    assert Path(flag3.split("file:", 1)[1]).is_file()
    assert Path(flag4.split("=", 1)[1]).is_file()


def test_missing_java_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KafkaLocalError, match="apt-get install openjdk-17-jre-headless"):
        require_tool("java")


def test_missing_maven_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KafkaLocalError, match="apt-get install maven"):
        require_tool("mvn")


def test_old_java_is_refused(tmp_path: Path) -> None:
    java = _fake_tool(tmp_path, "java", "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2")
    with pytest.raises(KafkaLocalError, match="Java 11; Kafka needs Java 17"):
        check_java(str(java))


def test_new_enough_java_is_accepted(tmp_path: Path) -> None:
    java = _fake_tool(tmp_path, "java", "echo 'openjdk version \"21.0.2\" 2024-01-16' >&2")
    assert check_java(str(java)) == str(java)


def test_cached_jars_need_no_maven(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lib = tmp_path / "cache" / "3.9.2" / "lib"
    lib.mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert ensure_jars("3.9.2", tmp_path / "cache") == lib


def test_failed_fetch_leaves_no_lib_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Writes one jar, then fails: the half-done folder must not become lib.
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "mvn", 'for a; do case "$a" in -DoutputDirectory=*) '
               ': > "${a#-DoutputDirectory=}/scala-library.jar";; esac; done\n'
               'echo "Could not resolve dependencies"; exit 1')
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(KafkaLocalError, match="Could not resolve dependencies"):
        ensure_jars("3.9.2", tmp_path / "cache")
    assert list((tmp_path / "cache").rglob("*")) == []


def test_successful_fetch_is_renamed_into_place(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "mvn", 'for a; do case "$a" in -DoutputDirectory=*) '
               ': > "${a#-DoutputDirectory=}/kafka_2.13-4.1.1.jar";; esac; done')
    monkeypatch.setenv("PATH", str(bin_dir))
    lib = ensure_jars("4.1.1", tmp_path / "cache")
    assert lib == tmp_path / "cache" / "4.1.1" / "lib"
    assert os.listdir(lib) == ["kafka_2.13-4.1.1.jar"]
    assert os.listdir(lib.parent) == ["lib"]


def test_pom_per_kafka_line_exists() -> None:
    for major in (3, 4):
        pom = kafka_jars.deploy_dir() / f"pom-kafka{major}.xml"
        assert "${kafka.version}" in pom.read_text(encoding="utf-8")
