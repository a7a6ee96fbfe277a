"""The stages every run begins with: intake and load, validate, the policy, the inputs' fingerprints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config.aliases import Aliases, load_aliases
from pipeline.config.policy import Policy, load_policy
from pipeline.errors import ConfigError, Issue
from pipeline.intake.folder import InputFile, archive_and_quarantine, discover
from pipeline.load.reader import RawTable, read_input
from pipeline.validation.records import Validated, validate_tables


@dataclass
class Loaded:
    files: list[InputFile]
    tables: list[RawTable]
    issues: list[Issue]
    aliases: Aliases


def load_stage(inputs_dir: Path, today=None) -> Loaded:
    if not inputs_dir.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(inputs_dir))
    aliases = load_aliases(inputs_dir)
    files, issues = discover(inputs_dir)
    # every input is archived before it is read; files unusable as a whole go to rejected/
    archive_and_quarantine(inputs_dir, files, issues, today)
    tables = [t for f in files for t in read_input(f, aliases)]
    archive_and_quarantine(inputs_dir, [], [i for t in tables for i in t.issues], today)
    return Loaded(files, tables, issues, aliases)


def validate_stage(loaded: Loaded) -> Validated:
    validated = validate_tables(loaded.tables, loaded.aliases)
    validated.issues = loaded.issues + validated.issues
    return validated


def find_policy(inputs_dir: Path, policy_path: Path | None) -> Policy:
    path = policy_path or inputs_dir / "policy.yaml"
    return load_policy(path)


def input_fingerprints(loaded: Loaded) -> list[dict[str, Any]]:
    return [{"path": f.path.name, "kind": f.kind, "sha256": f.sha256, "bytes": f.bytes} for f in loaded.files]
