"""Compile the hot modules of ``signals`` with mypyc, into a copy under build/compiled/.

The source tree is never touched: a compiled module placed beside its ``.py``
shadows it, and an edit to the ``.py`` would then silently not run. Instead the
package is copied, compiled in the copy, and the digest of the sources it was
built from is written beside it (``streams.worker.monitoring.build_info``). Run the compiled copy
with ``PYTHONPATH=build/compiled``; ``make compiled`` rebuilds it when a source
changes.

Run: ``.venv/bin/python scripts/build_compiled.py [--out build/compiled]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams.worker.monitoring.build_info import DIGEST_FILE, compiled_modules, source_digest  # noqa: E402

#: modules left to the interpreter, and why
NOT_COMPILED = {
    # mypyc turns class-level constants of dataclasses (``schema``) and of exceptions
    # (``error_code``) into instance fields (mypyc/mypyc#740, #1122); both are cold (the
    # hot records keep theirs on a plain base class instead, see signals.contract.events)
    "contract/deadletter.py", "errors.py",
}
#: cold: run once per report or per simulated file
NOT_COMPILED_DIRS = ("evaluation",)


def modules_to_compile(package: Path) -> list[Path]:
    chosen = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if path.name == "__init__.py" or relative in NOT_COMPILED:
            continue
        if relative.split("/")[0] in NOT_COMPILED_DIRS:
            continue
        chosen.append(path)
    return chosen


def build(out: Path) -> list[str]:
    shutil.rmtree(out, ignore_errors=True)
    package = out / "signals"
    shutil.copytree(ROOT / "signals", package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    digest = source_digest(package)  # of what is compiled, even if the sources change meanwhile
    targets = [p.relative_to(out).as_posix() for p in modules_to_compile(package)]
    env = dict(os.environ, MYPYC_OPT_LEVEL=os.environ.get("MYPYC_OPT_LEVEL", "3"))
    subprocess.run([sys.executable, "-m", "mypyc", "--config-file",
                    str(ROOT / "pyproject.toml"), *targets],
                   cwd=out, env=env, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(out / "build", ignore_errors=True)  # C sources and objects
    compiled = compiled_modules(package)
    if len(compiled) != len(targets):
        raise SystemExit(f"mypyc built {len(compiled)} of {len(targets)} modules")
    # written last: a half-built copy has no digest and is never taken as current
    (out / DIGEST_FILE).write_text(digest + "\n")
    return compiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "compiled")
    args = parser.parse_args(argv)
    compiled = build(args.out.resolve())
    print(f"compiled {len(compiled)} modules of signals into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
