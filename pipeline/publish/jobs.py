"""Documents to write: a job per document, its fingerprint, and writing only what changed.

A job's fingerprint is the sha256 of its template, its context and the renderer version, so a
rerun over the same inputs skips every document whose file on disk still matches.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, display_value
from pipeline.publish.outputs import Written, clean_temporaries, previous_entries, still_valid, write_output
from pipeline.render.facade import render_docx, template_bytes

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_name(identifier: str, limit: int = 80) -> str:
    """A file-name form of an id: no separators, no traversal, no device names. An id that
    had to change gets `~` and a hash of the original: `~` is never in an id that did not
    change, so a changed id cannot take the name of another (A/B and A_B-998d3ed8 did)."""
    name = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_.\-]|\.{2,}", "_", identifier)).strip("._")[:limit] or "_"
    if _RESERVED.match(name):
        name = f"_{name}"
    if name != identifier:
        name = f"{name}~{hashlib.sha256(identifier.encode('utf-8')).hexdigest()[:12]}"
    return name


def distinct_names(identifiers: Iterable[str], noun_zh: str = "供应商", noun_en: str = "supplier") -> dict[str, str]:
    """id -> file name for a run's ids, or a ConfigError naming two ids that would share a file
    (compared without case, as Windows and macOS file systems compare names)."""
    names: dict[str, str] = {}
    taken: dict[str, str] = {}
    for identifier in identifiers:
        if identifier in names:
            continue
        name = safe_name(identifier)
        other = taken.setdefault(name.casefold(), identifier)
        if other != identifier:
            raise ConfigError(
                f"{noun_zh}编号“{display_value(other)}”与“{display_value(identifier)}”对应同一个文件名（{name}），"
                f"文件会互相覆盖：请修改其中一个编号",
                f"{noun_en} ids {display_value(other)!r} and {display_value(identifier)!r} map to one file name "
                f"({name}), so one would overwrite the other: change one of them",
            )
        names[identifier] = name
    return names


RENDERER_VERSION = "vendorflow-render-2"  # bump when rendering changes output for the same context


@dataclass(frozen=True)
class Job:
    """One document to render: where it goes, from which template, with what."""

    relative_path: str
    template: str
    context: dict[str, Any]
    doc_type: str
    supplier_id: str | None = None
    fingerprint: str = ""  # sha256 of template + context + renderer version


def fingerprint(template: str, context: dict[str, Any]) -> str:
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    digest.update(template_bytes(template))
    digest.update(json.dumps(context, sort_keys=True, ensure_ascii=False, default=_fingerprint_of).encode("utf-8"))
    return digest.hexdigest()


def _fingerprint_of(value: Any) -> str:
    """Pictures (and any other bytes-carrying object) enter the fingerprint by content."""
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return f"{type(value).__name__}:{hashlib.sha256(data).hexdigest()}:{getattr(value, 'width_mm', '')}"
    return str(value)


def make_job(
    relative_path: str, template: str, context: dict[str, Any], doc_type: str, supplier_id: str | None = None
) -> Job:
    return Job(relative_path, template, context, doc_type, supplier_id, fingerprint(template, context))


@dataclass
class Plan:
    """Documents to render, given lazily, and those an earlier run already wrote (filled in
    as `todo` is consumed: complete once it is exhausted)."""

    todo: Iterator[Job]
    reused: list[Written]


def _one_job_per_path(seen: dict[str, str | None], job: Job) -> None:
    """Two documents never go to one path (the manifest listed it twice and one supplier got nothing)."""
    key = job.relative_path.casefold()
    if key in seen:
        raise ConfigError(
            f"两份文档要写入同一个文件 {job.relative_path}（{seen[key] or '—'} 与 {job.supplier_id or '—'}）：请修改编号",
            f"two documents would be written to one file, {job.relative_path} ({seen[key] or '—'} and "
            f"{job.supplier_id or '—'}): change one of the ids",
        )
    seen[key] = job.supplier_id


def plan_stream(root: Path, jobs: Iterable[Job], on_reused: Callable[[int], None] | None = None) -> Plan:
    """`plan_documents` for a generator of jobs: the same decisions, one job at a time."""
    clean_temporaries(root)
    before = previous_entries(root)
    reused: list[Written] = []

    def todo() -> Iterator[Job]:
        seen: dict[str, str | None] = {}
        for job in jobs:
            _one_job_per_path(seen, job)
            entry = before.get(job.relative_path)
            if entry and entry.get("context_sha256") == job.fingerprint and still_valid(root, entry):
                reused.append(
                    Written(
                        job.relative_path,
                        entry["sha256"],
                        entry["bytes"],
                        job.doc_type,
                        job.supplier_id,
                        job.fingerprint,
                    )
                )
                if on_reused:
                    on_reused(1)
            else:
                yield job

    return Plan(todo(), reused)


def plan_documents(root: Path, jobs: Sequence[Job]) -> tuple[list[Job], list[Written]]:
    """Split jobs into those to render and documents a complete earlier run already wrote
    from the same template and context (checked against the file on disk)."""
    clean_temporaries(root)
    before = previous_entries(root)
    todo, reused = [], []
    seen: dict[str, str | None] = {}
    for job in jobs:
        _one_job_per_path(seen, job)
        entry = before.get(job.relative_path)
        if entry and entry.get("context_sha256") == job.fingerprint and still_valid(root, entry):
            reused.append(
                Written(
                    job.relative_path, entry["sha256"], entry["bytes"], job.doc_type, job.supplier_id, job.fingerprint
                )
            )
        else:
            todo.append(job)
    return todo, reused


def render_and_write(root: Path, jobs: Iterable[Job], progress: Callable[[int], None] | None = None) -> list[Written]:
    written = []
    for job in jobs:
        data = render_docx(job.template, job.context, job.relative_path)
        written.append(write_output(root, job.relative_path, data, job.doc_type, job.supplier_id, job.fingerprint))
        if progress:
            progress(1)
    return written
