"""Each run is declared once: the plain runner and the Prefect flow execute the same stages,
and every run that writes an output folder holds that folder's period lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import PeriodBusy
from pipeline.publish.locking import period_lock
from pipeline.runs.contracts import run_contracts
from pipeline.runs.monthly import monthly
from pipeline.runs.runner import PlainRunner
from pipeline.settings import Settings

MONTHLY_STAGES = [
    "load-policy",
    "intake-and-load",
    "validate",
    "open-history",
    "compute",
    "analytics",
    "render-documents",
    "pdf",
    "publish",
    "record-history",
]


class Recording(PlainRunner):
    """The plain runner, noting each stage's name as it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.stages: list[str] = []

    def stage(self, name, fn, *args, retries=0, **kwargs):
        self.stages.append(name)
        return super().stage(name, fn, *args, retries=retries, **kwargs)


def test_the_monthly_run_is_the_declared_sequence_of_stages(sample_inputs, tmp_path):
    runner = Recording()
    summary = monthly(runner, Settings(), sample_inputs, tmp_path / "out", "2026-10")
    assert runner.stages == MONTHLY_STAGES
    assert summary.documents == 40 and summary.exit_code == 0


def test_the_portfolio_summary_is_rendered_after_the_pool_not_in_it(sample_inputs, tmp_path):
    """The document that lists every supplier goes to the run's own process once the pool's
    jobs are done (at 5,000 suppliers it would add 100 MB to a worker at work)."""
    import json

    events: list[tuple[str, str]] = []

    class Pool(PlainRunner):
        def render(self, jobs, root, total):
            written = []
            for job in jobs:
                events.append(("pool", job.doc_type))
                written += super().render([job], root, 1)
            events.append(("pool", "stopped"))
            return written

    summary = monthly(Pool(), Settings(), sample_inputs, tmp_path / "out", "2026-10")
    assert summary.documents == 40
    assert ("pool", "portfolio_summary") not in events and events[-1] == ("pool", "stopped")
    assert {t for _, t in events} >= {"review_report", "settlement_statement"}
    manifest = json.loads((tmp_path / "out" / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    portfolio = [f for f in manifest["files"] if f["doc_type"] == "portfolio_summary"]
    assert [f["path"] for f in portfolio] == ["summary/portfolio_2026-10.docx"]
    assert (tmp_path / "out" / "2026-10" / "summary" / "portfolio_2026-10.docx").stat().st_size == portfolio[0]["bytes"]


def test_the_flow_runs_the_same_stages_as_task_runs(sample_inputs, tmp_path, prefect_harness):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from pipeline.orchestration.flows import monthly_flow

    state = monthly_flow(inputs=str(sample_inputs), outputs=str(tmp_path / "out"), period="2026-10", return_state=True)
    assert state.is_completed() and state.result().documents == 40
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    by_start = sorted(runs, key=lambda r: r.expected_start_time)
    assert [r.name.rsplit("-", 1)[0] for r in by_start] == MONTHLY_STAGES
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(state.state_details.flow_run_id).name == "monthly-2026-10"


def test_the_contracts_run_waits_for_its_folder_s_lock(sample_inputs, tmp_path):
    out = tmp_path / "out"
    with period_lock(out, "2026-10"), pytest.raises(PeriodBusy) as busy:
        run_contracts(sample_inputs, out, period="2026-10")
    assert busy.value.period == "2026-10"
    assert not (out / "2026-10" / "manifest.json").exists()  # nothing written while another run held the folder
    summary = run_contracts(sample_inputs, out, period="2026-10")  # free again: the run completes
    assert summary.documents > 0 and (out / "2026-10" / "manifest.json").is_file()


def test_settings_come_from_the_environment_once_and_are_typed(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(tmp_path))
    monkeypatch.setenv("VENDORFLOW_HISTORY_URL", "sqlite:///x.sqlite")
    monkeypatch.setenv("VENDORFLOW_MAX_ROWS", "12")
    settings = Settings.from_env()
    assert settings.templates == tmp_path and settings.history_url == "sqlite:///x.sqlite"
    assert settings.limits.max_rows == 12 and settings.environ["VENDORFLOW_MAX_ROWS"] == "12"
    monkeypatch.setenv("VENDORFLOW_MAX_ROWS", "99")
    assert settings.limits.max_rows == 12  # a snapshot: nothing below reads the environment again
    with pytest.raises(TypeError):
        settings.environ["VENDORFLOW_MAX_ROWS"] = "1"  # read-only


def test_a_flow_after_the_run_command_in_the_same_process_records_its_task_runs(sample_inputs, tmp_path):
    """`vendorflow run` stops the Prefect server it started early; a later flow in the same
    process (an embedding program, a test) reports to its own API and its task runs are all
    recorded (Prefect's event worker no longer points at the stopped server, and draining it
    does not hang)."""
    import os
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import sys
        from prefect import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
        from prefect.testing.utilities import prefect_test_harness
        from pipeline.cli import main
        inputs, out = sys.argv[1], sys.argv[2]
        assert main(["run", "--period", "2026-10", "--inputs", inputs, "--outputs", out + "/cli"]) == 0
        from pipeline.orchestration.flows import monthly_flow
        with prefect_test_harness():
            state = monthly_flow(inputs=inputs, outputs=out + "/flow", period="2026-10", return_state=True)
            with get_client(sync_client=True) as client:
                runs = client.read_task_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
                )
            print(state.is_completed(), len(runs))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and not k.startswith("VENDORFLOW_")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), DO_NOT_TRACK="1", PREFECT_LOGGING_LEVEL="WARNING")
    done = subprocess.run(
        [sys.executable, "-c", script, str(sample_inputs), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == ["True", str(len(MONTHLY_STAGES))]
