"""Money and scores as fixed-point numbers (NUMERIC), not text.

Scores were stored as the text the documents show ("46.56"), amounts the same; as NUMERIC they
sum and compare in SQL and in pandas without parsing, and stay exact (PostgreSQL keeps NUMERIC
exactly; SQLite returns it to two decimals). Existing values are converted in place.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2)
SCORE = sa.Numeric(9, 2)
COLUMNS = {
    "results": {"score": SCORE, "penalties": MONEY, "rewards": MONEY, "payable": MONEY},
    "receivables": {"amount": MONEY},
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column, kind in columns.items():
                extra = (
                    {"postgresql_using": f"NULLIF({column}, '')::{kind.compile(op.get_bind().dialect)}"}
                    if postgres
                    else {}
                )
                batch.alter_column(
                    column, type_=kind, existing_type=sa.String(24 if column != "score" else 16), **extra
                )
