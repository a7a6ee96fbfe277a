"""Write ``inputs/candidates.xlsx``: the sample selection event SEL-2026-11 (deterministic).

    /tmp/venv/bin/python tools/make_candidates_sample.py [--out DIR] [--print-story]

华东智造集团 chooses a supplier of production-support labour services for 2027
(2027年度生产辅助岗位劳务服务供应商选择), evaluated by the panel on 2026-11-20. Eight
candidates: three from the supplier master (S001, S008, S014; identity taken from
suppliers.xlsx) and five newcomers (S017-S021, provisional IDs; name, USCC, category,
licence and permit given in the candidates file itself). Before writing, the script
recomputes every total with the rules of the `selection:` section of inputs/policy.yaml
(independently of pipeline/selection.py) and asserts the story below; it refuses to write
otherwise.

Story (weights 15/10/25/10/25/10/5; price: lowest valid quote 8,150,000.00 = 100):

| candidate | what happens | total | rank |
|---|---|---|---|
| S019 | newcomer, 劳务外包; ties S008 on 91.00, higher technical score (92 > 88) | 91.00 | 1 (recommended) |
| S008 | in the master, 劳务派遣; ties S019 on 91.00 | 91.00 | 2 (back-up) |
| S001 | in the master, 劳务外包; best reputation, dearer quote | 90.29 | 3 |
| S014 | in the master, 劳务派遣 | 88.40 | 4 |
| S017 | newcomer, 劳务外包; lowest valid quote (price 100) | 86.10 | 5 |
| S021 | newcomer, 劳务外包; weakest panel scores (80.315 rounds half-up to 80.32) | 80.32 | 6 |
| S018 | newcomer, 劳务派遣; dispatch permit expired 2026-09-30: fails the permit gate; its quote 7,900,000 is the lowest but never the price benchmark | 87.50 | not ranked |
| S020 | newcomer, 劳务派遣; site inspection failed: fails the site-inspection gate | 86.35 | not ranked |
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import yaml
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))
from make_sample_data import new_workbook, save, uscc, write_table  # noqa: E402

from pipeline.identifiers import is_valid_uscc  # noqa: E402

EVENT = "SEL-2026-11"
EVENT_DATE = dt.date(2026, 11, 20)
TITLE = "2027年度生产辅助岗位劳务服务供应商选择"

HEADERS = [
    ("event_id", "评选编号"),
    ("event_date", "评选日期"),
    ("event_title", "评选项目"),
    ("supplier_id", "供应商编号"),
    ("name_zh", "供应商名称"),
    ("name_en", "英文名称"),
    ("uscc", "统一社会信用代码"),
    ("category", "供应商类别"),
    ("license_expiry", "营业执照有效期"),
    ("dispatch_permit_no", "劳务派遣许可证编号"),
    ("dispatch_permit_expiry", "劳务派遣许可证有效期"),
    ("reputation", "信誉"),
    ("experience", "经验"),
    ("technical", "技术能力"),
    ("financial", "财务状况"),
    ("delivery", "交付能力"),
    ("compliance", "合规性"),
    ("quoted_price", "报价"),
    ("background_check_passed", "背景调查通过"),
    ("site_inspection_passed", "现场考察通过"),
    ("comment", "备注"),
]

# Panel scores are the mean of five panel members' scores (hence S019's 90.4).
CANDIDATES = [
    dict(
        supplier_id="S001",
        name_zh="上海锦程人力资源服务有限公司",
        reputation=92,
        experience=90,
        technical=85,
        financial=88,
        delivery=86,
        compliance=95,
        quoted_price=D("8460000"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="现有合格供应商，服务稳定；报价偏高",
    ),
    dict(
        supplier_id="S008",
        name_zh="无锡锡才人力资源服务有限公司",
        reputation=90,
        experience=88,
        technical=88,
        financial=85,
        delivery=90,
        compliance=92,
        quoted_price=D("8282500"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="现有劳务派遣供应商，近三个月评级均为A",
    ),
    dict(
        supplier_id="S014",
        name_zh="上海申才人力资源有限公司",
        reputation=86,
        experience=85,
        technical=84,
        financial=83,
        delivery=88,
        compliance=90,
        quoted_price=D("8350000"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="现有劳务派遣供应商；2026年8月有一项低级合规问题，已整改",
    ),
    dict(
        supplier_id="S017",
        name_zh="上海佳源人力资源服务有限公司",
        name_en="Shanghai Jiayuan Human Resources Services Co., Ltd.",
        uscc=uscc("310114", "MA1J9T5W"),
        category="劳务外包",
        license_expiry="长期",
        reputation=80,
        experience=78,
        technical=82,
        financial=80,
        delivery=84,
        compliance=88,
        quoted_price=D("8150000"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="报价最低；同类项目经验较少",
    ),
    dict(
        supplier_id="S018",
        name_zh="苏州启航人力资源有限公司",
        name_en="Suzhou Qihang Human Resources Co., Ltd.",
        uscc=uscc("320583", "MA1X7P3D"),
        category="劳务派遣",
        license_expiry=dt.date(2045, 6, 30),
        dispatch_permit_no="320583202100123",
        dispatch_permit_expiry=dt.date(2026, 9, 30),
        reputation=84,
        experience=80,
        technical=86,
        financial=78,
        delivery=85,
        compliance=82,
        quoted_price=D("7900000"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="劳务派遣经营许可证已于2026年9月30日到期，续期批复尚未取得",
    ),
    dict(
        supplier_id="S019",
        name_zh="杭州众诚企业服务有限公司",
        name_en="Hangzhou Zhongcheng Enterprise Services Co., Ltd.",
        uscc=uscc("330110", "MA2H3N6B"),
        category="劳务外包",
        license_expiry="长期",
        reputation=88,
        experience=84,
        technical=92,
        financial=86,
        delivery=90,
        compliance=D("90.4"),
        quoted_price=D("8391700"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="同类制造企业服务案例5个，驻场管理团队配置完整",
    ),
    dict(
        supplier_id="S020",
        name_zh="南京宁众人力资源有限公司",
        name_en="Nanjing Ningzhong Human Resources Co., Ltd.",
        uscc=uscc("320105", "MA1Y2K8R"),
        category="劳务派遣",
        license_expiry=dt.date(2041, 3, 15),
        dispatch_permit_no="320105202200456",
        dispatch_permit_expiry=dt.date(2028, 3, 31),
        reputation=82,
        experience=86,
        technical=80,
        financial=84,
        delivery=78,
        compliance=85,
        quoted_price=D("8050000"),
        background_check_passed="是",
        site_inspection_passed="否",
        comment="现场考察发现驻场管理制度缺失、安全培训记录不全",
    ),
    dict(
        supplier_id="S021",
        name_zh="昆山铭达企业管理服务有限公司",
        name_en="Kunshan Mingda Enterprise Management Services Co., Ltd.",
        uscc=uscc("320583", "MA20K4R7"),
        category="劳务外包",
        license_expiry=dt.date(2040, 12, 31),
        reputation=75,
        experience=72,
        technical=78,
        financial=74,
        delivery=76,
        compliance=80,
        quoted_price=D("8720000"),
        background_check_passed="是",
        site_inspection_passed="是",
        comment="成立时间较短，财务报表仅有一年",
    ),
]

STORY = {  # supplier -> (total, rank or None)
    "S019": (D("91.00"), 1),
    "S008": (D("91.00"), 2),
    "S001": (D("90.29"), 3),
    "S014": (D("88.40"), 4),
    "S017": (D("86.10"), 5),
    "S021": (D("80.32"), 6),
    "S018": (D("87.50"), None),
    "S020": (D("86.35"), None),
}
FAILS = {"S018": "dispatch_permit", "S020": "site_inspection"}


def q2(x: D) -> D:
    return x.quantize(D("0.01"), ROUND_HALF_UP)


def totals(policy: dict) -> dict[str, D]:
    """Totals by the policy's own rules, recomputed here from the raw sample values."""
    sel = policy["selection"]
    valid = [c for c in CANDIDATES if c["supplier_id"] not in FAILS]
    lowest = min(c["quoted_price"] for c in valid)
    out = {}
    for c in CANDIDATES:
        total = D(0)
        for k in sel["criteria"]:
            assert k["method"] in ("given", "price_relative")
            if k["method"] == "price_relative":
                score = q2(min(D(100), lowest / c["quoted_price"] * 100))
            else:
                score = q2(D(str(c[k["field"]])))
            total += D(str(k["weight"])) * score
        out[c["supplier_id"]] = q2(total / 100)
    return out


