"""Alembic migrations of the history store: each revision moves a store written by an earlier
release forward (`HistoryStore` runs them when it opens a store, in one transaction)."""
