"""The orchestration shell: Prefect flows over the runs in `pipeline.runs`, `serve` (deployments
on a cron schedule with a local Prefect server), `watch` (the drop folder), `parallel` (a
process pool for rendering) and `dask` (rendering on a Dask cluster). The only place Prefect
is imported."""
