"""Which build of ``signals`` this process runs: plain Python or compiled with mypyc.

The standard build (``pip install .``, ``pip wheel .``: setup.py) compiles the hot
modules of ``signals`` with mypyc and writes, inside the package, the digest of the
sources they were compiled from; ``BRANDGUARD_PURE=1`` and editable installs build
plain Python. A compiled package whose ``.py`` files (or the checkout it is compared
with) no longer match that digest is reported as stale instead of silently running
other code than its sources say.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Literal

__all__ = ["DIGEST_FILE", "BuildInfo", "compiled_modules", "running_build", "source_digest"]

#: written beside the compiled package: the digest of the sources it was built from
DIGEST_FILE = "SOURCES.sha256"
_SOURCE_SUFFIXES = (".py", ".json")


def source_digest(package_dir: Path) -> str:
    """SHA-256 over the relative paths and bytes of the package's sources."""
    digest = hashlib.sha256()
    files = sorted(p for p in package_dir.rglob("*")
                   if p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def compiled_modules(package_dir: Path) -> list[str]:
    """Dotted names of the package's modules that are compiled extensions."""
    found = []
    for path in package_dir.rglob("*"):
        # the first suffix that fits is the full one (".cpython-311-...so" before ".so")
        suffix = next((s for s in EXTENSION_SUFFIXES if path.name.endswith(s)), None)
        if suffix is not None:
            module = path.relative_to(package_dir.parent).with_name(path.name[: -len(suffix)])
            found.append(".".join(module.parts))
    return sorted(found)


@dataclass(frozen=True, slots=True)
class BuildInfo:
    kind: Literal["python", "compiled"]
    package_dir: Path
    compiled: tuple[str, ...]
    #: digest recorded when the copy was compiled, and of its sources now
    recorded_digest: str | None
    current_digest: str | None

    @property
    def stale(self) -> bool:
        return self.kind == "compiled" and self.recorded_digest != self.current_digest

    def describe(self) -> str:
        if self.kind == "python":
            return f"signals: plain Python ({self.package_dir})"
        state = "STALE: sources changed since it was compiled" if self.stale else "up to date"
        return (f"signals: mypyc-compiled, {len(self.compiled)} modules "
                f"({self.package_dir}, {state})")


def running_build(sources: Path | None = None) -> BuildInfo:
    """The build of ``signals`` imported by this process; ``sources`` is the source
    package to compare a compiled build with (default: the ``.py`` files installed
    beside its compiled modules)."""
    import signals

    package_dir = Path(signals.__file__).resolve().parent
    compiled = tuple(compiled_modules(package_dir))
    if not compiled:
        return BuildInfo("python", package_dir, (), None, None)
    digest_file = package_dir / DIGEST_FILE
    recorded = digest_file.read_text().strip() if digest_file.exists() else None
    return BuildInfo("compiled", package_dir, compiled, recorded,
                     source_digest(sources or package_dir))
