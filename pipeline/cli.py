"""`vendorflow` command line: the stable interface of DESIGN.md.

Exit codes: 0 success; 1 finished but some input was rejected (reported); 2 could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.table import Table

from pipeline.compute.consequences import ACTION_LABELS
from pipeline.config.policy import read_policy
from pipeline.errors import EXIT_CANNOT_RUN, ConfigError, Issue, VendorflowError, shown
from pipeline.orchestration import database as prefect_database
from pipeline.orchestration.serve import DEFAULT_PORT, running_server
from pipeline.periods import Period
from pipeline.privacy import mask_field
from pipeline.settings import Settings

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def escape(text: str) -> str:
    """Text bound for the terminal: rich markup escaped, and control characters and bidi
    overrides from input names shown as escapes (a file name cannot clear the screen)."""
    return _markup_escape(shown(str(text), newlines=True))


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def quiet_prefect(level: str = "WARNING", outputs: Path | None = None) -> None:
    """Before Prefect is imported: quiet logs, and no telemetry write racing the ephemeral API
    for its SQLite file (it prints "database is locked" tracebacks otherwise). With `outputs`,
    the run keeps its Prefect history in <outputs>/.prefect, the home `vendorflow serve` uses,
    and reports to that server when one is running there, so every run shows in its UI.
    Prefect reads these from the environment, so this edge sets them there (an operator's own
    PREFECT_HOME or PREFECT_API_URL wins). Prefect is imported inside the commands that run a
    flow, so `validate` and `template` start in a blink."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # a first run creates Prefect's database (migrations) before its temporary server answers:
    # 20 s (Prefect's default) is not always enough on a busy two-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if level == "WARNING":
        # The temporary server a run starts is a child process writing to this terminal: stopped
        # at exit, it could print SQLAlchemy's "Exception during reset" traceback of a cancelled
        # rollback after the run's own message. Its console handler (and this process's, which
        # log_prefect_to_file replaces by the log file) keeps silent below CRITICAL.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    if outputs is not None:
        home = (outputs / ".prefect").resolve()  # where `serve` keeps its server for these outputs
        if "PREFECT_HOME" not in os.environ and outputs.is_dir():  # never create the outputs folder here
            try:
                home.mkdir(exist_ok=True)  # Prefect's database is created in it
                os.environ["PREFECT_HOME"] = str(home)
            except OSError:
                pass  # an unwritable outputs folder: Prefect's own default home, and the run reports the folder
        url = None if os.environ.get("PREFECT_API_URL") else running_server(home)
        if url:
            os.environ["PREFECT_API_URL"] = url
        elif "PREFECT_HOME" in os.environ and prefect_database.own_database(os.environ):
            # a new home starts from the kept, migrated database: its server answers seconds sooner
            prefect_database.seed(Path(os.environ["PREFECT_HOME"]), prefect_database.default_cache(os.environ))


LOG: dict[str, Any] = {}  # where this command's Prefect log went (for the error message), and how to undo it


def log_prefect_to_file(outputs: Path) -> Path | None:
    """Prefect's log (and any traceback it prints) goes to <outputs>/.logs/vendorflow.log, not
    the terminal: the user sees our one bilingual message, which names this file."""
    import logging

    # a command that fails before writing anything leaves no outputs folder behind: until the
    # folder exists, the log goes to the temporary folder
    folder = outputs / ".logs" if outputs.is_dir() else Path(tempfile.gettempdir())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / "vendorflow.log", encoding="utf-8")
    except OSError:
        return None  # an unwritable outputs folder is reported by the preflight check
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    removed = []
    for name in ("", "uvicorn"):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if type(h).__name__ == "PrefectConsoleHandler"]:
            logger.removeHandler(old)
            removed.append((logger, old))
        logger.addHandler(handler)
    LOG.update(path=folder / "vendorflow.log", handler=handler, removed=removed)
    return LOG["path"]


def restore_logging() -> None:
    """Undo `log_prefect_to_file` (main() calls it last, so an embedding program keeps its logging)."""
    import logging

    handler = LOG.pop("handler", None)
    if handler is not None:
        for name in ("", "uvicorn"):
            logging.getLogger(name).removeHandler(handler)
        handler.close()
    for logger, old in LOG.pop("removed", []):
        logger.addHandler(old)
    LOG.pop("path", None)


def check_inputs(inputs: Path, policy: Path | None) -> None:
    """Before Prefect starts (seconds): the inputs folder exists and its policy is usable."""
    if not inputs.is_dir():
        raise ConfigError(
            "输入文件夹不存在：请用 --inputs 指定放置月度表格的文件夹",
            "the inputs folder does not exist: give the folder with the monthly spreadsheets with --inputs",
            file=str(inputs),
        )
    read_policy(policy or inputs / "policy.yaml").policy  # noqa: B018  (a bad policy stops here)


def check_outputs(outputs: Path) -> None:
    """The outputs folder can be created and written, before anything runs."""
    try:
        outputs.mkdir(parents=True, exist_ok=True)
        probe = outputs / f".vendorflow-write-check-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"输出文件夹无法写入（{exc.strerror or exc}）：请检查权限或磁盘空间，或用 --outputs 指定其他文件夹",
            f"the outputs folder cannot be written ({exc.strerror or exc}): check its permissions and free space, "
            "or give another folder with --outputs",
            file=str(outputs),
        ) from None


