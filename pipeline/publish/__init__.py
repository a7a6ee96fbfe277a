"""Publish: every output written whole or not at all (`outputs`), the manifest written last,
render jobs that skip unchanged documents (`jobs`), the period lock (`locking`) and the
history store (`history`, the only module that speaks SQL)."""
