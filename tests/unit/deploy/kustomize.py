"""Renders a kustomization as ``kubectl apply -k`` would: with ``kustomize build``
or ``kubectl kustomize`` (``make test`` installs kustomize from its Go module when
neither is there)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.unit.deploy.deploy_checks import REPO

__all__ = ["command", "render"]


@functools.cache
def command() -> tuple[str, ...] | None:
    """The command that renders a kustomization directory, or None."""
    local = REPO / ".venv" / "bin" / "kustomize"
    kustomize = shutil.which("kustomize") or (str(local) if local.exists() else None)
    if kustomize is not None:
        return (kustomize, "build")
    kubectl = shutil.which("kubectl")
    return (kubectl, "kustomize") if kubectl is not None else None


def render(directory: Path) -> list[dict[str, Any]]:
    """The resources ``directory`` renders to, in kustomize's order."""
    cmd = command()
    assert cmd is not None, "no kustomize or kubectl"
    done = subprocess.run([*cmd, str(directory)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]
