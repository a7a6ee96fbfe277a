#!/usr/bin/env python3
"""Bootstrap the bilingual notice and periodic-review templates in ``contract_templates/``.

    python tools/bootstrap/build_notice_templates.py            # creates the seven templates
    python tools/bootstrap/build_notice_templates.py --out DIR  # somewhere else
    python tools/bootstrap/build_notice_templates.py --force    # overwrite templates edited since

A template edited since this script last wrote it (``contract_templates/.bootstrap.json``)
is left alone unless given ``--force``: the .docx files are the source of truth.

Letters to a supplier (奖惩措施 / 退出机制 in the source regulations):
  warning_letter.docx        警告函          facts, improvement plan within deadline.days days
  improvement_notice.docx    整改通知书      facts, rectification deadline and requirements
  termination_notice.docx    解除合同通知书  contract, facts, effective date, hand-over period,
                                             return / destruction of data and materials
  commendation_letter.docx   表扬信          thanks, facts and the score history
Internal to the vendor office (never sent to the supplier):
  exit_review.docx           退出评审表      facts, history, flags, status change, hand-over
                                             checklist, recommendation, approval block
Periodic roll-ups (vendorflow review --period YYYY-Qn | YYYY):
  periodic_review.docx       供应商季度/年度绩效评审报告 (one per supplier)
  periodic_portfolio.docx    供应商季度/年度绩效汇总报告 (management)
  supplier_meeting.docx      供应商沟通会议纪要 (one per supplier, quarterly, per policy review.meeting_briefs)

Same styles, letterhead, footer, tables and deterministic saving as tools/bootstrap/build_templates.py
(imported from there), plus a few letter styles (first-line indent of two characters,
address block, sender block with the seal placeholder, receipt slip). The context of each
template is documented by ``tests/fixtures/contexts/<template>.json``; every value arrives
preformatted, so the templates place strings and do no arithmetic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

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
    bullets,
    chart,
    ctl,
    flags_table,
    heading,
    letterhead,
    new_document,
    signature_table,
    supplier_cell,
    supplier_table,
)

ROOT = Path(__file__).resolve().parents[2]  # tools/bootstrap/ -> the repository
DEFAULT_OUT = ROOT / "contract_templates"

ADDRESS_INDENT_CM = 4.3  # the widest label, "合同编号 Contract No.：", fits in front of it


# --------------------------------------------------------------------------- letter styles


def _first_line_chars(style, chars: int = 2, size_pt: float = 10.5) -> None:
    """First-line indent of ``chars`` Chinese characters (首行缩进两字符), in character
    units so it follows the font size when a user changes it."""
    pPr = style.element.get_or_add_pPr()
    ind = pPr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        pPr.insert_element_before(
            ind,
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        )
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * size_pt * 20)))


def setup_letter_styles(doc) -> None:
    ps = bt._para_style
    # left-aligned, as the contracts' clauses: justified lines holding a long number, a contract
    # number or an e-mail address stretch the spacing of every character around it
    body = ps(doc, "Letter Body", size=10.5, align=LEFT, before=0, after=2, line=1.3)
    _first_line_chars(body)
    ps(doc, "Letter English", "English", align=LEFT, after=6, line=1.15)
    item = ps(doc, "Letter Item", "Letter Body", after=0, left_indent=Cm(1.5))
    item.paragraph_format.first_line_indent = Cm(-0.75)
    ps(doc, "Letter Item English", "Letter English", after=4, left_indent=Cm(1.5))
    ps(doc, "Salutation", size=10.5, before=10, after=0, line=1.3)
    ps(doc, "Salutation English", "English", after=6)
    ps(
        doc,
        "Subject",
        size=11,
        bold=True,
        before=8,
        after=0,
        line=1.2,
        fonts=(bt.HEAD_LATIN, bt.HEAD_CJK),
        keep_next=True,
    )
    ps(doc, "Subject English", "English", bold=True, after=2, keep_next=True)
    addr = ps(
        doc, "Address Block", size=10, before=0, after=1, line=1.1, left_indent=Cm(ADDRESS_INDENT_CM), keep_next=True
    )
    addr.paragraph_format.first_line_indent = Cm(-ADDRESS_INDENT_CM)
    addr.paragraph_format.tab_stops.add_tab_stop(Cm(ADDRESS_INDENT_CM), WD_TAB_ALIGNMENT.LEFT)
    ps(
        doc,
        "Receipt Title",
        size=12,
        bold=True,
        align=CENTER,
        before=8,
        after=4,
        line=1.0,
        fonts=(bt.HEAD_LATIN, bt.HEAD_CJK),
        keep_next=True,
    )
    mark = ps(
        doc,
        "Internal Mark",
        size=9,
        bold=True,
        align=CENTER,
        before=0,
        after=8,
        line=1.0,
        fonts=(bt.HEAD_LATIN, bt.HEAD_CJK),
    )
    _box(mark.element.get_or_add_pPr())


def _box(pPr) -> None:
    """A thin border round the paragraph (the 内部文件 banner)."""
    sides = "".join(
        f'<w:{s} w:val="single" w:sz="8" w:space="2" w:color="000000"/>' for s in ("top", "left", "bottom", "right")
    )
    pPr.insert_element_before(parse_xml(f"<w:pBdr {nsdecls('w')}>{sides}</w:pBdr>"), *bt.PPR_AFTER_PBDR)


def new_letter(title_zh, title_en, subject):
    doc = new_document(title_zh, title_en, subject)
    setup_letter_styles(doc)
    # (the old path, before tools/bootstrap/: it is in every shipped template's properties,
    # kept so a rebuild gives the same bytes)
    doc.core_properties.comments = (
        "docxtpl template generated by tools/build_notice_templates.py; context: tests/fixtures/contexts/*.json"
    )
    return doc


# --------------------------------------------------------------------------- letter blocks


def para(doc, zh, en, style="Letter Body", en_style="Letter English"):
    """A Chinese paragraph with its English version directly below, on the same page."""
    P(doc, zh, style).paragraph_format.keep_with_next = True
    return P(doc, en, en_style)


def address_block(doc, contract_line=("合同编号 Contract No.：", "{{ supplier.contract_nos }}"), formal=True):
    """致 / 地址 / 统一社会信用代码 / 联系人 / 合同编号 of 乙方, label then tab then value;
    long values wrap under the value, not under the label. ``formal=False`` (a thank-you
    letter) leaves out the registration code and the contract."""
    lines = [
        ("致 To：", ["{{ supplier.name_zh }}"], ["{{ supplier.name_en }}"]),
        ("地址 Address：", ["{{ supplier.address_zh }}"], ["{{ supplier.address_en }}"]),
        ("统一社会信用代码 USCC：", ["{{ supplier.uscc }}"], None),
        ("联系人 Attn.：", ["{{ supplier.contact_name }}", " ", "{{ supplier.contact_name_en }}"], None),
        (contract_line[0], [contract_line[1]], None),
    ]
    if not formal:
        lines = [lines[0], lines[1], lines[3]]
    for label, zh, en in lines:
        p = P(doc, [(label, True), "\t"] + zh, "Address Block")
        if en:
            p.add_run().add_break()
            for text in en:
                r = p.add_run(text)
                r.font.size = Pt(9)
    p.paragraph_format.keep_with_next = False
    p.paragraph_format.space_after = Pt(6)


def subject(doc, zh, en):
    P(doc, [("事由：", True)] + zh, "Subject")
    P(doc, [("Subject: ", True)] + en, "Subject English")


def salutation(doc):
    P(doc, ["{{ supplier.name_zh }}", "："], "Salutation")
    P(doc, "Dear Sir or Madam,", "Salutation English")


def numbered(doc, name, var="f", none=None):
    """Numbered facts / requirements: "1. 中文" with the English below, same indent."""
    ctl(doc, f"{{%p for {var} in {name} %}}")
    P(doc, ["{{ loop.index }}", ".\t", f"{{{{ {var}.zh }}}}"], "Letter Item")
    P(doc, [f"{{{{ {var}.en }}}}"], "Letter Item English")
    ctl(doc, "{%p endfor %}")
    if none:
        ctl(doc, f"{{%p if not {name} %}}")
        P(doc, none[0], "Letter Item")
        if none[1]:
            P(doc, none[1], "Letter Item English")
        ctl(doc, "{%p endif %}")


def status_sentence(doc, zh_lead="根据上述情况，", en_lead="Accordingly, "):
    ctl(doc, "{%p if status_change.available %}")
    # the reason is a sentence of its own: it arrives with its own full stop
    para(
        doc,
        [
            zh_lead,
            "贵司在我司供应商名录中的状态由“",
            "{{ status_change.from_zh }}",
            "”调整为“",
            ("{{ status_change.to_zh }}", True),
            "”。调整原因：",
            "{{ status_change.reason_zh }}",
        ],
        [
            en_lead,
            "your status in our supplier register changes from ",
            "{{ status_change.from_en }}",
            " to ",
            ("{{ status_change.to_en }}", True),
            ". Reason: ",
            "{{ status_change.reason_en }}",
        ],
    )
    ctl(doc, "{%p endif %}")


def sender_block(doc, closing=None):
    """落款: the organisation with the seal placeholder and the date, in the right half;
    ``closing`` lines (此致 / 敬礼！) go in the left half, above the level of the name."""
    t = doc.add_table(rows=1, cols=2)
    t.autofit = True
    tblW = t._tbl.tblPr.find(qn("w:tblW"))
    tblW.set(qn("w:type"), "pct")
    tblW.set(qn("w:w"), "5000")
    widths = [Cm(7.5), Cm(9.5)]
    for col, w in zip(t.columns, widths):
        col.width = w
    left, right = t.rows[0].cells
    left.width, right.width = widths
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    lines = [
        ("Normal", ["{{ org.name_zh }}", "（盖章）"]),
        ("Normal", ["{{ org.department_zh }}"]),
        ("Normal", ["{{ doc.date_zh }}"]),
        ("Table English", ["{{ org.name_en }}", " (seal)"]),
        ("Table English", ["{{ org.department_en }}"]),
        ("Table English", ["{{ doc.date_en }}"]),
    ]
    styles = doc.styles
    left.paragraphs[0].style = styles["Table Text"]
    for i, (style, text, indent) in enumerate(closing or []):
        q = left.paragraphs[0] if i == 0 else left.add_paragraph()
        q.style = styles[style]
        if indent:
            q.paragraph_format.first_line_indent = Pt(21)
        bt._runs(q, text)
    for i, (style, text) in enumerate(lines):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.style = styles[style]
        p.alignment = CENTER
        p.paragraph_format.space_after = Pt(0)
        if i == 0:
            p.paragraph_format.space_before = Pt(6)  # the seal is stamped over the name and date
        if i == 3:
            p.paragraph_format.space_before = Pt(4)
        bt._runs(p, text)
    bt.plain_look(t._tbl)
    # the paragraph before the table keeps with it (behind an {%p endif %}: both branches), so
    # the closing line is never alone and the seal block never alone on a page
    bt.keep_before(t._tbl)
    return t


def receipt(doc, doc_name_zh, doc_name_en):
    """回执 slip in a dashed box that never splits over pages: the supplier signs, seals and
    returns it, the office's proof that the notice was delivered."""
    p = P(doc, "", "Table Text")
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True
    t = Table(doc, [17.0])
    tblPr = t.t._tbl.tblPr
    bt._remove(tblPr, "w:tblBorders")
    tblPr.insert_element_before(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{s} w:val="dashed" w:sz="6" w:space="0" w:color="000000"/>'
                for s in ("top", "left", "bottom", "right")
            )
            + "</w:tblBorders>"
        ),
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    )
    row = t.row(
        [
            [
                ("Table Text", "请沿虚线剪下，签署、盖章后交回"),
                ("Table English", "Please cut along the dashed line, sign, seal and return"),
                ("Table Text", "回　执　Acknowledgement of Receipt"),
                ("Table Text", ["{{ org.name_zh }}", "{{ org.department_zh }}", "："]),
                (
                    "Table Text",
                    [
                        "我司已于＿＿＿＿年＿＿月＿＿日收到贵司发出的《",
                        doc_name_zh,
                        "》（文号：",
                        "{{ doc.no }}",
                        "），对其内容已知悉。",
                    ],
                ),
                (
                    "Table English",
                    [
                        "We acknowledge receipt on ______________ of your ",
                        doc_name_en,
                        " (ref. ",
                        "{{ doc.no }}",
                        ") and have noted its contents.",
                    ],
                ),
                ("Table Text", [("签收单位（盖章）：", True), "{{ supplier.name_zh }}"]),
                ("Table English", ["Recipient (seal): ", "{{ supplier.name_en }}"]),
                (
                    "Table Text",
                    [
                        ("签收人（签字）：", True),
                        "＿＿＿＿＿＿＿＿＿＿　　",
                        ("日期：", True),
                        "＿＿＿＿年＿＿月＿＿日",
                    ],
                ),
                ("Table English", "Received by (signature)　　　　　　　　　　　　　Date"),
            ]
        ]
    )
    cell = row.cells[0]
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.insert_element_before(
        parse_xml(
            f'<w:tcMar {nsdecls("w")}><w:top w:w="120" w:type="dxa"/><w:left w:w="200" w:type="dxa"/>'
            f'<w:bottom w:w="160" w:type="dxa"/><w:right w:w="200" w:type="dxa"/></w:tcMar>'
        ),
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
    )
    paras = cell.paragraphs
    paras[0].alignment = CENTER
    paras[1].style = doc.styles["Receipt Title"]
    paras[1].alignment = CENTER
    paras[2].paragraph_format.space_before = Pt(4)
    paras[3].paragraph_format.first_line_indent = Pt(18)
    paras[3].paragraph_format.space_before = Pt(4)
    paras[5].paragraph_format.space_before = Pt(10)
    paras[7].paragraph_format.space_before = Pt(16)
    for q in paras[3:5]:
        q.paragraph_format.line_spacing = 1.2
    return t


