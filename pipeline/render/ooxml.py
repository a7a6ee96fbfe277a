"""Microsoft's Open XML SDK validator (what Word and Excel check a file against; LibreOffice
forgives what they do not), run through Node with the npm package @ooxml-tools/validate.

The validator is optional at run time: `vendorflow templates check` uses it when `node` and
`tools/ooxml/node_modules` are there (``cd tools/ooxml && npm install``) and says so when they
are not; the test suite requires it in CI. One Node process validates every file given (the
SDK's start-up costs seconds, a file then milliseconds), and is killed if it overruns.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TOOL_DIR = Path(__file__).resolve().parents[2] / "tools" / "ooxml"
SCRIPT = TOOL_DIR / "validate_many.mjs"
PACKAGE = TOOL_DIR / "node_modules" / "@ooxml-tools" / "validate"


@dataclass(frozen=True)
class SchemaError:
    """One error the SDK reports: which part, where in it, what."""

    id: str
    description: str
    part: str
    xpath: str

    def __str__(self) -> str:
        return f"{self.part} {self.xpath}: {self.description}"


def available() -> bool:
    return shutil.which("node") is not None and SCRIPT.is_file() and PACKAGE.is_dir()


def install_hint() -> tuple[str, str]:
    return (
        f"未安装 Open XML SDK 校验器：请安装 Node.js，并在 {TOOL_DIR} 中运行 npm install",
        f"the Open XML SDK validator is not installed: install Node.js and run npm install in {TOOL_DIR}",
    )


def validate(paths: Sequence[Path], timeout: float = 600) -> dict[Path, list[SchemaError]]:
    """Schema errors of each .docx/.xlsx in `paths` (an empty list: valid). Raises RuntimeError
    when the validator is missing or fails."""
    if not paths:
        return {}
    if not available():
        raise RuntimeError(install_hint()[1])
    node = shutil.which("node")
    try:
        done = subprocess.run(
            [node, str(SCRIPT), *map(str, paths)], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed it: nothing outlives the call
        raise RuntimeError(f"the Open XML SDK validator took more than {timeout:.0f} s") from exc
    if done.returncode not in (0, 1):
        raise RuntimeError(f"the Open XML SDK validator failed: {done.stderr.strip()[-500:]}")
    found = json.loads(done.stdout)
    return {
        Path(p): [SchemaError(e["id"], e["description"], e.get("part") or "", e.get("xpath") or "") for e in errors]
        for p, errors in found.items()
    }
