"""The stages every run begins with: intake and load, validate, the policy, the inputs' fingerprints."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.config.aliases import Aliases, load_aliases
from pipeline.config.policy import Policy, PolicyFile, read_policy
from pipeline.errors import ConfigError, Issue
from pipeline.intake.folder import InputFile, archive_and_quarantine, discover, whole_file_issues
from pipeline.load.reader import RawTable, read_input
from pipeline.safefiles import regular_config
from pipeline.settings import Limits
from pipeline.validation.records import Validated, validate_tables


@dataclass
class Loaded:
    files: list[InputFile]
    tables: list[RawTable]
    issues: list[Issue]
    aliases: Aliases


def load_stage(inputs_dir: Path, limits: Limits = Limits(), today=None) -> Loaded:
    """Every input archived before it is read, then read within the hostile-input `limits`."""
    if not inputs_dir.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(inputs_dir))
    aliases = load_aliases(inputs_dir)
    files, issues = discover(inputs_dir)
    # every input is archived before it is read; files unusable as a whole go to rejected/
    archive_and_quarantine(inputs_dir, files, issues, today)
    tables = [t for f in files for t in read_input(f, aliases, limits)]
    problems = [i for t in tables for i in t.issues]
    archive_and_quarantine(inputs_dir, [], problems, today)
    # a file is used whole or not at all: when one sheet of a workbook cannot be used (its items
    # sheet has no header a reader knows), its other sheets are not used either, as the report says
    unusable = set(whole_file_issues(problems))
    tables = [replace(t, rows=[]) if t.file in unusable else t for t in tables]
    return Loaded(files, tables, issues, aliases)


def validate_stage(loaded: Loaded, currencies: tuple[str, ...] | None = None) -> Validated:
    validated = validate_tables(loaded.tables, loaded.aliases, currencies=currencies)
    validated.issues = loaded.issues + validated.issues
    return validated


def policy_file(inputs_dir: Path, policy_path: Path | None) -> PolicyFile:
    """policy.yaml (or --policy) read once, its scoring policy checked: a bad policy stops the run here."""
    if policy_path is None:
        regular_config(inputs_dir / "policy.yaml")  # the drop folder's own: never read through a link
    read = read_policy(policy_path or inputs_dir / "policy.yaml")
    read.policy  # noqa: B018  (checked now, before anything is read or written)
    return read


def find_policy(inputs_dir: Path, policy_path: Path | None) -> Policy:
    return policy_file(inputs_dir, policy_path).policy


def input_fingerprints(loaded: Loaded, kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The manifest's record of the inputs a run read (of `kinds` only, when given)."""
    return [
        {"path": f.path.name, "kind": f.kind, "sha256": f.sha256, "bytes": f.bytes}
        for f in loaded.files
        if kinds is None or f.kind in kinds
    ]
