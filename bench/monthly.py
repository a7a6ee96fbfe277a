#!/usr/bin/env python3
"""End-to-end monthly run at scale: `vendorflow run` against a naive docxtpl loop, in one run.

    python bench/monthly.py [--suppliers 5000] [--sizes 1000,5000] [--workers N] [--naive-limit N] [--no-server]

For each size it writes a realistic drop folder of N suppliers (supplier master with valid
统一社会信用代码, contracts with service items, four months of evaluations, incidents) in
the format of inputs/, records July–September in a history store (so review reports carry
their trend charts, as in any month after the first), then measures, each in a fresh
process on fresh copies of that outputs folder:

  flow        `vendorflow run` (the CLI, Prefect's local ephemeral API, rendering on all
              cores): wall time, documents, documents/s, and peak memory of the process
              tree — RSS summed over the process and all its descendants, sampled every
              50 ms from /proc (PSS alongside, which counts pages shared after fork once),
              and the largest single process by getrusage(RUSAGE_CHILDREN).ru_maxrss;
  served      `vendorflow run` again, against a Prefect server started here on 127.0.0.1
              (the production set-up: `vendorflow serve`, or PREFECT_API_URL); --no-server skips it;
  plain       the same stages called directly (pipeline.runs.monthly + orchestration.parallel.render_many),
              no Prefect imported: the difference is Prefect's share of the run;
  naive       the same documents with the same contexts (taken from the stages in this
              process) rendered by a new docxtpl DocxTemplate + render + save per document,
              one process — the baseline of the ≥ 3× goal;
  charts      milliseconds per chart (pipeline/charts.py) against milliseconds per document.

Goals (issues #5 and #23): at 5,000 suppliers the one-off run ≥ 10× faster than the naive loop;
the whole process tree's peak RSS < 1 GB (printed process by process at the peak) and flat from
1,000 to 5,000 suppliers; Prefect's share < 10% of a one-off run and < 5% against a running
server. A new outputs folder's Prefect database starts from the migrated copy kept after the
first run on the machine (`pipeline.orchestration.database`); the line says which. Not a test: figures
vary by machine; it prints them. `--naive-limit N` times the naive loop on every k-th
document (N in all, each template in proportion) and scales the time up, saying so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

PERIODS = ("2026-07", "2026-08", "2026-09", "2026-10")
PERIOD = PERIODS[-1]
SEED = 20261031


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- data set

CITIES = [
    ("上海", "Shanghai", "310115"),
    ("苏州", "Suzhou", "320505"),
    ("杭州", "Hangzhou", "330108"),
    ("南京", "Nanjing", "320114"),
    ("宁波", "Ningbo", "330212"),
    ("合肥", "Hefei", "340104"),
    ("无锡", "Wuxi", "320214"),
    ("青岛", "Qingdao", "370211"),
    ("深圳", "Shenzhen", "440305"),
    ("成都", "Chengdu", "510107"),
    ("武汉", "Wuhan", "420106"),
    ("广州", "Guangzhou", "440111"),
]
WORDS = [
    ("锦程", "Jincheng"),
    ("恒信", "Hengxin"),
    ("云帆", "Yunfan"),
    ("数衡", "Shuheng"),
    ("安居", "Anju"),
    ("通达", "Tongda"),
    ("华信", "Huaxin"),
    ("立德", "Lide"),
    ("博远", "Boyuan"),
    ("嘉禾", "Jiahe"),
    ("鼎盛", "Dingsheng"),
    ("瑞丰", "Ruifeng"),
    ("中联", "Zhonglian"),
    ("宏图", "Hongtu"),
    ("启航", "Qihang"),
    ("永安", "Yong'an"),
    ("德邦", "Debang"),
    ("新程", "Xincheng"),
    ("明远", "Mingyuan"),
    ("同创", "Tongchuang"),
    ("汇智", "Huizhi"),
    ("聚力", "Juli"),
    ("远航", "Yuanhang"),
    ("天成", "Tiancheng"),
    ("海川", "Haichuan"),
    ("东升", "Dongsheng"),
    ("长青", "Changqing"),
    ("卓越", "Zhuoyue"),
    ("信达", "Xinda"),
    ("万和", "Wanhe"),
]
# category (Chinese value as in the sheets), trade words zh/en, contract type, roles (zh, en, monthly price)
CATEGORIES = [
    (
        "劳务外包",
        "人力资源服务",
        "Human Resources Services",
        "劳务外包",
        [
            ("装配工", "Assembly operator", 7500),
            ("质检员", "Quality inspector", 8000),
            ("叉车司机", "Forklift driver", 7800),
        ],
    ),
    (
        "劳务派遣",
        "人力资源",
        "Human Resources",
        "劳务派遣",
        [("普工", "Production worker", 6280), ("仓库管理员", "Warehouse keeper", 5900), ("包装工", "Packer", 5600)],
    ),
    (
        "IT服务",
        "信息技术",
        "Information Technology",
        "外包服务",
        [
            ("高级开发工程师", "Senior software engineer", 35000),
            ("开发工程师", "Software engineer", 26000),
            ("测试工程师", "Test engineer", 18500),
            ("运维工程师", "Operations engineer", 21000),
        ],
    ),
    (
        "后勤物业",
        "物业服务",
        "Property Services",
        "外包服务",
        [("保洁员", "Cleaner", 4800), ("保安员", "Security guard", 5200), ("厨师", "Cook", 6500)],
    ),
    (
        "物流",
        "物流",
        "Logistics",
        "外包服务",
        [("货车司机", "Truck driver", 9000), ("调度员", "Dispatcher", 8200), ("装卸工", "Loader", 6000)],
    ),
    (
        "其他",
        "翻译服务",
        "Translation Services",
        "外包服务",
        [("笔译员", "Translator", 15000), ("口译员", "Interpreter", 22000)],
    ),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = [
    "建国",
    "丽华",
    "志强",
    "海峰",
    "明轩",
    "晓燕",
    "永平",
    "立",
    "静",
    "伟",
    "敏",
    "娜",
    "洋",
    "磊",
    "婷",
    "军",
    "芳",
    "涛",
]
BANKS = [
    "招商银行",
    "中国工商银行",
    "中国建设银行",
    "交通银行",
    "中国银行",
    "中国农业银行",
    "上海浦东发展银行",
    "兴业银行",
]
ROADS = [
    ("张江路", "Zhangjiang Road"),
    ("狮山路", "Shishan Road"),
    ("网商路", "Wangshang Road"),
    ("软件大道", "Software Avenue"),
    ("科技路", "Keji Road"),
    ("人民路", "Renmin Road"),
]
DESCRIPTIONS = {
    "延期交付": "交付延迟{d}天，已要求提交赶工计划。",
    "质量缺陷": "抽检发现质量问题，已要求返工并分析原因。",
    "安全事件": "发现违反信息安全规定的操作，已要求整改并提交书面说明。",
    "合规问题": "用工资料不齐全，已要求限期补齐。",
    "投诉": "业务部门投诉服务响应不及时，已约谈项目负责人。",
}
TYPES = [("延期交付", 0.35), ("质量缺陷", 0.25), ("投诉", 0.2), ("合规问题", 0.12), ("安全事件", 0.08)]
SEVERITIES = [("低", 0.5), ("中", 0.32), ("高", 0.15), ("严重", 0.03)]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def generate(out: Path, n: int, seed: int = SEED) -> dict[str, int]:
    """Write the drop folder for `n` suppliers into `out`; returns row counts per kind."""
    sample = _load("make_sample_data", ROOT / "tools" / "make_sample_data.py")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "inputs" / "policy.yaml", out / "policy.yaml")
    suppliers, contracts, items, incidents = [], [], [], []
    evaluations = {p: [] for p in PERIODS}
    used_names: set[str] = set()
    for i in range(1, n + 1):
        sid = f"S{i:05d}"
        city_zh, city_en, region = CITIES[i % len(CITIES)]
        category, trade_zh, trade_en, contract_type, roles = CATEGORIES[rng.randrange(len(CATEGORIES))]
        word_zh, word_en = WORDS[(i * 7) % len(WORDS)]
        name_zh = f"{city_zh}{word_zh}{trade_zh}有限公司"
        name_en = f"{city_en} {word_en} {trade_en} Co., Ltd."
        k = 2
        while name_zh in used_names:
            name_zh, name_en = (
                f"{city_zh}{word_zh}{trade_zh}（第{k}）有限公司",
                f"{city_en} {word_en} {trade_en} No. {k} Co., Ltd.",
            )
            k += 1
        used_names.add(name_zh)
        road_zh, road_en = ROADS[i % len(ROADS)]
        number = 10 + i % 900
        status = "候选" if i % 67 == 0 else "考察期" if i % 19 == 0 else "合格"
        dispatch = category == "劳务派遣"
        licence = "长期" if rng.random() < 0.6 else dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
        supplier = dict(
            supplier_id=sid,
            name_zh=name_zh,
            name_en=name_en,
            uscc=sample.uscc(region, f"{10000000 + i * 37:08d}"),
            category=category,
            legal_rep=rng.choice(SURNAMES) + rng.choice(GIVEN),
            address_zh=f"{city_zh}市{road_zh}{number}号",
            address_en=f"No. {number} {road_en}, {city_en}",
            contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            contact_phone=f"13{rng.randrange(10**8, 10**9):09d}",
            contact_email=f"contact{i}@{word_en.lower().replace(chr(39), '')}{i}.com.cn",
            bank_name=f"{rng.choice(BANKS)}{city_zh}分行",
            bank_account=f"{rng.randrange(10**15, 10**16)}",
            license_expiry=licence,
            certifications=rng.choice(["ISO 9001", "ISO 9001; ISO 45001", "ISO 27001"]),
            nda_signed_date=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 500))
            if rng.random() < 0.95
            else None,
            data_access_level=rng.choice(["无", "内部", "内部", "机密"]),
            status=status,
        )
        if dispatch:
            supplier.update(
                dispatch_permit_no=f"{city_zh}人社派许字第{i:05d}号",
                dispatch_permit_expiry=dt.date(2026, 12, 1) + dt.timedelta(days=rng.randrange(0, 1500)),
            )
        suppliers.append(supplier)
        if status == "候选":
            continue
        # one contract covering July–October; some end within 90 days of the period (renewal risk)
        start = dt.date(2026, rng.randrange(1, 7), 1)
        end = (
            dt.date(2026, 12, 31)
            if rng.random() < 0.1
            else dt.date(start.year + rng.choice([1, 2]), start.month, 1) - dt.timedelta(days=1)
        )
        no = f"HT-2026-{i:05d}"
        chosen = rng.sample(roles, k=min(len(roles), rng.randrange(1, 4)))
        lines = [(zh, en, rng.randrange(2, 40), price + rng.randrange(0, 20) * 50) for zh, en, price in chosen]
        fee = sum(D(h) * D(p) for _, _, h, p in lines)
        contracts.append(
            dict(
                contract_no=no,
                supplier_id=sid,
                contract_type=contract_type,
                start_date=start,
                end_date=end,
                sign_date=start - dt.timedelta(days=rng.randrange(5, 30)),
                monthly_fee=float(fee),
                currency="CNY",
                tax_rate=rng.choice([0.06, 0.06, 0.05, 0.09]),
                payment_days=rng.choice([30, 45, 60]),
                penalty_cap_pct=rng.choice([10, 15, 20, None]),
                dispute_venue=rng.choice(["上海市闵行区人民法院", "上海国际仲裁中心"]),
                language_precedence="中文",
            )
        )
        for zh, en, h, p in lines:
            item = dict(contract_no=no, role_zh=zh, role_en=en, headcount=h, unit_price=float(p))
            if dispatch:  # a dispatch post is priced as pay + social insurance + management fee
                wage, social = p * 72 // 100, p * 22 // 100
                item.update(wage=wage, social_insurance=social, management_fee=p - wage - social, post_nature="辅助性")
            items.append(item)
        # a supplier's level, with a few sliding month by month: grades A–D in realistic shares
        level = rng.gauss(0.85, 0.45)
        slide = rng.random() < 0.08
        for m, period in enumerate(PERIODS):
            here = level - (0.45 * m if slide else 0) + rng.gauss(0, 0.12)
            year, month = map(int, period.split("-"))
            found = {"合规问题": 0, "投诉": 0}
            for _ in range(sum(1 for _ in range(3) if rng.random() < max(0.02, 0.18 - 0.12 * here))):
                kind, severity = _pick(rng, TYPES), _pick(rng, SEVERITIES)
                days = rng.randrange(1, 9) if kind == "延期交付" else None
                found[kind] = found.get(kind, 0) + 1
                incidents.append(
                    dict(
                        incident_id=f"INC-{year}{month:02d}-{len(incidents) + 1:06d}",
                        supplier_id=sid,
                        date=dt.date(year, month, rng.randrange(1, 29)),
                        type=kind,
                        severity=severity,
                        days_late=days,
                        description=DESCRIPTIONS[kind].format(d=days),
                    )
                )
            clamp = lambda v, lo, hi: max(lo, min(hi, v))  # noqa: E731
            evaluations[period].append(
                dict(
                    supplier_id=sid,
                    period=period,
                    quality_score=round(clamp(78 + 12 * here, 40, 100)),
                    on_time_rate=round(clamp(0.9 + 0.06 * here, 0.6, 1.0), 3),
                    cost_variance_pct=round(clamp(3 - 3 * here + rng.gauss(0, 1), -10, 30), 1),
                    satisfaction=None if rng.random() < 0.02 else round(clamp(3.6 + 0.8 * here, 1, 5), 1),
                    compliance_issues=found["合规问题"],
                    complaints=found["投诉"],
                    training_hours=rng.randrange(4, 60),
                    turnover_rate=round(clamp(0.05 - 0.03 * here, 0.0, 0.4), 3),
                    evaluator=rng.choice(["王敏", "李娜", "张伟", "刘洋", "陈静"]),
                    comment=rng.choice(["表现稳定。", "按期完成，质量良好。", "需加强现场管理。", "响应及时。"]),
                )
            )

    def book(sheet: str, headers, rows, name: str, extra=None, **formats) -> None:
        wb = sample.new_workbook()
        ws = wb.active
        ws.title = sheet
        sample.write_table(ws, headers, rows, formats=formats)
        if extra:
            extra(wb)
        sample.save(wb, out / name)

    book("供应商", sample.SUPPLIER_HEADERS, suppliers, "suppliers.xlsx")

    def item_sheet(wb) -> None:
        sample.write_table(wb.create_sheet("items"), sample.ITEM_HEADERS, items, formats=dict(unit_price="#,##0.00"))

    book(
        "contracts",
        sample.CONTRACT_HEADERS,
        contracts,
        "contracts.xlsx",
        extra=item_sheet,
        monthly_fee="#,##0.00",
        tax_rate="0%",
    )
    for period in PERIODS:
        book(
            "绩效评估",
            sample.EVAL_HEADERS,
            evaluations[period],
            f"evaluations_{period}.xlsx",
            on_time_rate="0.0%",
            turnover_rate="0.0%",
        )
    book("事件", sample.INCIDENT_HEADERS, incidents, "incidents.xlsx")
    return {
        "suppliers": len(suppliers),
        "contracts": len(contracts),
        "items": len(items),
        "evaluations": sum(len(v) for v in evaluations.values()),
        "incidents": len(incidents),
    }


def stages(inputs: Path, outputs: Path):
    """Load, validate and compute in this process: (policy, validated, loaded, result, past)."""
    from pipeline.periods import Period
    from pipeline.runs import monthly
    from pipeline.runs.stages import find_policy

    policy = find_policy(inputs, None)
    loaded = monthly.load_stage(inputs)
    validated = monthly.validate_stage(loaded)
    store, past, _carried = monthly.history_stage(outputs, Period.parse(PERIOD))
    return policy, loaded, validated, store, past


def seed_history(inputs: Path, outputs: Path) -> int:
    """Record July–September in outputs/history.sqlite (results only, no documents), as the
    three earlier monthly runs would have; returns the rejected input rows (should be 0)."""
    from pipeline.periods import Period
    from pipeline.runs import monthly

    policy, loaded, validated, store, _ = stages(inputs, outputs)
    for code in PERIODS[:-1]:
        period = Period.parse(code)
        past = [r for r in store.current_results() if r.period < code]
        result = monthly.compute_stage(validated, policy, period, past)
        run_id = store.begin_run("monthly", code, policy.sha256, monthly.input_fingerprints(loaded))
        monthly.record_stage(store, run_id, result, [])
    return monthly.rejected_row_count(validated.issues)


# ----------------------------------------------------------------------------- measured runs


def plain_run(inputs: Path, outputs: Path, workers: int | None) -> dict:
    """The monthly run's own declaration without Prefect: a plain runner that renders on the
    same process pool as the flow (parallel rendering included)."""
    from pipeline.orchestration import parallel
    from pipeline.runs import monthly
    from pipeline.runs.runner import PlainRunner
    from pipeline.settings import Settings

    class PoolRunner(PlainRunner):
        def render(self, jobs, root, total):
            return parallel.render_many(jobs, root, workers=workers or parallel.default_workers(), total=total)

    start = time.perf_counter()
    summary = monthly.monthly(PoolRunner(), Settings.from_env(), inputs, outputs, PERIOD)
    return {
        "documents": summary.documents,
        "seconds": time.perf_counter() - start,
        "prefect_imported": "prefect" in sys.modules,
    }


def measured(command: list[str], env: dict[str, str]) -> dict:
    """Run `command` as a child; wall time and peak memory of its process tree."""
    bench_render = _load("bench_render", ROOT / "bench" / "render.py")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with bench_render.PeakMemory(child.pid) as peak:
        out, err = child.communicate()
    wall = time.perf_counter() - start
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed (exit {child.returncode}):\n{out[-3000:]}\n{err[-3000:]}")
    return {
        "wall": wall,
        "rss_mb": peak.rss / 1024,
        "pss_mb": peak.pss / 1024,
        "main_mb": peak.main_rss / 1024,
        "processes": peak.processes,
        "at_peak": peak.composition(),
        "largest_mb": largest / 1024 if largest > before else None,
        "stdout": out,
        "exit": child.returncode,
    }


def _fastest(rounds: list[dict]) -> dict:
    """The round with the shortest wall time, with the largest peak memory of all rounds."""
    best = dict(min(rounds, key=lambda r: r["wall"]))
    worst = max(rounds, key=lambda r: r["rss_mb"])
    for key in ("rss_mb", "pss_mb", "main_mb", "at_peak", "processes"):
        best[key] = worst[key]
    best["largest_mb"] = max((r["largest_mb"] or 0 for r in rounds), default=0) or None
    return best


def documents_in(root: Path) -> int:
    manifest = json.loads((root / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    return sum(1 for f in manifest["files"] if f["path"].endswith(".docx"))


def naive_loop(jobs: list, out: Path, limit: int | None) -> tuple[float, int, int]:
    """A new DocxTemplate per document: (seconds for all jobs, documents timed, all documents)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from pipeline.render.engine import Image
    from pipeline.render.environment import jinja_env
    from pipeline.render.facade import template_path

    chosen = jobs
    if limit and limit < len(jobs):  # every k-th job: each template in proportion
        step = len(jobs) / limit
        chosen = [jobs[int(i * step)] for i in range(limit)]

    def pictures(value, tpl):
        if isinstance(value, Image):
            return InlineImage(tpl, io.BytesIO(value.data), width=Mm(value.width_mm) if value.width_mm else None)
        if isinstance(value, dict):
            return {k: pictures(v, tpl) for k, v in value.items()}
        if isinstance(value, list):
            return [pictures(v, tpl) for v in value]
        return value

    start = time.perf_counter()
    for job in chosen:
        tpl = DocxTemplate(template_path(job.template))
        tpl.render(pictures(job.context, tpl), jinja_env=jinja_env(), autoescape=True)
        target = out / job.relative_path
        target.parent.mkdir(parents=True, exist_ok=True)
        tpl.save(target)
    elapsed = time.perf_counter() - start
    return elapsed * len(jobs) / len(chosen), len(chosen), len(jobs)