def history_table(doc, none=("无历史记录", "No history")):
    t = Table(
        doc,
        [7.0, 5.0, 5.0],
        aligns=[LEFT, RIGHT, CENTER],
        header=[("考核期间", "Period"), ("得分", "Score"), ("评级", "Grade")],
    )
    t.control("{%tr for h in history %}")
    t.row([["{{ h.period_zh }}", "\u3000", "{{ h.period_en }}"], "{{ h.score }}", "{{ h.grade }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not history %}")
    t.none_row(none)
    t.control("{%tr endif %}")
    return t


def keep_row_with_next(row) -> None:
    for cell in row.cells:
        for q in cell.paragraphs:
            q.paragraph_format.keep_with_next = True


def kv_table(doc, rows, widths=(4.4, 12.6)):
    t = Table(doc, list(widths), first_column=True)
    for label, value in rows:
        r = t.row([label, value])
        _shade(r.cells[0], LABEL_FILL)
    return t


def doc_info(kind_zh="文号", kind_en="Ref. No."):
    return (
        [f"{kind_zh} {kind_en}：", "{{ doc.no }}"],
        ["日期 Date：", "{{ doc.date_zh }}", " / ", "{{ doc.date_en }}"],
    )


def incidents_table(doc, none=("本期无事件记录", "No incidents recorded this period")):
    """The dated facts: each incident with its id, date, type and severity in words, and the description."""
    t = Table(
        doc,
        [2.8, 3.5, 3.0, 7.7],
        aligns=[LEFT, LEFT, LEFT, LEFT],
        header=[("事件编号", "Incident"), ("日期", "Date"), ("类型（严重程度）", "Type (severity)"), ("事实", "Facts")],
    )
    t.control("{%tr for i in incidents %}")
    t.row(
        [
            "{{ i.id }}",
            (["{{ i.date_zh }}"], ["{{ i.date_en }}"]),
            (
                ["{{ i.type_zh }}", "（", "{{ i.severity_zh }}", "）"],
                ["{{ i.type_en }}", " (", "{{ i.severity_en }}", ")"],
            ),
            (["{{ i.description_zh }}"], ["{{ i.description_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not incidents %}")
    t.none_row(none)
    t.control("{%tr endif %}")
    return t


def shortfalls_table(doc, none=("各项指标均达到目标值", "Every KPI met its target")):
    """The KPIs below their targets (the service levels of the contract's annex)."""
    t = Table(
        doc,
        [7.4, 3.2, 3.2, 3.2],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT],
        header=[("考核指标", "KPI"), ("本期实际", "Actual"), ("合同目标", "Target"), ("失分", "Points lost")],
    )
    t.control("{%tr for k in shortfalls %}")
    t.row([(["{{ k.name_zh }}"], ["{{ k.name_en }}"]), "{{ k.actual }}", "{{ k.target }}", "{{ k.lost }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not shortfalls %}")
    t.none_row(none)
    t.control("{%tr endif %}")
    return t


def facts_block(doc, lead_zh, lead_en):
    """The dated facts of a notice: the score, the incidents, the KPIs below target, earlier notices."""
    para(doc, lead_zh, lead_en)
    numbered(doc, "facts")
    P(doc, [("（一）事件记录", True), "　Incidents"], "Letter Body").paragraph_format.keep_with_next = True
    incidents_table(doc)
    P(
        doc, [("（二）未达目标的考核指标", True), "　KPIs below target"], "Letter Body"
    ).paragraph_format.keep_with_next = True
    shortfalls_table(doc)


def delivery_para(doc, name_zh, name_en):
    """Service and effect: delivered as the contract's notices clause says, effective on delivery."""
    para(
        doc,
        [
            "本",
            name_zh,
            "依照合同",
            "{{ clauses.notices.ref_zh }}",
            "（",
            "{{ clauses.notices.title_zh }}",
            "）的约定，以书面形式按合同首部所列地址（",
            "{{ delivery.address_zh }}",
            "）及电子邮箱（",
            "{{ delivery.email }}",
            "）送达贵司联系人",
            "{{ delivery.contact_name }}",
            "，",
            ("自送达贵司之日起生效", True),
            "。",
        ],
        [
            "This ",
            name_en,
            " is given in writing under ",
            "{{ clauses.notices.ref_en }}",
            " (",
            "{{ clauses.notices.title_en }}",
            ") of the contract, delivered to ",
            "{{ delivery.contact_en }}",
            " at the address (",
            "{{ delivery.address_en }}",
            ") and e-mail (",
            "{{ delivery.email }}",
            ") stated at the head of the contract, and ",
            ("takes effect when delivered to Party B", True),
            ".",
        ],
    )


# --------------------------------------------------------------------------- 警告函


def build_warning_letter():
    doc = new_letter("警告函", "Warning Letter", "警告函 / Warning letter to a supplier")
    letterhead(doc, "警告函", "Warning Letter", *doc_info())
    address_block(doc)
    subject(
        doc,
        ["关于", "{{ score.period_zh }}", "服务绩效问题的警告"],
        ["Warning on service performance in ", "{{ score.period_en }}"],
    )
    salutation(doc)
    facts_block(
        doc,
        [
            "根据双方签订的合同（合同编号：",
            "{{ supplier.contract_nos }}",
            "）",
            "{{ clauses.service_levels.ref_zh }}",
            "（",
            "{{ clauses.service_levels.title_zh }}",
            "）的约定，我司对贵司",
            "{{ score.period_zh }}",
            "的服务绩效进行了考核。经核查，事实如下：",
        ],
        [
            "Under ",
            "{{ clauses.service_levels.ref_en }}",
            " (",
            "{{ clauses.service_levels.title_en }}",
            ") of our contract with you (No. ",
            "{{ supplier.contract_nos }}",
            "), we have assessed your service performance for ",
            "{{ score.period_en }}",
            ". The facts are as follows:",
        ],
    )
    para(
        doc,
        [
            "上述事件及未达到合同目标值的指标不符合合同",
            "{{ clauses.service_levels.ref_zh }}",
            "及其附件约定的服务标准。我司特此向贵司提出书面警告，并要求如下：",
        ],
        [
            "These incidents and the KPIs below their contractual targets fall short of the service standards of ",
            "{{ clauses.service_levels.ref_en }}",
            " and its annex. We hereby give you a formal written warning and require the following:",
        ],
    )
    para(
        doc,
        [
            "一、依照合同",
            "{{ clauses.improvement_plan.ref_zh }}",
            "（",
            "{{ clauses.improvement_plan.title_zh }}",
            "），于本函发出之日起",
            ("{{ deadline.days }}", True),
            "个工作日内（即",
            ("{{ deadline.zh }}", True),
            "前）向我司提交书面改进计划，逐项说明上述事件及指标的原因、改进措施、责任人及完成时限；",
        ],
        [
            "1. Under ",
            "{{ clauses.improvement_plan.ref_en }}",
            " (",
            "{{ clauses.improvement_plan.title_en }}",
            ") of the contract, send us a written improvement plan within ",
            ("{{ deadline.days }}", True),
            " working days of this letter (by ",
            ("{{ deadline.en }}", True),
            "), setting out for each incident and KPI above the causes, the measures, the persons responsible "
            "and the completion dates;",
        ],
    )
    para(
        doc,
        "二、立即落实改进措施，确保后续考核期内各项指标达到合同约定的目标值。",
        "2. Put the measures into effect at once, so that every KPI meets its contractual target in the coming "
        "review periods.",
    )
    para(
        doc,
        [
            "如贵司逾期未提交改进计划，或后续考核期内绩效仍未改善，我司将依照合同",
            "{{ clauses.cure.ref_zh }}",
            "发出整改通知书，整改期满仍未纠正的，我司有权依照合同",
            "{{ clauses.termination_uncured.ref_zh }}",
            "解除合同，并依照合同",
            "{{ clauses.liquidated_damages.ref_zh }}",
            "追究贵司的违约责任。",
        ],
        [
            "If the plan is not received in time, or your performance does not improve in the following review "
            "periods, we will issue an improvement notice under ",
            "{{ clauses.cure.ref_en }}",
            "; if the breach is not cured when that period ends, we may terminate the contract under ",
            "{{ clauses.termination_uncured.ref_en }}",
            " and claim liquidated damages under ",
            "{{ clauses.liquidated_damages.ref_en }}",
            ".",
        ],
    )
    delivery_para(doc, "函", "letter")
    para(
        doc,
        "请贵司收到本函后签署下方回执并及时交回我司。",
        "Please sign the acknowledgement of receipt below and return it to us promptly.",
    )
    para(doc, "特此函告。", "This letter serves as formal notice.")
    sender_block(doc)

    heading(doc, "附：近期绩效记录", "Annex: Recent Performance", level=2)
    history_table(doc)
    receipt(doc, "警告函", "Warning Letter")
    return doc


# --------------------------------------------------------------------------- 整改通知书


def build_improvement_notice():
    doc = new_letter("整改通知书", "Improvement Notice", "整改通知书 / Improvement notice to a supplier")
    letterhead(doc, "整改通知书", "Improvement Notice", *doc_info())
    address_block(doc)
    subject(
        doc,
        ["关于", "{{ score.period_zh }}", "服务问题限期整改的通知"],
        ["Rectification of service problems in ", "{{ score.period_en }}"],
    )
    salutation(doc)
    facts_block(
        doc,
        [
            "根据双方签订的合同（合同编号：",
            "{{ supplier.contract_nos }}",
            "）",
            "{{ clauses.service_levels.ref_zh }}",
            "（",
            "{{ clauses.service_levels.title_zh }}",
            "）的约定，我司对贵司",
            "{{ score.period_zh }}",
            "的服务绩效进行了考核。经核查，事实如下：",
        ],
        [
            "Under ",
            "{{ clauses.service_levels.ref_en }}",
            " (",
            "{{ clauses.service_levels.title_en }}",
            ") of our contract with you (No. ",
            "{{ supplier.contract_nos }}",
            "), we have assessed your service performance for ",
            "{{ score.period_en }}",
            ". The facts are as follows:",
        ],
    )
    para(
        doc,
        [
            "上述情形违反合同约定（依据：",
            "{{ clauses.grounds_zh }}",
            "）。依照合同",
            "{{ clauses.cure.ref_zh }}",
            "（",
            "{{ clauses.cure.title_zh }}",
            "），现书面通知贵司限期纠正，具体如下：",
        ],
        [
            "This is a breach of the contract (",
            "{{ clauses.grounds_en }}",
            "). Under ",
            "{{ clauses.cure.ref_en }}",
            " (",
            "{{ clauses.cure.title_en }}",
            ") of the contract we hereby require you in writing to remedy it, as follows:",
        ],
    )
    para(
        doc,
        [
            "一、整改计划：依照合同",
            "{{ clauses.improvement_plan.ref_zh }}",
            "，于本通知发出之日起",
            ("{{ deadline.days }}", True),
            "个工作日内（即",
            ("{{ deadline.zh }}", True),
            "前）提交书面整改计划，逐项说明原因、整改措施、责任人及完成时限。",
        ],
        [
            "1. Plan: under ",
            "{{ clauses.improvement_plan.ref_en }}",
            ", send us a written rectification plan within ",
            ("{{ deadline.days }}", True),
            " working days of this notice (by ",
            ("{{ deadline.en }}", True),
            "), setting out for each problem the cause, the measures, the persons responsible and the dates.",
        ],
    )
    para(
        doc,
        [
            "二、整改期限：依照合同",
            "{{ clauses.cure.ref_zh }}",
            "，于本通知发出之日起",
            ("{{ cure.days }}", True),
            "日内（即",
            ("{{ cure.zh }}", True),
            "前）纠正上述违约行为，并提交整改完成报告及证明材料。",
        ],
        [
            "2. Cure period: under ",
            "{{ clauses.cure.ref_en }}",
            ", remedy the breaches above within ",
            ("{{ cure.days }}", True),
            " days of this notice (by ",
            ("{{ cure.en }}", True),
            ") and send us a completion report with supporting evidence.",
        ],
    )
    para(
        doc,
        "三、整改要求：整改后应达到以下要求：",
        "3. Requirements: afterwards the following must be met:",
    )
    numbered(
        doc, "requirements", "q", none=("达到合同约定的全部服务标准。", "All service standards agreed in the contract.")
    )
    para(
        doc,
        "四、复核：整改期限届满后，我司将通过现场检查、质量抽查及绩效考核等方式对整改情况进行复核，贵司应予以配合。",
        "4. Verification: after the deadline we will verify the rectification through site "
        "inspections, quality checks and performance reviews; you shall co-operate.",
    )
    status_sentence(doc, "整改期间，", "During the rectification period, ")
    para(
        doc,
        [
            "整改期届满仍未纠正或经复核仍不合格的，我司有权依照合同",
            "{{ clauses.termination_uncured.ref_zh }}",
            "（",
            "{{ clauses.termination_uncured.title_zh }}",
            "）书面通知解除合同，并依照合同",
            "{{ clauses.liquidated_damages.ref_zh }}",
            "追究贵司的违约责任。",
        ],
        [
            "If the breach is not cured when the cure period ends, or the rectification fails verification, we may "
            "terminate the contract by written notice under ",
            "{{ clauses.termination_uncured.ref_en }}",
            " (",
            "{{ clauses.termination_uncured.title_en }}",
            ") and claim liquidated damages under ",
            "{{ clauses.liquidated_damages.ref_en }}",
            ".",
        ],
    )
    delivery_para(doc, "通知", "notice")
    para(
        doc,
        "请贵司收到本通知后签署下方回执并及时交回我司。",
        "Please sign the acknowledgement of receipt below and return it to us promptly.",
    )
    para(doc, "特此通知。", "Notice is hereby given.")
    sender_block(doc)

    heading(doc, "附：近期绩效记录", "Annex: Recent Performance", level=2)
    history_table(doc)
    receipt(doc, "整改通知书", "Improvement Notice")
    return doc


# --------------------------------------------------------------------------- 解除合同通知书


def build_termination_notice():
    doc = new_letter(
        "解除合同通知书",
        "Notice of Contract Termination",
        "解除合同通知书 / Notice of termination of a supplier contract",
    )
    letterhead(doc, "解除合同通知书", "Notice of Contract Termination", *doc_info())
    address_block(doc, ("合同编号 Contract No.：", "{{ contract.no }}"))
    subject(
        doc,
        ["关于解除合同（合同编号：", "{{ contract.no }}", "）的通知"],
        ["Termination of Contract No. ", "{{ contract.no }}"],
    )
    salutation(doc)
    facts_block(
        doc,
        [
            "我司与贵司签订的合同（合同编号：",
            ("{{ contract.no }}", True),
            "，合同期限自",
            "{{ contract.start_zh }}",
            "至",
            "{{ contract.end_zh }}",
            "）履行期间，发生以下事实：",
        ],
        [
            "During the performance of our contract with you (No. ",
            ("{{ contract.no }}", True),
            ", term ",
            "{{ contract.start_en }}",
            " to ",
            "{{ contract.end_en }}",
            "), the following occurred:",
        ],
    )
    para(
        doc,
        [
            "上述事实构成合同",
            ("{{ clauses.grounds_zh }}", True),
            "约定的甲方解除合同的情形。依照合同",
            "{{ clauses.termination_by_a.ref_zh }}",
            "（",
            "{{ clauses.termination_by_a.title_zh }}",
            "）及《中华人民共和国民法典》第五百六十二条、第五百六十五条，我司决定解除上述合同，现通知如下：",
        ],
        [
            "These facts are a ground on which Party A may terminate the contract under ",
            ("{{ clauses.grounds_en }}", True),
            ". Under ",
            "{{ clauses.termination_by_a.ref_en }}",
            " (",
            "{{ clauses.termination_by_a.title_en }}",
            ") of the contract and Articles 562 and 565 of the Civil Code of the People's Republic of China, we "
            "hereby terminate the contract, as follows:",
        ],
    )
    para(
        doc,
        [
            "一、解除时间：",
            ("本通知自送达贵司之日起生效，合同自本通知送达贵司之日起解除", True),
            "（《民法典》第五百六十五条）。本通知依照合同",
            "{{ clauses.notices.ref_zh }}",
            "，以书面形式按合同首部所列地址（",
            "{{ delivery.address_zh }}",
            "）及电子邮箱（",
            "{{ delivery.email }}",
            "）送达贵司联系人",
            "{{ delivery.contact_name }}",
            "。",
        ],
        [
            "1. Effective date: ",
            ("this notice takes effect when delivered to Party B, and the contract is terminated on that day", True),
            " (Civil Code, Article 565). It is delivered in writing under ",
            "{{ clauses.notices.ref_en }}",
            " of the contract to ",
            "{{ delivery.contact_en }}",
            " at the address (",
            "{{ delivery.address_en }}",
            ") and e-mail (",
            "{{ delivery.email }}",
            ") stated at the head of the contract.",
        ],
    )
    para(
        doc,
        [
            "二、工作交接：依照合同",
            "{{ clauses.exit.ref_zh }}",
            "（",
            "{{ clauses.exit.title_zh }}",
            "），贵司应自本通知送达之日起",
            ("{{ handover.days }}", True),
            "日交接期内配合我司完成全部服务工作的移交，交接期内应继续按合同约定的服务标准履行交接义务，"
            "结清其人员的工资和社会保险费，确保我司业务不受影响。",
        ],
        [
            "2. Hand-over: under ",
            "{{ clauses.exit.ref_en }}",
            " (",
            "{{ clauses.exit.title_en }}",
            ") of the contract, within the ",
            ("{{ handover.days }}", True),
            "-day hand-over period from delivery of this notice you shall hand over all services to us, keep to the "
            "contractual service standards meanwhile and settle your personnel's wages and social insurance, so "
            "that our business is not disrupted.",
        ],
    )
    ctl(doc, "{%p if data_incident %}")
    para(
        doc,
        [
            "三、数据安全事件的处置（合同",
            "{{ clauses.data_security.ref_zh }}",
            "、《中华人民共和国个人信息保护法》第五十七条）：贵司应当：",
            "（一）",
            ("自收到本通知之时起立即停止对我司全部数据（含个人信息）的任何处理", True),
            "，立即撤销贵司人员的全部访问权限；",
            "（二）对交接所不需要的数据及其全部副本立即删除，其余数据及副本于本通知送达之日起",
            ("{{ security.return_days }}", True),
            "日内全部返还或按我司指示删除，并出具经贵司法定代表人签字的删除（销毁）证明；",
            "（三）于本通知送达之时起",
            ("{{ security.hours }}", True),
            "小时内向我司提交书面事件报告，说明事件经过、涉及的个人信息种类和受影响的人数、已采取的补救措施及可能造成的危害；",
            "（四）配合我司依法向监管部门报告并通知受影响的个人，如实提供所需的全部信息；",
            "（五）完整保存与事件有关的日志、设备及其他证据，不得删除、篡改或转移，并配合我司或我司委托的第三方调查取证。",
        ],
        [
            "3. The data incident (",
            "{{ clauses.data_security.ref_en }}",
            " of the contract; Personal Information Protection Law, Article 57). You shall: (a) ",
            ("stop all processing of our data (personal information included) immediately on receipt", True),
            " and revoke all access of your staff at once; (b) delete at once the data, and all copies, not needed "
            "for the hand-over, and return or, as we direct, delete the rest with all copies within ",
            ("{{ security.return_days }}", True),
            " days of delivery of this notice, with a certificate of deletion signed by your legal representative; "
            "(c) send us a written incident report within ",
            ("{{ security.hours }}", True),
            " hours of delivery: what happened, the categories of personal information and the number of people "
            "affected, the measures taken and the possible harm; (d) cooperate with our notification of the "
            "regulators and of the individuals concerned, giving us all the information needed; (e) preserve the "
            "logs, devices and other evidence of the incident, deleting, altering or moving none of it, and "
            "cooperate with the investigation by us or a third party we appoint.",
        ],
    )
    ctl(doc, "{%p else %}")
    para(
        doc,
        [
            "三、资料与数据：依照合同",
            "{{ clauses.data_security.ref_zh }}",
            "，贵司应于本通知送达之日起",
            ("{{ security.return_days }}", True),
            "日内，将因履行合同而取得或形成的全部资料、文件、数据及其复制件（含电子数据）返还我司或按我司指示销毁，"
            "并出具经贵司法定代表人签字的销毁证明。贵司人员持有的门禁卡、系统账号、设备等应一并交还，我司将同步注销其访问权限。",
        ],
        [
            "3. Materials and data: under ",
            "{{ clauses.data_security.ref_en }}",
            " of the contract, within ",
            ("{{ security.return_days }}", True),
            " days of delivery of this notice return to us, or destroy as we direct, all materials, documents and "
            "data obtained or produced in performing the contract, with all copies (electronic data included), "
            "and give us a certificate of destruction signed by your legal representative. Access cards, system "
            "accounts and equipment held by your staff shall also be returned; we will revoke their access.",
        ],
    )
    ctl(doc, "{%p endif %}")
    para(
        doc,
        [
            "四、保密义务：依照合同",
            "{{ clauses.confidentiality.ref_zh }}",
            "，合同解除后贵司仍应继续履行保密义务。",
        ],
        [
            "4. Confidentiality: your confidentiality obligations under ",
            "{{ clauses.confidentiality.ref_en }}",
            " survive the termination.",
        ],
    )
    para(
        doc,
        [
            "五、费用结算与权利保留：截至解除之日已发生的服务费用按合同约定据实结算。我司保留依照合同",
            "{{ clauses.liquidated_damages.ref_zh }}",
            "（",
            "{{ clauses.liquidated_damages.title_zh }}",
            "）主张违约金、要求赔偿全部损失的权利，并有权以上述款项抵销应付贵司的款项；本通知不构成对任何权利的放弃。",
        ],
        [
            "5. Settlement and reservation of rights: fees for services rendered up to the termination are settled "
            "under the contract. We reserve our claims to liquidated damages under ",
            "{{ clauses.liquidated_damages.ref_en }}",
            " (",
            "{{ clauses.liquidated_damages.title_en }}",
            ") and to compensation for all our losses, and may set them off against sums due to you; this notice "
            "waives none of our rights.",
        ],
    )
    status_sentence(doc, "同时，", "In addition, ")
    para(
        doc,
        "如有异议，请于收到本通知后及时以书面形式向我司提出；双方争议按合同约定的争议解决"
        "方式处理。请贵司收到本通知后签署下方回执并及时交回我司。",
        "Any objection must be raised with us in writing promptly after receipt of this "
        "notice; disputes will be resolved as provided in the contract. Please sign the "
        "acknowledgement of receipt below and return it to us promptly.",
    )
    para(doc, "特此通知。", "Notice is hereby given.")
    sender_block(doc)
    receipt(doc, "解除合同通知书", "Notice of Contract Termination")
    return doc


# --------------------------------------------------------------------------- 表扬信


def build_commendation_letter():
    doc = new_letter("表扬信", "Letter of Commendation", "表扬信 / Letter of commendation to a supplier")
    letterhead(doc, "表扬信", "Letter of Commendation", *doc_info())
    address_block(doc, formal=False)
    salutation(doc)

    # the score itself is in the facts and the history table, so it is not repeated here
    para(
        doc,
        [
            "衷心感谢贵司长期以来对我司的大力支持！根据我司供应商绩效考核结果，贵司在",
            "{{ score.period_zh }}",
            "的考核中表现优异：",
        ],
        [
            "We sincerely thank you for your continued support. Our supplier performance review for ",
            "{{ score.period_en }}",
            " found your performance outstanding:",
        ],
    )
    numbered(doc, "facts")
    history_table(doc).t.rows[0].cells[0].paragraphs[0].paragraph_format.space_before = Pt(0)
    p = para(
        doc,
        "贵司在服务质量、交付准时、成本控制及合规管理等方面表现突出，为我司业务的顺利"
        "开展作出了积极贡献。我司特致函表扬，并向贵司及全体项目人员致以诚挚的感谢！"
        "我司将按照供应商管理相关规定中的奖惩措施对贵司予以激励，并期待与贵司继续"
        "深化长期合作。希望贵司继续保持良好的服务水平，再接再厉。",
        "Your quality of service, punctual delivery, cost control and compliance have "
        "been excellent and have contributed greatly to our business. We commend you "
        "and thank you and all your project staff most sincerely. In line with the "
        "rewards in our supplier management rules we will recognise this performance, "
        "and we look forward to deepening our long-term partnership. We trust you will "
        "keep up this high standard of service.",
    )
    prev = p._p.getprevious()
    Paragraph(prev, p._parent).paragraph_format.space_before = Pt(8)
    status_sentence(doc, "", "")
    sender_block(
        doc, closing=[("Normal", "此致", True), ("Normal", "敬礼！", False), ("English", "Yours faithfully,", False)]
    )
    return doc


# --------------------------------------------------------------------------- 退出评审表 (internal)


def build_exit_review():
    doc = new_letter(
        "供应商退出评审表", "Supplier Exit Review", "供应商退出评审表（内部文件） / Supplier exit review (internal)"
    )
    sec = doc.sections[0]
    hp = sec.header.paragraphs[0]
    hp.style = doc.styles["Footer"]
    hp.alignment = RIGHT
    bt._runs(hp, [("内部文件　不得外发", True), "　Internal — not to be sent to the supplier"])

    letterhead(doc, "供应商退出评审表", "Supplier Exit Review", *doc_info("编号", "No."))
    P(
        doc,
        [
            ("内部文件", True),
            "：仅供供应商管理部及审批人员使用，不得发送供应商。　",
            ("INTERNAL", True),
            ": for the vendor office and approvers only; not to be sent to the supplier.",
        ],
        "Internal Mark",
    )

    heading(doc, "一、供应商基本信息", "Supplier")
    kv_table(
        doc,
        [
            (("供应商", "Supplier"), (["{{ supplier.name_zh }}"], ["{{ supplier.name_en }}"])),
            (("供应商编号", "Supplier ID"), "{{ supplier.id }}"),
            (("统一社会信用代码", "USCC"), "{{ supplier.uscc }}"),
            (("类别", "Category"), (["{{ supplier.category_zh }}"], ["{{ supplier.category_en }}"])),
            (
                ("法定代表人 / 联系人", "Legal rep. / contact"),
                [
                    "{{ supplier.legal_rep }} {{ supplier.legal_rep_en }}",
                    " / ",
                    "{{ supplier.contact_name }} {{ supplier.contact_name_en }}",
                ],
            ),
            (
                ("合同", "Contract"),
                (
                    ["{{ contract.no }}", "（", "{{ contract.start_zh }}", "至", "{{ contract.end_zh }}", "）"],
                    ["{{ contract.no }}", " (", "{{ contract.start_en }}", " – ", "{{ contract.end_en }}", ")"],
                ),
            ),
            (
                ("本期得分 / 评级", "Score / grade"),
                (
                    [
                        "{{ score.period_zh }}",
                        "：",
                        "{{ score.score }}",
                        " 分，",
                        "{{ score.grade }}",
                        "（",
                        "{{ score.grade_zh }}",
                        "）",
                    ],
                    [
                        "{{ score.period_en }}",
                        ": ",
                        "{{ score.score }}",
                        ", ",
                        "{{ score.grade }}",
                        " (",
                        "{{ score.grade_en }}",
                        ")",
                    ],
                ),
            ),
        ],
    )

    heading(doc, "二、退出事由", "Grounds for Exit")
    P(doc, [("合同依据：", True), "{{ clauses.grounds_zh }}"], "Letter Body")
    P(doc, [("Contract ground: ", True), "{{ clauses.grounds_en }}"], "Letter English")
    numbered(doc, "facts", none=("无 / None", None))
    incidents_table(doc)

    heading(doc, "三、绩效记录", "Performance History")
    history_table(doc)

    heading(doc, "四、风险预警", "Risk Flags")
    flags_table(doc, "flags", ("无风险预警", "No risk flags"))

    heading(doc, "五、供应商状态调整", "Supplier Status Change")
    ctl(doc, "{%p if status_change.available %}")
    t = Table(
        doc,
        [4.2, 4.2, 8.6],
        aligns=[CENTER, CENTER, LEFT],
        header=[("原状态", "From"), ("调整为", "To"), ("原因", "Reason")],
    )
    t.row(
        [
            (["{{ status_change.from_zh }}"], ["{{ status_change.from_en }}"]),
            (["{{ status_change.to_zh }}"], ["{{ status_change.to_en }}"]),
            (["{{ status_change.reason_zh }}"], ["{{ status_change.reason_en }}"]),
        ]
    )
    ctl(doc, "{%p else %}")
    P(doc, "不调整状态 / No status change")
    ctl(doc, "{%p endif %}")

    heading(doc, "六、退出交接安排", "Exit Hand-over")
    P(
        doc,
        [
            "交接期 ",
            ("{{ handover.days }}", True),
            " 日，至 ",
            ("{{ handover.end_zh }}", True),
            " 止。交接完成后逐项确认：",
        ],
    )
    P(
        doc,
        [
            "Hand-over period: ",
            ("{{ handover.days }}", True),
            " days, ending ",
            ("{{ handover.end_en }}", True),
            ". Confirm each item when done:",
        ],
        "English",
    )
    t = Table(
        doc,
        [1.0, 8.6, 3.6, 3.8],
        aligns=[CENTER, LEFT, CENTER, LEFT],
        header=[("序号", "No."), ("事项", "Item"), ("完成情况", "Done"), ("确认人 / 日期", "Confirmed by / date")],
    )
    items = [
        ("发出解除合同通知书并取得签收回执", "Termination notice sent, receipt signed"),
        ("服务工作移交，业务连续性确认", "Services handed over, continuity confirmed"),
        ("资料、文件及数据返还", "Materials, documents and data returned"),
        ("无法返还数据的销毁确认书", "Written confirmation of data destruction"),
        ("门禁卡、系统账号及设备收回，访问权限注销", "Access cards, accounts, equipment returned; access revoked"),
        ("费用结算（扣除违约金及赔偿）", "Final settlement (after liquidated damages)"),
        ("备选供应商启用或服务内部承接", "Back-up supplier engaged or service taken in-house"),
    ]
    for i, (zh, en) in enumerate(items, 1):
        t.row([str(i), (zh, en), "□ 是 Yes　□ 否 No", ""])

    heading(doc, "七、评审意见与建议", "Findings and Recommendation")
    ctl(doc, "{%p if recommendation_zh %}")
    bi(doc, "{{ recommendation_zh }}", "{{ recommendation_en }}")
    ctl(doc, "{%p else %}")
    P(doc, "无 / None")
    ctl(doc, "{%p endif %}")

    heading(doc, "八、审批", "Approval")
    t = Table(doc, [3.6, 13.4], first_column=True)
    approvers = (
        ("经办人", "Prepared by"),
        ("部门负责人意见", "Head of department"),
        ("分管领导审批", "Executive in charge"),
    )
    for n, (zh, en) in enumerate(approvers):
        r = t.row(
            [
                (zh, en),
                [
                    ("Table Text", "□ 同意退出　　□ 不同意　　□ 其他："),
                    ("Table English", "Agree to exit / Do not agree / Other:"),
                    ("Table Text", ""),
                    ("Table Text", "签字 Signature：＿＿＿＿＿＿＿＿＿＿　　日期 Date：＿＿＿＿＿＿＿＿"),
                ],
            ]
        )
        _shade(r.cells[0], LABEL_FILL)
        last = r.cells[1].paragraphs[-1]
        last.paragraph_format.space_before = Pt(18)
        last.paragraph_format.space_after = Pt(4)
        last.alignment = RIGHT
        # the approval block stays on one page: every row keeps with the next
        if n < len(approvers) - 1:
            for cell in r.cells:
                for q in cell.paragraphs:
                    q.paragraph_format.keep_with_next = True
    return doc


# --------------------------------------------------------------------------- periodic review


def periodic_letterhead(doc, zh, en_lead, doc_no_label=("文件编号", "Doc. No."), note=None):
    P(doc, ["{{ org.name_zh }}", "\u3000", "{{ org.department_zh }}"], "Organisation")
    P(doc, ["{{ org.name_en }}", " · ", "{{ org.department_en }}"], "Organisation English")
    P(doc, ["供应商", "{{ review.kind_zh }}", zh], "Title")
    P(doc, [en_lead, "{{ review.en }}"], "Subtitle")
    if note:
        P(doc, note, "Organisation English")
    P(
        doc,
        [
            f"{doc_no_label[0]} {doc_no_label[1]}：",
            "{{ doc.no }}",
            "\t",
            "日期 Date：",
            "{{ doc.date_zh }}",
            " / ",
            "{{ doc.date_en }}",
        ],
        "Document Info",
    )


def review_period_cell():
    return (
        ["{{ review.zh }}", "（", "{{ review.start_zh }}", "至", "{{ review.end_zh }}", "）"],
        ["{{ review.en }}", " (", "{{ review.start_en }}", " – ", "{{ review.end_en }}", ")"],
    )


def build_periodic_review():
    doc = new_letter(
        "供应商季度/年度绩效评审报告",
        "Supplier Periodic Performance Review",
        "供应商季度/年度绩效评审 / Supplier quarterly or annual performance review",
    )
    periodic_letterhead(doc, "绩效评审报告", "Supplier Performance Review — ")

    heading(doc, "一、基本信息", "General Information")
    kv_table(
        doc,
        [
            (("供应商", "Supplier"), (["{{ supplier.name_zh }}"], ["{{ supplier.name_en }}"])),
            (("供应商编号", "Supplier ID"), "{{ supplier.id }}"),
            (("统一社会信用代码", "USCC"), "{{ supplier.uscc }}"),
            (("类别", "Category"), (["{{ supplier.category_zh }}"], ["{{ supplier.category_en }}"])),
            (("合同编号", "Contract"), "{{ supplier.contract_nos }}"),
            (("供应商联系人", "Supplier contact"), "{{ supplier.contact_name }}"),
            (("评审期间", "Review period"), review_period_cell()),
            (("评审类型", "Review type"), (["{{ review.kind_zh }}", "评审"], ["{{ review.kind_en }}"])),
        ],
        widths=(4.0, 13.0),
    )

    heading(doc, "二、综合评价", "Overall Result")
    t = Table(doc, [3.4, 4.1, 3.4, 6.1], aligns=[CENTER] * 4)
    r = t.row(
        [
            ("平均得分", "Average score"),
            [("Key Figure", "{{ summary.average }}")],
            ("评级", "Grade"),
            [
                ("Key Figure", "{{ summary.grade }}"),
                ("Table Text", ["{{ summary.grade_zh }}", " ", "{{ summary.grade_en }}"]),
            ],
        ]
    )
    _shade(r.cells[0], LABEL_FILL)
    _shade(r.cells[2], LABEL_FILL)
    p = P(
        doc,
        [
            "本期应考核月份中，有记录 ",
            ("{{ summary.recorded }}", True),
            " 个月，缺失 ",
            ("{{ summary.missing }}", True),
            " 个月。",
        ],
    )
    p.paragraph_format.space_before = Pt(6)
    P(
        doc,
        [
            "Months with a record: ",
            ("{{ summary.recorded }}", True),
            "; missing: ",
            ("{{ summary.missing }}", True),
            ".",
        ],
        "English",
    )
    ctl(doc, "{%p if summary.missing_note_zh %}")
    P(doc, [("注：", True), "{{ summary.missing_note_zh }}"])
    P(doc, [("Note: ", True), "{{ summary.missing_note_en }}"], "English")
    ctl(doc, "{%p endif %}")

    heading(doc, "三、月度明细", "Month by Month")
    P(doc, "金额单位：人民币元　Amounts in CNY", "Table English", align=RIGHT).paragraph_format.keep_with_next = True
    t = Table(
        doc,
        [3.6, 1.9, 1.7, 2.8, 2.8, 4.2],
        aligns=[LEFT, RIGHT, CENTER, RIGHT, RIGHT, RIGHT],
        header=[
            ("考核期间", "Period"),
            ("得分", "Score"),
            ("评级", "Grade"),
            ("违约金", "Liquidated damages"),
            ("奖励", "Rewards"),
            ("应付金额", "Payable"),
        ],
    )
    t.control("{%tr for m in months %}")
    month_row = t.row(
        [
            [
                ("Table Text", "{{ m.period_zh }}"),
                ("Table English", "{{ m.period_en }}"),
                ("Table Text", "{%p if not m.recorded %}"),
                ("Table English", "（无记录 No record）"),
                ("Table Text", "{%p endif %}"),
            ],
            "{{ m.score }}",
            "{{ m.grade }}",
            "{{ m.penalties }}",
            "{{ m.rewards }}",
            "{{ m.payable }}",
        ]
    )
    keep_row_with_next(month_row)  # the months stay with their total (at most 12 rows)
    t.control("{%tr endfor %}")
    t.control("{%tr if not months %}")
    t.none_row()
    t.control("{%tr endif %}")
    t.row(
        [("合计", "Total"), "{{ summary.penalties }}", "{{ summary.rewards }}", "{{ summary.payable }}"],
        span=[3, 1, 1, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT, RIGHT, RIGHT],
    )
    P(doc, [("应付金额合计（大写）：", True), "{{ summary.payable_words_zh }}"]).paragraph_format.space_before = Pt(4)
    P(doc, [("Total payable in words: ", True), "{{ summary.payable_words_en }}"], "English")
    chart(doc, "chart")

    heading(doc, "四、关键绩效指标平均得分", "KPI Averages")
    t = Table(
        doc,
        [8.0, 4.5, 4.5],
        aligns=[LEFT, RIGHT, RIGHT],
        header=[("指标", "KPI"), ("平均得分", "Average score"), ("计入期数", "Periods counted")],
    )
    t.control("{%tr for k in kpis %}")
    t.row([(["{{ k.name_zh }}"], ["{{ k.name_en }}"]), "{{ k.average }}", "{{ k.periods }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not kpis %}")
    t.none_row()
    t.control("{%tr endif %}")

    heading(doc, "五、问题事件统计", "Incidents by Type")
    t = Table(doc, [11.0, 6.0], aligns=[LEFT, RIGHT], header=[("事件类型", "Type"), ("次数", "Count")])
    t.control("{%tr for i in incident_counts %}")
    t.row([(["{{ i.type_zh }}"], ["{{ i.type_en }}"]), "{{ i.count }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not incident_counts %}")
    t.none_row(("本期无问题事件", "No incidents in this period"))
    t.control("{%tr endif %}")

    heading(doc, "六、风险预警", "Risk Flags")
    flags_table(doc, "flags", ("本期无风险预警", "No risk flags in this period"))

    heading(doc, "七、处理措施", "Actions Taken")
    bullets(doc, "actions")

    heading(doc, "八、评审结论", "Conclusion")
    bi(doc, "{{ conclusion_zh }}", "{{ conclusion_en }}")

    signature_table(
        doc,
        [
            [
                ("Table Text", ("评审人（签字）", True)),
                ("Table English", "Reviewer (signature)"),
                ("space", 18),
                ("line", ""),
            ],
            [
                ("Table Text", ("审核人（签字）", True)),
                ("Table English", "Approved by (signature)"),
                ("space", 18),
                ("line", ""),
            ],
            [("Table Text", ("日期", True)), ("Table English", "Date"), ("space", 18), ("line", "")],
        ],
    )
    return doc


def build_periodic_portfolio():
    doc = new_letter(
        "供应商季度/年度绩效汇总报告",
        "Supplier Portfolio Review",
        "供应商季度/年度绩效汇总（管理层） / Supplier portfolio review for management",
    )
    periodic_letterhead(
        doc, "绩效汇总报告", "Supplier Portfolio Review — ", note="报送：公司管理层　For the attention of management"
    )

    heading(doc, "一、概况", "Overview")
    P(
        doc,
        [
            "评审期间：",
            "{{ review.zh }}",
            "（",
            "{{ review.start_zh }}",
            "至",
            "{{ review.end_zh }}",
            "）。纳入评审供应商 ",
            ("{{ counts.suppliers }}", True),
            " 家；本期有记录的月份 ",
            ("{{ counts.months_recorded }}", True),
            " 个，缺失 ",
            ("{{ counts.months_missing }}", True),
            " 个。平均得分仅按有记录的月份计算，缺失月份不计为0分。",
        ],
    )
    P(
        doc,
        [
            "Review period: ",
            "{{ review.en }}",
            " (",
            "{{ review.start_en }}",
            " – ",
            "{{ review.end_en }}",
            "). Suppliers reviewed: ",
            ("{{ counts.suppliers }}", True),
            "; months with records: ",
            ("{{ counts.months_recorded }}", True),
            "; missing: ",
            ("{{ counts.months_missing }}", True),
            ". Averages use the recorded months only; a missing month is not counted as 0.",
        ],
        "English",
    )
    ctl(doc, "{%p if counts.missing_periods_zh %}")
    P(doc, [("缺失月份：", True), "{{ counts.missing_periods_zh }}"])
    P(doc, [("Missing months: ", True), "{{ counts.missing_periods_en }}"], "English")
    ctl(doc, "{%p endif %}")

    heading(doc, "二、评级分布", "Grade Distribution")
    t = Table(
        doc,
        [2.5, 7.5, 3.5, 3.5],
        aligns=[CENTER, LEFT, RIGHT, RIGHT],
        header=[("评级", "Grade"), ("含义", "Meaning"), ("供应商数", "Suppliers"), ("占比", "Share")],
    )
    t.control("{%tr for g in grades %}")
    t.row(
        [
            [("Table Text", ("{{ g.grade }}", True))],
            (["{{ g.label_zh }}"], ["{{ g.label_en }}"]),
            "{{ g.count }}",
            "{{ g.share }}",
        ]
    )
    t.control("{%tr endfor %}")
    chart(doc, "chart")

    heading(doc, "三、供应商排名", "Supplier Ranking")
    P(doc, "金额单位：人民币元　Amounts in CNY", "Table English", align=RIGHT).paragraph_format.keep_with_next = True
    t = Table(
        doc,
        [1.1, 4.2, 1.6, 1.6, 1.2, 1.3, 1.8, 1.8, 2.4],
        aligns=[CENTER, LEFT, CENTER, RIGHT, CENTER, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("排名", "Rank"),
            ("供应商", "Supplier"),
            ("月数", "Months"),
            ("平均分", "Average"),
            ("评级", "Grade"),
            ("趋势", "Trend"),
            ("违约金", "Liquidated damages"),
            ("奖励", "Rewards"),
            ("应付金额", "Payable"),
        ],
    )
    t.control("{%tr for s in rows %}")
    t.row(
        [
            "{{ s.rank }}",
            supplier_cell("s"),
            "{{ s.months }}",
            "{{ s.average }}",
            "{{ s.grade }}",
            "{{ s.trend }}",
            "{{ s.penalties }}",
            "{{ s.rewards }}",
            "{{ s.payable }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not rows %}")
    t.none_row()
    t.control("{%tr endif %}")
    t.row(
        [("合计", "Total"), "{{ totals.penalties }}", "{{ totals.rewards }}", "{{ totals.payable }}"],
        span=[6, 1, 1, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT, RIGHT, RIGHT],
    )
    P(doc, [("应付金额合计（大写）：", True), "{{ totals.payable_words_zh }}"]).paragraph_format.space_before = Pt(4)
    P(doc, [("Total payable in words: ", True), "{{ totals.payable_words_en }}"], "English")
    P(doc, "趋势：评审期内最后一个已评级月份的得分减去第一个已评级月份的得分。", "Table English")
    P(doc, "Trend: the score of the last rated month in the period minus that of the first.", "Table English")

    heading(doc, "四、风险预警", "Risk Flags")
    supplier_table(
        doc,
        "risks",
        [5.0, 2.2, 9.8],
        [("严重程度", "Severity"), ("风险描述", "Risk")],
        [(["{{ x.severity_zh }}"], ["{{ x.severity_en }}"]), (["{{ x.zh }}"], ["{{ x.en }}"])],
        aligns=[LEFT, CENTER, LEFT],
        none=("本期无风险预警", "No risk flags in this period"),
    )

    heading(doc, "五、处理措施", "Actions Taken")
    supplier_table(
        doc,
        "actions",
        [5.0, 3.6, 8.4],
        [("措施", "Action"), ("事由", "Reason")],
        [(["{{ x.action_zh }}"], ["{{ x.action_en }}"]), (["{{ x.zh }}"], ["{{ x.en }}"])],
        none=("本期无处理措施", "No actions in this period"),
    )

    P(
        doc, ["编制：", "{{ org.name_zh }}", " ", "{{ org.department_zh }}"], align=RIGHT
    ).paragraph_format.space_before = Pt(18)
    P(doc, ["Prepared by: ", "{{ org.department_en }}", ", ", "{{ org.name_en }}"], "English", align=RIGHT)
    return doc


# --------------------------------------------------------------------------- 申诉处理结果通知书


def build_appeal_decision():
    doc = new_letter("申诉处理结果通知书", "Appeal Decision", "申诉处理结果通知书 / Decision on a supplier's appeal")
    letterhead(doc, "申诉处理结果通知书", "Appeal Decision", *doc_info())
    address_block(doc)
    subject(doc, ["关于贵司申诉的处理结果"], ["Decision on your appeal"])
    salutation(doc)
    para(
        doc,
        [
            "贵司依照合同（合同编号：",
            "{{ supplier.contract_nos }}",
            "）",
            "{{ clauses.evaluation_dispute.ref_zh }}",
            "（",
            "{{ clauses.evaluation_dispute.title_zh }}",
            "）就下列事件提出的申诉，我司已复核完毕。处理结果如下：",
        ],
        [
            "We have reviewed the appeals you filed under ",
            "{{ clauses.evaluation_dispute.ref_en }}",
            " (",
            "{{ clauses.evaluation_dispute.title_en }}",
            ") of our contract with you (No. ",
            "{{ supplier.contract_nos }}",
            ") against the incidents below. Our decisions are as follows:",
        ],
    )
    ctl(doc, "{%p for d in decisions %}")
    heading(
        doc,
        "申诉 {{ d.appeal_id }}：{{ d.decision_zh }}",
        "Appeal {{ d.appeal_id }}: {{ d.decision_en }}",
        level=2,
    )
    t = Table(
        doc,
        [4.2, 12.8],
        aligns=[LEFT, LEFT],
        header=[("项目", "Item"), ("内容", "Details")],
    )
    for (zh, en), value in (
        (
            ("所涉事件", "Incident"),
            (
                [
                    "{{ d.incident.id }} {{ d.incident.date_zh }} {{ d.incident.type_zh }}（{{ d.incident.severity_zh }}）：{{ d.incident.description_zh }}"
                ],
                [
                    "{{ d.incident.id }} {{ d.incident.date_en }}, {{ d.incident.type_en }} ({{ d.incident.severity_en }}): {{ d.incident.description_en }}"
                ],
            ),
        ),
        (
            ("原结算期间", "Original period"),
            (
                ["{{ d.original_period_zh }}（违约金 {{ d.charged }} 元）"],
                ["{{ d.original_period_en }} (liquidated damages {{ d.charged }})"],
            ),
        ),
        (("申诉日期", "Filed on"), (["{{ d.filed_zh }}"], ["{{ d.filed_en }}"])),
        (("申诉理由", "Grounds"), (["{{ d.grounds_zh }}"], ["{{ d.grounds_en }}"])),
        (
            ("处理结果", "Decision"),
            (
                ["{{ d.decision_zh }}（{{ d.decided_zh }}，{{ d.decided_by }}）"],
                ["{{ d.decision_en }} ({{ d.decided_en }}, {{ d.decided_by_en }})"],
            ),
        ),
        (("理由", "Reasons"), (["{{ d.reason_zh }}"], ["{{ d.reason_en }}"])),
        (("财务影响", "Financial effect"), (["{{ d.effect_zh }}"], ["{{ d.effect_en }}"])),
    ):
        t.row([(zh, en), value])
    ctl(doc, "{%p endfor %}")
    para(
        doc,
        [
            "本期退还违约金合计",
            ("{{ total_reversed }}", True),
            "元，已列入本期结算单",
            "{{ statement_no }}",
            "；维持原决定的，原违约金依照合同",
            "{{ clauses.liquidated_damages.ref_zh }}",
            "执行。申诉成立的事件自处理之日起不再计入考核和处置。",
        ],
        [
            "Liquidated damages reversed this month: ",
            ("{{ total_reversed }}", True),
            ", credited on this month's statement ",
            "{{ statement_no }}",
            ". Where a decision stands, the liquidated damages remain due under ",
            "{{ clauses.liquidated_damages.ref_en }}",
            ". An incident whose appeal is upheld no longer counts in evaluations or actions from the decision on.",
        ],
    )
    para(
        doc,
        [
            "贵司对本处理结果仍有异议的，可依照合同",
            "{{ clauses.disputes.ref_zh }}",
            "（",
            "{{ clauses.disputes.title_zh }}",
            "）的约定解决。",
        ],
        [
            "Should you still disagree with a decision, it may be resolved as ",
            "{{ clauses.disputes.ref_en }}",
            " (",
            "{{ clauses.disputes.title_en }}",
            ") of the contract provides.",
        ],
    )
    delivery_para(doc, "通知", "notice")
    para(doc, "特此通知。", "Notice is hereby given.")
    sender_block(doc)
    receipt(doc, "申诉处理结果通知书", "Appeal Decision")
    return doc


def _at_least(row, cm: float) -> None:
    """A row at least ``cm`` high (w:trHeight hRule="atLeast"), for handwriting at the meeting."""
    trPr = row._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(cm * 567)))
    height.set(qn("w:hRule"), "atLeast")
    trPr.append(height)


def build_supplier_meeting():
    doc = new_letter(
        "供应商沟通会议纪要",
        "Supplier Meeting Brief",
        "供应商季度沟通会议纪要 / Quarterly supplier meeting brief and minutes",
    )
    periodic_letterhead(doc, "沟通会议纪要", "Supplier Quarterly Meeting Brief — ")
    P(
        doc,
        "会前由甲方根据本季度记录编制，会上逐项核对并记录议定事项，经双方代表签字后各执一份。",
        "Letter Body",
    ).paragraph_format.keep_with_next = True
    P(
        doc,
        "Prepared by Party A from the quarter's records before the meeting; checked item by item and completed "
        "with the decisions at the meeting; signed by both representatives, one copy for each party.",
        "Letter English",
    )

    heading(doc, "一、会议信息", "Meeting")
    kv_table(
        doc,
        [
            (("供应商（乙方）", "Supplier (Party B)"), (["{{ supplier.name_zh }}"], ["{{ supplier.name_en }}"])),
            (("供应商编号", "Supplier ID"), "{{ supplier.id }}"),
            (("类别", "Category"), (["{{ supplier.category_zh }}"], ["{{ supplier.category_en }}"])),
            (("评审期间", "Review period"), review_period_cell()),
            (("会议时间", "Date and time"), ""),
            (("会议地点", "Place"), ""),
            (("甲方参会人员", "Party A attendees"), ""),
            (("乙方参会人员", "Party B attendees"), ""),
            (("记录人", "Minutes taken by"), ""),
        ],
        widths=(4.4, 12.6),
    )

    heading(doc, "二、会议议程", "Agenda")
    ctl(doc, "{%p for a in agenda %}")
    P(doc, ["{{ a.no }}", ".\t", "{{ a.zh }}"], "Letter Item").paragraph_format.keep_with_next = True
    P(doc, ["{{ a.en }}"], "Letter Item English")
    ctl(doc, "{%p endfor %}")

    heading(doc, "三、本季度绩效", "Performance This Quarter")
    t = Table(
        doc,
        [5.0, 3.0, 3.0, 6.0],
        aligns=[LEFT, RIGHT, CENTER, LEFT],
        header=[("考核期间", "Period"), ("得分", "Score"), ("评级", "Grade"), ("备注", "Note")],
    )
    t.control("{%tr for m in scores.months %}")
    keep_row_with_next(
        t.row(
            [
                (["{{ m.period_zh }}"], ["{{ m.period_en }}"]),
                "{{ m.score }}",
                "{{ m.grade }}",
                (["{{ m.note_zh }}"], ["{{ m.note_en }}"]),
            ]
        )
    )
    t.control("{%tr endfor %}")
    t.row(
        [
            ("季度平均", "Quarter average"),
            "{{ scores.average }}",
            "{{ scores.grade }}",
            (["{{ scores.grade_zh }}"], ["{{ scores.grade_en }}"]),
        ],
        bold=True,
        fill=LABEL_FILL,
        total=True,
    )
    kv_table(
        doc,
        [
            (("上季度平均得分", "Previous quarter"), "{{ scores.previous }}"),
            (("较上季度", "Change"), (["{{ scores.change_zh }}"], ["{{ scores.change_en }}"])),
            (
                ("本季度金额（元）", "This quarter (CNY)"),
                (
                    [
                        "违约金 ",
                        "{{ scores.penalties }}",
                        "；奖励 ",
                        "{{ scores.rewards }}",
                        "；应付 ",
                        "{{ scores.payable }}",
                    ],
                    [
                        "Liquidated damages ",
                        "{{ scores.penalties }}",
                        "; rewards ",
                        "{{ scores.rewards }}",
                        "; payable ",
                        "{{ scores.payable }}",
                    ],
                ),
            ),
        ],
        widths=(4.4, 12.6),
    )
    P(doc, [("得分最低的指标", True), " ", ("Lowest KPIs", True)]).paragraph_format.space_before = Pt(6)
    t = Table(
        doc,
        [8.0, 4.5, 4.5],
        aligns=[LEFT, RIGHT, RIGHT],
        header=[("指标", "KPI"), ("季度平均得分", "Quarter average"), ("计入期数", "Periods counted")],
    )
    t.control("{%tr for k in weak_kpis %}")
    t.row([(["{{ k.name_zh }}"], ["{{ k.name_en }}"]), "{{ k.average }}", "{{ k.periods }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not weak_kpis %}")
    t.none_row(("各项指标均为满分或无记录", "Every KPI at full marks, or no record"))
    t.control("{%tr endif %}")

    heading(doc, "四、整改跟踪", "Improvement Plans")
    P(doc, [("季度末未关闭的整改事项", True), " ", ("Open at the quarter's end", True)])
    t = Table(
        doc,
        [3.2, 6.2, 2.4, 2.8, 2.4],
        aligns=[LEFT, LEFT, LEFT, CENTER, CENTER],
        header=[
            ("整改编号／来源文件", "Plan / answering"),
            ("问题及整改措施", "Issue and measures"),
            ("责任人", "Owner"),
            ("完成期限", "Due"),
            ("状态", "Status"),
        ],
    )
    t.control("{%tr for p in open_plans %}")
    t.row(
        [
            (["{{ p.plan_id }}"], ["{{ p.source_doc }}"]),
            (["{{ p.issue }}"], ["{{ p.action }}"]),
            (["{{ p.owner }}"], ["{{ p.owner_en }}"]),
            (["{{ p.due_zh }}"], ["{{ p.due_en }}"]),
            (["{{ p.status_zh }}"], ["{{ p.status_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not open_plans %}")
    t.none_row(("季度末无未关闭的整改事项", "Nothing open at the quarter's end"))
    t.control("{%tr endif %}")
    p = P(doc, [("本季度已关闭的整改计划", True), " ", ("Closed this quarter", True)])
    p.paragraph_format.space_before = Pt(6)
    t = Table(
        doc,
        [3.2, 6.6, 3.4, 3.8],
        aligns=[LEFT, LEFT, CENTER, LEFT],
        header=[
            ("整改编号／来源文件", "Plan / answering"),
            ("问题", "Issue"),
            ("关闭日期", "Closed"),
            ("验证人", "Verified by"),
        ],
    )
    t.control("{%tr for p in closed_plans %}")
    t.row(
        [
            (["{{ p.plan_id }}"], ["{{ p.source_doc }}"]),
            "{{ p.issue }}",
            (["{{ p.closed_zh }}"], ["{{ p.closed_en }}"]),
            (["{{ p.verified_by }}"], ["{{ p.verified_by_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not closed_plans %}")
    t.none_row(("本季度无关闭的整改计划", "No plan closed this quarter"))
    t.control("{%tr endif %}")

    heading(doc, "五、申诉处理", "Appeals Decided")
    t = Table(
        doc,
        [3.0, 5.0, 2.8, 4.2, 2.0],
        aligns=[LEFT, LEFT, CENTER, LEFT, RIGHT],
        header=[
            ("申诉／事件", "Appeal / incident"),
            ("申诉理由", "Grounds"),
            ("处理结果", "Decision"),
            ("处理理由", "Reasons"),
            ("退还（元）", "Reversed (CNY)"),
        ],
    )
    t.control("{%tr for a in appeals %}")
    t.row(
        [
            [
                ("Table Text", "{{ a.appeal_id }}"),
                ("Table English", "{{ a.incident_id }}"),
                ("Table English", ["{{ a.original_period_zh }}", " ", "{{ a.original_period_en }}"]),
            ],
            (["{{ a.grounds_zh }}"], ["{{ a.grounds_en }}"]),
            [
                ("Table Text", "{{ a.decision_zh }}"),
                ("Table English", "{{ a.decision_en }}"),
                ("Table English", ["{{ a.decided_zh }}", " ", "{{ a.decided_en }}"]),
            ],
            (["{{ a.reason_zh }}"], ["{{ a.reason_en }}"]),
            "{{ a.reversed }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not appeals %}")
    t.none_row(("本季度无申诉处理结果", "No appeal decided this quarter"))
    t.control("{%tr endif %}")

    heading(doc, "六、现场检查", "Site Inspections")
    t = Table(
        doc,
        [3.0, 2.6, 2.6, 2.4, 6.4],
        aligns=[LEFT, LEFT, CENTER, CENTER, LEFT],
        header=[
            ("检查编号／日期", "Inspection / date"),
            ("检查人", "Inspector"),
            ("不合格／检查项", "Failed / checked"),
            ("结论", "Result"),
            ("检查发现", "Findings"),
        ],
    )
    t.control("{%tr for i in inspections %}")
    t.row(
        [
            [
                ("Table Text", "{{ i.id }}"),
                ("Table English", ["{{ i.date_zh }}", " ", "{{ i.date_en }}"]),
            ],
            (["{{ i.inspector }}"], ["{{ i.inspector_en }}"]),
            (["{{ i.failed }}", "／", "{{ i.checked }}"], ["{{ i.pass_rate }}"]),
            (["{{ i.result_zh }}"], ["{{ i.result_en }}"]),
            (["{{ i.findings }}"], ["{{ i.findings_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not inspections %}")
    t.none_row(("本季度无现场检查", "No site inspection this quarter"))
    t.control("{%tr endif %}")

    heading(doc, "七、本季度文书", "Notices This Quarter")
    t = Table(
        doc,
        [3.6, 2.8, 3.0, 7.6],
        aligns=[LEFT, LEFT, LEFT, LEFT],
        header=[("文书编号", "No."), ("期间", "Period"), ("文书", "Notice"), ("事由", "Reason")],
    )
    t.control("{%tr for n in notices %}")
    t.row(
        [
            "{{ n.no }}",
            (["{{ n.period_zh }}"], ["{{ n.period_en }}"]),
            (["{{ n.kind_zh }}"], ["{{ n.kind_en }}"]),
            (["{{ n.reason_zh }}"], ["{{ n.reason_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not notices %}")
    t.none_row(("本季度未发出文书", "No notice issued this quarter"))
    t.control("{%tr endif %}")

    heading(doc, "八、会议议定事项", "Decisions of the Meeting")
    P(
        doc,
        "由记录人在会上填写；议定的整改事项列入整改计划台账，按期验证。",
        "Letter Body",
    ).paragraph_format.keep_with_next = True
    P(
        doc,
        "Completed by the minutes-taker at the meeting; agreed improvements enter the improvement-plan register "
        "and are verified when due.",
        "Letter English",
    )
    t = Table(
        doc,
        [1.4, 9.6, 3.0, 3.0],
        aligns=[CENTER, LEFT, LEFT, CENTER],
        header=[("序号", "No."), ("议定事项", "Decision"), ("责任方", "Responsible"), ("完成期限", "By")],
    )
    for n in range(1, 5):
        _at_least(t.row([str(n), "", "", ""]), 0.9)  # room to write by hand
    _at_least(t.row([[("Table Text", ("其他事项：", True)), ("Table English", "Other matters:")]], span=[4]), 2.2)

    signature_table(
        doc,
        [
            [
                ("Table Text", ("甲方代表（签字）", True)),
                ("Table English", "For Party A (signature)"),
                ("space", 18),
                ("line", ""),
                ("Table Text", ("日期 Date", True)),
                ("line", ""),
            ],
            [
                ("Table Text", ("乙方代表（签字）", True)),
                ("Table English", "For Party B (signature)"),
                ("space", 18),
                ("line", ""),
                ("Table Text", ("日期 Date", True)),
                ("line", ""),
            ],
        ],
    )
    return doc


# --------------------------------------------------------------------------- output

TEMPLATES = {
    "warning_letter.docx": build_warning_letter,
    "improvement_notice.docx": build_improvement_notice,
    "termination_notice.docx": build_termination_notice,
    "commendation_letter.docx": build_commendation_letter,
    "exit_review.docx": build_exit_review,
    "appeal_decision.docx": build_appeal_decision,
    "periodic_review.docx": build_periodic_review,
    "periodic_portfolio.docx": build_periodic_portfolio,
    "supplier_meeting.docx": build_supplier_meeting,
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _guard.add_arguments(ap, DEFAULT_OUT)
    args = ap.parse_args(argv)
    return _guard.build_all(
        ((name, lambda build=build: bt.deterministic_bytes(build())) for name, build in TEMPLATES.items()),
        args.out,
        force=args.force,
    )


if __name__ == "__main__":
    sys.exit(main())