def _print_issues(issues: Sequence[Issue], limit: int = 50) -> None:
    table = Table(title="被拒绝的输入 Rejected input", show_lines=False)
    for header in ("文件 File", "行 Row", "列 Column", "值 Value", "问题 Problem"):
        table.add_column(header, overflow="fold")
    for issue in issues[:limit]:
        table.add_row(
            escape(issue.place),
            str(issue.row or "—"),
            escape(issue.column or "—"),
            escape(mask_field(issue.field, issue.value) or ""),
            escape(f"{issue.message_zh}\n{issue.message_en}"),
        )
    err_console.print(table)
    if len(issues) > limit:
        err_console.print(
            f"……另有 {len(issues) - limit} 条，见 validation_report.xlsx / {len(issues) - limit} more in validation_report.xlsx"
        )


def _print_rejection_summary(issues: Sequence[Issue], report: Path, first: int = 5) -> None:
    """After a run: counts per file, the first few problems, and where the full report is."""
    from pipeline.publish.outputs import issue_summary

    err_console.print(f"[bold yellow]被拒绝的输入 Rejected input[/bold yellow]: {len(issues)} 个问题 problems")
    for g in issue_summary(issues):
        where = escape(f"{g['file']} [{g['sheet']}]" if g["sheet"] else g["file"])
        what = (
            "整个文件未使用，已移至 inputs/rejected/ / whole file not used, moved to inputs/rejected/"
            if g["whole_file"]
            else f"{g['rows']} 行被排除 rows left out"
        )
        err_console.print(f"  {where}: {g['problems']} 个问题 problems，{what}", soft_wrap=True)
    for issue in issues[:first]:
        value = mask_field(issue.field, issue.value)
        shown = f" 「{value}」" if value else ""
        err_console.print(escape(f"  - {issue.place}{shown}: {issue.text_zh()} / {issue.text_en()}"), soft_wrap=True)
    if len(issues) > first:
        err_console.print(f"  ……另有 {len(issues) - first} 条 / {len(issues) - first} more")
    err_console.print(f"完整报告 Full report: {escape(str(report))}", soft_wrap=True)


def cmd_run(args: argparse.Namespace) -> int:
    check_inputs(args.inputs, args.policy)
    check_outputs(args.outputs)
    if args.pdf:
        from pipeline.render.pdf import require_libreoffice

        require_libreoffice()
    quiet_prefect(outputs=args.outputs)
    from pipeline.orchestration.serve import server_started_early

    with server_started_early() as prefect_ready:  # it boots while the pipeline is imported
        return _run_month(args, prefect_ready)


