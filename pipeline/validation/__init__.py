"""Validation: each row against its JSON Schema (with the custom formats), then across rows
(keys, references, dates, permits, periods). A row with a problem is left out whole, with
every row that depends on it, and each problem is an `Issue` a clerk can act on."""
