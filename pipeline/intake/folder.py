"""Find what was dropped in the inputs folder, tell each file's kind, keep every byte of it.

Each input is copied to inputs/archive/<date>/ (with a SHA256SUMS line) before it is read;
a file rejected as a whole (unreadable, unknown kind, no header, refused as hostile) is moved
to inputs/rejected/ with its bilingual report beside it. Nothing is deleted or changed in
place: after any run, every byte dropped is in inputs/, its archive, or rejected/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config.aliases import fold
from pipeline.errors import ConfigError, Issue
from pipeline.intake.guard import MACRO_SUFFIXES, RESAVE_SUFFIXES
from pipeline.safefiles import entry_type, open_regular

# file-name prefix -> kind; Chinese prefixes are what the office's own file names start with
PREFIXES = {
    "suppliers": "suppliers",
    "供应商": "suppliers",
    "contracts": "contracts",
    "合同": "contracts",
    "evaluations": "evaluations",
    "绩效评估": "evaluations",
    "绩效": "evaluations",
    "incidents": "incidents",
    "事件": "incidents",
    "candidates": "candidates",
    "候选评估": "candidates",
    "distribution": "distribution",
    "分发名单": "distribution",
    "workers": "workers",
    "人员花名册": "workers",
    "花名册": "workers",
    "attendance": "attendance",
    "考勤": "attendance",
    "work_volume": "work_volume",
    "工作量确认": "work_volume",
    "工作量": "work_volume",
    "surveys": "surveys",
    "满意度调查": "surveys",
    "满意度": "surveys",
    "inspections": "inspections",
    "现场检查": "inspections",
    "improvement_plans": "improvement_plans",
    "整改计划": "improvement_plans",
    "整改跟踪": "improvement_plans",
    "appeals": "appeals",
    "申诉": "appeals",
}
READ_SUFFIXES = {".xlsx", ".csv", ".json"}
# everything that looks like a data file is an input: read, or refused with a reason
DATA_SUFFIXES = READ_SUFFIXES | MACRO_SUFFIXES | RESAVE_SUFFIXES
CONFIG_FILES = {"policy.yaml", "policy.yml", "aliases.yaml"}
# still being written: browsers, copy tools and careful scripts write under these and rename
INCOMPLETE_SUFFIXES = {".part", ".tmp", ".crdownload", ".download", ".partial", ".filepart"}
ARCHIVE_DIR = "archive"
REJECTED_DIR = "rejected"
SUMS_FILE = "SHA256SUMS"
# file-level problems that make a whole file unusable (it goes to rejected/)
WHOLE_FILE_CODES = {"unreadable", "refused", "unknown_kind", "no_header"}


@dataclass(frozen=True)
class InputFile:
    path: Path
    kind: str
    sha256: str
    bytes: int


_ENTRY_WORDS = {
    "symlink": ("符号链接（快捷方式）", "a symbolic link"),
    "directory": ("文件夹", "a folder"),
    "fifo": ("命名管道", "a named pipe (FIFO)"),
    "device": ("设备文件", "a device file"),
    "special": ("特殊文件", "a special file"),
    "missing": ("已不存在的文件", "a file that no longer exists"),
}


def not_regular_issue(name: str, what: str) -> Issue:
    zh, en = _ENTRY_WORDS.get(what, _ENTRY_WORDS["special"])
    return Issue(
        file=name,
        row=None,
        column=None,
        value=None,
        code="refused",
        rule="not_a_regular_file",
        message_zh=f"这是{zh}，不是普通文件：出于安全考虑不予读取、不跟随、不存档；请放入文件本身（不是链接）",
        message_en=f"this is {en}, not a regular file: for safety it is not read, followed or archived; "
        "drop the file itself (not a link)",
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def kind_of(name: str) -> str | None:
    folded = fold(name)
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if folded.startswith(fold(prefix)):
            return PREFIXES[prefix]
    return None


def is_ignored(name: str) -> bool:
    """Lock files of Excel/WPS/LibreOffice, hidden files and files still being written."""
    lower = name.lower()
    return (
        name.startswith((".", "~$", "~")) or lower.endswith(tuple(INCOMPLETE_SUFFIXES)) or lower.startswith(".~lock.")
    )


def is_input_name(name: str) -> bool:
    """A file the monthly run reads (or refuses): data files and the office's configuration."""
    if is_ignored(name):
        return False
    return name in CONFIG_FILES or Path(name).suffix.lower() in DATA_SUFFIXES


def _prefix_list() -> tuple[str, str]:
    kinds: dict[str, list[str]] = {}
    for prefix, kind in PREFIXES.items():
        kinds.setdefault(kind, []).append(prefix)
    zh = "、".join("/".join(p) for p in kinds.values())
    en = ", ".join(kinds)
    return zh, en


