"""The facts behind each follow-up, and the site inspections among them.

A follow-up row gains `detail_json`: what a reader of the quarterly supplier meeting brief
(供应商沟通会议纪要) and an auditor need besides the status — a plan's issue, measures, owner, due
date and the notice's deadline; an appeal's grounds and reasons; an inspection's inspector, items
checked and failed and its findings in both languages. Monthly runs from this revision also
record each site inspection of the month (kind `inspection`). Rows written before it have no
details (NULL): the brief shows their status alone.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_ups") as batch:
        batch.add_column(sa.Column("detail_json", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("follow_ups") as batch:
        batch.drop_column("detail_json")
