"""`vendorflow serve`: the monthly deployment on its cron schedule, and a local Prefect server
when none is configured.

Prefect's schedules fire only with an API server running (the ephemeral API of `vendorflow
run` lives only as long as one run), so with no PREFECT_API_URL `serve` starts `prefect
server start` on 127.0.0.1 as a child process group with its own PREFECT_HOME under
outputs/.prefect, and stops the whole group when it stops (Ctrl-C, SIGTERM, or an error).
The period of a scheduled run is computed when it runs, from its scheduled time in the
schedule's time zone (06:00 on 1 December in Shanghai is still 30 November in UTC).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.orchestration import database
from pipeline.orchestration.schedule import PREVIOUS_MONTH, Schedule, next_runs

MONTHLY_DEPLOYMENT = "vendorflow-monthly"
REVIEW_DEPLOYMENT = "vendorflow-review"


# ----------------------------------------------------------------------------- pure helpers


# ----------------------------------------------------------------------------- local server


DEFAULT_PORT = 4200  # Prefect's own default: the UI is where a Prefect user looks for it
SERVER_FILE = "server.json"  # in the Prefect home while `serve` runs: how CLI runs find its server


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def running_server(home: Path, timeout: float = 1.0) -> str | None:
    """The API URL of a `serve` running with this Prefect home, if it answers now."""
    try:
        url = json.loads((home / SERVER_FILE).read_text(encoding="utf-8"))["url"]
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as answer:
            return url if answer.status == 200 else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec (Linux)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _signal(process: subprocess.Popen, force: bool) -> None:
    """SIGTERM (or SIGKILL when `force`) to the process's group on POSIX; terminate or kill on Windows."""
    if hasattr(os, "killpg"):
        os.killpg(process.pid, signal.SIGKILL if force else signal.SIGTERM)
    elif force:
        process.kill()
    elif process.poll() is None:
        process.terminate()
    else:
        raise ProcessLookupError(process.pid)


