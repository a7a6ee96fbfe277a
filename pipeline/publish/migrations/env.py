"""Alembic's entry point, run on the connection HistoryStore hands over (inside its transaction)."""

from alembic import context


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, render_as_batch=True)  # SQLite alters a table by copying it
    with context.begin_transaction():
        context.run_migrations()


try:
    context.config  # noqa: B018  (set only while Alembic runs migrations)
except AttributeError:  # imported by a scan of the package's modules: nothing to migrate
    pass
else:
    run()
