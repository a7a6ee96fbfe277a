"""Rendering on a process pool writes exactly what rendering in one process writes."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_INPUTS

from pipeline.errors import RenderError
from pipeline.orchestration import parallel
from pipeline.publish.jobs import make_job, render_and_write

FIXTURES = ROOT / "tests" / "fixtures" / "contexts"
NAMES = ["review_report", "settlement_statement", "portfolio_summary"]


def jobs(n: int) -> list:
    contexts = {name: json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")) for name in NAMES}
    out = []
    for i in range(n):
        name = NAMES[i % len(NAMES)]
        context = json.loads(json.dumps(contexts[name]))
        context["org"]["name_en"] = f"Org {i}"  # every document different
        out.append(make_job(f"{name}/{i:04d}_{name}.docx", f"{name}.docx", context, name, f"S{i:04d}"))
    return out


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.docx"))}


def test_the_pool_writes_the_same_bytes_and_entries_as_one_process(tmp_path):
    work = jobs(45)
    seen: list[int] = []
    pooled = parallel.render_many(work, tmp_path / "pool", workers=2, chunk=7, min_parallel=0, progress=seen.append)
    single = render_and_write(tmp_path / "single", work)
    assert [w.path for w in pooled] == [j.relative_path for j in work]
    assert pooled == single
    assert files(tmp_path / "pool") == files(tmp_path / "single")
    assert sum(seen) == 45 and max(seen) <= 7 and len(seen) == 7


def test_workers_are_replaced_after_their_share_of_chunks(tmp_path):
    work = jobs(30)
    pooled = parallel.render_many(work, tmp_path / "pool", workers=2, chunk=3, max_tasks_per_child=1, min_parallel=0)
    assert pooled == render_and_write(tmp_path / "single", work)
    assert files(tmp_path / "pool") == files(tmp_path / "single")


def test_a_worker_grown_past_its_memory_limit_is_replaced(tmp_path, monkeypatch):
    """A worker that rendered a large document keeps its grown heap: once one is larger than
    `max_worker_mb` after a chunk, the pool takes no more and a fresh pool renders the rest."""
    pools: list[int] = []

    class Counted(parallel.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Counted)
    work = jobs(24)
    single = render_and_write(tmp_path / "single", work)
    roomy = parallel.render_many(work, tmp_path / "roomy", workers=2, chunk=2, min_parallel=0, max_worker_mb=100_000)
    assert roomy == single and len(pools) == 1  # 12 chunks, well within one pool's share
    pools.clear()
    tight = parallel.render_many(work, tmp_path / "tight", workers=2, chunk=2, min_parallel=0, max_worker_mb=1)
    assert tight == single and files(tmp_path / "tight") == files(tmp_path / "single")
    assert 3 <= len(pools) <= 12  # every worker is over 1 MB: each pool stops taking chunks after its first


def test_a_generator_of_jobs_is_consumed_a_few_chunks_ahead_of_the_rendering(tmp_path):
    """Contexts are built as the workers need them: when the first chunk comes back, the
    pool has pulled at most workers × IN_FLIGHT_PER_WORKER chunks (+1 for the next wave)."""
    work = jobs(60)
    pulled = 0
    pulled_at_first_result: list[int] = []

    def lazily():
        nonlocal pulled
        for job in work:
            pulled += 1
            yield job

    def progress(n: int) -> None:
        if not pulled_at_first_result:
            pulled_at_first_result.append(pulled)

    streamed = parallel.render_many(
        lazily(), tmp_path / "stream", workers=2, chunk=3, min_parallel=0, progress=progress, total=len(work)
    )
    assert streamed == render_and_write(tmp_path / "single", work)
    assert files(tmp_path / "stream") == files(tmp_path / "single")
    assert pulled == 60 and pulled_at_first_result[0] <= 3 * (2 * parallel.IN_FLIGHT_PER_WORKER + 1)


def test_monthly_jobs_stream_in_the_same_order_and_count_as_the_list(policy, sample_inputs):
    from pipeline.runs.monthly import choose_period, compute_stage, count_documents, document_jobs, iter_document_jobs
    from pipeline.runs.stages import load_stage, validate_stage

    validated = validate_stage(load_stage(sample_inputs))
    result = compute_stage(validated, policy, choose_period(validated, None))
    listed = document_jobs(result, policy, validated.issues)
    streamed = list(iter_document_jobs(result, policy, validated.issues))
    assert [j.relative_path for j in streamed] == [j.relative_path for j in listed]
    assert [j.fingerprint for j in streamed] == [j.fingerprint for j in listed]
    assert count_documents(result) == len(listed) == 40


def test_small_runs_render_in_this_process(tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a handful of documents")

    monkeypatch.setattr(parallel, "_run_wave", no_pool)
    assert len(parallel.render_many(jobs(5), tmp_path, workers=2)) == 5


def test_a_render_error_in_a_worker_reaches_the_caller_naming_the_document(tmp_path):
    work = jobs(20)
    bad = work[13]
    broken = dict(bad.context)
    del broken["supplier"]
    work[13] = make_job(bad.relative_path, bad.template, broken, bad.doc_type, bad.supplier_id)
    with pytest.raises(RenderError) as caught:
        parallel.render_many(work, tmp_path, workers=2, chunk=4, min_parallel=0)
    assert caught.value.document == bad.relative_path and "supplier" in str(caught.value)


def test_the_worker_count_is_configurable(monkeypatch):
    from pipeline.errors import ConfigError
    from pipeline.settings import ENV_WORKERS, Settings

    monkeypatch.setenv(ENV_WORKERS, "3")
    assert parallel.default_workers(Settings.from_env().render_workers) == 3
    monkeypatch.setenv(ENV_WORKERS, "many")
    with pytest.raises(ConfigError, match=ENV_WORKERS):
        Settings.from_env()
    monkeypatch.delenv(ENV_WORKERS)
    assert Settings.from_env().render_workers is None and parallel.default_workers(None) >= 1


def test_the_forkserver_preloads_modules_that_exist():
    import importlib

    for name in parallel.PRELOAD:
        importlib.import_module(name)


def test_the_months_jobs_cross_process_boundaries(policy, sample_inputs):
    from pipeline.runs.monthly import choose_period, compute_stage, document_jobs
    from pipeline.runs.stages import load_stage, validate_stage

    loaded = load_stage(sample_inputs)
    validated = validate_stage(loaded)
    result = compute_stage(validated, policy, choose_period(validated, None))
    month = document_jobs(result, policy, validated.issues)
    assert pickle.loads(pickle.dumps(month)) == month


def test_the_flow_renders_on_the_pool_and_matches_the_plain_run(tmp_path, prefect_harness, monkeypatch):
    from pipeline.orchestration.flows import monthly_flow
    from pipeline.runs.monthly import run_month

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 0)
    monkeypatch.setenv("VENDORFLOW_RENDER_WORKERS", "2")
    pooled = monthly_flow(inputs=str(inputs), outputs=str(tmp_path / "flow"))
    plain = run_month(inputs, tmp_path / "plain")
    assert pooled.documents == plain.documents > 30
    assert files(pooled.outputs) == files(plain.outputs)
    flow_manifest = json.loads((pooled.outputs / "manifest.json").read_text(encoding="utf-8"))
    plain_manifest = json.loads((plain.outputs / "manifest.json").read_text(encoding="utf-8"))
    assert flow_manifest["files"] == plain_manifest["files"]