def check_story(policy: dict) -> dict[str, D]:
    got = totals(policy)
    for sid, (total, _) in STORY.items():
        assert got[sid] == total, (sid, got[sid], total)
    ranked = sorted(
        (c for c in CANDIDATES if c["supplier_id"] not in FAILS),
        key=lambda c: (-got[c["supplier_id"]], -c["technical"], c["quoted_price"], c["supplier_id"]),
    )
    assert [c["supplier_id"] for c in ranked] == [
        s for s, (_, r) in sorted(STORY.items(), key=lambda kv: kv[1][1] or 99) if r
    ]
    assert got["S019"] == got["S008"] and len(set(got[c["supplier_id"]] for c in ranked)) == len(ranked) - 1
    for c in CANDIDATES:
        if "uscc" in c:
            assert is_valid_uscc(c["uscc"]), c
    s018 = next(c for c in CANDIDATES if c["supplier_id"] == "S018")
    assert s018["dispatch_permit_expiry"] < EVENT_DATE and s018["quoted_price"] == min(
        c["quoted_price"] for c in CANDIDATES
    )
    assert next(c for c in CANDIDATES if c["supplier_id"] == "S020")["site_inspection_passed"] == "否"
    return got


def write(out: Path) -> Path:
    wb = new_workbook()
    ws = wb.active
    ws.title = "候选评估"
    ws.cell(row=1, column=1, value=f"候选供应商评估表 Candidate evaluation form（{EVENT}：{TITLE}）").font = Font(
        bold=True, size=14
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    rows = []
    for c in CANDIDATES:
        row = dict(c, event_id=EVENT, event_date=EVENT_DATE, event_title=TITLE)
        row["quoted_price"] = float(c["quoted_price"])
        row["compliance"] = float(c["compliance"])
        rows.append(row)
    write_table(
        ws,
        HEADERS,
        rows,
        first_row=2,
        formats=dict(quoted_price="#,##0.00"),
        widths=dict(
            event_title=34,
            name_zh=30,
            name_en=44,
            uscc=22,
            license_expiry=14,
            dispatch_permit_no=20,
            dispatch_permit_expiry=16,
            quoted_price=16,
            comment=50,
        ),
    )
    path = out / "candidates.xlsx"
    save(wb, path)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "inputs")
    parser.add_argument("--policy", type=Path, default=ROOT / "inputs" / "policy.yaml")
    parser.add_argument("--print-story", action="store_true")
    args = parser.parse_args(argv)
    policy = yaml.safe_load(args.policy.read_text(encoding="utf-8"))
    got = check_story(policy)
    if args.print_story:
        for sid, total in sorted(got.items(), key=lambda kv: -kv[1]):
            print(sid, total)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    print(write(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
