"""The history store: every run of every period, append-only.

Embedded SQLite (outputs/history.sqlite) by default, nothing to start; a SQLAlchemy URL in
VENDORFLOW_HISTORY_URL (postgresql://… is read as postgresql+psycopg://…, psycopg 3: the
`postgres` extra) when several machines share it. With PostgreSQL, the period lock is a
database advisory lock (`advisory_lock`), so it holds across machines.
A rerun of a period supersedes the earlier run's results but never deletes them: who ran
what, when, from which inputs stays on record (知识管理 / 监督与改进).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import socket
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError, OperationalError

from pipeline.compute.month import PastResult
from pipeline.errors import HistoryError, PeriodBusy
from pipeline.periods import Period

# SQLite has no decimal type: SQLAlchemy stores NUMERIC as a float and returns it as a Decimal
# at the column's scale (exact to the fen for any amount below 10^13); the warning says so.
warnings.filterwarnings("ignore", r"Dialect sqlite\+pysqlite does \*not\* support Decimal", sa.exc.SAWarning)

metadata = sa.MetaData()
MONEY = sa.Numeric(18, 2)  # to the fen, exactly (schema revision 0002)
SCORE = sa.Numeric(9, 2)
SCHEMA_HEAD = "0005"  # the revision this release writes; older stores are migrated forward
MIGRATIONS = Path(__file__).with_name("migrations")

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("flow", sa.String(32), nullable=False),
    sa.Column("period", sa.String(16), nullable=False, index=True),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("run_by", sa.String(128)),
    sa.Column("host", sa.String(256)),
    sa.Column("policy_sha256", sa.String(64)),
    sa.Column("inputs_json", sa.Text),
    sa.Column("superseded_by", sa.String(36)),
    sa.Column("superseded_at", sa.String(32)),
)
results = sa.Table(
    "results",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("supplier_id", sa.String(64), nullable=False),
    sa.Column("name_zh", sa.Text),
    sa.Column("name_en", sa.Text),
    sa.Column("category", sa.String(32)),
    sa.Column("rated", sa.Boolean, nullable=False),
    sa.Column("score", SCORE),
    sa.Column("grade", sa.String(8)),
    sa.Column("kpis_json", sa.Text),
    sa.Column("penalties", MONEY),
    sa.Column("rewards", MONEY),
    sa.Column("payable", MONEY),
    sa.Column("currency", sa.String(8)),
    sa.Column("incidents_json", sa.Text),
    # revision 0003: the contract lines' amount and the payable net of VAT and its VAT (NULL before)
    sa.Column("base", MONEY),
    sa.Column("tax_exclusive", MONEY),
    sa.Column("vat", MONEY),
)
flags = sa.Table(
    "flags",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("supplier_id", sa.String(64)),
    sa.Column("code", sa.String(48), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("message_zh", sa.Text),
    sa.Column("message_en", sa.Text),
)
actions = sa.Table(
    "actions",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("supplier_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(48), nullable=False),
    sa.Column("status_from", sa.String(16)),
    sa.Column("status_to", sa.String(16)),
    sa.Column("reason_zh", sa.Text),
    sa.Column("reason_en", sa.Text),
)
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("doc_type", sa.String(48)),
    sa.Column("supplier_id", sa.String(64)),
)
# Deductions a settlement could not absorb (its payable would have gone below zero): a
# receivable, per supplier and currency, that the next period's settlement sets off.
receivables = sa.Table(
    "receivables",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("supplier_id", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(8), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
)
# What became of the findings (revision 0004): the appeals decided in the month, against their
# incident's original period, the improvement plans as of the month's last day and (revision
# 0005) the month's site inspections.
follow_ups = sa.Table(
    "follow_ups",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("supplier_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(40), nullable=False),
    sa.Column("source", sa.String(40)),
    sa.Column("original_period", sa.String(16)),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("date", sa.String(10)),
    sa.Column("by", sa.Text),
    sa.Column("amount", MONEY),
    # revision 0005: the facts behind the status (a plan's issue and measures, an appeal's grounds
    # and reasons, an inspection's findings), as JSON; NULL in rows written before
    sa.Column("detail_json", sa.Text),
)
# The policy each run used, kept whole (by its sha256), so that a quarterly review or a look at
# history months later scores as those months were scored, from any folder.
policies = sa.Table(
    "policies",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("source", sa.Text),  # the file's name when it was recorded
    sa.Column("text", sa.Text, nullable=False),  # policy.yaml as it was, UTF-8
    sa.Column("recorded_at", sa.String(32), nullable=False),
)
# The distribution ledger: one row per document per message attempt. A row is written as
# "sending" before the SMTP transaction and completed after it, so a crash in between is
# visible (and the retry reuses the same Message-ID) instead of silently lost.
sends = sa.Table(
    "sends",
    metadata,
    sa.Column("attempt_id", sa.String(36), nullable=False, index=True),
    sa.Column("period", sa.String(16), nullable=False, index=True),
    sa.Column("recipient_group", sa.String(64), nullable=False),  # supplier_id, or "@internal" for management
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("doc_type", sa.String(48)),
    sa.Column("message_id", sa.Text, nullable=False),
    sa.Column("correction", sa.Boolean, nullable=False, default=False),
    sa.Column("envelope_json", sa.Text),  # addresses this attempt tried
    sa.Column("delivered_json", sa.Text),  # addresses the server accepted
    sa.Column("result", sa.String(16), nullable=False),  # sending | sent | partial | failed
    sa.Column("error", sa.Text),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("sent_at", sa.String(32)),
    sa.Column("run_by", sa.String(128)),
)


def engine_url(url: str) -> str:
    """postgresql:// and postgres:// through psycopg 3 (SQLAlchemy's default would be psycopg2)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def _lock_key(name: str) -> int:
    """A 64-bit advisory lock key for a period (or any run folder), the same on every machine."""
    return int.from_bytes(hashlib.sha256(f"vendorflow:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def advisory_lock(url: str, name: str, holder: str, wait_seconds: float = 0) -> Iterator[None]:
    """Hold PostgreSQL's session advisory lock for `name` on a connection of its own for the
    block (the server releases it if this process dies), waiting up to `wait_seconds`; after
    that, PeriodBusy naming the holder (its application_name and address)."""
    engine = sa.create_engine(
        engine_url(url), poolclass=sa.pool.NullPool, connect_args={"application_name": holder[:63]}
    )
    key = _lock_key(name)
    where = url.split("@")[-1]
    try:
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise HistoryError(where, exc) from exc
    try:
        deadline = time.monotonic() + max(wait_seconds, 0)
        while not conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar():
            if time.monotonic() >= deadline:
                row = conn.execute(
                    sa.text(
                        "SELECT a.application_name, a.client_addr FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                        "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
                    ),
                    {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
                ).first()
                who = f"{row.application_name or '?'} from {row.client_addr or 'local'}" if row else "another run"
                raise PeriodBusy(name, f"{who} (database lock at {where})")
            time.sleep(0.2)
        try:
            yield
        finally:
            try:
                conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
            except (DatabaseError, OperationalError):
                pass  # the connection is gone: so is the lock
    except (DatabaseError, OperationalError) as exc:
        raise HistoryError(where, exc) from exc
    finally:
        conn.close()
        engine.dispose()


def _transactional_ddl(engine) -> None:
    """pysqlite commits before every DDL statement by itself; with BEGIN emitted here instead, a
    migration (and every write) is one real transaction (SQLAlchemy's documented recipe)."""

    @sa.event.listens_for(engine, "connect")
    def _no_implicit(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")


def _revision(conn) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _bring_to_head(conn, migrate: bool, where: str) -> str | None:
    """Create a new store at this release's schema, or migrate an older one forward (on the
    caller's transaction: all or nothing). Returns the revision it was found at (None: new)."""
    from alembic import command
    from alembic.config import Config

    tables = set(sa.inspect(conn).get_table_names())
    current = _revision(conn)
    if current is None and "runs" not in tables:  # a new store
        metadata.create_all(conn)
        _stamp(conn, SCHEMA_HEAD)
        return None
    found = current or "0000"  # tables but no version: written before the schema was versioned
    if current == SCHEMA_HEAD:
        return current
    if current is not None and current > SCHEMA_HEAD:
        raise HistoryError(
            where,
            f"历史数据库的结构版本 {current} 比本版本（{SCHEMA_HEAD}）新：请升级 vendorflow / "
            f"the store's schema {current} is newer than this release's ({SCHEMA_HEAD}): upgrade vendorflow",
        )
    if not migrate:
        raise HistoryError(
            where,
            f"历史数据库的结构版本为 {found}，本版本需要 {SCHEMA_HEAD}：去掉 VENDORFLOW_HISTORY_MIGRATE=never "
            f"即可自动升级（先备份） / the store's schema is {found} and this release needs {SCHEMA_HEAD}: "
            "unset VENDORFLOW_HISTORY_MIGRATE=never to migrate it (back it up first)",
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    if current is None:
        command.upgrade(config, "0001")  # the baseline: whatever tables were missing
    command.upgrade(config, "head")
    return found


def _stamp(conn, revision: str) -> None:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.execute(sa.text("DELETE FROM alembic_version"))
    conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": revision})


def default_url(outputs_dir: Path) -> str:
    """The embedded default: an SQLite file beside the period folders."""
    return f"sqlite:///{(outputs_dir / 'history.sqlite').resolve()}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


class HistoryStore:
    def __init__(self, url: str, migrate: bool = True):
        """Open (or create) the store. A store an earlier release wrote is migrated forward to
        this release's schema in one transaction, unless `migrate` is false: then it is refused
        with a message saying so (HistoryError), and nothing is changed."""
        self.url = url
        try:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = sa.create_engine(engine_url(url), future=True)
            if self.engine.dialect.name == "sqlite":
                _transactional_ddl(self.engine)
            # Runs opening a new (or older) store at once: one creates or migrates it, the others
            # wait for it and find it done (SQLite: the write lock from the start; PostgreSQL: a
            # transaction advisory lock, as CREATE TABLE races in pg_type otherwise).
            with self.engine.connect() as conn:
                conn.execution_options(immediate=True)
                with conn.begin():
                    if url.startswith("sqlite"):
                        conn.exec_driver_sql("PRAGMA quick_check").fetchall()
                    elif self.engine.dialect.name == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key("store schema"))))
                    self.schema_from = _bring_to_head(conn, migrate, self.where())
        except (DatabaseError, OperationalError) as exc:
            raise HistoryError(self.where(), exc) from exc

    @property
    def schema(self) -> str:
        with self._connect() as conn:
            return _revision(conn) or ""

    def where(self) -> str:
        return self.url.removeprefix("sqlite:///") if self.url.startswith("sqlite:///") else self.url.split("@")[-1]

    @classmethod
    def for_outputs(cls, outputs_dir: Path, url: str | None = None, migrate: bool = True) -> HistoryStore:
        """The store at `url` (the settings' VENDORFLOW_HISTORY_URL), else the SQLite file in `outputs_dir`."""
        return cls(url or default_url(outputs_dir), migrate)

    def begin_run(
        self,
        flow: str,
        period: str,
        policy_sha256: str,
        inputs: Sequence[dict[str, Any]],
        policy_text: str | None = None,
        policy_source: str = "",
    ) -> str:
        """A run starts: who, where, which inputs, and the policy it uses (kept once per sha256)."""
        run_id = str(uuid.uuid4())
        with self._begin() as conn:
            if policy_text is not None and policy_sha256:
                known = conn.execute(sa.select(policies.c.sha256).where(policies.c.sha256 == policy_sha256)).first()
                if known is None:
                    conn.execute(
                        policies.insert().values(
                            sha256=policy_sha256, source=policy_source, text=policy_text, recorded_at=_now()
                        )
                    )
            conn.execute(
                runs.insert().values(
                    run_id=run_id,
                    flow=flow,
                    period=period,
                    started_at=_now(),
                    status="running",
                    run_by=_user(),
                    host=socket.gethostname(),
                    policy_sha256=policy_sha256,
                    inputs_json=json.dumps(sorted(inputs, key=lambda i: i["path"]), ensure_ascii=False),
                )
            )
        return run_id

    def complete_run(
        self,
        run_id: str,
        period: str,
        flow: str,
        rows: Iterable[dict[str, Any]],
        flag_rows: Iterable[dict[str, Any]],
        action_rows: Iterable[dict[str, Any]],
        document_rows: Iterable[dict[str, Any]],
        receivable_rows: Iterable[dict[str, Any]] = (),
        follow_up_rows: Iterable[dict[str, Any]] = (),
    ) -> None:
        """Record the run's results and mark earlier completed runs of the period superseded, in one transaction."""
        stamp = _now()
        with self._begin() as conn:
            for table, data in (
                (results, rows),
                (flags, flag_rows),
                (actions, action_rows),
                (documents, document_rows),
                (receivables, receivable_rows),
                (follow_ups, follow_up_rows),
            ):
                data = [dict(d, run_id=run_id, period=period) for d in data]
                if data:
                    conn.execute(table.insert(), data)
            conn.execute(
                runs.update()
                .where(
                    (runs.c.period == period)
                    & (runs.c.flow == flow)
                    & (runs.c.status == "completed")
                    & runs.c.superseded_by.is_(None)
                )
                .values(superseded_by=run_id, superseded_at=stamp)
            )
            conn.execute(runs.update().where(runs.c.run_id == run_id).values(status="completed", finished_at=stamp))

    def policy_of(self, periods: Sequence[str], flow: str = "monthly") -> tuple[str, str, str] | None:
        """(sha256, source name, text) of the policy the latest current run among `periods` used."""
        query = (
            sa.select(policies.c.sha256, policies.c.source, policies.c.text)
            .join(runs, runs.c.policy_sha256 == policies.c.sha256)
            .where(
                (runs.c.status == "completed")
                & runs.c.superseded_by.is_(None)
                & (runs.c.flow == flow)
                & runs.c.period.in_(list(periods))
            )
            .order_by(runs.c.period.desc(), runs.c.finished_at.desc())
            .limit(1)
        )
        with self._connect() as conn:
            row = conn.execute(query).first()
        return (row.sha256, row.source or "policy.yaml", row.text) if row else None

    def fail_run(self, run_id: str) -> None:
        with self._begin() as conn:
            conn.execute(runs.update().where(runs.c.run_id == run_id).values(status="failed", finished_at=_now()))

    def current_results(self, periods: Sequence[str] | None = None, flow: str = "monthly") -> list[PastResult]:
        """Results of the latest completed, not superseded, run of each period."""
        query = (
            sa.select(results)
            .join(runs, runs.c.run_id == results.c.run_id)
            .where((runs.c.status == "completed") & runs.c.superseded_by.is_(None) & (runs.c.flow == flow))
        )
        if periods is not None:
            query = query.where(results.c.period.in_(list(periods)))
        done = (runs.c.status == "completed") & runs.c.superseded_by.is_(None) & (runs.c.flow == flow)
        notices = sa.select(actions.c.period, actions.c.supplier_id, actions.c.action).join(
            runs, runs.c.run_id == actions.c.run_id
        )
        notices = notices.where(done)
        with self._connect() as conn:
            issued: dict[tuple[str, str], list[str]] = {}
            for n in conn.execute(notices.order_by(actions.c.period, actions.c.supplier_id, actions.c.action)):
                issued.setdefault((n.period, n.supplier_id), []).append(n.action)
            return [
                PastResult(
                    period=r.period,
                    supplier_id=r.supplier_id,
                    rated=bool(r.rated),
                    score=_dec(r.score),
                    grade=r.grade,
                    penalties=_dec(r.penalties),
                    rewards=_dec(r.rewards),
                    payable=_dec(r.payable),
                    kpis=json.loads(r.kpis_json or "{}"),
                    incidents=json.loads(r.incidents_json or "[]"),
                    name_zh=r.name_zh or "",
                    name_en=r.name_en or "",
                    category=r.category or "",
                    actions=tuple(issued.get((r.period, r.supplier_id), ())),
                )
                for r in conn.execute(query.order_by(results.c.period, results.c.supplier_id))
            ]

    def carried_into(self, period: str) -> dict[str, dict[str, Decimal]]:
        """By supplier and currency, the receivables the current monthly run of the month before
        `period` carried forward: what `period`'s settlements set off."""
        before = Period.parse(period).previous().code
        out: dict[str, dict[str, Decimal]] = {}
        for r in self._current(receivables, [before]):
            out.setdefault(r["supplier_id"], {})[r["currency"]] = Decimal(r["amount"])
        return out

    def current_flags(self, periods: Sequence[str]) -> list[dict[str, Any]]:
        return self._current(flags, periods)

    def current_actions(self, periods: Sequence[str]) -> list[dict[str, Any]]:
        return self._current(actions, periods)

    def current_follow_ups(self, periods: Sequence[str]) -> list[dict[str, Any]]:
        """The appeals, plans and inspections the current run of each period recorded, by period,
        with `detail` (the facts behind the status; {} in rows written before revision 0005)."""
        rows = self._current(follow_ups, periods)
        for r in rows:
            r["detail"] = json.loads(r.pop("detail_json") or "{}")
            r["amount"] = _dec(r["amount"]) if r["amount"] is not None else None
        return sorted(rows, key=lambda r: (r["period"], r["supplier_id"], r["kind"], r["ref"]))

    def _current(self, table: sa.Table, periods: Sequence[str]) -> list[dict[str, Any]]:
        query = (
            sa.select(table)
            .join(runs, runs.c.run_id == table.c.run_id)
            .where(
                (runs.c.status == "completed")
                & runs.c.superseded_by.is_(None)
                & (runs.c.flow == "monthly")
                & table.c.period.in_(list(periods))
            )
        )
        with self._connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- for analysis: the same current rows as pandas DataFrames (pandas.read_sql) --------

    CURRENT_TABLES = ("results", "flags", "actions", "documents", "receivables", "follow_ups")

    def current_frame(
        self,
        table: str,
        periods: Sequence[str] | None = None,
        flow: str = "monthly",
        columns: Sequence[str] | None = None,
    ):
        """A table's rows of the current (completed, not superseded) run of each period, as a
        DataFrame; `periods` limits them, `columns` reads only those (with `period`, which
        orders them). Money and scores come as the store keeps them (Decimal from NUMERIC):
        the caller makes them Decimal at the fen."""
        import pandas as pd

        if table not in self.CURRENT_TABLES:
            raise ValueError(f"not a table of results: {table}")
        t = metadata.tables[table]
        chosen = list(t.c) if columns is None else [t.c[c] for c in dict.fromkeys(["period", *columns])]
        query = (
            sa.select(*chosen, runs.c.finished_at.label("recorded_at"))
            .join(runs, runs.c.run_id == t.c.run_id)
            .where((runs.c.status == "completed") & runs.c.superseded_by.is_(None) & (runs.c.flow == flow))
        )
        if periods is not None:
            query = query.where(t.c.period.in_(list(periods)))
        try:
            with self._connect() as conn:
                return pd.read_sql(query.order_by(t.c.period, t.c.supplier_id), conn)
        except (DatabaseError, OperationalError) as exc:
            raise HistoryError(self.where(), exc) from exc

    def runs_frame(self):
        """Every run, in the order they started (the audit trail), as a DataFrame."""
        import pandas as pd

        try:
            with self._connect() as conn:
                return pd.read_sql(sa.select(runs).order_by(runs.c.started_at, runs.c.run_id), conn)
        except (DatabaseError, OperationalError) as exc:
            raise HistoryError(self.where(), exc) from exc

    def audit(self, period: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(runs).order_by(runs.c.started_at, runs.c.run_id)
        if period:
            query = query.where(runs.c.period == period)
        with self._connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- distribution ledger -------------------------------------------------------------

    def begin_send(
        self,
        attempt_id: str,
        period: str,
        recipient_group: str,
        message_id: str,
        documents: Sequence[dict[str, Any]],
        envelope: Sequence[str],
    ) -> None:
        """Before the SMTP transaction: one "sending" row per document (path, sha256, doc_type, correction)."""
        stamp = _now()
        rows = [
            {
                "attempt_id": attempt_id,
                "period": period,
                "recipient_group": recipient_group,
                "path": d["path"],
                "sha256": d["sha256"],
                "doc_type": d.get("doc_type"),
                "message_id": message_id,
                "correction": bool(d.get("correction")),
                "envelope_json": json.dumps(list(envelope)),
                "result": "sending",
                "started_at": stamp,
                "run_by": _user(),
            }
            for d in documents
        ]
        with self._begin() as conn:
            conn.execute(sends.insert(), rows)

    def record_send(
        self, attempt_id: str, result: str, delivered: Sequence[str] = (), error: str | None = None
    ) -> None:
        """After the SMTP transaction: sent, partial (some recipients refused) or failed."""
        with self._begin() as conn:
            conn.execute(
                sends.update()
                .where(sends.c.attempt_id == attempt_id)
                .values(
                    result=result,
                    delivered_json=json.dumps(list(delivered)),
                    error=error,
                    sent_at=_now() if result in ("sent", "partial") else None,
                )
            )

    def sent_documents(self, period: str) -> list[dict[str, Any]]:
        """Every ledger row of the period, oldest first (planning decides what they mean)."""
        query = sa.select(sends).where(sends.c.period == period).order_by(sends.c.started_at, sends.c.attempt_id)
        with self._connect() as conn:
            out = []
            for r in conn.execute(query):
                row = dict(r._mapping)
                row["envelope"] = json.loads(row.pop("envelope_json") or "[]")
                row["delivered"] = json.loads(row.pop("delivered_json") or "[]")
                out.append(row)
            return out

    def _begin(self):
        return _Guard(self, self.engine.begin)

    def _connect(self):
        return _Guard(self, self.engine.connect)


class _Guard:
    """Turn driver errors into one HistoryError that says where the store is."""

    def __init__(self, store: HistoryStore, opener):
        self.store, self.opener, self.ctx = store, opener, None

    def __enter__(self):
        try:
            self.ctx = self.opener()
            return self.ctx.__enter__()
        except (DatabaseError, OperationalError) as exc:
            raise HistoryError(self.store.where(), exc) from exc

    def __exit__(self, *exc_info):
        try:
            return self.ctx.__exit__(*exc_info)
        except (DatabaseError, OperationalError) as exc:
            raise HistoryError(self.store.where(), exc) from exc


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
