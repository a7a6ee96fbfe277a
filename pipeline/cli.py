"""`vendorflow` command line: the stable interface of DESIGN.md.

Exit codes: 0 success; 1 finished but some input was rejected (reported); 2 could not run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import ConfigError, Issue
from .privacy import mask_field

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _print_issues(issues: Sequence[Issue], limit: int = 50) -> None:
    table = Table(title="被拒绝的输入 Rejected input", show_lines=False)
    for header in ("文件 File", "行 Row", "列 Column", "值 Value", "问题 Problem"):
        table.add_column(header, overflow="fold")
    for issue in issues[:limit]:
        table.add_row(issue.file, str(issue.row or "—"), issue.column or "—", mask_field(issue.field, issue.value) or "",
                      f"{issue.message_zh}\n{issue.message_en}")
    err_console.print(table)
    if len(issues) > limit:
        err_console.print(f"……另有 {len(issues) - limit} 条，见 validation_report.xlsx / {len(issues) - limit} more in validation_report.xlsx")


def cmd_run(args: argparse.Namespace) -> int:
    # Before prefect is imported: quiet logs, and no telemetry write racing the ephemeral
    # API for its SQLite file (it prints "database is locked" tracebacks otherwise).
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import flows
    from .monthly import RunSummary

    progress = Progress(TextColumn("渲染文档 Rendering documents"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console, transient=False)
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
    with progress:
        summary: RunSummary = flows.monthly_flow(inputs=str(args.inputs), outputs=str(args.outputs),
                                                 period=args.period, policy=str(args.policy) if args.policy else None,
                                                 wait_seconds=args.wait)
    flows.set_progress(None)
    if summary.issues:
        _print_issues(summary.issues)
    grades = "  ".join(f"{g}: {n}" for g, n in sorted(summary.grades.items())) or "—"
    console.print(f"[bold]期间 Period {summary.period}[/bold]  评级 Grades  {grades}")
    console.print(f"文档 Documents: {summary.documents}（本次渲染 rendered this run: {summary.rendered}，"
                  f"未变化 unchanged: {summary.documents - summary.rendered}）   被拒绝的行 Rejected rows: {summary.rejected_rows}")
    console.print(f"输出 Outputs: {summary.outputs}  (manifest: {summary.manifest})")
    return summary.exit_code


def cmd_validate(args: argparse.Namespace) -> int:
    from .aliases import load_aliases
    from .intake import InputFile, kind_of, read_input, sha256_of
    from .validate import validate_tables

    issues: list[Issue] = []
    unreadable = False
    tables = []
    aliases = load_aliases(None)
    for name in args.files:
        path = Path(name)
        kind = kind_of(path.name)
        if not path.is_file():
            issues.append(Issue(path.name, None, None, None, "文件不存在或无法读取", "file does not exist or cannot be read", code="unreadable"))
            unreadable = True
            continue
        if kind is None:
            issues.append(Issue(path.name, None, None, None,
                                "无法从文件名判断数据类型（应以 suppliers、contracts、evaluations 或 incidents 开头）",
                                "cannot tell the kind from the file name (it must start with suppliers, contracts, evaluations or incidents)",
                                code="unknown_kind"))
            unreadable = True
            continue
        file_tables = read_input(InputFile(path, kind, sha256_of(path), path.stat().st_size), aliases)
        unreadable |= any(i.code == "unreadable" for t in file_tables for i in t.issues)
        tables.extend(file_tables)
    validated = validate_tables(tables, aliases, present={t.kind for t in tables})
    issues.extend(validated.issues)
    if args.json:
        print(json.dumps({"valid": not issues, "rows_read": dict(validated.rows_read),
                          "rows_rejected": dict(validated.rows_rejected),
                          "issues": [i.as_dict() | {"value": mask_field(i.field, i.value)} for i in issues]},
                         ensure_ascii=False, indent=2))
    elif issues:
        _print_issues(issues, limit=10_000)
    else:
        console.print(f"全部有效 All valid: {sum(validated.rows_read.values())} 行 rows")
    if unreadable:
        return 2
    return 1 if issues else 0


def cmd_select(args: argparse.Namespace) -> int:
    """Supplier selection for one event: admission gates, weighted ranking, comparison report."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from .selection_report import find_selection_policy

    if not args.inputs.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(args.inputs))
    find_selection_policy(args.inputs, args.policy)     # a bad selection policy stops here, before Prefect starts
    from .selection_flow import selection_flow

    summary = selection_flow(event=args.event, inputs=str(args.inputs), outputs=str(args.outputs),
                             policy=str(args.policy) if args.policy else None)
    if isinstance(summary, ConfigError):
        raise summary
    if summary.issues:
        _print_issues(summary.issues)
    result = summary.result
    table = Table(title=f"评选 Event {escape(result.event_id)}  {escape(result.event_date)}")
    for header in ("排名 Rank", "供应商 Supplier", "加权总分 Total", "结论 Result"):
        table.add_column(header, overflow="fold")
    for c in result.candidates:
        name = escape(c.profile.get("name_zh") or "")
        if c.ranked:
            role = {1: "推荐中选 Recommended", 2: "备选供应商 Back-up"}.get(c.rank, "入围 Ranked")
            role += "".join(f"\n{escape(zh)}" for zh, _ in c.tie_notes)
        else:
            role = "未通过准入 Not admitted: " + escape("; ".join(f"{g.detail_zh} / {g.detail_en}" for g in c.failed_gates))
        table.add_row(str(c.rank) if c.ranked else "—", f"{escape(c.supplier_id)} {name}", str(c.total), role)
    console.print(table)
    for zh, en in summary.errors:
        err_console.print(f"[red]{escape(zh)} / {escape(en)}[/red]")
    console.print(f"输出 Outputs: {summary.outputs}  (manifest: {summary.manifest})")
    return summary.exit_code