class LocalServer:
    """`prefect server start` on 127.0.0.1 in its own process group, its own PREFECT_HOME."""

    def __init__(
        self,
        home: Path,
        port: int | None = None,
        host: str = "127.0.0.1",
        ui: bool = True,
        log: str = "server.log",
        database_cache: Path | None = None,
    ) -> None:
        """`database_cache`: where the migrated, empty Prefect database is kept (`database`): a new
        home starts from it, and a server that had to migrate a new database leaves it there."""
        self.home, self.host, self.ui = Path(home).resolve(), host, ui
        self.port = port or free_port(host)
        self.process: subprocess.Popen | None = None
        self.log = self.home / log
        self.database_cache = database_cache
        self.migrates = False  # this server creates its database (nothing was kept to start from)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env["PREFECT_HOME"] = str(self.home)
        # A database URL set by the operator (e.g. PostgreSQL) is kept; else SQLite in this home.
        env.setdefault("PREFECT_API_DATABASE_CONNECTION_URL", f"sqlite+aiosqlite:///{self.home / 'prefect.db'}")
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        env.setdefault("DO_NOT_TRACK", "1")
        return env

    def start(self, timeout: float = 120) -> str:
        self.launch()
        try:
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self.url

    def launch(self) -> None:
        """Start the server's process and return at once (`wait_healthy` waits for it)."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self.database_cache is not None and database.own_database(os.environ):
            new = not (self.home / database.DATABASE).exists()
            self.migrates = new and not database.seed(self.home, self.database_cache)
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", self.host, "--port", str(self.port)]
        command += [] if self.ui else ["--no-ui"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConfigError(
                    f"Prefect 服务器启动失败（退出码 {self.process.returncode}），见日志",
                    f"the Prefect server did not start (exit {self.process.returncode}); see its log",
                    file=str(self.log),
                    details=[self.tail()],
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        if self.migrates:  # migrated, block types registered, nothing recorded yet
                            self.migrates = not database.keep(self.home, self.database_cache)
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        raise ConfigError(
            f"Prefect 服务器 {timeout:.0f} 秒内未就绪",
            f"the Prefect server was not ready within {timeout:.0f} s",
            file=str(self.log),
            details=[self.tail()],
        )

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> None:
        """Ask the server to stop (SIGTERM to its whole process group), then force it after
        `timeout` seconds. Windows has no process groups to signal: the process itself is
        terminated, then killed."""
        process = self.process
        if process is None:
            return
        for force, wait in ((False, timeout), (True, 10)):
            try:
                _signal(process, force)
            except (ProcessLookupError, PermissionError):
                break
            try:
                process.wait(wait)
                try:  # the leader is gone; anything it left in its group goes too
                    _signal(process, True)
                except (ProcessLookupError, PermissionError):
                    pass
                break
            except subprocess.TimeoutExpired:
                continue
        process.wait()
        self.process = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def configured_api_url() -> str:
    """PREFECT_API_URL as Prefect would see it (environment, profile, prefect.toml, .env),
    asked in a child process so this one's Prefect settings are not fixed before we decide."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    probe = subprocess.run(
        [sys.executable, "-c", "from prefect.settings import PREFECT_API_URL as u; print(u.value() or '')"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return probe.stdout.strip() if probe.returncode == 0 else ""


# ----------------------------------------------------------------------------- serving


def deployments(inputs: Path, outputs: Path, policy: Path | None, schedule: Schedule) -> list:
    """The monthly deployment on its cron schedule, and the periodic review on demand."""
    from prefect.schedules import Cron  # Prefect (~0.7 s) after the settings are checked

    from pipeline.orchestration.flows import monthly_flow, review_flow

    inputs, outputs = inputs.resolve(), outputs.resolve()
    monthly = monthly_flow.to_deployment(
        name=MONTHLY_DEPLOYMENT,
        schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
        parameters={
            "inputs": str(inputs),
            "outputs": str(outputs),
            "policy": str(policy.resolve()) if policy else None,
            "period": PREVIOUS_MONTH,
            "timezone": schedule.timezone,
        },
        tags=["vendorflow", "monthly"],
        description=f"月度评审（上个月）/ monthly review of the previous month — {schedule.cron} {schedule.timezone}",
    )
    review = review_flow.to_deployment(
        name=REVIEW_DEPLOYMENT,
        tags=["vendorflow", "review"],
        # without a policy the review scores with the one the history store kept for its months
        parameters={"outputs": str(outputs), "policy": str(policy.resolve()) if policy else None},
        description="季度/年度评审（手动，period = YYYY-Qn 或 YYYY）/ quarterly or annual review, on demand",
    )
    return [monthly, review]


class _Stop(KeyboardInterrupt):
    """SIGTERM before Prefect's runner has installed its own handler."""


def _on_sigterm(signum, frame):
    raise _Stop()


def serve(
    inputs: Path,
    outputs: Path,
    policy: Path | None,
    schedule: Schedule,
    report: Callable[[str], None] = print,
    server_timeout: float = 120,
    port: int = DEFAULT_PORT,
) -> int:
    """Serve until stopped; a local server is started (and stopped) when none is configured, on
    `port`, and announced in its Prefect home so that CLI runs report to it (and show in its UI)."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    server: LocalServer | None = None
    try:
        url = configured_api_url()
        if url:
            report(f"使用 Prefect 服务器 Using the Prefect server at {url}")
        else:
            if not port_free(port):
                raise ConfigError(
                    f"端口 {port} 已被占用：可能已有 vendorflow serve 在运行；请用 --port 指定其他端口",
                    f"port {port} is in use (is vendorflow serve already running?): give another with --port",
                )
            server = LocalServer(outputs / ".prefect", port, database_cache=database.default_cache(os.environ))
            report(
                f"启动本地 Prefect 服务器 Starting a local Prefect server on {server.url} "
                f"(PREFECT_HOME {server.home}) …"
            )
            url = server.start(server_timeout)
            report(f"服务器已就绪 Server ready: {url.removesuffix('/api')}  (进程 pid {server.process.pid})")
            os.environ["PREFECT_API_URL"] = url
            (server.home / SERVER_FILE).write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
        when = ", ".join(t.strftime("%Y-%m-%d %H:%M %Z") for t in next_runs(schedule, dt.datetime.now(dt.UTC)))
        report(
            f"计划 Schedule: {schedule.cron} ({schedule.timezone}) — 处理上个月 for the previous month; "
            f"接下来 next: {when}"
        )
        _serve_deployments(inputs, outputs, policy, schedule, url)
        return 0
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM before Prefect's runner took it over
        return 0
    finally:
        if server is not None:
            report("正在停止本地 Prefect 服务器 Stopping the local Prefect server …")
            (server.home / SERVER_FILE).unlink(missing_ok=True)
            server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        report("已停止 Stopped.")


def _serve_deployments(inputs: Path, outputs: Path, policy: Path | None, schedule: Schedule, url: str) -> None:
    import prefect  # after PREFECT_API_URL is set for this process
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # Prefect may have read its settings before PREFECT_API_URL was set (tests, embedding):
    # the context makes the URL win either way; flow-run subprocesses inherit the environment.
    with temporary_settings(updates={PREFECT_API_URL: url}):
        # Stopping pauses the schedule (pause_on_shutdown): no runs pile up that nobody executes;
        # the next `serve` resumes it. One run at a time: monthly and review share outputs/.
        prefect.serve(*deployments(inputs, outputs, policy, schedule), pause_on_shutdown=True, limit=1)


def _main_thread() -> bool:

    return threading.current_thread() is threading.main_thread()


@contextmanager
def server_started_early(timeout: float = 90) -> Iterator[Callable[[], AbstractContextManager]]:
    """A one-off command's Prefect server, started before the command imports the pipeline.

    Without an API to report to, Prefect starts a temporary server at a flow's first call and
    waits seconds for it. Started here instead, as the command begins, it boots on another core
    while the command imports the pipeline and checks its inputs. Yields `ready`: a context in
    which the flow runs against it (it waits until the server answers). The server (without its
    UI) keeps the run's history in the same Prefect home, is stopped with its whole process group
    when the command ends, and dies with the command if that is killed. With an API configured
    (PREFECT_API_URL, a profile, `vendorflow serve`, a test harness), nothing is started."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield nullcontext
        return
    server = LocalServer(
        Path(settings.home), ui=False, log="temporary-server.log", database_cache=database.default_cache(os.environ)
    )
    server.launch()

    @contextmanager
    def ready() -> Iterator[None]:
        server.wait_healthy(timeout)
        with temporary_settings(updates={PREFECT_API_URL: server.url}):
            try:
                yield
            finally:
                _deliver_logs_and_events()

    try:
        yield ready
    finally:
        server.stop()


def _deliver_logs_and_events(timeout: float = 30) -> None:
    """Before a server stops: the run's last logs and events delivered to it (its task runs are
    recorded from the events), and Prefect's workers that send them stopped, so that a later flow
    in this process (an embedding program, a test) starts its own towards its own API — as
    Prefect's test harness does when its server stops."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        try:
            service.drain_all(timeout=timeout, at_exit=False)
        except Exception:  # a worker never started, or one that cannot drain: nothing to deliver
            pass