def chart_cost(result, policy, period, per: int = 200) -> dict:
    """ms per chart (score trend, grade distribution) and per review-report context."""
    from pipeline.documents import charts
    from pipeline.documents import monthly as documents

    bands = [(b.grade, b.min) for b in policy.grades]
    labels = list(PERIODS)
    start = time.perf_counter()
    for i in range(per):
        charts.score_trend(labels, [D(60 + i % 40), D(70), None, D(80 + i % 15)], bands)
    trend = (time.perf_counter() - start) / per * 1000
    start = time.perf_counter()
    for i in range(per // 4):
        charts.grade_distribution(["A", "B", "C", "D"], [i, 10, 5, i % 3])
    grades = (time.perf_counter() - start) / (per // 4) * 1000
    sample = result.suppliers[:per]
    start = time.perf_counter()
    for sm in sample:
        documents.review_context(sm, policy, period)
    context = (time.perf_counter() - start) / len(sample) * 1000
    return {"trend_ms": trend, "grades_ms": grades, "review_context_ms": context}


# ----------------------------------------------------------------------------- main


def run_size(n: int, scratch: Path, args, env: dict[str, str]) -> dict:
    from pipeline.periods import Period
    from pipeline.runs import monthly

    base = scratch / f"n{n}"
    inputs, seeded = base / "inputs", base / "seeded"
    start = time.perf_counter()
    counts = generate(inputs, n)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    rejected = seed_history(inputs, seeded)
    seeding = time.perf_counter() - start
    print(
        f"\n== {n:,} suppliers: {counts['contracts']:,} contracts, {counts['items']:,} service items, "
        f"{counts['evaluations']:,} evaluations (4 months), {counts['incidents']:,} incidents; rejected rows: "
        f"{rejected}  (written in {generated:.0f} s, July–September recorded in {seeding:.0f} s)"
    )

    def fresh(name: str) -> Path:
        target = base / name
        shutil.copytree(seeded, target)
        return target

    from pipeline.orchestration import database

    kept = database.template(database.default_cache(os.environ)).is_file()
    prefect_db = (
        "started from the kept, migrated copy (a new outputs folder, as after the first run on a machine)"
        if kept
        else "created and migrated by this run (the first on this machine; later new homes start from its copy)"
    )
    vendorflow = str(Path(sys.executable).parent / "vendorflow")
    command = [vendorflow, "run", "--inputs", str(inputs), "--outputs"]
    flows, serveds, plains = [], [], []
    docs = None
    server = None
    if args.server:
        # the production set-up: a Prefect server already running (vendorflow serve, or PREFECT_API_URL)
        from pipeline.orchestration.serve import LocalServer

        server = LocalServer(scratch / "server-home")
        url = server.start()
    try:
        # rounds interleaved (one-off, served, plain; again): the machine's load drifts by seconds
        for _ in range(args.repeat):
            flow_out = fresh("out-flow")
            flows.append(measured([*command, str(flow_out), "--period", PERIOD], env))
            docs = documents_in(flow_out)
            shutil.rmtree(flow_out)
            if server is not None:
                served_out = fresh("out-served")
                serveds.append(
                    measured([*command, str(served_out), "--period", PERIOD], dict(env, PREFECT_API_URL=url))
                )
                assert documents_in(served_out) == docs
                shutil.rmtree(served_out)
            plain_out = fresh("out-plain")
            plains.append(
                measured(
                    [sys.executable, __file__, "--plain-run", str(inputs), str(plain_out)]
                    + (["--workers", str(args.workers)] if args.workers else []),
                    env,
                )
            )
            plain_info = json.loads(plains[-1]["stdout"].strip().splitlines()[-1])
            assert plain_info["documents"] == documents_in(plain_out) == docs, (plain_info, docs)
            assert not plain_info["prefect_imported"]
            shutil.rmtree(plain_out)
    finally:
        if server is not None:
            server.stop()
    flow, plain = _fastest(flows), _fastest(plains)
    served = _fastest(serveds) if serveds else None
    if args.repeat > 1:
        print(
            "rounds (wall s): one-off "
            + ", ".join(f"{r['wall']:.1f}" for r in flows)
            + ("; served " + ", ".join(f"{r['wall']:.1f}" for r in serveds) if serveds else "")
            + "; plain "
            + ", ".join(f"{r['wall']:.1f}" for r in plains)
            + " — the fastest of each is used for time, the largest peak for memory"
        )

    # the same documents with the same contexts, for the naive loop and the chart figures
    policy, loaded, validated, store, past = stages(inputs, fresh("out-naive-history"))
    result = monthly.compute_stage(validated, policy, Period.parse(PERIOD), past)
    jobs = monthly.document_jobs(result, policy, validated.issues)
    assert len(jobs) == docs, (len(jobs), docs)
    naive_seconds, timed, total = naive_loop(jobs, base / "out-naive", args.naive_limit)
    charts = chart_cost(result, policy, Period.parse(PERIOD))
    shutil.rmtree(base / "out-naive", ignore_errors=True)

    share = (flow["wall"] - plain["wall"]) / flow["wall"]
    figures = dict(
        suppliers=n,
        documents=docs,
        flow=flow,
        plain=plain,
        naive=naive_seconds,
        naive_timed=timed,
        share=share,
        charts=charts,
    )
    per_doc = flow["wall"] / docs * 1000
    print(
        f"vendorflow run     {flow['wall']:7.1f} s  {docs:,} documents  {docs / flow['wall']:6.1f} docs/s  "
        f"peak RSS of the process tree {flow['rss_mb']:.0f} MB (PSS {flow['pss_mb']:.0f} MB, {flow['processes']} "
        f"processes; the run's own process {flow['main_mb']:.0f} MB"
        + (f", largest single process by getrusage {flow['largest_mb']:.0f} MB" if flow["largest_mb"] else "")
        + ")"
    )
    print(f"  at the peak (MB; goal: the tree < 1,024): {flow['at_peak']}; Prefect's database {prefect_db}")
    print(
        f"same stages, no Prefect {plain['wall']:5.1f} s  peak RSS {plain['rss_mb']:.0f} MB (PSS {plain['pss_mb']:.0f} MB): "
        f"{plain['at_peak']}"
    )
    note = "" if timed == total else f" (timed on {timed:,} of the {total:,} documents, scaled up)"
    print(f"naive docxtpl loop {naive_seconds:7.1f} s  {total / naive_seconds:6.1f} docs/s{note}")
    print(f"ratio naive / vendorflow run: {naive_seconds / flow['wall']:.1f}×  (goal ≥ 10×)")
    print(f"Prefect's share: {flow['wall'] - plain['wall']:.1f} s of {flow['wall']:.1f} s = {share:.1%}  (goal < 10%)")
    if served is not None:
        served_share = (served["wall"] - plain["wall"]) / served["wall"]
        print(
            f"against a running Prefect server: vendorflow run {served['wall']:.1f} s, Prefect's share "
            f"{served['wall'] - plain['wall']:.1f} s = {served_share:.1%}; peak RSS of the run's tree "
            f"{served['rss_mb']:.0f} MB (the server's own memory is outside it)  (goal < 5%)"
        )
        figures["served"] = served
    print(
        f"charts: score trend {charts['trend_ms']:.1f} ms, grade distribution {charts['grades_ms']:.1f} ms each; "
        f"a review report's context (with its chart) {charts['review_context_ms']:.1f} ms; end-to-end "
        f"{per_doc:.1f} ms per document (wall / documents), naive {naive_seconds / total * 1000:.1f} ms"
    )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=5000, help="suppliers in the data set (default 5,000)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of the one-off, served and plain runs, interleaved (fastest kept)"
    )
    parser.add_argument("--sizes", help="several sizes in one run, e.g. 1000,5000 (overrides --suppliers)")
    parser.add_argument("--workers", type=int, default=None, help="render processes (default: the usable cores)")
    parser.add_argument(
        "--naive-limit",
        type=int,
        default=None,
        help="time the naive loop on N documents (every k-th) and scale up (default: all)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data and outputs (prints where)")
    parser.add_argument(
        "--no-server",
        dest="server",
        action="store_false",
        help="skip the run against a running Prefect server (started here on 127.0.0.1)",
    )
    parser.add_argument("--generate", type=Path, metavar="DIR", help="only write the data set into DIR and exit")
    parser.add_argument("--plain-run", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.plain_run:
        print(json.dumps(plain_run(*args.plain_run, args.workers)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.suppliers)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.suppliers]

    import prefect

    from pipeline.orchestration.parallel import default_workers

    print(
        f"vendorflow monthly benchmark — sizes {', '.join(f'{s:,}' for s in sizes)} suppliers; {os.cpu_count()} CPUs, "
        f"rendering on {args.workers or default_workers()} processes; Python {platform.python_version()}, "
        f"Prefect {prefect.__version__}"
    )
    scratch = Path(tempfile.mkdtemp(prefix="vendorflow-bench-monthly-"))
    env = dict(
        os.environ,
        PREFECT_HOME=str(scratch / "prefect-home"),
        PREFECT_LOGGING_LEVEL="WARNING",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    env.pop("PREFECT_API_URL", None)  # Prefect's local ephemeral API, as `vendorflow run` uses by default
    env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
    if args.workers:
        env["VENDORFLOW_RENDER_WORKERS"] = str(args.workers)
    try:
        # once, not timed: Prefect creates its database in a new PREFECT_HOME on the first run
        warm = scratch / "warm"
        generate(warm / "inputs", 20)
        measured(
            [
                str(Path(sys.executable).parent / "vendorflow"),
                "run",
                "--inputs",
                str(warm / "inputs"),
                "--outputs",
                str(warm / "out"),
                "--period",
                PERIOD,
            ],
            env,
        )
        results = [run_size(n, scratch, args, env) for n in sizes]
        if len(results) > 1:
            a, b = results[0], results[-1]
            print(
                f"\nmemory {a['suppliers']:,} → {b['suppliers']:,} suppliers: peak RSS {a['flow']['rss_mb']:.0f} → "
                f"{b['flow']['rss_mb']:.0f} MB (×{b['flow']['rss_mb'] / a['flow']['rss_mb']:.2f} for "
                f"×{b['suppliers'] / a['suppliers']:.0f} the suppliers); PSS {a['flow']['pss_mb']:.0f} → "
                f"{b['flow']['pss_mb']:.0f} MB"
            )
        if args.keep:
            print(f"\nkept: {scratch}")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
