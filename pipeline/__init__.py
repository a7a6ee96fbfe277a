"""vendorflow: outsourced-supplier management (外包劳务与供应商管理).

The sub-packages are the stages of the data flow, in order:

    config/         policy.yaml, labels, header aliases, contract terms: loaded once, typed
    intake/         the drop folder: kinds by name, hostile-file guard, archive, quarantine
    load/           xlsx / csv / json -> raw tables with the spreadsheet's row numbers
    compute/        pure domain: scores, settlement, workforce, risk, consequences, selection, roll-ups
    validation/     JSON Schema per record and the cross-record checks -> valid records | issues
    render/         templates + contexts -> .docx / .xlsx bytes (compiled docxtpl engine, checks, PDF)
    documents/      the context each template receives, formatted in both languages
    publish/        outputs written whole, manifest, history store, period lock, render jobs
    distribute/     each supplier's own documents: plan, isolation check, messages, SMTP
    runs/           each command's run as plain stages (monthly, contracts, select, review, distribute)
    orchestration/  the same runs as Prefect flows; serve, watch, process pool, Dask
    cli.py          the `vendorflow` command line

Shared at the top: `errors` (every exception and its exit code; bilingual issues), `settings`
(the environment, read once at the edge), `periods` (a month), `identifiers` (USCC and ID-number
checks), `privacy` (masking).
"""
