"""Real git and the real `salesflow` executable in temporary repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def env(home: Path, name: str = "Alice") -> dict[str, str]:
    """A clean environment: this venv's tools first, a fixed author, no user config."""
    out = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    out.update({
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": f"{name.lower()}@example.com",
        "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": f"{name.lower()}@example.com",
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "NO_COLOR": "1",
    })
    out.pop("SALESFLOW_ROOT", None)
    return out


def run(cwd: Path, *args: str, environ: dict[str, str],
        check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(args), cwd=cwd, env=environ, capture_output=True, text=True,
                          check=False, timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} -> {done.returncode}\n{done.stdout}\n"
                             f"{done.stderr}")
    return done


def git(cwd: Path, *args: str, environ: dict[str, str],
        check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(cwd, "git", "-c", "init.defaultBranch=main", *args, environ=environ, check=check)


def salesflow(cwd: Path, *args: str, environ: dict[str, str],
              check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(cwd, str(BIN / "salesflow"), *args, environ=environ, check=check)