def unknown_kind_issue(name: str) -> Issue:
    zh, en = _prefix_list()
    return Issue(
        file=name,
        row=None,
        column=None,
        value=None,
        code="unknown_kind",
        rule="unknown_kind",
        message_zh=f"无法从文件名判断数据类型：文件名应以 {zh} 开头；本文件未处理",
        message_en=f"cannot tell the kind from the file name: it must start with {en}; the file was not read",
    )


def discover(inputs_dir: Path) -> tuple[list[InputFile], list[Issue]]:
    """Data files of known kinds, sorted by name; unknown files are reported, not guessed."""
    files, issues = [], []
    for path in sorted(inputs_dir.iterdir()):
        name = path.name
        if not is_input_name(name):
            continue  # archive/, rejected/, lock files, notes: not inputs
        what = entry_type(path)
        if what is not None:  # a link (to /etc/passwd, say), a folder, a pipe: never followed
            issues.append(not_regular_issue(name, what))
            continue
        if name in CONFIG_FILES:
            continue
        kind = kind_of(name)
        if kind is None:
            issues.append(unknown_kind_issue(name))
            continue
        files.append(InputFile(path=path, kind=kind, sha256=sha256_of(path), bytes=path.stat().st_size))
    return files, issues


def whole_file_issues(issues: Iterable[Issue]) -> dict[str, list[Issue]]:
    """File name -> the problems that make the whole file unusable."""
    out: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.row is None and issue.code in WHOLE_FILE_CODES:
            out.setdefault(issue.file, []).append(issue)
    return out


# --- nothing lost: archive and quarantine -------------------------------------------------


@dataclass
class Intake:
    archived: dict[str, Path] = field(default_factory=dict)  # file name -> its copy (this run or earlier)
    rejected: dict[str, Path] = field(default_factory=dict)  # file name -> where it was moved


def archived_digests(inputs_dir: Path) -> dict[str, Path]:
    """sha256 -> archived copy, over every date folder's SHA256SUMS."""
    found: dict[str, Path] = {}
    root = inputs_dir / ARCHIVE_DIR
    if not root.is_dir():
        return found
    for sums in sorted(root.glob(f"*/{SUMS_FILE}")):
        try:
            lines = sums.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            digest, _, name = line.partition("  ")
            if re.fullmatch(r"[0-9a-f]{64}", digest) and name:
                found.setdefault(digest, sums.parent / name.lstrip("*"))
    return found


MAX_NAME_BYTES = 255  # what ext4, NTFS and APFS allow in one path component


def fitted_name(name: str, reserve: int) -> str:
    """`name`, shortened (keeping its extension, with `~` and a hash of the whole name) when it
    and `reserve` bytes of suffixes added later (.errors.json, a digest) would not fit."""
    if len(name.encode("utf-8")) + reserve <= MAX_NAME_BYTES:
        return name
    suffix = Path(name).suffix
    suffix = suffix if len(suffix.encode("utf-8")) <= 16 else ""
    tag = "~" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    budget = MAX_NAME_BYTES - reserve - len(suffix.encode("utf-8")) - len(tag)
    stem = name[: len(name) - len(suffix)] if suffix else name
    cut = stem.encode("utf-8", "surrogateescape")[: max(budget, 1)].decode("utf-8", "ignore")
    return f"{cut}{tag}{suffix}"


def _unique_path(folder: Path, name: str, digest: str | None = None) -> Path:
    name = fitted_name(name, 32)  # room for .<digest>, -<n>, -r and .errors.json
    target = folder / name
    if not os.path.lexists(target):  # a link already there counts as taken, wherever it points
        return target
    stem, suffix = Path(name).stem, Path(name).suffix
    if digest:
        target = folder / f"{stem}.{digest[:8]}{suffix}"
        if not os.path.lexists(target):
            return target
    n = 2
    while os.path.lexists(folder / f"{stem}-{n}{suffix}"):
        n += 1
    return folder / f"{stem}-{n}{suffix}"


def _copy_hashing(source: Path, folder: Path) -> tuple[Path, str]:
    """Copy to a temporary name in `folder`, flushed to disk, hashing what was copied."""
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=".archiving.", suffix=".tmp", dir=folder)
    try:
        with open(fd, "wb") as out, open_regular(source) as src:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), digest.hexdigest()