def _run_month(args: argparse.Namespace, prefect_ready) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.orchestration import flows
    from pipeline.runs.monthly import RunSummary

    log_prefect_to_file(args.outputs)

    progress = Progress(
        TextColumn("渲染文档 Rendering documents"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task_id = progress.add_task("render", total=None, rate="")

    def advance(n: int, total: int | None = None) -> None:
        if total is not None:
            progress.reset(task_id, total=total, rate="")
            return
        progress.advance(task_id, n)
        t = progress.tasks[0]
        if t.elapsed:
            progress.update(task_id, rate=f"{t.completed / t.elapsed:.1f} 份/秒 docs/s")

    flows.set_progress(advance)
    flows.warm_up_monthly()  # while the temporary Prefect server, if any, boots
    with progress, prefect_ready():
        summary: RunSummary = flows.monthly_flow(
            inputs=str(args.inputs),
            outputs=str(args.outputs),
            period=args.period,
            policy=str(args.policy) if args.policy else None,
            wait_seconds=args.wait,
            strict=args.strict,
            pdf=args.pdf,
        )
    flows.set_progress(None)
    if summary.issues:
        _print_rejection_summary(summary.issues, summary.outputs / "errors" / "validation_report.xlsx")
        if args.strict:
            err_console.print(
                "[red]--strict：输入有误，整个运行被拒绝，未生成文档 / input was rejected, so the whole run is: "
                "no documents were written[/red]"
            )
    grades = "  ".join(f"{g}: {n}" for g, n in sorted(summary.grades.items())) or "—"
    why = "（输入中最新的考核期间 the latest period in the inputs）" if summary.chosen == "latest" else ""
    console.print(f"[bold]期间 Period {summary.period}[/bold]{why}  评级 Grades  {grades}")
    if summary.stopped:
        err_console.print(
            f"[red]{summary.period} 的绩效评估全部被拒绝：未生成文档，只写了校验报告；改正后重新运行（不会改用更早的月份）/ "
            f"every evaluation of {summary.period} was rejected: no documents, only the validation report; "
            "correct the rows and run again (an earlier month is never used instead)[/red]"
        )
    console.print(
        f"文档 Documents: {summary.documents}（本次渲染 rendered this run: {summary.rendered}，"
        f"未变化 unchanged: {summary.documents - summary.rendered}）   被拒绝的行 Rejected rows: {summary.rejected_rows}"
        + (f"   PDF: {summary.pdfs}（pdf/）" if summary.pdfs else "")
    )
    for file, sheet, headers in summary.ignored_columns:
        where = f"{file} [{sheet}]" if sheet else file
        err_console.print(
            escape(
                f"未读取的列（不是已知字段）Columns not read (no field of that name): {where}: {'、'.join(headers)}"
            ),
            soft_wrap=True,
        )
    if summary.not_evaluated:
        err_console.print(
            escape(
                f"未评估 Not evaluated: {'、'.join(summary.not_evaluated)} — 本期没有绩效评估，按合同结算，不评级、不计奖励 / "
                "no evaluation this period: settled on their contracts, not rated, no reward"
            ),
            soft_wrap=True,
        )
    if summary.notices:  # what the office must follow up (a termination above all)
        _print_notices(summary.notices, summary.outputs / "notices")
    console.print(f"输出 Outputs: {summary.outputs}  (manifest: {summary.manifest})")
    return summary.exit_code


NOTICES_LISTED = 30  # more than this, and the terminal shows counts and the terminations


def _print_notices(notices: Sequence[tuple[str, str]], folder: Path) -> None:
    """Each notice issued, or, for a portfolio of thousands, how many of each and the
    terminations by name (the rest are in the notices folder: a list of thousands of lines on a
    terminal is read by no one)."""
    console.print("通知 Notices issued:", soft_wrap=True)
    if len(notices) <= NOTICES_LISTED:
        shown = notices
    else:
        for action, (zh, en) in ACTION_LABELS.items():
            count = sum(1 for _, a in notices if a == action)
            if count:
                console.print(f"  {zh} {en}: {count}", soft_wrap=True)
        shown = [n for n in notices if n[1] == "termination_notice"]
        if len(shown) > NOTICES_LISTED:
            shown = shown[:NOTICES_LISTED]
    for supplier_id, notice in shown:
        zh, en = ACTION_LABELS.get(notice, (notice, notice))
        console.print(f"  {escape(supplier_id)}  {zh} {en}", soft_wrap=True)
    if len(shown) < len(notices):
        console.print(
            escape(f"  全部 {len(notices)} 份通知见 / all {len(notices)} notices are in {folder}"), soft_wrap=True
        )


def cmd_validate(args: argparse.Namespace) -> int:
    from pipeline.config.aliases import load_aliases
    from pipeline.intake.folder import CONFIG_FILES, InputFile, kind_of, sha256_of, unknown_kind_issue
    from pipeline.load.reader import read_input
    from pipeline.validation.records import validate_tables

    issues: list[Issue] = []
    unreadable = False
    tables = []
    # the office's own header spellings (aliases.yaml beside the files), as a run would read them
    folders = {Path(name).resolve().parent for name in args.files}
    aliases = load_aliases(folders.pop() if len(folders) == 1 else None)
    for name in args.files:
        path = Path(name)
        kind = kind_of(path.name)
        if not path.is_file():
            issues.append(
                Issue(
                    path.name,
                    None,
                    None,
                    None,
                    "文件不存在或无法读取",
                    "file does not exist or cannot be read",
                    code="unreadable",
                    rule="unreadable",
                )
            )
            unreadable = True
            continue
        if path.name in CONFIG_FILES or path.suffix.lower() in (".yaml", ".yml"):
            found = _config_issues(path)
            issues.extend(found)
            unreadable |= bool(found)
            continue
        if kind is None:
            issues.append(unknown_kind_issue(path.name))
            unreadable = True
            continue
        file_tables = read_input(
            InputFile(path, kind, sha256_of(path), path.stat().st_size), aliases, args.settings.limits
        )
        unreadable |= any(i.row is None and i.code in ("unreadable", "refused") for t in file_tables for i in t.issues)
        tables.extend(file_tables)
    validated = validate_tables(tables, aliases, present={t.kind for t in tables})
    issues.extend(validated.issues)
    if args.json:
        print(
            json.dumps(
                {
                    "valid": not issues,
                    "rows_read": dict(validated.rows_read),
                    "rows_rejected": dict(validated.rows_rejected),
                    "issues": [i.as_dict() | {"value": mask_field(i.field, i.value)} for i in issues],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif issues:
        _print_issues(issues, limit=10_000)
    else:
        console.print(f"全部有效 All valid: {sum(validated.rows_read.values())} 行 rows")
    if unreadable:
        return 2
    return 1 if issues else 0


def _config_issues(path: Path) -> list[Issue]:
    """policy.yaml (and the alias mapping file) checked as a run would check them."""
    from pipeline.config.aliases import Aliases

    try:
        if path.name.startswith("aliases"):
            from pipeline.config.yamlfile import parse_yaml

            Aliases().merge(parse_yaml(path.read_bytes(), str(path)).data or {}, str(path))
        else:
            from pipeline.config.policy import load_policy

            load_policy(path)
    except ConfigError as exc:
        details_zh, details_en = "；".join(exc.details_zh), "; ".join(exc.details_en)
        return [
            Issue(
                path.name,
                None,
                None,
                None,
                exc.message_zh + (f"：{details_zh}" if details_zh else ""),
                exc.message_en + (f": {details_en}" if details_en else ""),
                kind="policy",
                code="invalid",
                rule="policy",
            )
        ]
    except Exception as exc:  # unreadable YAML and the like
        return [
            Issue(
                path.name,
                None,
                None,
                None,
                f"无法读取：{exc}",
                f"cannot be read: {exc}",
                kind="policy",
                code="unreadable",
                rule="unreadable",
            )
        ]
    return []


def cmd_template(args: argparse.Namespace) -> int:
    from pipeline.runs.blank_workbook import write_template

    target = write_template(args.kind, args.output, force=args.force)
    console.print(f"已写出模板 Template written: {escape(str(target))}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    quiet_prefect(outputs=args.outputs)
    from pipeline.orchestration.watch import watch

    if not args.inputs.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(args.inputs))
    # SIGTERM (systemd's stop) ends the loop like Ctrl+C: the process then exits normally, and the
    # Prefect server a run started is stopped with it instead of outliving the command
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if _main_thread() else None
    try:
        watch(
            args.inputs,
            args.outputs,
            settle=args.settle,
            stop_event=stop,
            report=lambda text: console.print(escape(text)),
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    console.print("已停止监视 Stopped watching.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the monthly deployment on its cron schedule (a local Prefect server if none is set)."""
    quiet_prefect("INFO")
    from pipeline.orchestration.schedule import resolve_schedule
    from pipeline.orchestration.serve import serve

    if not args.inputs.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(args.inputs))
    policy = args.policy or args.inputs / "policy.yaml"
    schedule = resolve_schedule(args.cron, args.timezone, policy)
    return serve(
        args.inputs,
        args.outputs,
        args.policy,
        schedule,
        server_timeout=args.server_timeout,
        port=args.port,
        report=lambda text: console.print(escape(text), soft_wrap=True),
    )


def cmd_select(args: argparse.Namespace) -> int:
    """Supplier selection for one event: admission gates, weighted ranking, comparison report."""
    quiet_prefect(outputs=args.outputs)
    from pipeline.documents.selection import gate_detail, tie_notes
    from pipeline.runs.selection import find_selection_policy

    if not args.inputs.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(args.inputs))
    find_selection_policy(args.inputs, args.policy)  # a bad selection policy stops here, before Prefect starts
    from pipeline.orchestration.flows import selection_flow

    log_prefect_to_file(args.outputs)

    summary = selection_flow(
        event=args.event,
        inputs=str(args.inputs),
        outputs=str(args.outputs),
        policy=str(args.policy) if args.policy else None,
    )
    if isinstance(summary, ConfigError):
        raise summary
    if summary.issues:
        _print_issues(summary.issues)
    result = summary.result
    table = Table(title=f"评选 Event {escape(result.event_id)}  {escape(result.event_date)}")
    if not result.date_given:
        err_console.print(
            f"候选评估表中没有评选日期：准入条件按运行日期 {result.event_date} 检查 / the candidates file gives no event "
            f"date: the admission gates are checked on the run's date, {result.event_date}",
            soft_wrap=True,
        )
    for header in ("排名 Rank", "供应商 Supplier", "加权总分 Total", "结论 Result"):
        table.add_column(header, overflow="fold")
    for c in result.candidates:
        name = escape(c.profile.get("name_zh") or "")
        if c.ranked:
            role = {1: "推荐中选 Recommended", 2: "备选供应商 Back-up"}.get(c.rank, "入围 Ranked")
            role += "".join(f"\n{escape(zh)}" for zh, _ in tie_notes(c))
        else:
            role = "未通过准入 Not admitted: " + escape("; ".join(" / ".join(gate_detail(g)) for g in c.failed_gates))
        table.add_row(str(c.rank) if c.ranked else "—", f"{escape(c.supplier_id)} {name}", str(c.total), role)
    console.print(table)
    for zh, en in summary.errors:
        err_console.print(f"[red]{escape(zh)} / {escape(en)}[/red]")
    console.print(f"输出 Outputs: {summary.outputs}  (manifest: {summary.manifest})")
    return summary.exit_code


def cmd_review(args: argparse.Namespace) -> int:
    quiet_prefect(outputs=args.outputs)
    from pipeline.compute.rollup import ReviewPeriod

    try:
        ReviewPeriod.parse(args.period)
    except ValueError as exc:
        err_console.print(escape(str(exc)))
        return 2
    if not args.outputs.is_dir():
        raise ConfigError(
            "输出文件夹不存在：请用 --outputs 指定月度评估写入的文件夹",
            "the outputs folder does not exist: give the folder the monthly reviews were written to with --outputs",
            file=str(args.outputs),
        )
    if args.settings.history_url is None and not (args.outputs / "history.sqlite").is_file():
        raise ConfigError(
            "该文件夹中没有历史数据库（history.sqlite）：请先运行这些月份的月度评估（vendorflow run --period YYYY-MM）",
            "there is no history store (history.sqlite) in this folder: run the monthly review for those months "
            "first (vendorflow run --period YYYY-MM)",
            file=str(args.outputs),
        )
    if args.policy is not None:
        read_policy(args.policy).policy  # noqa: B018  (a bad or missing policy stops here, before Prefect)
    from pipeline.orchestration import flows

    log_prefect_to_file(args.outputs)
    summary = flows.review_flow(
        period=args.period, outputs=str(args.outputs), policy=str(args.policy) if args.policy else None
    )
    console.print(
        f"[bold]评审期间 Review period {summary.code}[/bold]  供应商 Suppliers: {summary.suppliers}  "
        f"有记录的月份 Months recorded: {summary.months_recorded}"
    )
    console.print(f"文档 Documents: {summary.documents}   输出 Outputs: {summary.outputs}")
    return 0


def _blank(value) -> str:
    """A text cell read back from the store, blank for NULL (None or pandas' NaN)."""
    return "" if value is None or str(value) in ("nan", "None") else str(value)


def _amount(value) -> Decimal | None:
    """A money figure read back from the store (text or NUMERIC; NULL is blank)."""
    text = "" if value is None else str(value)
    return Decimal(text) if text not in ("", "nan", "None") else None


def _figure(value, places: str = "0.00") -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}" if places == "money" else f"{value:.2f}"


def cmd_history(args: argparse.Namespace) -> int:
    """Scores, grades, payables and flags per supplier per month from the history store."""
    from pipeline.analysis.history import incidents_of, matrix, movements
    from pipeline.runs.history import history_view

    view = history_view(args.outputs, args.settings.history_url, args.supplier, args.start, args.end, args.xlsx)
    history = view.history
    if args.audit:
        table = Table(title=f"运行记录 Runs ({view.store})")
        for header in (
            "期间 Period",
            "流程 Flow",
            "开始 Started",
            "状态 Status",
            "操作人 Run by",
            "输入 Inputs",
            "被取代 Superseded by",
        ):
            table.add_column(header)
        for r in view.runs.to_dict("records"):
            table.add_row(
                escape(str(r["period"])),
                r["flow"],
                str(r["started_at"])[:19],
                r["status"],
                escape(f"{r['run_by']}@{r['host']}"),
                f"{len(r['inputs'].split('; ')) if r['inputs'] else 0} 个文件 files, "
                f"policy {str(r['policy_sha256'] or '')[:12]}",
                (r["superseded_by"] or "")[:8],
            )
        console.print(table)
    elif not history.periods:
        console.print("所选范围内没有已记录的月份 / no month is recorded in that range")
    elif args.supplier:
        rows = history.results
        first = rows.iloc[-1]
        console.print(
            f"[bold]{escape(args.supplier)} {escape(first['name_zh'])} {escape(first['name_en'] or '')}[/bold]"
        )
        table = Table(title="月度记录 Month by month")
        for header in (
            "期间 Period",
            "总分 Score",
            "评级 Grade",
            "违约金 Damages",
            "奖励 Rewards",
            "应付 Payable",
            "标记 Flags",
        ):
            table.add_column(header, justify="right")
        for r in rows.to_dict("records"):
            table.add_row(
                r["period"],
                _figure(r["score"]) if r["rated"] else "未评级 not rated",
                r["grade"] or "—",
                _figure(r["penalties"], "money"),
                _figure(r["rewards"], "money"),
                f"{_figure(r['payable'], 'money')} {r['currency'] or ''}",
                str(r["flags"]),
            )
        console.print(table)
        for a in history.actions.to_dict("records"):
            zh, en = ACTION_LABELS.get(a["action"], (a["action"], a["action"]))
            console.print(
                escape(f"文书 Notice {a['period']}: {zh} {en} — {a['reason_zh']} / {a['reason_en']}"), soft_wrap=True
            )
        for i in incidents_of(history):
            console.print(
                escape(
                    f"事件 Incident {i['period']}: {i.get('incident_id', '')} {i.get('severity', '')} {i.get('description', '')}"
                ),
                soft_wrap=True,
            )
        for f in history.flags.to_dict("records"):
            console.print(
                escape(f"标记 Flag {f['period']} [{f['severity']}] {f['message_zh']} / {f['message_en']}"),
                soft_wrap=True,
            )
        for u in [] if history.follow_ups is None else history.follow_ups.to_dict("records"):
            if u["kind"] == "appeal":
                line = (
                    f"申诉 Appeal {u['period']}: {u['ref']} ({u['source']}, {u['original_period']}) {u['status']} "
                    f"{_blank(u['date'])} {_blank(u['by'])} — 退还 reversed {_figure(_amount(u['amount']), 'money')}"
                )
            elif u["kind"] == "inspection":
                line = f"检查 Inspection {u['period']}: {u['ref']} {u['status']} {_blank(u['date'])} {_blank(u['by'])}"
            else:
                line = f"整改 Plan {u['period']}: {u['ref']} ({u['source']}) {u['status']} {_blank(u['date'])} {_blank(u['by'])}"
            console.print(escape(line), soft_wrap=True)
    else:
        scores, grades = matrix(history, "score"), matrix(history, "grade")
        payable, flags = matrix(history, "payable"), matrix(history, "flags")
        table = Table(title=f"得分与评级 Scores and grades ({history.periods[0]} – {history.periods[-1]})")
        table.add_column("供应商 Supplier")
        for p in history.periods:
            table.add_column(p, justify="right")
        last = history.periods[-1]
        table.add_column(f"应付 Payable {last}", justify="right")
        table.add_column(f"标记 Flags {last}", justify="right")
        for s, g, pay, fl in zip(*(m.to_dict("records") for m in (scores, grades, payable, flags))):
            cells = [
                f"{_figure(s[p])} {g[p] or ''}".strip() if g[p] or s[p] is not None else "" for p in history.periods
            ]
            table.add_row(
                escape(f"{s['supplier_id']} {s['name_zh']}"),
                *cells,
                _figure(pay[last], "money") if pay[last] is not None else "",
                str(fl[last]) if fl[last] is not None else "",
            )
        console.print(table)
        moved = [m for m in movements(history) if m.change][:5]
        if moved:
            console.print(
                "变化最大 Moved most: "
                + "  ".join(f"{m.supplier_id} {m.first:.2f} → {m.last:.2f} ({m.change:+.2f})" for m in moved)
            )
    if view.xlsx:
        console.print(escape(f"工作簿 Workbook: {view.xlsx}"))
    return 0


def _print_warnings(warnings: Sequence[Issue], limit: int = 50) -> None:
    table = Table(title="请复核 For review (已生成 rendered)", show_lines=False)
    for header in ("文件 File", "行 Row", "列 Column", "值 Value", "说明 Note"):
        table.add_column(header, overflow="fold")
    for w in warnings[:limit]:
        table.add_row(
            escape(w.place),
            str(w.row or "—"),
            escape(w.column or "—"),
            escape(mask_field(w.field, w.value) or ""),
            escape(f"{w.message_zh}\n{w.message_en}"),
        )
    err_console.print(table)


def cmd_contracts(args: argparse.Namespace) -> int:
    """One bilingual contract per contract record; optional PDFs through LibreOffice."""
    quiet_prefect(outputs=args.outputs)
    if args.period:
        try:
            Period.parse(args.period)
        except ValueError as exc:
            err_console.print(f"[red]{escape(str(exc))}[/red]")
            return 2
    if not args.inputs.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(args.inputs))
    if args.templates is not None and not args.templates.is_dir():
        raise ConfigError("模板文件夹不存在", "the templates folder does not exist", file=str(args.templates))
    from pipeline.orchestration.flows import contracts_flow

    log_prefect_to_file(args.outputs)

    summary = contracts_flow(
        inputs=str(args.inputs),
        outputs=str(args.outputs),
        period=args.period,
        templates=str(args.templates) if args.templates else None,
        pdf=args.pdf,
        policy=str(args.policy) if args.policy else None,
    )
    if isinstance(summary, ConfigError):
        raise summary
    if summary.issues:
        _print_issues(summary.issues)
    if summary.warnings:
        _print_warnings(summary.warnings)
    pdfs = f"   PDF: {summary.pdfs}" if args.pdf else ""
    console.print(
        f"合同 Contracts: {summary.documents}{pdfs}   未生成 Left out: "
        f"{len({(i.file, i.row) for i in summary.issues if i.row is not None})}   "
        f"请复核 For review: {len(summary.warnings)}"
    )
    console.print(f"输出 Outputs: {summary.outputs}  (manifest: {summary.manifest})")
    return summary.exit_code


def cmd_templates(args: argparse.Namespace) -> int:
    """Check templates without rendering: broken tags, full-width braces, unknown fields."""
    from pipeline.documents.shapes import known_example
    from pipeline.render.checks import check_dir, errors, schema_problems

    folder = Path(args.dir) if args.dir else args.settings.templates
    if not folder.is_dir():
        raise ConfigError("模板文件夹不存在", "the templates folder does not exist", file=str(folder))
    problems = check_dir(folder, known=known_example) + schema_problems(folder)
    checked = len([p for p in folder.glob("*.docx") if not p.name.startswith("~$")])
    for p in problems:  # plain lines, never folded: names and paths stay copyable
        level = "[red]问题 Problem[/red]" if p.severity == "error" else "[yellow]提示 Note[/yellow]"
        console.print(
            f"{level}  {escape(p.template or str(folder))}" + (escape(f"  [{p.part}]") if p.part else ""),
            soft_wrap=True,
        )
        if p.text:
            console.print(f"  上下文 Text: {escape(p.text)}", soft_wrap=True)
        console.print(f"  {escape(p.message_zh)}", soft_wrap=True)
        console.print(f"  {escape(p.message_en)}", soft_wrap=True)
    bad = errors(problems)
    console.print(
        f"已检查 Checked: {checked} 个模板 templates   问题 Problems: {len(bad)}   "
        f"提示 Notes: {len(problems) - len(bad)}"
    )
    return 1 if bad else 0


def cmd_distribute(args: argparse.Namespace) -> int:
    """Send each supplier its own documents (or, with --dry-run, write them as .eml files)."""
    quiet_prefect(outputs=args.outputs)
    from pipeline.distribute.delivery import group_label, load_settings, mask_address
    from pipeline.distribute.mailer import smtp_settings
    from pipeline.errors import IsolationError

    load_settings(args.policy or args.inputs / "policy.yaml", args.settings.environ)  # bad settings stop here,
    if not args.dry_run:  # before Prefect starts
        smtp_settings(args.settings.environ)
    if not (args.outputs / args.period / "manifest.json").is_file():
        raise ConfigError(
            f"{args.period} 没有已生成的文件：请先运行 vendorflow run --period {args.period}",
            f"there are no outputs for {args.period} to send: run vendorflow run --period {args.period} first",
            file=str(args.outputs / args.period),
        )
    from pipeline.orchestration import flows as dflow

    log_prefect_to_file(args.outputs)

    words = {
        "sent": "已发送 sent",
        "partial": "部分送达 partly delivered",
        "failed": "失败 FAILED",
        "uncertain": "结果未知 OUTCOME UNKNOWN",
        "written": "已写入 written",
    }

    def line(o) -> None:
        if args.json:
            return
        docs = ", ".join(p.rsplit("/", 1)[-1] for p in o.documents)
        part = f" ({o.part}/{o.parts})" if o.parts > 1 else ""
        tags = ("  更正 correction" if o.correction else "") + ("  ZIP" if o.zipped else "")
        console.print(
            escape(
                f"{words.get(o.status, o.status)}  {group_label(o.group)}{part}  → "
                f"{', '.join(mask_address(a) for a in o.envelope)}  [{docs}]{tags}"
            )
        )
        if o.detail_zh:
            console.print(f"    {escape(o.detail_zh)}\n    {escape(o.detail_en)}")

    dflow.set_progress(line)
    try:
        report = dflow.distribute_flow(
            period=args.period,
            outputs=str(args.outputs),
            inputs=str(args.inputs),
            policy=str(args.policy) if args.policy else None,
            dry_run=args.dry_run,
            resend=args.resend or [],
            wait_seconds=args.wait,
            resend_uncertain=args.resend_uncertain,
            allow_shared_addresses=args.allow_shared_addresses,
        )
    except IsolationError as exc:
        err_console.print(f"[red]已停止 Stopped:[/red] {escape(str(exc))}")
        return 2
    finally:
        dflow.set_progress(None)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return report.exit_code
    if args.dry_run:
        for o in report.outcomes:
            line(o)
    for title, notes in (
        ("未能发送 Not sent", report.failed),
        ("结果未知，未重发 Outcome unknown, not resent", report.uncertain),
        ("请注意 Attention", report.notes),
    ):
        for n in notes:
            console.print(
                f"{title}  {escape(group_label(n.group))}: {escape(n.message_zh)}\n    {escape(n.message_en)}"
            )
    sent, skipped, failed = (report.groups(s) for s in ("sent", "skipped", "failed"))
    if skipped:
        console.print(
            escape(
                f"已跳过（文件此前已发送给全部收件人）Skipped (already sent to every recipient): "
                f"{', '.join(map(group_label, skipped))}"
            )
        )
    verb = "将发送 would send" if args.dry_run else "已发送 sent"
    console.print(
        f"[bold]期间 Period {report.period}[/bold]  {verb}: {len(sent)}   已跳过（此前已发送）skipped "
        f"(already sent): {len(skipped)}   失败 failed: {len(failed)}"
        + (f"  ({escape(', '.join(map(group_label, failed)))})" if failed else "")
    )
    if args.dry_run:
        console.print(
            f"未发送任何邮件，未记录 Nothing sent or recorded: {len(report.outbox)} 封邮件写入 messages written to "
            f"{escape(str(args.outputs / report.period / 'outbox'))}"
        )
    console.print(
        f"文件包 Bundles for portal upload: {len(report.bundles)} → "
        f"{escape(str(args.outputs / report.period / 'distribution'))}"
    )
    return report.exit_code


class BilingualParser(argparse.ArgumentParser):
    """argparse, with its errors in Chinese as well as English (exit 2, as DESIGN.md says)."""

    WORDS = (
        ("unrecognized arguments", "无法识别的参数"),
        ("the following arguments are required", "缺少必需的参数"),
        ("invalid choice", "无效的选项"),
        ("expected one argument", "该选项需要一个值"),
        ("invalid int value", "应为整数"),
        ("invalid float value", "应为数字"),
        ("not allowed with argument", "不能同时使用"),
    )

    def error(self, message: str):
        zh = next((zh for en, zh in self.WORDS if en in message), "参数有误")
        self.print_usage(sys.stderr)
        err_console.print(
            f"[red]参数错误 Invalid arguments:[/red] {escape(zh)}：{escape(message)}\n"
            f"用 {escape(self.prog)} --help 查看用法 / see {escape(self.prog)} --help"
        )
        self.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = BilingualParser(prog="vendorflow", description="外包供应商管理 Outsourced-supplier management")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="月度流程 the monthly flow end to end")
    run.add_argument("--period", help="YYYY-MM；默认为输入中最新的考核期间 / default: the latest period in the inputs")
    run.add_argument("--inputs", type=Path, default=Path("inputs"))
    run.add_argument("--outputs", type=Path, default=Path("outputs"))
    run.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    run.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="同一期间已在运行时最多等待的秒数 / how long to wait if the same period is already running",
    )
    run.add_argument(
        "--strict",
        action="store_true",
        help="任何一行被拒绝即拒绝整个运行（只写校验报告）/ any rejected row rejects the whole run",
    )
    run.add_argument(
        "--pdf",
        action="store_true",
        help="同时用 LibreOffice 在 pdf/ 下为每份文档生成 PDF / also write a PDF of every document under pdf/",
    )
    run.set_defaults(func=cmd_run)
    hist = sub.add_parser("history", help="历史记录 scores, grades, payables and flags over the months recorded")
    hist.add_argument("--supplier", metavar="ID", help="只看一家供应商的记录 / one supplier's record")
    hist.add_argument(
        "--from", dest="start", metavar="YYYY-MM", help="起始月份 / first month (default: the first recorded)"
    )
    hist.add_argument("--to", dest="end", metavar="YYYY-MM", help="截止月份 / last month (default: the last recorded)")
    hist.add_argument("--outputs", type=Path, default=Path("outputs"))
    hist.add_argument("--xlsx", type=Path, metavar="FILE", help="同时写出工作簿 / also write the workbook to FILE")
    hist.add_argument("--audit", action="store_true", help="列出每次运行 / list the runs: who, when, which inputs")
    hist.set_defaults(func=cmd_history)
    rev = sub.add_parser("review", help="季度/年度评审 quarterly or annual review from the history store")
    rev.add_argument("--period", required=True, help="YYYY-Qn（如 2026-Q3）或 YYYY / e.g. 2026-Q3 or 2026")
    rev.add_argument("--outputs", type=Path, default=Path("outputs"))
    rev.add_argument(
        "--policy",
        type=Path,
        help="默认使用历史数据库中这些月份评分时的规则 / default: the policy the history store kept for those months",
    )
    rev.set_defaults(func=cmd_review)
    val = sub.add_parser("validate", help="只校验 validate only")
    val.add_argument("files", nargs="+")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    val.set_defaults(func=cmd_validate)
    tpl = sub.add_parser("template", help="空白输入模板 a blank input workbook for KIND")
    tpl.add_argument(
        "kind",
        help="suppliers, contracts, evaluations, incidents, candidates, workers, attendance, work_volume, "
        "surveys, inspections, improvement_plans, appeals, distribution"
        "（或 供应商、合同、人员花名册、考勤、工作量确认、满意度调查、现场检查、整改计划、申诉 …）",
    )
    tpl.add_argument("--output", "-o", type=Path, help="默认 <KIND>_template.xlsx / default: <KIND>_template.xlsx")
    tpl.add_argument("--force", action="store_true", help="覆盖已有文件 / replace an existing file")
    tpl.set_defaults(func=cmd_template)
    wat = sub.add_parser("watch", help="监视投放文件夹 run the monthly flow when complete files land")
    wat.add_argument("--inputs", type=Path, default=Path("inputs"))
    wat.add_argument("--outputs", type=Path, default=Path("outputs"))
    wat.add_argument(
        "--settle",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="文件大小不变多少秒后视为完整 / seconds a file must stay unchanged to count as complete",
    )
    wat.set_defaults(func=cmd_watch)
    srv = sub.add_parser("serve", help="按计划运行月度流程 serve the monthly deployment on its cron schedule")
    srv.add_argument(
        "--cron",
        help='默认 policy.yaml 的 schedule.cron，否则 "0 6 1 * *"（每月1日06:00）'
        " / default: schedule.cron in policy.yaml, else 06:00 on the 1st",
    )
    srv.add_argument(
        "--timezone",
        help="默认 policy.yaml 的 schedule.timezone，否则 Asia/Shanghai"
        " / default: schedule.timezone in policy.yaml, else Asia/Shanghai",
    )
    srv.add_argument("--inputs", type=Path, default=Path("inputs"))
    srv.add_argument("--outputs", type=Path, default=Path("outputs"))
    srv.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    srv.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"本地 Prefect 服务器（及界面）的端口，默认 {DEFAULT_PORT} / the local Prefect server's (and UI's) port",
    )
    srv.add_argument(
        "--server-timeout",
        type=float,
        default=120,
        metavar="SECONDS",
        help="等待本地 Prefect 服务器就绪的秒数 / how long to wait for the local Prefect server",
    )
    srv.set_defaults(func=cmd_serve)
    sel = sub.add_parser("select", help="供应商选择 supplier selection: gates, weighted ranking, comparison report")
    sel.add_argument("--event", required=True, help="评选编号，如 SEL-2026-11 / the event ID in the candidates file")
    sel.add_argument("--inputs", type=Path, default=Path("inputs"))
    sel.add_argument("--outputs", type=Path, default=Path("outputs"))
    sel.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    sel.set_defaults(func=cmd_select)
    con = sub.add_parser("contracts", help="合同 bilingual contracts for the contract records")
    con.add_argument("--inputs", type=Path, default=Path("inputs"))
    con.add_argument("--outputs", type=Path, default=Path("outputs"))
    con.add_argument(
        "--period", help="YYYY-MM 输出文件夹；默认为最新签订日期 / output folder; default: the newest sign date"
    )
    con.add_argument(
        "--templates",
        type=Path,
        help="公司自己的模板文件夹（替换内置模板）/ the company's own templates (replace the shipped ones)",
    )
    con.add_argument(
        "--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF / also write a PDF of each contract"
    )
    con.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    con.set_defaults(func=cmd_contracts)
    tps = sub.add_parser("templates", help="模板检查 check document templates")
    tps_sub = tps.add_subparsers(dest="action", required=True)
    chk = tps_sub.add_parser("check", help="检查模板而不生成文件 check templates without rendering")
    chk.add_argument("dir", nargs="?", help="默认为当前模板文件夹 / default: the templates in use")
    chk.set_defaults(func=cmd_templates)
    dist = sub.add_parser("distribute", help="分发文件 send each supplier its own documents, management the summary")
    dist.add_argument("--period", required=True, help="YYYY-MM")
    dist.add_argument("--outputs", type=Path, default=Path("outputs"))
    dist.add_argument(
        "--inputs",
        type=Path,
        default=Path("inputs"),
        help="供应商名录与分发名单所在文件夹 / where the supplier master and distribution list are",
    )
    dist.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    dist.add_argument(
        "--dry-run",
        action="store_true",
        help="不发送：邮件写入 outputs/<期间>/outbox/*.eml / send nothing: write each message as an .eml file",
    )
    dist.add_argument(
        "--resend",
        action="append",
        metavar="SUPPLIER_ID",
        help="再次发送该供应商的全部文件（internal 表示管理层）/ send this supplier's documents again "
        "(internal: management's); repeatable",
    )
    dist.add_argument(
        "--resend-uncertain",
        action="store_true",
        help="重发上次结果未知的邮件（相同 Message-ID）/ send again the messages whose earlier outcome is unknown "
        "(same Message-ID)",
    )
    dist.add_argument(
        "--allow-shared-addresses",
        action="store_true",
        help="确认与其他供应商相同的收件地址无误后发送 / send although an address is also another supplier's "
        "(after checking it)",
    )
    dist.add_argument("--json", action="store_true", help="machine-readable report")
    dist.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="该期间正在运行时最多等待的秒数 / how long to wait if the period is busy",
    )
    dist.set_defaults(func=cmd_distribute)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("run", "distribute") and getattr(args, "period", None):
        try:
            Period.parse(args.period)
        except ValueError as exc:
            err_console.print(f"[red]{escape(str(exc))}[/red]")
            return 2
    try:
        args.settings = Settings.from_env()  # the environment, read once, here
        from pipeline.render.environment import set_time_limit

        set_time_limit(args.settings.render_seconds)
        return args.func(args)
    except VendorflowError as exc:  # every error the project raises: its message, never a traceback
        err_console.print(f"[red]无法运行 Cannot run:[/red] {escape(str(exc))}", soft_wrap=True)
        if "path" in LOG:
            err_console.print(f"详细日志 Details: {escape(str(LOG['path']))}", soft_wrap=True)
        return exc.exit_code
    except Exception as exc:  # a fault of ours or of a library: one line here, the traceback in the log
        where = write_traceback(exc)
        err_console.print(
            f"[red]意外错误，运行未完成 Unexpected error, the run did not finish:[/red] "
            f"{escape(type(exc).__name__)}: {escape(str(exc)[:300])}"
        )
        err_console.print(f"详细日志 Details: {escape(str(where))}", soft_wrap=True)
        return EXIT_CANNOT_RUN
    finally:
        restore_logging()


def write_traceback(exc: BaseException) -> Path:
    """The traceback, appended to this command's log (or a log in the temporary folder)."""
    import tempfile
    import traceback

    path = LOG.get("path") or Path(tempfile.gettempdir()) / "vendorflow-error.log"
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass
    return path


# commands that start processes (Prefect's temporary server, render workers, LibreOffice)
_STARTS_PROCESSES = {"run", "review", "select", "contracts", "distribute", "watch", "serve"}


def entry() -> int:
    """The `vendorflow` program: `main`, watched so that nothing it starts outlives it even when
    it is killed outright (`orchestration.reaper`)."""
    argv = sys.argv[1:]
    if argv and argv[0] in _STARTS_PROCESSES:
        from pipeline.orchestration.reaper import start_reaper

        start_reaper()
    return main(argv)


if __name__ == "__main__":
    sys.exit(entry())
