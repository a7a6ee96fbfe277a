"""The follow-up of findings as an auditor asks to see it: appeal decisions and improvement plans.

Each monthly run records, per supplier, the appeals decided in its month (against the incident's
original period, with the decision, the date and what it gave back) and the improvement plans as
of its last day (the notice they answer, their status, when they were closed and who verified
them). A new table; stores written before it simply have no rows for earlier months.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.run_id"), nullable=False, index=True),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("supplier_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # appeal | plan
        sa.Column("ref", sa.String(40), nullable=False),  # appeal_id, plan_id (or the notice still without one)
        sa.Column("source", sa.String(40)),  # the incident appealed, the notice a plan answers
        sa.Column("original_period", sa.String(16)),  # an appeal: the incident's month
        sa.Column("status", sa.String(24), nullable=False),  # upheld … rejected; open, done, overdue, missing …
        sa.Column("date", sa.String(10)),  # decided, or closed
        sa.Column("by", sa.Text),  # decided by, or verified by
        sa.Column("amount", sa.Numeric(18, 2)),  # what an appeal gave back
    )


def downgrade() -> None:
    op.drop_table("follow_ups")
