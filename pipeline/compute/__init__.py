"""The functional core: plain functions over validated records and the policy, returning facts.

`month` (the month's result per supplier), `scoring`, `settlement`, `money`, `workforce`,
`risk`, `consequences`, `trend`, `rollup` (quarterly and annual), `selection`. Nothing here
reads a file, the environment or a clock, and nothing imports Prefect or SQLAlchemy.
"""
