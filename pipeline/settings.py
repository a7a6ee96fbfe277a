"""The environment, read once, at the edge: `Settings.from_env()`.

The command line (and each worker process) calls it once and passes the typed result down;
nothing below reads `os.environ`. Configuration an office edits lives in policy.yaml
(`pipeline.config`); these are the deployment's settings:

| variable | default | what |
|---|---|---|
| VENDORFLOW_TEMPLATES | the shipped contract_templates/ | the templates folder |
| VENDORFLOW_HISTORY_URL | sqlite:///<outputs>/history.sqlite | the history store (a PostgreSQL URL can replace it) |
| VENDORFLOW_RENDER_WORKERS | the usable cores | render processes (1: render in this process) |
| VENDORFLOW_DASK_ADDRESS | none | render on this Dask scheduler instead of the local pool |
| VENDORFLOW_RENDER_SECONDS | 120 | the most one document may take to render (a template loop that never ends) |
| VENDORFLOW_MAX_FILE_MB, _MAX_UNCOMPRESSED_MB, _MAX_ZIP_RATIO, _MAX_ROWS, _MAX_COLUMNS, _MAX_CELLS | 50, 500, 100, 200000, 256, 5000000 | hostile-input limits |
| VENDORFLOW_SMTP_*, VENDORFLOW_INTERNAL_RECIPIENTS | none | distribution (checked by `pipeline.distribute.mailer`) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from pipeline.config.resources import SHIPPED_TEMPLATES
from pipeline.errors import ConfigError

MB = 1024 * 1024
ENV_TEMPLATES = "VENDORFLOW_TEMPLATES"
ENV_HISTORY_URL = "VENDORFLOW_HISTORY_URL"
ENV_HISTORY_MIGRATE = "VENDORFLOW_HISTORY_MIGRATE"  # never: refuse an older store instead of migrating it
ENV_WORKERS = "VENDORFLOW_RENDER_WORKERS"
ENV_DASK_ADDRESS = "VENDORFLOW_DASK_ADDRESS"
ENV_MAX_FILE_MB = "VENDORFLOW_MAX_FILE_MB"
ENV_MAX_UNCOMPRESSED_MB = "VENDORFLOW_MAX_UNCOMPRESSED_MB"
ENV_MAX_ZIP_RATIO = "VENDORFLOW_MAX_ZIP_RATIO"
ENV_MAX_ROWS = "VENDORFLOW_MAX_ROWS"
ENV_MAX_COLUMNS = "VENDORFLOW_MAX_COLUMNS"
ENV_RENDER_SECONDS = "VENDORFLOW_RENDER_SECONDS"
ENV_MAX_CELLS = "VENDORFLOW_MAX_CELLS"


@dataclass(frozen=True)
class Limits:
    """How much of an input file intake accepts before a parser sees it."""

    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 500 * MB
    max_zip_ratio: float = 100
    max_rows: int = 200_000
    max_columns: int = 256  # an input has a few dozen; XFD (16,384) is an attack on memory
    max_cells: int = 5_000_000  # rows × columns of the grid a parser builds (about 300 MB of cells)


@dataclass(frozen=True)
class Settings:
    templates: Path = SHIPPED_TEMPLATES
    history_url: str | None = None
    history_migrate: bool = True  # an older store is migrated forward when opened
    render_workers: int | None = None  # None: every usable core
    render_seconds: float = 120.0  # the most one document may take to render
    dask_address: str | None = None
    limits: Limits = field(default_factory=Limits)
    # every VENDORFLOW_* variable as it was, for the mail settings that check them in one place
    environ: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives; a malformed number is a ConfigError naming the variable."""
        env = dict(os.environ if environ is None else environ)
        ours = MappingProxyType({k: v for k, v in env.items() if k.startswith("VENDORFLOW_")})
        templates = ours.get(ENV_TEMPLATES, "").strip()
        workers = ours.get(ENV_WORKERS, "").strip()
        if workers and not (workers.isdigit() and int(workers) > 0):
            raise ConfigError(
                f"环境变量 {ENV_WORKERS} 应为正整数，当前为“{workers}”",
                f"environment variable {ENV_WORKERS} must be a positive whole number, not '{workers}'",
            )
        return cls(
            templates=Path(templates) if templates else SHIPPED_TEMPLATES,
            history_url=ours.get(ENV_HISTORY_URL, "").strip() or None,
            history_migrate=ours.get(ENV_HISTORY_MIGRATE, "").strip().lower() not in ("never", "no", "0", "false"),
            render_workers=int(workers) if workers else None,
            render_seconds=_number(ours, ENV_RENDER_SECONDS, 120),
            dask_address=ours.get(ENV_DASK_ADDRESS, "").strip() or None,
            limits=Limits(
                max_file_bytes=int(_number(ours, ENV_MAX_FILE_MB, 50) * MB),
                max_uncompressed_bytes=int(_number(ours, ENV_MAX_UNCOMPRESSED_MB, 500) * MB),
                max_zip_ratio=_number(ours, ENV_MAX_ZIP_RATIO, 100),
                max_rows=int(_number(ours, ENV_MAX_ROWS, 200_000)),
                max_columns=int(_number(ours, ENV_MAX_COLUMNS, 256)),
                max_cells=int(_number(ours, ENV_MAX_CELLS, 5_000_000)),
            ),
            environ=ours,
        )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(
            f"环境变量 {name} 应为数字，当前为“{raw}”", f"environment variable {name} must be a number, not '{raw}'"
        ) from None
    return value if value > 0 else default
