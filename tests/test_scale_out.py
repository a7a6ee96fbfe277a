"""Scale-out as configuration: rendering on a Dask cluster writes what the process pool
writes; prefect.yaml declares the deployments an operator runs with `prefect deploy --all`."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_parallel import files, jobs

from pipeline.errors import RenderError
from pipeline.orchestration import dask as dask_render
from pipeline.orchestration import parallel
from pipeline.publish import jobs as render_jobs

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster: two worker processes, one thread each (rendering is CPU-bound)."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as local,
        Client(local) as client,
    ):
        pids = set(client.run(os.getpid).values())
        yield local, client, pids
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "a Dask worker process outlived its cluster"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def sha256s(root: Path) -> dict[str, str]:
    return {path: hashlib.sha256(data).hexdigest() for path, data in files(root).items()}


def test_dask_writes_the_same_bytes_and_entries_as_the_process_pool(tmp_path, cluster, monkeypatch):
    local, client, worker_pids = cluster
    work = jobs(40)
    seen: list[int] = []
    with monkeypatch.context() as patched:  # this process cannot render: the Dask workers must
        patched.setattr(render_jobs, "render_and_write", _refuse)
        on_dask = dask_render.render_on_dask(work, tmp_path / "dask", client=client, chunk=6, progress=seen.append)
    pooled = parallel.render_many(work, tmp_path / "pool", workers=2, chunk=6, min_parallel=0)
    assert on_dask == pooled
    assert [w.path for w in on_dask] == [j.relative_path for j in work]
    assert sha256s(tmp_path / "dask") == sha256s(tmp_path / "pool")
    assert len(sha256s(tmp_path / "dask")) == 40
    assert sum(seen) == 40 and max(seen) <= 6
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids


def _refuse(*args, **kwargs):
    raise AssertionError("rendered in the test process, not on the Dask workers")


def test_the_monthly_flow_renders_on_the_cluster_named_in_the_environment(
    tmp_path, cluster, monkeypatch, sample_inputs, prefect_harness
):
    """Same sample month twice: on the local pool, then with VENDORFLOW_DASK_ADDRESS set (the
    local pool refusing to run); the manifests list the same files with the same sha256."""
    local, _, _ = cluster
    from pipeline.orchestration import flows

    flows.monthly_flow(inputs=str(sample_inputs), outputs=str(tmp_path / "pool"), period="2026-10")
    monkeypatch.setenv("VENDORFLOW_DASK_ADDRESS", local.scheduler_address)

    def no_pool(*args, **kwargs):
        raise AssertionError("the local pool was used although a Dask address is set")

    monkeypatch.setattr(parallel, "render_many", no_pool)
    summary = flows.monthly_flow(inputs=str(sample_inputs), outputs=str(tmp_path / "dask"), period="2026-10")
    assert summary.rendered == summary.documents > 20

    def listed(root: Path) -> dict[str, str]:
        manifest = json.loads((root / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
        return {f["path"]: f["sha256"] for f in manifest["files"]}

    assert listed(tmp_path / "dask") == listed(tmp_path / "pool")
    assert sha256s(tmp_path / "dask") == sha256s(tmp_path / "pool")


def test_a_render_error_on_a_dask_worker_names_the_document(tmp_path, cluster):
    _, client, _ = cluster
    work = jobs(9)
    bad = work[4]
    broken = dict(bad.context)
    del broken["supplier"]
    from pipeline.publish.jobs import make_job

    work[4] = make_job(bad.relative_path, bad.template, broken, bad.doc_type, bad.supplier_id)
    with pytest.raises(RenderError) as caught:
        dask_render.render_on_dask(work, tmp_path, client=client, chunk=2)
    assert caught.value.document == bad.relative_path


def test_an_unreachable_scheduler_is_a_clear_bilingual_error():
    with pytest.raises(dask_render.DaskUnavailable, match="无法连接.*cannot reach"):
        dask_render.connect("tcp://127.0.0.1:9", timeout=2)


def test_prefect_yaml_declares_both_deployments_on_a_process_pool():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    deployments = {d["name"]: d for d in config["deployments"]}
    monthly, review = deployments["vendorflow-monthly"], deployments["vendorflow-review"]
    assert monthly["entrypoint"] == "pipeline/orchestration/flows.py:monthly_flow"
    assert review["entrypoint"] == "pipeline/orchestration/flows.py:review_flow"
    schedule = monthly["schedules"][0]
    assert (schedule["cron"], schedule["timezone"]) == ("0 6 1 * *", "Asia/Shanghai")
    assert monthly["parameters"]["period"] == "previous-month"
    assert monthly["work_pool"]["name"] == review["work_pool"]["name"] == "vendorflow-pool"
    assert any("prefect.deployments.steps.set_working_directory" in step for step in config["pull"])
    for d in deployments.values():  # every entrypoint names a flow that exists
        module, name = d["entrypoint"].split(":")
        assert (ROOT / module).is_file() and f"def {name}(" in (ROOT / module).read_text(encoding="utf-8")