def cmd_review(args: argparse.Namespace) -> int:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from .review import ReviewPeriod
    try:
        ReviewPeriod.parse(args.period)
    except ValueError as exc:
        err_console.print(escape(str(exc)))
        return 2
    from . import flows
    summary = flows.review_flow(period=args.period, outputs=str(args.outputs), policy=str(args.policy))
    console.print(f"[bold]评审期间 Review period {summary.code}[/bold]  供应商 Suppliers: {summary.suppliers}  "
                  f"有记录的月份 Months recorded: {summary.months_recorded}")
    console.print(f"文档 Documents: {summary.documents}   输出 Outputs: {summary.outputs}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vendorflow", description="外包供应商管理 Outsourced-supplier management")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="月度流程 the monthly flow end to end")
    run.add_argument("--period", help="YYYY-MM；默认为输入中最新的考核期间 / default: the latest period in the inputs")
    run.add_argument("--inputs", type=Path, default=Path("inputs"))
    run.add_argument("--outputs", type=Path, default=Path("outputs"))
    run.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    run.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                     help="同一期间已在运行时最多等待的秒数 / how long to wait if the same period is already running")
    run.set_defaults(func=cmd_run)
    rev = sub.add_parser("review", help="季度/年度评审 quarterly or annual review from the history store")
    rev.add_argument("--period", required=True, help="YYYY-Qn（如 2026-Q3）或 YYYY / e.g. 2026-Q3 or 2026")
    rev.add_argument("--outputs", type=Path, default=Path("outputs"))
    rev.add_argument("--policy", type=Path, default=Path("inputs") / "policy.yaml")
    rev.set_defaults(func=cmd_review)
    val = sub.add_parser("validate", help="只校验 validate only")
    val.add_argument("files", nargs="+")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    val.set_defaults(func=cmd_validate)
    sel = sub.add_parser("select", help="供应商选择 supplier selection: gates, weighted ranking, comparison report")
    sel.add_argument("--event", required=True, help="评选编号，如 SEL-2026-11 / the event ID in the candidates file")
    sel.add_argument("--inputs", type=Path, default=Path("inputs"))
    sel.add_argument("--outputs", type=Path, default=Path("outputs"))
    sel.add_argument("--policy", type=Path, help="默认 inputs/policy.yaml / default: policy.yaml in the inputs folder")
    sel.set_defaults(func=cmd_select)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("run", "distribute") and getattr(args, "period", None):
        from .periods import Period
        try:
            Period.parse(args.period)
        except ValueError as exc:
            err_console.print(f"[red]{escape(str(exc))}[/red]")
            return 2
    from .history import HistoryError
    from .locking import PeriodBusy
    from .publish import OutputError
    try:
        return args.func(args)
    except (ConfigError, PeriodBusy, OutputError, HistoryError) as exc:
        err_console.print(f"[red]无法运行 Cannot run:[/red] {escape(str(exc))}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
