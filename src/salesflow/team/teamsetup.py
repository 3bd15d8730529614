"""The files that set a workspace up for a team sharing it over git.

- `.salesflow/schema/deal.json` and `stages.json`: JSON Schemas for editors;
- `.pre-commit-config.yaml`: a starter config running `salesflow validate`;
- `.gitattributes` and the repository's git config: the deal merge driver.

The texts are built by pure functions; `write_*` helpers do the disk part
with atomic writes and never overwrite a hand-written file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from salesflow.model.process import Process
from salesflow.team.schema import (
    ACCOUNT_SCHEMA,
    DEAL_SCHEMA,
    STAGES_SCHEMA,
    account_schema,
    deal_schema,
    stages_schema,
)

PRECOMMIT_FILE = ".pre-commit-config.yaml"
GITATTRIBUTES = ".gitattributes"
HOOK_ID = "salesflow-validate"
DRIVER = "salesflow"
DRIVER_NAME = "salesflow: three-way merge of deal files at the data level"
ATTRIBUTE_LINES = ("deals/**/*.yaml merge=salesflow", "deals/**/*.yml merge=salesflow",
                   "accounts/**/*.yaml merge=salesflow", "accounts/**/*.yml merge=salesflow")


def schema_json(value: dict[str, Any]) -> bytes:
    """Stable bytes for a schema file, so regenerating it shows no diff."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def schema_files(process: Process) -> dict[str, bytes]:
    """Schema path (relative to the workspace root) -> file contents."""
    return {DEAL_SCHEMA: schema_json(deal_schema(process)),
            STAGES_SCHEMA: schema_json(stages_schema()),
            ACCOUNT_SCHEMA: schema_json(account_schema())}


def write_schemas(root: Path, process: Process, *, only_missing: bool) -> list[str]:
    """Write the schema files; returns the relative paths written."""
    from salesflow.files.guard import make_folders, read_inside, write_file

    written = []
    for rel, data in schema_files(process).items():
        target = root / rel
        make_folders(target.parent, [root], rel)  # a symlinked .salesflow/schema: refused
        if target.exists() and (only_missing or read_inside(target, [root], 1 << 24, rel)
                                == data):
            continue
        write_file(target, data, within=[root], shown=rel)
        written.append(rel)
    return written


def precommit_config(prefix: str) -> str:
    """A starter `.pre-commit-config.yaml` for a workspace at `prefix` in the repository.

    `prefix` is the workspace folder relative to the repository root ("" when
    it is the root). The hook is `repo: local` with `language: system`: it runs
    the `salesflow` that every teammate already has installed, so commits stay
    fast and nothing is downloaded.
    """
    import re

    folder = prefix.strip("/")
    entry = f"salesflow validate --root {folder}" if folder else "salesflow validate"
    where = re.escape(f"{folder}/") if folder else ""
    return f"""\
# pre-commit (https://pre-commit.com) runs `salesflow validate` before every
# commit: a broken stages.yaml or deal file blocks the commit, naming
# path:line:col. Once per clone: `pip install pre-commit && pre-commit install`.
#
# This hook runs the salesflow installed on each machine (it must be on PATH
# when you commit). To let pre-commit install salesflow itself instead, use
# the hook the salesflow repository publishes:
#   - repo: <URL of the salesflow repository>
#     rev: <a tag or commit>
#     hooks:
#       - id: {HOOK_ID}
repos:
  - repo: local
    hooks:
      - id: {HOOK_ID}
        name: salesflow validate
        entry: {entry}
        language: system
        pass_filenames: false
        files: ^{where}(stages\\.yaml|deals/.*\\.ya?ml)$
"""


def driver_command(executable: str) -> str:
    """The `merge.salesflow.driver` value git runs (through the shell) for a deal file."""
    return f"{executable} merge-driver %O %A %B %P"


def gitattributes_text(existing: str) -> str | None:
    """`existing` with the merge-driver lines added, or None when they are all there."""
    lines = existing.splitlines()
    present = {" ".join(line.split()) for line in lines}
    missing = [line for line in ATTRIBUTE_LINES if line not in present]
    if not missing:
        return None
    text = existing
    if text and not text.endswith("\n"):
        text += "\n"
    if not any("salesflow" in line for line in lines):
        text += ("# deal and account files are merged by `salesflow merge-driver` (see "
                 "`salesflow git-setup`)\n")
    return text + "".join(line + "\n" for line in missing)


def schema_header(root: Path, deal_rel_path: str) -> str:
    """The editor modeline for a new deal file, when the workspace has the schema."""
    from salesflow.team.schema import modeline

    if (root / DEAL_SCHEMA).is_file():
        return modeline(deal_rel_path) + "\n"
    return ""
