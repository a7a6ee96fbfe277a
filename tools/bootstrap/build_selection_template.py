#!/usr/bin/env python3
"""Bootstrap ``contract_templates/selection_report.docx``, the bilingual supplier-selection
comparison report (供应商选择评审报告) rendered by ``vendorflow select``.

    python tools/bootstrap/build_selection_template.py            # creates the template
    python tools/bootstrap/build_selection_template.py --out DIR  # somewhere else
    python tools/bootstrap/build_selection_template.py --force    # overwrite it if edited since

A template edited since this script last wrote it (``contract_templates/.bootstrap.json``)
is left alone unless given ``--force``: the .docx file is the source of truth.

Same styles, letterhead, footer and table helpers as the other templates
(tools/bootstrap/build_templates.py), so it is an ordinary Word document a business user can edit.
The context it receives is documented by ``tests/fixtures/contexts/selection_report.json``.

Layout: A4 portrait; the score table and chart sit in a landscape section, because the
number of criterion columns comes from the policy (a ``{%tc for %}`` column loop). The
renderer (pipeline/selection_report.py) re-fits the table grid to the cells after the loop.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _guard  # noqa: E402  (the only way a template is written)
import build_templates as bt  # noqa: E402
from build_templates import (  # noqa: E402
    CENTER,
    LABEL_FILL,
    LEFT,
    RIGHT,
    P,
    Table,
    _shade,
    bi,
    ctl,
    heading,
    letterhead,
    new_document,
    signature_table,
)

ROOT = Path(__file__).resolve().parents[2]  # tools/bootstrap/ -> the repository
DEFAULT_OUT = ROOT / "contract_templates"
LANDSCAPE_TEXT_W_CM = 29.7 - 2 * 2.0  # A4 landscape, 2 cm margins


@contextlib.contextmanager
def text_width(cm: float):
    """bt.Table checks its widths against the text width; a landscape section has another."""
    saved = bt.TEXT_W_CM
    bt.TEXT_W_CM = cm
    try:
        yield
    finally:
        bt.TEXT_W_CM = saved


def new_section(doc, landscape: bool):
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    short, long_ = bt.PAGE_W, bt.PAGE_H
    sec.page_width, sec.page_height = (long_, short) if landscape else (short, long_)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = bt.MARGIN
    return sec


def header_cell(table: Table, cell, lines):
    """A header cell: the Chinese line bold, the English line(s) smaller and plain, so
    words like "Reputation" fit a narrow criterion column without breaking."""
    styles = table.t.part.document.styles
    p = cell.paragraphs[0]
    p.style = styles["Table Heading"]
    p.add_run(lines[0])
    for text in lines[1:]:
        q = cell.add_paragraph(style=styles["Table English"])
        q.alignment = CENTER
        q.add_run(text)
    _shade(cell, bt.HEADER_FILL)


def header_row(table: Table, columns):
    """A repeated header row built with header_cell (bt.Table's header sets English bold)."""
    look = table.t._tbl.tblPr.find(qn("w:tblLook"))
    look.set(qn("w:firstRow"), "1")
    look.set(qn("w:val"), "04A0")
    head = table._new_row()
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, lines in zip(head.cells, columns):
        header_cell(table, cell, lines)
    return head


def build_selection_report():
    doc = new_document(
        "供应商选择评审报告",
        "Supplier Selection Evaluation Report",
        "供应商选择与准入 / Supplier selection and admission",
    )
    letterhead(
        doc,
        "供应商选择评审报告",
        "Supplier Selection Evaluation Report",
        ["报告编号 Report No.：", "{{ doc.no }}"],
        ["评审日期 Date：", "{{ doc.date_zh }}", " / ", "{{ doc.date_en }}"],
    )

    # 一、评选概况
    heading(doc, "一、评选概况", "Overview")
    t = Table(doc, [4.0, 13.0], first_column=True)
    rows = [
        (("评选编号", "Event ID"), "{{ event.id }}"),
        (("评选项目", "Event"), "{{ event.title }}"),
        (("评审日期", "Evaluation date"), (["{{ event.date_zh }}"], ["{{ event.date_en }}"])),
        (
            ("候选供应商", "Candidates"),
            (
                [
                    "{{ event.count }}",
                    " 家，其中通过准入 ",
                    "{{ event.ranked }}",
                    " 家，未通过 ",
                    "{{ event.not_ranked }}",
                    " 家",
                ],
                [
                    "{{ event.count }}",
                    " in all: ",
                    "{{ event.ranked }}",
                    " admitted, ",
                    "{{ event.not_ranked }}",
                    " not admitted",
                ],
            ),
        ),
        (("报价币种", "Quote currency"), "{{ event.currency }}"),
    ]
    for label_, value in rows:
        r = t.row([label_, value])
        _shade(r.cells[0], LABEL_FILL)
    P(doc, "{{ event.summary_zh }}").paragraph_format.space_before = Pt(6)
    P(doc, "{{ event.summary_en }}", "English")

    # 二、评审标准与权重
    heading(doc, "二、评审标准与权重", "Criteria and Weights")
    t = Table(
        doc,
        [3.8, 1.8, 11.4],
        aligns=[LEFT, RIGHT, LEFT],
        header=[
            ("评审标准", "Criterion"),
            ("权重", "Weight"),
            ("评分方法（换算为0–100分）", "Scoring (mapped to 0–100)"),
        ],
    )
    t.control("{%tr for c in criteria %}")
    t.row(
        [(["{{ c.name_zh }}"], ["{{ c.name_en }}"]), "{{ c.weight }}", (["{{ c.method_zh }}"], ["{{ c.method_en }}"])]
    )
    t.control("{%tr endfor %}")
    t.row([("合计", "Total"), "{{ weight_total }}", ""], bold=True, fill=LABEL_FILL, total=True)
    P(
        doc, [("计算方法：", True), "{{ formula_zh }}", "；单项得分与总分均四舍五入保留两位小数。"]
    ).paragraph_format.space_before = Pt(6)
    P(
        doc,
        [("Method: ", True), "{{ formula_en }}", "; criterion scores and totals are rounded half-up to 0.01."],
        "English",
    )
    P(doc, [("平局规则：", True), "{{ tie_rule_zh }}"])
    P(doc, [("Tie-break: ", True), "{{ tie_rule_en }}"], "English")

    # 三、准入条件
    heading(doc, "三、准入条件", "Admission Gates")
    P(doc, "未通过任一准入条件的候选供应商不参与排名。")
    P(doc, "A candidate that fails any admission gate is not ranked.", "English")
    t = Table(
        doc,
        [3.4, 11.4, 2.2],
        aligns=[LEFT, LEFT, CENTER],
        header=[("准入条件", "Gate"), ("要求", "Requirement"), ("本次启用", "In force")],
    )
    t.control("{%tr for g in gate_rules %}")
    t.row(
        [
            (["{{ g.name_zh }}"], ["{{ g.name_en }}"]),
            (["{{ g.rule_zh }}"], ["{{ g.rule_en }}"]),
            (["{{ g.in_force_zh }}"], ["{{ g.in_force_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")

    # 四、资格审查结果
    heading(doc, "四、资格审查结果", "Admission Results")
    t = Table(
        doc,
        [3.3, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.7],
        aligns=[LEFT, CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, CENTER],
    )
    header_row(
        t,
        [
            ("候选供应商", "Candidate"),
            ("营业执照", "Business licence"),
            ("派遣许可证", "Dispatch permit"),
            ("背景调查", "Background check"),
            ("现场考察", "Site inspection"),
            ("黑名单", "Blacklist"),
            ("最低总分", "Minimum score"),
            ("结论", "Result"),
        ],
    )
    t.control("{%tr for g in gate_rows %}")
    t.row(
        [[("Table Text", ("{{ g.id }}", True)), ("Table Text", "{{ g.name_zh }}")]]
        + [
            (["{{ g.%s.zh }}" % k], ["{{ g.%s.en }}" % k])
            for k in ("licence", "permit", "background", "site", "blacklist", "min_score")
        ]
        + [(["{{ g.result_zh }}"], ["{{ g.result_en }}"])]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not gate_rows %}")
    t.none_row()
    t.control("{%tr endif %}")

    # 五、评分汇总 (landscape)
    new_section(doc, landscape=True)
    heading(doc, "五、评分汇总与排名", "Scores and Ranking")
    P(doc, ["各单项得分为0–100分；表头百分比为权重。报价单位：", "{{ event.currency }}", "。"], "Table English")
    P(
        doc,
        [
            "Criterion scores are 0–100; the percentage under each criterion is its weight. Quotes in ",
            "{{ event.currency }}",
            ".",
        ],
        "Table English",
    )
    # With the seven criteria of the shipped policy the cells add up to the 25.7 cm text width;
    # with fewer or more the renderer scales the columns to fit.
    widths = [1.1, 3.7, 2.2, 0.3, 1.95, 0.3, 1.45, 3.6]
    with text_width(sum(widths)):
        t = Table(doc, widths, aligns=[CENTER, LEFT, RIGHT, CENTER, RIGHT, CENTER, RIGHT, LEFT])
    header_row(
        t,
        [
            ("排名", "Rank"),
            ("候选供应商", "Candidate"),
            ("报价", "Quote"),
            ("{%tc for c in criteria %}",),
            ("{{ c.name_zh }}", "{{ c.name_en }}", "{{ c.weight }}"),
            ("{%tc endfor %}",),
            ("加权总分", "Total"),
            ("结论 / 说明", "Result / note"),
        ],
    )
    t.control("{%tr for r in score_rows %}")
    t.row(
        [
            "{{ r.rank }}",
            [
                ("Table Text", ("{{ r.id }}", True)),
                ("Table Text", "{{ r.name_zh }}"),
                ("Table English", "{{ r.name_en }}"),
            ],
            "{{ r.quote }}",
            "{%tc for s in r.scores %}",
            "{{ s }}",
            "{%tc endfor %}",
            [("Table Text", ("{{ r.total }}", True))],
            [
                ("Table Text", "{{ r.status_zh }}"),
                ("Table English", "{{ r.status_en }}"),
                ("Table Text", "{%p if r.note_zh %}"),
                ("Table Text", "{{ r.note_zh }}"),
                ("Table English", "{{ r.note_en }}"),
                ("Table Text", "{%p endif %}"),
            ],
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not score_rows %}")
    t.none_row()
    t.control("{%tr endif %}")
    P(doc, "{{ chart }}", align=CENTER).paragraph_format.space_before = Pt(10)
    P(
        doc,
        "图1　各候选供应商加权总分（深蓝为推荐中选，蓝色为备选，灰色斜线为未通过准入条件、不参与排名；红色虚线为最低总分）",
        "Table Text",
        align=CENTER,
    )
    P(
        doc,
        "Figure 1  Weighted total per candidate (dark blue: recommended; blue: back-up; grey hatched: failed an "
        "admission gate, not ranked; red dashed line: minimum total)",
        "Table English",
        align=CENTER,
    )

    # back to portrait
    new_section(doc, landscape=False)
    heading(doc, "六、未入围说明", "Candidates Not Ranked")
    t = Table(
        doc,
        [4.6, 10.2, 2.2],
        aligns=[LEFT, LEFT, RIGHT],
        header=[("候选供应商", "Candidate"), ("未通过的准入条件", "Gate(s) failed"), ("参考总分", "Total (ref.)")],
    )
    t.control("{%tr for x in excluded %}")
    t.row(
        [
            [
                ("Table Text", ("{{ x.id }}", True)),
                ("Table Text", "{{ x.name_zh }}"),
                ("Table English", "{{ x.name_en }}"),
            ],
            (["{{ x.gates_zh }}"], ["{{ x.gates_en }}"]),
            "{{ x.total }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not excluded %}")
    t.none_row(("全部候选供应商均通过准入条件", "Every candidate passed the admission gates"))
    t.control("{%tr endif %}")

    heading(doc, "七、推荐意见", "Recommendation")
    ctl(doc, "{%p if recommendation.made %}")
    t = Table(doc, [4.0, 13.0], first_column=True)
    r = t.row(
        [
            ("推荐中选供应商", "Recommended supplier"),
            [
                (
                    "Table Text",
                    [
                        ("{{ recommendation.winner.id }}", True),
                        ("　", True),
                        ("{{ recommendation.winner.name_zh }}", True),
                    ],
                ),
                ("Table English", "{{ recommendation.winner.name_en }}"),
                (
                    "Table Text",
                    [
                        "加权总分 ",
                        "{{ recommendation.winner.total }}",
                        "，排名第 ",
                        "{{ recommendation.winner.rank }}",
                        "，报价 ",
                        "{{ recommendation.winner.quote }}",
                    ],
                ),
                (
                    "Table English",
                    [
                        "Weighted total ",
                        "{{ recommendation.winner.total }}",
                        ", rank ",
                        "{{ recommendation.winner.rank }}",
                        ", quote ",
                        "{{ recommendation.winner.quote }}",
                    ],
                ),
            ],
        ]
    )
    _shade(r.cells[0], LABEL_FILL)
    r = t.row(
        [
            ("备选供应商", "Back-up supplier"),
            [
                ("Table Text", "{%p if recommendation.has_backup %}"),
                (
                    "Table Text",
                    [
                        ("{{ recommendation.backup.id }}", True),
                        ("　", True),
                        ("{{ recommendation.backup.name_zh }}", True),
                    ],
                ),
                ("Table English", "{{ recommendation.backup.name_en }}"),
                (
                    "Table Text",
                    [
                        "加权总分 ",
                        "{{ recommendation.backup.total }}",
                        "，排名第 ",
                        "{{ recommendation.backup.rank }}",
                        "，报价 ",
                        "{{ recommendation.backup.quote }}",
                    ],
                ),
                (
                    "Table English",
                    [
                        "Weighted total ",
                        "{{ recommendation.backup.total }}",
                        ", rank ",
                        "{{ recommendation.backup.rank }}",
                        ", quote ",
                        "{{ recommendation.backup.quote }}",
                    ],
                ),
                ("Table Text", "{%p else %}"),
                ("Table Text", "无（仅一家候选供应商通过准入条件）"),
                ("Table English", "None (only one candidate passed the admission gates)"),
                ("Table Text", "{%p endif %}"),
            ],
        ]
    )
    _shade(r.cells[0], LABEL_FILL)
    heading(doc, "推荐理由", "Reasons", level=2)
    ctl(doc, "{%p for x in recommendation.reasons %}")
    bi(doc, "{{ x.zh }}", "{{ x.en }}", "List Bullet", "List English")
    ctl(doc, "{%p endfor %}")
    ctl(doc, "{%p if recommendation.has_backup %}")
    heading(doc, "备选供应商", "Back-up Supplier", level=2)
    ctl(doc, "{%p for x in recommendation.backup_reasons %}")
    bi(doc, "{{ x.zh }}", "{{ x.en }}", "List Bullet", "List English")
    ctl(doc, "{%p endfor %}")
    ctl(doc, "{%p endif %}")
    ctl(doc, "{%p else %}")
    P(doc, [("不作推荐：", True), "本次评选没有候选供应商通过全部准入条件，建议重新组织评选或扩大寻源范围。"])
    P(
        doc,
        [
            ("No recommendation: ", True),
            "no candidate passed every admission gate; the office should run the selection again or widen the search.",
        ],
        "English",
    )
    ctl(doc, "{%p endif %}")
    P(doc, "本报告为评审小组的推荐意见，经公司管理层审批后确定最终供应商。").paragraph_format.space_before = Pt(6)
    P(
        doc,
        "This report is the evaluation panel's recommendation; the final choice is approved by management.",
        "English",
    )

    heading(doc, "八、被拒绝的输入数据", "Rejected Input")
    t = Table(
        doc,
        [4.4, 1.0, 2.6, 2.0, 7.0],
        aligns=[LEFT, RIGHT, LEFT, LEFT, LEFT],
        header=[("文件", "File"), ("行", "Row"), ("列", "Column"), ("值", "Value"), ("问题", "Issue")],
    )
    t.control("{%tr for x in rejected %}")
    t.row(
        [
            "{{ x.file }}",
            "{{ x.row }}",
            "{{ x.column }}",
            "{{ x.value }}",
            (["{{ x.message_zh }}"], ["{{ x.message_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not rejected %}")
    t.none_row()
    t.control("{%tr endif %}")

    heading(doc, "九、说明", "Notes")
    ctl(doc, "{%p for n in notes %}")
    bi(doc, "{{ n.zh }}", "{{ n.en }}", "List Bullet", "List English")
    ctl(doc, "{%p endfor %}")

    signature_table(
        doc,
        [
            [
                ("Table Text", ("评审小组组长（签字）", True)),
                ("Table English", "Panel chair (signature)"),
                ("space", 18),
                ("line", "日期 Date："),
            ],
            [
                ("Table Text", ("评审小组成员（签字）", True)),
                ("Table English", "Panel members (signatures)"),
                ("space", 18),
                ("line", "日期 Date："),
            ],
            [
                ("Table Text", ("审批（公司管理层）", True)),
                ("Table English", "Approved by management"),
                ("space", 18),
                ("line", "日期 Date："),
            ],
        ],
    )
    return doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _guard.add_arguments(ap, DEFAULT_OUT)
    args = ap.parse_args(argv)
    return _guard.build_all(
        [("selection_report.docx", lambda: bt.deterministic_bytes(build_selection_report()))],
        args.out,
        force=args.force,
    )


if __name__ == "__main__":
    sys.exit(main())
