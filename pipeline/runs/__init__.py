"""Each command's run as plain stages, testable without Prefect: `monthly`, `contracts`,
`selection`, `review`, `distribution`, `blank_workbook`; `stages` holds the stages every run
begins with (intake and load, validate, policy). `pipeline.orchestration` executes the same
runs as Prefect flows."""
