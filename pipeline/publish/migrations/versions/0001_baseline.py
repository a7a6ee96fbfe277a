"""Baseline: the history store as releases before schema versioning wrote it.

A store written by such a release has these tables (or some of them: `receivables` came last)
and no alembic_version; this revision creates what is missing and the store is then at 0001.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

metadata = sa.MetaData()

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
    sa.Column("score", sa.String(16)),
    sa.Column("grade", sa.String(8)),
    sa.Column("kpis_json", sa.Text),
    sa.Column("penalties", sa.String(24)),
    sa.Column("rewards", sa.String(24)),
    sa.Column("payable", sa.String(24)),
    sa.Column("currency", sa.String(8)),
    sa.Column("incidents_json", sa.Text),
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
    sa.Column("amount", sa.String(24), nullable=False),
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


def upgrade() -> None:
    metadata.create_all(op.get_bind(), checkfirst=True)
