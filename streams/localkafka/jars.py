"""Everything a local Kafka broker needs before it can start: a Java 17+
runtime, Maven, and the broker's runtime classpath fetched once from Maven
Central into a cache folder (the Apache release tarball and Docker images are
not reachable from every machine this runs on; Maven Central is)."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = [
    "MIN_JAVA_MAJOR",
    "PINNED_VERSION",
    "SUPPORTED_VERSIONS",
    "KafkaLocalError",
    "check_java",
    "default_cache_dir",
    "deploy_dir",
    "ensure_jars",
    "kafka_major",
    "log_config_flag",
    "parse_java_version",
    "repo_root",
    "require_tool",
]

# 3.9 is the last line that still accepts every old request version (KIP-896
# removed them in 4.0), so any client generation the project meets can talk
# to it; it also runs KRaft without ZooKeeper. 4.x is selectable to prove the
# clients keep working on the current line.
PINNED_VERSION = "3.9.2"
# Versions the integration suite has been run against on this project.
SUPPORTED_VERSIONS: tuple[str, ...] = ("3.9.2", "4.0.0", "4.1.1", "4.2.0")
MIN_JAVA_MAJOR = 17

_INSTALL_HINTS = {
    "java": "apt-get install openjdk-17-jre-headless",
    "mvn": "apt-get install maven",
}
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_MVN_TIMEOUT_S = 600.0
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
_MVN_BOILERPLATE_RE = re.compile(
    r"re-run maven|for more information|\[Help 1\] http|^\[ERROR\]\s*$", re.IGNORECASE
)


class KafkaLocalError(RuntimeError):
    """The local broker could not be set up, started or stopped."""


def repo_root() -> Path:
    """The folder holding pyproject.toml above this module, else the cwd."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd()


def deploy_dir() -> Path:
    """Where the poms, logging configs and server.properties template live."""
    return repo_root() / "deploy" / "kafka"


def default_cache_dir() -> Path:
    return repo_root() / ".cache" / "kafka"


def kafka_major(version: str) -> int:
    """Major version of a release string like ``3.9.2``; rejects anything else."""
    match = _VERSION_RE.match(version)
    if match is None:
        raise KafkaLocalError(f"Kafka version must look like 3.9.2, got {version!r}")
    major = int(match.group(1))
    if major not in (3, 4):
        raise KafkaLocalError(
            f"Kafka {version} is not runnable here: only 3.x (KRaft) and 4.x are; "
            f"tested: {', '.join(SUPPORTED_VERSIONS)}"
        )
    return major


def log_config_flag(version: str) -> str:
    """JVM flag pointing the broker's logging backend at our config file."""
    if kafka_major(version) == 3:
        return f"-Dlog4j.configuration=file:{deploy_dir() / 'log4j.properties'}"
    return f"-Dlog4j2.configurationFile={deploy_dir() / 'log4j2.properties'}"


def require_tool(name: str) -> str:
    """Absolute path of ``name`` on PATH, or an error saying what to install."""
    found = shutil.which(name)
    if found is None:
        hint = _INSTALL_HINTS.get(name, f"install {name}")
        raise KafkaLocalError(
            f"`{name}` was not found on PATH; the local Kafka broker needs it. "
            f"Install it with: {hint}"
        )
    return found


def parse_java_version(text: str) -> int:
    """Major Java version from ``java -version`` output (printed on stderr).

    Old runtimes report ``1.8.0_392`` for Java 8; newer ones ``17.0.15``,
    ``21`` or ``22-ea``.

    >>> parse_java_version('openjdk version "17.0.15" 2025-04-15')
    17
    >>> parse_java_version('java version "1.8.0_392"')
    8
    """
    match = re.search(r'version "(\d+)(?:\.(\d+))?[^"]*"', text)
    if match is None:
        raise KafkaLocalError(f"cannot read the Java version from: {text.strip()[:200]!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2) is not None:
        return int(match.group(2))
    return major


def check_java(java: str | None = None) -> str:
    """Path of a Java runtime new enough for Kafka, or a clear error."""
    java = java or require_tool("java")
    result = subprocess.run(
        [java, "-version"], capture_output=True, text=True, timeout=60, check=False
    )
    major = parse_java_version(result.stderr + result.stdout)
    if major < MIN_JAVA_MAJOR:
        raise KafkaLocalError(
            f"{java} is Java {major}; Kafka needs Java {MIN_JAVA_MAJOR} or newer. "
            f"Install it with: {_INSTALL_HINTS['java']}"
        )
    return java


def _pom_for(version: str) -> Path:
    return deploy_dir() / f"pom-kafka{kafka_major(version)}.xml"


def _fetch_into(version: str, target: Path) -> None:
    command = [
        require_tool("mvn"), "-B", "-q", "-f", str(_pom_for(version)),
        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies",
        f"-DoutputDirectory={target}", "-DincludeScope=runtime",
        f"-Dkafka.version={version}",
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=_MVN_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise KafkaLocalError(f"mvn did not finish within {_MVN_TIMEOUT_S:.0f} s") from exc
    broker_jar = target / f"kafka_2.13-{version}.jar"
    if result.returncode != 0 or not broker_jar.is_file():
        raise KafkaLocalError(
            f"fetching Kafka {version} jars from Maven Central failed "
            f"(mvn exit {result.returncode}):\n" + _mvn_errors(result.stdout + result.stderr)
        )


def _mvn_errors(output: str) -> str:
    """The lines of mvn output that say what went wrong, without colour codes."""
    lines = [line.rstrip() for line in _ANSI_RE.sub("", output).splitlines()]
    errors = [line for line in lines if line.startswith("[ERROR] ")
              and not _MVN_BOILERPLATE_RE.search(line)]
    return "\n".join(errors[:5] or [line for line in lines if line][-20:])


def ensure_jars(version: str, cache_dir: Path | None = None) -> Path:
    """Folder holding the complete runtime classpath of Kafka ``version``.

    Fetched once into ``<cache_dir>/<version>/lib``. The jars land in a temp
    folder first and are renamed into place only when mvn succeeded, so an
    interrupted fetch never leaves a half-filled ``lib`` that later looks
    complete; two processes fetching at once both succeed.
    """
    kafka_major(version)
    version_dir = (cache_dir or default_cache_dir()) / version
    lib = version_dir / "lib"
    if lib.is_dir():
        return lib
    version_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib.partial-", dir=version_dir))
    try:
        _fetch_into(version, staging)
        try:
            staging.rename(lib)
        except OSError:
            if not lib.is_dir():
                raise
            # Another process finished first; its copy is just as good.
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            version_dir.rmdir()  # only if empty: a failed fetch leaves nothing
    return lib
