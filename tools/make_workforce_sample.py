"""Write the workforce part of the sample drop folder: the roster and monthly attendance.

    /tmp/venv/bin/python tools/make_workforce_sample.py [--out DIR]

Writes workers.xlsx (人员花名册) and attendance_2026-07 … 2026-10.xlsx (考勤) for the six
labour suppliers of tools/make_sample_data.py: S001, S007, S013 (劳务外包) and S002, S008,
S014 (劳务派遣). Deterministic (a fixed seed, fixed workbook timestamps); names and ID
numbers are invented, ID numbers carry real check characters (GB 11643).

What the data exercises (October 2026, 17 working days in policy.yaml):

* Every dispatch contract is settled on attendance: days × (unit price ÷ 17) + overtime. The
  outsourcing suppliers' people are on the roster (onboarding, safety and site checks) but have
  no attendance: outsourcing is paid on accepted work, never by days or hours.
* S007: one 包装工 post is vacant (14 of 15 people) and 叉车司机 work overtime; W0708 has no
  passed health check.
* S002 (dispatch): W0203 has held a 临时性 post since 2026-03-02 (more than 6 months);
  W0214 is 17 (未成年工); W0206 left on 2026-10-16 and W0215 replaced him on 2026-10-19.
* S013: W1304 was trained on safety after his first day; W1311's background check failed;
  W1331 is the same person as S008's W0812 (same ID number), on both rosters in October.
* S001, S008 (apart from W0812) and S014 are clean. Dispatched workers stay far under 10 %
  of the workforce (direct headcount 1,180 in policy.yaml).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
from make_sample_data import CONTRACTS, DISPATCH_POSTS, new_workbook, save, worker_role, write_table  # noqa: E402

from pipeline.identifiers import id_check_char, is_valid_id_number  # noqa: E402

PERIODS = ("2026-07", "2026-08", "2026-09", "2026-10")
WORKING_DAYS = {"2026-07": 23, "2026-08": 21, "2026-09": 21, "2026-10": 17}  # as in inputs/policy.yaml
LABOUR = ("S001", "S002", "S007", "S008", "S013", "S014")
REGION = {"S001": "310115", "S002": "320505", "S007": "340104", "S008": "320214", "S013": "420106", "S014": "310106"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海鹏飞宇浩凯俊峰琳雪梅兰玉晨欣怡子涵佳雨"

WORKER_HEADERS = [
    ("worker_id", "工号"),
    ("supplier_id", "供应商编号"),
    ("contract_no", "合同编号"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("role", "岗位"),
    ("post_nature", "岗位性质"),
    ("onboard_date", "入职日期"),
    ("offboard_date", "离职日期"),
    ("health_check_passed", "体检合格"),
    ("background_check_passed", "背景调查通过"),
    ("safety_training_date", "安全培训日期"),
    ("training_hours", "培训时长"),
]
ATTENDANCE_HEADERS = [
    ("period", "考勤月份"),
    ("worker_id", "工号"),
    ("name", "姓名"),
    ("supplier_id", "供应商编号"),
    ("days_worked", "出勤天数"),
    ("overtime_hours", "加班时长"),
]


def id_number(region: str, birth: dt.date, serial: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def roster() -> list[dict]:
    rng = random.Random(20261031)
    rows: list[dict] = []
    for contract in CONTRACTS:
        no, sid, typ, start = contract[0], contract[1], contract[2], dt.date(*contract[3])
        if sid not in LABOUR:
            continue
        dispatch = typ == "劳务派遣"
        seq = 0
        for item_zh, _role_en, headcount, _price in contract[11]:
            role_zh = worker_role(no, item_zh)
            post = DISPATCH_POSTS.get((no, item_zh))
            filled = headcount - 1 if (sid, role_zh) == ("S007", "包装工") else headcount
            for _ in range(filled):
                seq += 1
                birth = dt.date(1972 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
                onboard = max(start, dt.date(2026, 1, 5)) if seq % 3 else max(start, dt.date(2025, 6, 2))
                if sid == "S013":
                    onboard = dt.date(2026, 6, 29)
                if post and post[0] == "临时性":  # a temporary post: within its six months
                    onboard = dt.date(2026, 6, 1)
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
                rows.append(
                    dict(
                        worker_id=f"W{sid[2:]}{seq:02d}",
                        supplier_id=sid,
                        contract_no=no,
                        name=name,
                        id_number=id_number(REGION[sid], birth, 100 + rng.randrange(800)),
                        role=role_zh,
                        post_nature=(post[0] if post else "辅助性") if dispatch else None,
                        onboard_date=onboard,
                        offboard_date=None,
                        health_check_passed="是",
                        background_check_passed="是",
                        safety_training_date=onboard,
                        training_hours=8 + 4 * rng.randrange(3),
                    )
                )
    by_id = {r["worker_id"]: r for r in rows}
    # S002: a temporary post held since March; a juvenile worker; one leaves, one replaces him.
    by_id["W0203"].update(
        post_nature="临时性", onboard_date=dt.date(2026, 3, 2), safety_training_date=dt.date(2026, 3, 2)
    )
    by_id["W0207"].update(
        post_nature="临时性", onboard_date=dt.date(2026, 8, 3), safety_training_date=dt.date(2026, 8, 3)
    )
    by_id["W0214"].update(id_number=id_number(REGION["S002"], dt.date(2009, 5, 12), 422), role="仓库管理员")
    by_id["W0206"].update(offboard_date=dt.date(2026, 10, 16))
    rows.append(
        dict(
            by_id["W0206"],
            worker_id="W0215",
            name="钱立新",
            offboard_date=None,
            id_number=id_number(REGION["S002"], dt.date(1994, 9, 3), 517),
            onboard_date=dt.date(2026, 10, 19),
            safety_training_date=dt.date(2026, 10, 19),
        )
    )
    # S014: one substitute post (maternity cover).
    by_id["W1409"].update(post_nature="替代性")
    # S007: a health check not passed.
    by_id["W0708"].update(health_check_passed="否")
    # S013: trained after the first day; background check failed; on S008's roster too.
    by_id["W1304"].update(safety_training_date=dt.date(2026, 7, 6))
    by_id["W1311"].update(background_check_passed="否")
    twin = by_id["W0812"]
    rows.append(
        dict(
            twin,
            worker_id="W1331",
            supplier_id="S013",
            contract_no="HT-2026-LO-013",
            role="装配工",
            post_nature=None,
            onboard_date=dt.date(2026, 10, 12),
            safety_training_date=dt.date(2026, 10, 12),
        )
    )
    return sorted(rows, key=lambda r: r["worker_id"])


def attendance(rows: list[dict], period: str) -> list[dict]:
    rng = random.Random(f"attendance-{period}")
    year, month = map(int, period.split("-"))
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    full = WORKING_DAYS[period]
    out = []
    for r in rows:
        if not r["contract_no"].startswith("HT-2026-LD-"):
            continue  # outsourcing: paid on accepted work, no attendance
        start = max(r["onboard_date"], first)
        end = min(r["offboard_date"] or last, last)
        if start > end:
            continue
        on_site = (end - start).days + 1
        share = D(on_site) / D((last - first).days + 1)
        days = D(full) if share == 1 else (D(full) * share * 2).to_integral_value() / 2  # to the half day
        roll = rng.random()
        if share == 1 and roll < 0.12:
            days -= D(rng.choice(["0.5", "1", "2", "3"]))  # leave, sick days
        overtime = D(0)
        if r["role"] in ("叉车司机", "装配工", "操作工") and rng.random() < 0.5:
            overtime = D(rng.choice([4, 6, 8, 10, 12, 16]))
        if r["worker_id"] == "W0214":
            overtime = D(0)  # a juvenile worker: no overtime
        out.append(
            dict(
                period=period,
                worker_id=r["worker_id"],
                name=r["name"],
                supplier_id=r["supplier_id"],
                days_worked=float(days),
                overtime_hours=float(overtime),
            )
        )
    return out


def check(rows: list[dict]) -> None:
    assert all(is_valid_id_number(r["id_number"], today=dt.date(2026, 10, 31)) for r in rows)
    ids = [r["worker_id"] for r in rows]
    assert len(ids) == len(set(ids))
    twins = [r for r in rows if r["id_number"] == next(x for x in rows if x["worker_id"] == "W0812")["id_number"]]
    assert {r["supplier_id"] for r in twins} == {"S008", "S013"}


def write(out: Path) -> list[Path]:
    rows = roster()
    check(rows)
    wb = new_workbook()
    ws = wb.active
    ws.title = "人员花名册"
    write_table(ws, WORKER_HEADERS, rows, widths=dict(id_number=22, contract_no=18, name=10))
    written = [out / "workers.xlsx"]
    save(wb, written[0])
    for period in PERIODS:
        wb = new_workbook()
        ws = wb.active
        ws.title = "考勤"
        write_table(
            ws, ATTENDANCE_HEADERS, attendance(rows, period), formats=dict(days_worked="0.0", overtime_hours="0.0")
        )
        written.append(out / f"attendance_{period}.xlsx")
        save(wb, written[-1])
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "inputs", help="folder to write into (default inputs/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in write(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
