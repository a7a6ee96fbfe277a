"""Distribution's pure parts: who receives which documents (`delivery`: plan, isolation check,
message composition, bundles) and the SMTP transport (`mailer`). The run that sends them,
with its ledger and lock, is `pipeline.runs.distribution`."""
