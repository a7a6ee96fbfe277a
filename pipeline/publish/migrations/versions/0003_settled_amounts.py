"""Each supplier's month as the cost report needs it: the contract amount, net of VAT and VAT.

`results` kept the liquidated damages, rewards and payable; the cost analysis (summary/
analytics_<period>.xlsx) also shows what the contracts earned (`base`: the statement's contract
lines) and the payable split into its amount net of VAT (`tax_exclusive`) and its VAT (`vat`), per
supplier and period. Three NUMERIC columns, to the fen; rows recorded before this revision keep
them empty (NULL): the analysis says so rather than guess.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2)
COLUMNS = ("base", "tax_exclusive", "vat")


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        for column in COLUMNS:
            batch.add_column(sa.Column(column, MONEY, nullable=True))
