#!/usr/bin/env python3
"""Intake throughput: plain jsonschema against the project's read + validate, in one run.

    python bench/validate.py [--rows 100000] [--bad 0.01] [--repeat 3]

Writes an evaluations workbook of ROWS rows (Chinese headers, a title row, a share --bad of
rows with one or two errors each) to a temporary folder, then measures:

  jsonschema      Draft202012Validator(schema, format_checker).iter_errors on every row,
                  over records already read and coerced (reading and coercion not counted);
  vendorflow      pipeline.load.reader.read_input + pipeline.validation.records.validate_tables on the file:
                  the hostile-input checks, reading the .xlsx with calamine, finding the
                  header, coercing every cell, the compiled fast check per row, full
                  jsonschema errors for the rows that fail it, and the cross-record rules;
  no fast path    the same with the fast check off (every row through iter_errors).

Each is timed --repeat times and the best is kept. It prints rows per second and the ratio
of vendorflow to plain jsonschema (goal ≥ 5×), and checks that both report the same errors
for the same rows. Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

HEADERS = [
    "供应商编号",
    "考核期间",
    "服务质量得分",
    "按时交付率",
    "成本偏差(%)",
    "满意度",
    "合规问题数",
    "投诉次数",
    "培训时长",
    "人员流失率",
    "评估人",
    "备注",
]
EVALUATORS = ["王敏", "李娜", "张伟", "刘洋", "陈静"]
COMMENTS = ["按时交付，质量稳定。", "个别批次返工，已整改。", "响应及时，沟通顺畅。", "人员流动偏高，需关注。"]


def make_workbook(path: Path, rows: int, bad_share: float, seed: int = 7) -> int:
    """The file an office would send, at scale, written as Excel writes it (shared strings,
    a <dimension>; see tests/craft_xlsx.py); returns how many rows were made bad."""
    from craft_xlsx import write_xlsx

    rnd = random.Random(seed)
    made = {"bad": 0}

    def data():
        yield ["供应商绩效评估表（2026年10月）"]
        yield []
        yield HEADERS
        for n in range(rows):
            row = [
                f"S{n:06d}",
                "2026-10",
                round(rnd.uniform(60, 100), 1),
                round(rnd.uniform(0.7, 1), 3),
                round(rnd.uniform(-5, 10), 2),
                round(rnd.uniform(2.5, 5), 1),
                rnd.randint(0, 2),
                rnd.randint(0, 3),
                rnd.randint(0, 40),
                f"{rnd.uniform(0, 8):.1f}%",
                rnd.choice(EVALUATORS),
                rnd.choice(COMMENTS),
            ]
            if rnd.random() < bad_share:
                made["bad"] += 1
                row[2] = rnd.choice([130, "九十", -1])  # out of range or not a number
                if rnd.random() < 0.5:
                    row[5] = 7  # satisfaction is 1-5
            yield row

    write_xlsx(path, {"绩效评估": data()}, dimension={"绩效评估": f"A1:L{rows + 3}"})
    return made["bad"]


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.01, help="share of rows with errors")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from jsonschema import Draft202012Validator

    from pipeline.config.aliases import load_aliases
    from pipeline.config.resources import load_schema
    from pipeline.intake.folder import InputFile, sha256_of
    from pipeline.load.reader import read_input
    from pipeline.validation.formats import format_checker
    from pipeline.validation.records import validate_tables

    aliases = load_aliases(None)
    schema = load_schema("evaluations")
    with tempfile.TemporaryDirectory(prefix="vendorflow-bench-") as tmp:
        path = Path(tmp) / "evaluations_2026-10.xlsx"
        start = time.perf_counter()
        bad = make_workbook(path, args.rows, args.bad)
        print(
            f"{args.rows:,} rows ({bad:,} with errors) written in {time.perf_counter() - start:.1f}s, "
            f"{path.stat().st_size / 1e6:.1f} MB"
        )
        file = InputFile(path, "evaluations", sha256_of(path), path.stat().st_size)

        def ours(fast: bool = True):
            tables = read_input(file, aliases)
            return validate_tables(tables, aliases, present={"evaluations"}, fast=fast)

        t_ours, validated = best_of(args.repeat, ours)
        t_slow, reference = best_of(1, lambda: ours(fast=False))

        # the baseline's input: the same records, read and coerced (not timed)
        from pipeline.validation.coerce import compile_coercers

        table = read_input(file, aliases)[0]
        coercers = compile_coercers(schema, aliases)
        records = [{f: coercers[f](v) for f, v in raw.cells.items()} for raw in table.rows]
        validator = Draft202012Validator(schema, format_checker=format_checker)

        def plain():
            failing = 0
            for record in records:
                if any(True for _ in validator.iter_errors(record)):
                    failing += 1
            return failing

        t_plain, failing = best_of(args.repeat, plain)

    n = args.rows
    key = lambda i: (i.row, i.field, i.rule, i.message_en)  # noqa: E731
    same = sorted(map(key, validated.issues)) == sorted(map(key, reference.issues))
    rejected_rows = len({i.row for i in validated.issues})
    print(f"Python {platform.python_version()} on {platform.machine()}, best of {args.repeat}")
    print(f"  plain jsonschema iter_errors : {n / t_plain:>10,.0f} rows/s  ({t_plain:.2f}s; {failing:,} rows fail)")
    print(
        f"  vendorflow read + validate   : {n / t_ours:>10,.0f} rows/s  ({t_ours:.2f}s; {rejected_rows:,} rows rejected, "
        f"{len(validated.issues):,} problems reported)"
    )
    print(f"  same, fast path off          : {n / t_slow:>10,.0f} rows/s  ({t_slow:.2f}s)")
    print(f"  ratio vendorflow / jsonschema: {t_plain / t_ours:.1f}x  (goal >= 5x)")
    print(f"  same problems with and without the fast path: {'yes' if same else 'NO'}")
    return 0 if same and rejected_rows == failing else 1


if __name__ == "__main__":
    sys.exit(main())