def _write_text(path: Path, text: str) -> None:
    """Whole or not at all, like every output (a temporary name, flushed, renamed)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def archive(
    inputs_dir: Path, paths: Sequence[Path], today: dt.date, expected: dict[str, str] | None = None
) -> dict[str, Path]:
    """Copy each file to archive/<today>/ unless identical content is already archived
    (on any date). `expected` (name -> sha256 at discovery) catches a file that changed
    while the run was starting."""
    folder = inputs_dir / ARCHIVE_DIR / today.isoformat()
    known = archived_digests(inputs_dir)
    done: dict[str, Path] = {}
    new_lines: list[str] = []
    try:
        for path in paths:
            if entry_type(path) is not None:
                continue  # only regular files are archived (a link's target never is)
            want = (expected or {}).get(path.name)
            seen = want or sha256_of(path)
            if seen in known:  # identical content is kept once
                done[path.name] = known[seen]
                continue
            folder.mkdir(parents=True, exist_ok=True)
            tmp, digest = _copy_hashing(path, folder)
            if want and want != digest:
                tmp.unlink(missing_ok=True)
                raise ConfigError(
                    f"文件在读取过程中被修改（可能仍在复制或保存）：{path.name}；请等待完成后重新运行",
                    f"the file changed while the run was starting (still being copied or saved?): {path.name}; run again when it is complete",
                    file=str(path),
                )
            if digest in known:
                tmp.unlink(missing_ok=True)
                done[path.name] = known[digest]
                continue
            target = _unique_path(folder, path.name, digest)
            os.replace(tmp, target)
            known[digest] = target
            done[path.name] = target
            new_lines.append(f"{digest}  {target.name}\n")
        if new_lines:
            sums = folder / SUMS_FILE
            previous = sums.read_text(encoding="utf-8") if sums.is_file() else ""
            _write_text(sums, previous + "".join(new_lines))
    except OSError as exc:
        raise ConfigError(
            f"无法把输入文件存档到 {folder}（磁盘已满或没有写权限？）：{exc.strerror or exc}",
            f"cannot archive the inputs to {folder} (disk full or not writable?): {exc.strerror or exc}",
            file=str(folder),
        ) from exc
    return done


def rejection_text(name: str, issues: Sequence[Issue], digest: str | None, today: dt.date) -> str:
    lines = [f"文件 File: {name}", f"收到日期 Received: {today.isoformat()}"]
    if digest:
        lines.append(f"sha256: {digest}")
    lines += ["", "整个文件未被使用，原因 The whole file was not used because:"]
    for issue in issues:
        lines += [f"- {issue.text_zh()}", f"  {issue.text_en()}"]
    lines += [
        "",
        "请按上述说明修改后，重新放入 inputs 文件夹。原文件保存在此处，未作任何改动。",
        "Fix it as described and drop it into the inputs folder again. The original is kept here, unchanged.",
    ]
    return "\n".join(lines) + "\n"


def quarantine(inputs_dir: Path, issues: Iterable[Issue], today: dt.date) -> dict[str, Path]:
    """Move each file rejected as a whole to rejected/, with <name>.errors.json and .txt beside it."""
    folder = inputs_dir / REJECTED_DIR
    moved: dict[str, Path] = {}
    try:
        for name, problems in whole_file_issues(issues).items():
            source = inputs_dir / name
            what = entry_type(source)
            if what == "missing" or source.parent != inputs_dir:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            digest = sha256_of(source) if what is None else None  # a link is moved, never read
            target = _unique_path(folder, name, digest)
            while Path(f"{target}.errors.json").exists():
                target = _unique_path(folder, f"{target.stem}-r{target.suffix}", digest)
            os.replace(source, target)
            body = {
                "file": name,
                "moved_to": f"{REJECTED_DIR}/{target.name}",
                "received": today.isoformat(),
                "sha256": digest,
                "issues": [i.as_dict() for i in problems],
            }
            _write_text(Path(f"{target}.errors.json"), json.dumps(body, ensure_ascii=False, indent=2) + "\n")
            _write_text(Path(f"{target}.errors.txt"), rejection_text(name, problems, digest, today))
            moved[name] = target
    except OSError as exc:
        raise ConfigError(
            f"无法把被拒绝的文件移到 {folder}：{exc.strerror or exc}",
            f"cannot move a rejected file to {folder}: {exc.strerror or exc}",
            file=str(folder),
        ) from exc
    return moved


def archive_and_quarantine(
    inputs_dir: Path, files: Sequence[InputFile], issues: Sequence[Issue], today: dt.date | None = None
) -> Intake:
    """Keep a copy of every input (the files, the files named in `issues`, and the office's
    configuration files), then move files rejected as a whole out of the drop folder.
    `today` names the archive folder: the run's date, not document content."""
    today = today or dt.date.today()
    names = {f.path.name for f in files} | {i.file for i in issues if i.row is None}
    names |= {n for n in CONFIG_FILES if (inputs_dir / n).is_file()}
    paths = [inputs_dir / n for n in sorted(names) if entry_type(inputs_dir / n) is None]
    archived = archive(inputs_dir, paths, today, {f.path.name: f.sha256 for f in files})
    return Intake(archived=archived, rejected=quarantine(inputs_dir, issues, today))
