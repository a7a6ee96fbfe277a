#!/usr/bin/env python3
"""Workbooks saved by LibreOffice Calc, for the intake tests (tests/fixtures/inputs/).

A vendor office's files are saved by Excel, WPS or LibreOffice, not by openpyxl: shared
strings, formulas with the values they showed, merged title cells, styles. This script
drafts each workbook with openpyxl (title row merged across the table, a blank row, Chinese
headers, a blank column, formulas, dates, 长期) and has LibreOffice Calc open and save it, so
the committed files carry what Calc writes. Needs LibreOffice with Calc:

    python tools/make_intake_fixtures.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "inputs"


def suppliers(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "供应商名录"
    ws.append(["供应商名录（2026年10月）— 采购部供应商管理科"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(
        [
            "供应商编号",
            "供应商名称",
            "英文名称",
            "统一社会信用代码",
            "供应商类别",
            None,
            "联系电话",
            "电子邮箱",
            "营业执照有效期",
            "劳务派遣许可证编号",
            "劳务派遣许可证有效期",
            "状态",
            "备注",
        ]
    )
    ws.append(
        [
            "S101",
            "上海浦江人力资源有限公司",
            "Shanghai Pujiang HR Co., Ltd.",
            "91310000MA1FL0A8XH",
            "劳务派遣",
            None,
            "13812345678",
            "hr@pujiang.cn",
            "长期",
            "沪人社派许字第00123号",
            dt.date(2027, 6, 30),
            "合格",
            '=CONCATENATE("合作",2026-2023,"年")',
        ]
    )
    ws.append(
        [
            "S102",
            "杭州云帆信息技术有限公司",
            "Hangzhou Yunfan IT Co., Ltd.",
            "91330100MA2B3C4D5N",
            "IT服务",
            None,
            "0571-87654321",
            "ops@yunfan.cn",
            dt.date(2029, 12, 31),
            None,
            None,
            "考察期",
            None,
        ]
    )
    ws.append([])
    ws.append(
        [
            "Ｓ１０３",
            "广州顺达物流有限公司",
            "Guangzhou Shunda Logistics",
            "９１４４０１０１ＭＡ５ＣＸＬ６Ｌ３Ｌ",
            "物流",
            None,
            "020 8888 6666",
            "ship@shunda.cn",
            "2028年3月1日",
            None,
            None,
            "approved",
            None,
        ]
    )
    wb.save(path)


def evaluations(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "10月考核"
    ws.append(["供应商绩效评估表 2026年10月"])
    ws.merge_cells("A1:H1")
    ws.append(
        ["供应商编号", "考核期间", "服务质量得分", "按时交付率", "成本偏差(%)", "满意度", "合规问题数", "投诉次数"]
    )
    ws.append(["S101", "2026-10", "=ROUND(AVERAGE(88,93,95),0)", 0.96, "=1.5-0.5", 4.5, 0, 0])
    ws.append(["S102", "2026年10月", 86, "92%", -2, 4, 1, "=1+1"])
    ws["D3"].number_format = "0.00%"
    wb.save(path)


def calc_save(draft: Path, target: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) with Calc is needed")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                out,
                str(draft),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        saved = Path(out) / draft.name
        if not saved.is_file():
            sys.exit(f"LibreOffice did not save {draft.name} (is Calc installed? libreoffice-calc-nogui)")
        shutil.copyfile(saved, target)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in (
            ("suppliers_libreoffice.xlsx", suppliers),
            ("evaluations_2026-10_libreoffice.xlsx", evaluations),
        ):
            draft = Path(tmp) / name
            build(draft)
            calc_save(draft, OUT / name)
            print("wrote", OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
