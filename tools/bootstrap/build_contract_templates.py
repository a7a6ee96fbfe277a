#!/usr/bin/env python3
"""Bootstrap the bilingual contract templates in ``contract_templates/``.

    python tools/bootstrap/build_contract_templates.py            # creates the three contract templates
    python tools/bootstrap/build_contract_templates.py --out DIR  # somewhere else (e.g. for a diff)
    python tools/bootstrap/build_contract_templates.py --force    # overwrite templates edited since

A template edited since this script last wrote it (``contract_templates/.bootstrap.json``)
is left alone unless given ``--force``: the .docx files are the source of truth.

    contract_service.docx            外包服务合同   Outsourced Services Contract
    contract_labor_outsourcing.docx  劳务外包合同   Labour Outsourcing Contract
    contract_labor_dispatch.docx     劳务派遣协议   Labour Dispatch Agreement

Chinese left, English right, clause by clause, in borderless two-column tables that the
legal department edits in Word or LibreOffice like any contract: each clause is one
paragraph typed in one run, numbered in the text (1.1, 1.2 …), with docxtpl tags in plain
ASCII braces. Conditional wording is a ``{%p if … %}`` paragraph inside the clause, so
clause numbers never change. The context is documented by
``tests/fixtures/contexts/contract_*.json``.

Styles, fonts (宋体/SimSun in the East Asian slot, Times New Roman in the Latin slot,
zh-CN language tags), the deterministic save and the field helper come from
``tools/bootstrap/build_templates.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _guard  # noqa: E402  (the only way a template is written)
import build_templates as bt  # noqa: E402  (shared styles and helpers)

ROOT = Path(__file__).resolve().parents[2]  # tools/bootstrap/ -> the repository
DEFAULT_OUT = ROOT / "contract_templates"
LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
ZH_W, EN_W = 7.4, 9.6  # cm; English needs more room than Chinese for the same clause
SP = "\u3000"  # ideographic space after a clause number

CLAUSE_TABLE_XML = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="ContractClauses">
  <w:name w:val="Contract Clauses"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:tblPr>
    <w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>
      <w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/>
      <w:insideH w:val="nil"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tcPr><w:vAlign w:val="top"/></w:tcPr>
</w:style>
"""


# --------------------------------------------------------------------------- document


def setup_contract_styles(doc) -> None:
    bt.setup_styles(doc)
    bt._para_style(doc, "Clause", size=10, align=JUSTIFY, before=0, after=4, line=1.15)
    bt._para_style(doc, "Clause English", "Clause", size=9.5, align=LEFT)
    bt._para_style(
        doc,
        "Article",
        size=10.5,
        bold=True,
        before=8,
        after=4,
        line=1.0,
        fonts=(bt.HEAD_LATIN, bt.HEAD_CJK),
        keep_next=True,
        align=LEFT,
    )
    bt._para_style(doc, "Article English", "Article", size=10)
    bt._para_style(
        doc,
        "Annex Title",
        size=13,
        bold=True,
        align=CENTER,
        before=0,
        after=2,
        line=1.0,
        fonts=(bt.HEAD_LATIN, bt.HEAD_CJK),
        keep_next=True,
    )
    bt._para_style(doc, "Annex Subtitle", "Annex Title", size=11, after=10)
    header = bt._para_style(doc, "Header", size=8, after=0, line=1.0)
    pPr = header.element.get_or_add_pPr()
    tabs = pPr.find(qn("w:tabs"))
    if tabs is not None:
        pPr.remove(tabs)
    header.paragraph_format.tab_stops.add_tab_stop(Cm(bt.TEXT_W_CM), WD_TAB_ALIGNMENT.RIGHT)
    bt._rule_below(pPr, size=4)
    doc.styles.element.append(parse_xml(CLAUSE_TABLE_XML))


def new_contract(title_zh: str, title_en: str):
    from docx import Document

    doc = Document()
    bt.drop_stale_parts(doc)
    bt.replace_parts(doc)
    setup_contract_styles(doc)
    bt.setup_settings(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = bt.PAGE_W, bt.PAGE_H
    sec.left_margin = sec.right_margin = bt.MARGIN
    sec.top_margin, sec.bottom_margin = Cm(2.2), Cm(2.0)
    sec.header_distance = sec.footer_distance = Cm(1.0)

    # Header: the title and the contract number on every page.
    hp = sec.header.paragraphs[0]
    hp.style = doc.styles["Header"]
    hp.add_run(f"{title_zh}{SP}{title_en}")
    hp.add_run("\t合同编号 Contract No.：")
    hp.add_run("{{ contract.no }}")

    # Footer: 第 X 页 共 Y 页 / Page X of Y from real PAGE and NUMPAGES fields.
    fp = sec.footer.paragraphs[0]
    fp.style = doc.styles["Footer"]
    fp.alignment = CENTER
    fp.add_run("第 ")
    bt._field(fp, "PAGE")
    fp.add_run(" 页 共 ")
    bt._field(fp, "NUMPAGES")
    fp.add_run(" 页 / Page ")
    bt._field(fp, "PAGE")
    fp.add_run(" of ")
    bt._field(fp, "NUMPAGES")

    cp = doc.core_properties
    cp.author = cp.last_modified_by = bt.AUTHOR
    cp.title = f"{title_zh} {title_en}"
    cp.subject = "合同模板 / contract template"
    cp.keywords = "vendorflow; docxtpl template; contract"
    # (the old path, before tools/bootstrap/: it is in every shipped template's properties,
    # kept so a rebuild gives the same bytes)
    cp.comments = (
        "docxtpl template generated by tools/build_contract_templates.py; "
        "context: tests/fixtures/contexts/contract_*.json"
    )
    cp.category = "template"
    cp.language = "zh-CN"
    cp.created = cp.modified = bt.FIXED_TIME
    cp.revision = 1
    return doc


# --------------------------------------------------------------------------- clause tables


def _paras(cell, paras, style: str, first: bool = True) -> None:
    """Fill a cell: each entry is one paragraph (a string in one run, or a run list);
    entries starting with ``{%p`` are docxtpl control paragraphs."""
    styles = cell.part.document.styles
    for text in paras if isinstance(paras, list) else [paras]:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.style = styles[style]
        bt._runs(p, text)


class Clauses:
    """A borderless two-column table: 中文 on the left, English on the right."""

    def __init__(self, doc):
        self.doc = doc
        self.t = doc.add_table(rows=0, cols=2)
        self.t.style = doc.styles["Contract Clauses"]
        self.t.autofit = False
        tblPr = self.t._tbl.tblPr
        tblW = tblPr.find(qn("w:tblW"))
        tblW.set(qn("w:type"), "dxa")
        tblW.set(qn("w:w"), str(int((ZH_W + EN_W) / 2.54 * 1440)))
        # `autofit = False` above already wrote <w:tblLayout w:type="fixed"/> in schema order;
        # a second one (appended after tblLook) is what the Open XML SDK validator rejected
        look = tblPr.find(qn("w:tblLook"))
        look.set(qn("w:val"), "0400")
        for attr in ("w:firstRow", "w:lastRow", "w:firstColumn", "w:lastColumn"):
            look.set(qn(attr), "0")
        for col, w in zip(self.t.columns, (ZH_W, EN_W)):
            col.width = Cm(w)

    def _row(self):
        row = self.t.add_row()
        for cell, w in zip(row.cells, (ZH_W, EN_W)):
            cell.width = Cm(w)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        return row

    def heading(self, zh: str, en: str):
        row = self._row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        _paras(row.cells[0], zh, "Article")
        _paras(row.cells[1], en, "Article English")
        for cell in row.cells:
            bt._cell_bottom_rule(cell)
        return row

    def clause(self, zh, en):
        row = self._row()
        _paras(row.cells[0], zh, "Clause")
        _paras(row.cells[1], en, "Clause English")
        return row

    def control(self, tag: str):
        """A row carrying only a ``{%tr … %}`` tag (removed when rendered)."""
        row = self._row()
        cell = row.cells[0].merge(row.cells[1])
        _paras(cell, tag, "Clause")
        return row


def article(doc, heading, clauses):
    t = Clauses(doc)
    t.heading(*heading)
    for zh, en in clauses:
        t.clause(zh, en)
    return t


def spacer(doc, pt=4):
    p = doc.add_paragraph(style="Clause")
    p.paragraph_format.space_after = Pt(pt)
    return p


# --------------------------------------------------------------------------- shared wording

PARTY_FIELDS_A = [
    ("统一社会信用代码：", "Unified social credit code: ", "{{ party_a.uscc }}", "{{ party_a.uscc }}"),
    ("法定代表人：", "Legal representative: ", "{{ party_a.legal_rep }}", "{{ party_a.legal_rep }}"),
    ("住所：", "Address: ", "{{ party_a.address_zh }}", "{{ party_a.address_en }}"),
    ("联系人：", "Contact: ", "{{ party_a.contact_name }}", "{{ party_a.contact_name_en }}"),
    ("电话：", "Telephone: ", "{{ party_a.contact_phone }}", "{{ party_a.contact_phone }}"),
    ("电子邮箱：", "E-mail: ", "{{ party_a.contact_email }}", "{{ party_a.contact_email }}"),
]
PARTY_FIELDS_B = [
    ("统一社会信用代码：", "Unified social credit code: ", "{{ party_b.uscc }}", "{{ party_b.uscc }}"),
    ("法定代表人：", "Legal representative: ", "{{ party_b.legal_rep }}", "{{ party_b.legal_rep }}"),
    ("住所：", "Address: ", "{{ party_b.address_zh }}", "{{ party_b.address_en }}"),
    ("联系人：", "Contact: ", "{{ party_b.contact_name }}", "{{ party_b.contact_name }}"),
    ("电话：", "Telephone: ", "{{ party_b.contact_phone }}", "{{ party_b.contact_phone }}"),
    ("电子邮箱：", "E-mail: ", "{{ party_b.contact_email }}", "{{ party_b.contact_email }}"),
    ("开户银行：", "Bank: ", "{{ party_b.bank_name }}", "{{ party_b.bank_name }}"),
    ("银行账号：", "Account No.: ", "{{ party_b.bank_account }}", "{{ party_b.bank_account }}"),
]
DISPATCH_FIELDS = [
    (
        "劳务派遣经营许可证编号：",
        "Labour-dispatch licence No.: ",
        "{{ dispatch.permit_no }}",
        "{{ dispatch.permit_no }}",
    ),
    ("许可证有效期至：", "Licence valid until: ", "{{ dispatch.permit_expiry_zh }}", "{{ dispatch.permit_expiry_en }}"),
]


def cover(doc, title_zh, title_en):
    bt.P(doc, title_zh, "Title")
    bt.P(doc, title_en, "Subtitle")
    t = Clauses(doc)
    for zh, en, v_zh, v_en in [
        ("合同编号：", "Contract No.: ", "{{ contract.no }}", "{{ contract.no }}"),
        ("签订地点：", "Place of signing: ", "{{ contract.sign_place_zh }}", "{{ contract.sign_place_en }}"),
        ("签订日期：", "Date of signing: ", "{{ contract.sign_date_zh }}", "{{ contract.sign_date_en }}"),
    ]:
        t.clause([[(zh, True), v_zh]], [[(en, True), v_en]])
    spacer(doc, 6)


def parties(doc, role_a, role_b, dispatch=False):
    t = Clauses(doc)
    t.heading("合同双方", "The Parties")
    zh_a, en_a = role_a
    zh_b, en_b = role_b
    t.clause(
        [[(zh_a, True), ("{{ party_a.name_zh }}", True)]] + [[l, v] for l, _, v, _ in PARTY_FIELDS_A],
        [[(en_a, True), ("{{ party_a.name_en }}", True)]] + [[l, v] for _, l, _, v in PARTY_FIELDS_A],
    )
    fields_b = PARTY_FIELDS_B + (DISPATCH_FIELDS if dispatch else [])
    t.clause(
        [[(zh_b, True), ("{{ party_b.name_zh }}", True)]] + [[l, v] for l, _, v, _ in fields_b],
        [[(en_b, True), ("{{ party_b.name_en }}", True)]] + [[l, v] for _, l, _, v in fields_b],
    )
    for row in t.t.rows:  # codes and addresses: ragged, never stretched
        for cell in row.cells:
            for p in cell.paragraphs:
                p.alignment = LEFT
    return t


def recital(doc, zh, en):
    t = Clauses(doc)
    t.clause(zh, en)
    spacer(doc, 2)


ART2_PRICE = (
    [
        "2.1" + SP + "月服务费为{{ price.monthly_fee.zh }}（大写：{{ price.monthly_fee.words_zh }}）。",
        "{%p if price.from_items %}",
        "月服务费按附件一所列各项目的人数乘以单价计算；人数经双方书面确认调整的，按调整后的人数结算。",
        "{%p elif price.lump_sum %}",
        "月服务费为包干价；附件一所列人员配置和单价仅作核算参考，人员配置的变化不影响月服务费，双方另有书面约定的除外。",
        "{%p elif items %}",
        "月服务费等于附件一所列各项目月度金额之和。",
        "{%p else %}",
        "月服务费为固定金额。",
        "{%p endif %}",
    ],
    [
        "2.1" + SP + "The monthly fee is {{ price.monthly_fee.en }} (in words: {{ price.monthly_fee.words_en }}).",
        "{%p if price.from_items %}",
        "The monthly fee is the headcount times the unit price of each item in Annex 1; a change in headcount "
        "confirmed by both Parties in writing is settled at the changed headcount.",
        "{%p elif price.lump_sum %}",
        "The monthly fee is a lump sum: the staffing and unit prices in Annex 1 are for reference only, and a "
        "change in staffing does not change the monthly fee unless the Parties agree otherwise in writing.",
        "{%p elif items %}",
        "The monthly fee is the sum of the monthly amounts of the items in Annex 1.",
        "{%p else %}",
        "The monthly fee is a fixed amount.",
        "{%p endif %}",
    ],
)
ART2_TAX = (
    [
        "{%p if price.tax_known and price.tax_included %}",
        "2.2" + SP + "上述月服务费为含税价，含增值税（税率{{ price.tax_rate }}），其中不含税金额{{ price.net.zh }}"
        "（大写：{{ price.net.words_zh }}），税额{{ price.tax.zh }}（大写：{{ price.tax.words_zh }}）。"
        "国家调整税率的，不含税金额不变，含税价按调整后的税率相应调整。乙方应开具合法有效的增值税专用发票。",
        "{%p elif price.tax_known %}",
        "2.2" + SP + "上述月服务费为不含税价，增值税按税率{{ price.tax_rate }}另行计收，税额{{ price.tax.zh }}"
        "（大写：{{ price.tax.words_zh }}），含税金额{{ price.gross.zh }}（大写：{{ price.gross.words_zh }}）。"
        "乙方应开具合法有效的增值税专用发票。",
        "{%p else %}",
        "2.2" + SP + "上述月服务费的增值税按国家规定的税率执行，乙方应开具合法有效的增值税专用发票。",
        "{%p endif %}",
    ],
    [
        "{%p if price.tax_known and price.tax_included %}",
        "2.2" + SP + "The monthly fee includes VAT at {{ price.tax_rate }}: {{ price.net.en }} net of tax (in words: "
        "{{ price.net.words_en }}) and {{ price.tax.en }} of tax (in words: {{ price.tax.words_en }}). If the "
        "State changes the rate, the amount net of tax stays the same and the tax-inclusive fee follows the new "
        "rate. Party B shall issue valid special VAT invoices.",
        "{%p elif price.tax_known %}",
        "2.2" + SP + "The monthly fee is net of tax; VAT at {{ price.tax_rate }} is added: {{ price.tax.en }} "
        "(in words: {{ price.tax.words_en }}), {{ price.gross.en }} including tax (in words: "
        "{{ price.gross.words_en }}). Party B shall issue valid special VAT invoices.",
        "{%p else %}",
        "2.2" + SP + "VAT on the monthly fee is charged at the statutory rate; Party B shall issue valid special "
        "VAT invoices.",
        "{%p endif %}",
    ],
)
ART2_SETTLE = (
    "2.3" + SP + "服务费按月结算。每月结束后5个工作日内，乙方向甲方提交上月的服务结算资料；甲方根据第四条及附件二的"
    "考核结果核定当月应付金额（含扣款和奖励）并出具结算单。甲方在收到乙方合规的增值税发票后{{ price.payment_days }}日"
    "内将款项支付至乙方在本合同首部列明的银行账户。乙方变更账户的，应提前书面通知甲方，否则由此产生的损失由乙方承担。",
    "2.3" + SP + "Fees are settled monthly. Within 5 working days after each month Party B submits the settlement "
    "records for that month; Party A determines the amount payable (including deductions and rewards) from "
    "the evaluation under Article 4 and Annex 2 and issues a settlement statement. Party A pays within "
    "{{ price.payment_days }} days of receiving Party B's valid VAT invoice into Party B's bank account stated "
    "at the head of this Contract. Party B shall notify any change of account in writing in advance, failing "
    "which it bears any resulting loss.",
)
ART2_TOTAL = (
    [
        "{%p if price.has_total %}",
        "2.4"
        + SP
        + "按{{ price.months }}个月计，本合同期内服务费总额预计为{{ price.total.zh }}（大写：{{ price.total.words_zh }}），"
        "最终以各月结算金额之和为准。",
        "{%p else %}",
        "2.4" + SP + "本合同期内的服务费总额以各月结算金额之和为准。",
        "{%p endif %}",
    ],
    [
        "{%p if price.has_total %}",
        "2.4" + SP + "Over {{ price.months }} months the total fee for the term is estimated at {{ price.total.en }} "
        "(in words: {{ price.total.words_en }}); the amount finally payable is the sum of the monthly settlements.",
        "{%p else %}",
        "2.4" + SP + "The total fee for the term is the sum of the monthly settlements.",
        "{%p endif %}",
    ],
)

ART3 = [
    (
        "3.1"
        + SP
        + "乙方对在订立和履行本合同过程中知悉的甲方商业秘密、技术信息、经营信息、客户及员工的个人信息和本合同的"
        "内容（以下简称“保密信息”）负有保密义务，未经甲方书面同意，不得向任何第三方披露，也不得用于本合同以外的目的。"
        "乙方仅可在履行本合同所必需的范围内向其人员披露保密信息，并应确保其人员遵守本条约定。",
        "3.1" + SP + "Party B shall keep confidential Party A's trade secrets, technical and business information, the "
        "personal information of its customers and employees, and the terms of this Contract that it learns in "
        'concluding or performing this Contract ("Confidential Information"), and shall neither disclose it to any '
        "third party nor use it for any other purpose without Party A's written consent. Party B may disclose "
        "Confidential Information to its personnel only as far as needed to perform this Contract and shall ensure "
        "that they comply with this Article.",
    ),
    (
        "3.2"
        + SP
        + "乙方处理甲方提供的或在服务中收集的个人信息和数据，应遵守《中华人民共和国个人信息保护法》《中华人民共和国"
        "数据安全法》和《中华人民共和国网络安全法》，仅按甲方的书面指示和约定的目的处理，采取必要的安全保护措施，未经甲方"
        "书面同意不得委托他人处理，不得向境外提供。",
        "3.2" + SP + "Party B shall process personal information and data that Party A provides or that are collected "
        "in the services in compliance with the Personal Information Protection Law, the Data Security Law and the "
        "Cybersecurity Law of the PRC, only on Party A's written instructions and for the agreed purposes, with the "
        "necessary security measures, and shall neither entrust the processing to others without Party A's written "
        "consent nor transfer the data outside the PRC.",
    ),
    (
        [
            "{%p if data.strict %}",
            "3.3"
            + SP
            + "甲方将乙方的数据访问级别定为“{{ data.level_zh }}”。乙方应当：（一）实行访问控制，仅向经甲方书面批准的"
            "具名人员按最小必要原则授予访问权限，人员离岗当日撤销其权限，不得使用共享账号；（二）完整保存访问和操作日志不少于"
            "六个月，甲方或其委托的第三方有权经提前通知对乙方的数据安全措施进行现场或远程审计，乙方应予配合并按审计意见整改；"
            "（三）不得将数据存储于甲方认可以外的设备或云服务，不得复制、下载或带离甲方指定的环境；（四）发现数据泄露、篡改、"
            "丢失或其他安全事件的，在{{ termination.security_notice_hours }}小时内书面通知甲方并立即采取补救措施；（五）本合同"
            "终止或甲方要求时，在{{ termination.data_return_days }}日内返还或按甲方指示销毁全部数据及其副本，并出具经乙方法定"
            "代表人签字的销毁证明。",
            "{%p else %}",
            "3.3"
            + SP
            + "甲方将乙方的数据访问级别定为“{{ data.level_zh }}”。乙方应采取合理的管理和技术措施保护保密信息，发生"
            "泄露的，应在{{ termination.security_notice_hours }}小时内通知甲方；本合同终止后{{ termination.data_return_days }}日内，"
            "乙方应返还或销毁其持有的保密信息。",
            "{%p endif %}",
        ],
        [
            "{%p if data.strict %}",
            "3.3"
            + SP
            + 'Party A classifies Party B\'s data access as "{{ data.level_en }}". Party B shall: (a) control '
            "access, granting it only to named persons approved by Party A in writing and only as far as strictly "
            "needed, revoking it on the day a person leaves the assignment, and using no shared accounts; (b) keep "
            "complete access and operation logs for at least six months, and allow Party A or a third party it "
            "appoints to audit its data-security measures on site or remotely on notice, cooperating and remedying "
            "what the audit finds; (c) store no data on devices or cloud services Party A has not approved, and copy, "
            "download or remove none from the environment Party A designates; (d) notify Party A in writing within "
            "{{ termination.security_notice_hours }} hours of discovering any leak, alteration, loss or other security "
            "incident and remedy it at once; and (e) when this Contract ends or Party A so requests, return or, as "
            "Party A directs, destroy all data and copies within {{ termination.data_return_days }} days and deliver a "
            "certificate of destruction signed by its legal representative.",
            "{%p else %}",
            "3.3" + SP + 'Party A classifies Party B\'s data access as "{{ data.level_en }}". Party B shall protect '
            "Confidential Information with reasonable organisational and technical measures, notify Party A of any "
            "leak within {{ termination.security_notice_hours }} hours, and return or destroy the Confidential "
            "Information it holds within {{ termination.data_return_days }} days after this Contract ends.",
            "{%p endif %}",
        ],
    ),
    (
        [
            "3.4" + SP + "本条约定的保密义务不因本合同的变更、解除或终止而失效，持续至相关信息依法进入公知领域之时。",
            "{%p if data.nda %}",
            "双方于{{ data.nda_date_zh }}签订的保密协议继续有效；该协议与本条约定不一致的，以对保密信息保护更严格者为准。",
            "{%p endif %}",
        ],
        [
            "3.4" + SP + "The obligations in this Article survive any amendment, rescission or termination of this "
            "Contract until the information lawfully enters the public domain.",
            "{%p if data.nda %}",
            "The non-disclosure agreement the Parties signed on {{ data.nda_date_en }} remains in force; where it "
            "differs from this Article, whichever protects the Confidential Information more strictly prevails.",
            "{%p endif %}",
        ],
    ),
    (
        "3.5" + SP + "乙方违反本条约定的，应赔偿甲方因此遭受的全部损失，甲方并有权解除本合同。",
        "3.5" + SP + "If Party B breaches this Article it shall compensate Party A for all resulting losses, and "
        "Party A may terminate this Contract.",
    ),
]

ART4 = [
    (
        "4.1"
        + SP
        + "乙方应达到附件二《服务水平与考核标准》所列的关键绩效指标。甲方每月对乙方进行绩效评估，按附件二所列权重"
        "计算综合得分并评定等级，评估结果以书面形式反馈乙方，并作为当月结算的依据。",
        "4.1" + SP + "Party B shall meet the key performance indicators in Annex 2 (Service Levels and Evaluation). "
        "Party A evaluates Party B every month, computes the weighted total score and grade as Annex 2 sets out, "
        "gives Party B the result in writing, and settles the month on that basis.",
    ),
    (
        "4.2"
        + SP
        + "某项指标当期没有数据的，按不适用处理，既不计0分也不计满分，其余指标的权重按比例重新归一化；适用指标的权重"
        "合计低于{{ sla.min_applicable_weight }}的，当期不评级。",
        "4.2" + SP + "A KPI without data for a period is treated as not applicable, scored neither 0 nor 100, and "
        "the other weights are re-normalised; if the applicable KPIs carry less than {{ sla.min_applicable_weight }} "
        "of the weight, no grade is given for that period.",
    ),
    (
        "4.3"
        + SP
        + "乙方延期交付的，每延误一日按月服务费的{{ sla.late_pct_per_day }}（即{{ sla.late_per_day.zh }}，大写："
        "{{ sla.late_per_day.words_zh }}）扣款；发生质量缺陷、安全事件、合规问题或投诉的，按附件二所列标准扣款。扣款从当月"
        "应付服务费中扣除。",
        "4.3" + SP + "For late delivery Party A deducts {{ sla.late_pct_per_day }} of the monthly fee per day of delay "
        "({{ sla.late_per_day.en }}, in words: {{ sla.late_per_day.words_en }}); for quality defects, security "
        "incidents, compliance issues and complaints it deducts the amounts in Annex 2. Deductions are made from "
        "the fee payable for the month.",
    ),
    (
        "4.4"
        + SP
        + "每月扣款总额以当月月服务费的{{ sla.cap_pct }}为上限，即{{ sla.cap.zh }}（大写：{{ sla.cap.words_zh }}）。"
        "扣款上限不影响甲方依第五条解除本合同及要求乙方赔偿超出部分实际损失的权利。",
        "4.4" + SP + "Deductions in any month are capped at {{ sla.cap_pct }} of the monthly fee, that is "
        "{{ sla.cap.en }} (in words: {{ sla.cap.words_en }}). The cap does not limit Party A's right to terminate "
        "under Article 5 or to claim actual losses beyond it.",
    ),
    (
        [
            "4.5" + SP + "奖励：",
            "{%p for r in sla.rewards %}",
            "当月评级为{{ r.grade }}的，甲方按月服务费的{{ r.pct }}（即{{ r.zh }}，大写：{{ r.words_zh }}）给予奖励，随当月服务费一并支付。",
            "{%p endfor %}",
            "{%p if not sla.rewards %}",
            "本合同不设绩效奖励。",
            "{%p endif %}",
        ],
        [
            "4.5" + SP + "Rewards:",
            "{%p for r in sla.rewards %}",
            "For a month graded {{ r.grade }} Party A pays a reward of {{ r.pct }} of the monthly fee ({{ r.en }}, in "
            "words: {{ r.words_en }}) with that month's fee.",
            "{%p endfor %}",
            "{%p if not sla.rewards %}",
            "This Contract provides no performance reward.",
            "{%p endif %}",
        ],
    ),
    (
        "4.6"
        + SP
        + "乙方对评估结果有异议的，可在收到评估结果之日起10个工作日内书面提出，双方协商解决。当月评级为C或D的，乙方应在"
        "10个工作日内提交书面整改计划，说明原因、措施和完成时间。",
        "4.6" + SP + "Party B may dispute an evaluation in writing within 10 working days of receiving it, and the "
        "Parties shall resolve it by consultation. After a month graded C or D, Party B shall submit a written "
        "improvement plan (causes, measures, completion dates) within 10 working days.",
    ),
]


def art5(termination_grounds_zh, termination_grounds_en, exit_zh, exit_en):
    return [
        (
            "5.1"
            + SP
            + "甲方有权对乙方的服务进行定期检查和不定期抽查，查阅与本合同有关的记录，并定期召开供应商会议沟通合作中的"
            "问题；乙方应予配合，并对发现的问题按期整改。",
            "5.1" + SP + "Party A may inspect the services at regular intervals and at random, examine the records "
            "relating to this Contract, and hold regular supplier meetings on open issues; Party B shall cooperate "
            "and remedy what is found within the time set.",
        ),
        (
            "5.2"
            + SP
            + "任何一方违反本合同的，守约方有权书面通知违约方在{{ termination.cure_days }}日内纠正；违约方应赔偿守约方因此"
            "遭受的损失。",
            "5.2" + SP + "If either Party breaches this Contract, the other may require it in writing to remedy the "
            "breach within {{ termination.cure_days }} days; the Party in breach shall compensate the other for the "
            "resulting losses.",
        ),
        (
            "5.3" + SP + "有下列情形之一的，甲方有权书面通知乙方解除本合同：" + termination_grounds_zh,
            "5.3" + SP + "Party A may terminate this Contract by written notice if " + termination_grounds_en,
        ),
        (
            "5.4"
            + SP
            + "因不可抗力不能履行本合同的，受影响的一方应及时通知对方，并在15日内提供相关证明，在不可抗力影响的范围内"
            "免除责任。不可抗力持续超过{{ termination.force_majeure_days }}日的，任何一方均有权书面通知对方解除本合同。",
            "5.4" + SP + "A Party prevented from performing by force majeure shall notify the other promptly and "
            "provide evidence within 15 days, and is excused to the extent of the force majeure. If the force "
            "majeure lasts more than {{ termination.force_majeure_days }} days, either Party may terminate this "
            "Contract by written notice.",
        ),
        ("5.5" + SP + exit_zh, "5.5" + SP + exit_en),
    ]


GROUNDS_ZH = (
    "（一）乙方连续{{ termination.consecutive_d_grades }}个考核期评级为D（不合格）；（二）整改期届满后乙方仍未纠正违约"
    "行为；（三）乙方发生严重安全事件或违反第三条约定；（四）乙方丧失履行本合同所需的资质{extra}；（五）乙方擅自转包、"
    "分包本合同项下的服务或拖欠其人员工资。"
)
GROUNDS_EN = (
    "(a) Party B is graded D (unsatisfactory) for {{ termination.consecutive_d_grades }} consecutive "
    "periods; (b) Party B has not remedied a breach when the cure period ends; (c) Party B causes a "
    "serious security incident or breaches Article 3; (d) Party B loses a qualification it needs to "
    "perform this Contract{extra}; or (e) Party B subcontracts the services without consent or fails to "
    "pay its personnel's wages."
)
EXIT_ZH = (
    "本合同期满或解除的，乙方应在{{ termination.handover_days }}日的交接期内继续按本合同提供服务，向甲方或甲方指定的"
    "第三方移交与服务有关的文件、数据、工作成果和在制工作，协助完成交接，并结清其人员的工资和社会保险费；交接期内的"
    "服务费按本合同标准结算。"
)
EXIT_EN = (
    "When this Contract expires or is terminated, Party B shall continue the services under this Contract "
    "during a hand-over period of {{ termination.handover_days }} days, hand over the documents, data, work "
    "product and work in progress to Party A or a third party Party A appoints, assist in the transition, "
    "and settle its personnel's wages and social insurance; services in the hand-over period are paid at "
    "the rates of this Contract."
)

ART6 = [
    (
        "6.1"
        + SP
        + "本合同的订立、效力、解释、履行和争议解决均适用中华人民共和国法律（为本合同之目的，不包括香港特别行政区、"
        "澳门特别行政区和台湾地区的法律）。",
        "6.1" + SP + "The conclusion, validity, interpretation and performance of this Contract and the resolution "
        "of disputes under it are governed by the laws of the People's Republic of China (for this purpose "
        "excluding the laws of Hong Kong SAR, Macao SAR and Taiwan).",
    ),
    (
        [
            "{%p if disputes.arbitration %}",
            "6.2"
            + SP
            + "因本合同引起的或与本合同有关的任何争议，双方应首先友好协商解决；协商不成的，任何一方均可将争议提交"
            "{{ disputes.venue_zh }}，按照申请仲裁时该机构现行有效的仲裁规则进行仲裁。仲裁裁决是终局的，对双方均有约束力。",
            "{%p else %}",
            "6.2" + SP + "因本合同引起的或与本合同有关的任何争议，双方应首先友好协商解决；协商不成的，任何一方均可向"
            "{{ disputes.venue_zh }}提起诉讼。",
            "{%p endif %}",
        ],
        [
            "{%p if disputes.arbitration %}",
            "6.2"
            + SP
            + "Any dispute arising from or in connection with this Contract shall first be settled by friendly "
            "consultation; failing that, either Party may submit it to {{ disputes.venue_en }} for arbitration under "
            "its rules in force when arbitration is applied for. The award is final and binding on both Parties.",
            "{%p else %}",
            "6.2"
            + SP
            + "Any dispute arising from or in connection with this Contract shall first be settled by friendly "
            "consultation; failing that, either Party may bring proceedings before {{ disputes.venue_en }}.",
            "{%p endif %}",
        ],
    ),
    (
        "6.3" + SP + "争议解决期间，除争议事项外，双方应继续履行本合同的其他条款。",
        "6.3" + SP + "While a dispute is being resolved the Parties shall continue to perform the other provisions "
        "of this Contract.",
    ),
]

ART7 = [
    (
        [
            "{%p if term.default %}",
            "7.1" + SP + "本合同期限为{{ term.default_years }}年，自{{ term.start_zh }}起至{{ term.end_zh }}止。",
            "{%p else %}",
            "7.1" + SP + "本合同期限自{{ term.start_zh }}起至{{ term.end_zh }}止，共{{ term.length_zh }}。",
            "{%p endif %}",
            "任何一方不再续约的，应在期满前{{ termination.termination_notice_days }}日书面通知对方；续约的，双方另行签订书面合同。",
        ],
        [
            "{%p if term.default %}",
            "7.1" + SP + "This Contract has a term of {{ term.default_years }} years, from {{ term.start_en }} to "
            "{{ term.end_en }}.",
            "{%p else %}",
            "7.1" + SP + "This Contract runs from {{ term.start_en }} to {{ term.end_en }} ({{ term.length_en }}).",
            "{%p endif %}",
            "A Party that does not wish to renew shall notify the other in writing at least "
            "{{ termination.termination_notice_days }} days before expiry; a renewal requires a new written contract.",
        ],
    ),
    (
        "7.2" + SP + "对本合同的任何变更或补充，须经双方协商一致并以书面形式作出，经双方授权代表签字并加盖公章后生效。",
        "7.2" + SP + "Any amendment or supplement to this Contract must be agreed by both Parties in writing, signed "
        "by their authorised representatives and sealed with their company seals.",
    ),
    (
        "7.3" + SP + "本合同的附件是本合同不可分割的组成部分，与本合同正文具有同等法律效力。",
        "7.3" + SP + "The Annexes form an integral part of this Contract and have the same legal effect as its body.",
    ),
    (
        "7.4"
        + SP
        + "与本合同有关的通知应以书面形式，按本合同首部所列的地址或电子邮箱送达对方联系人。一方变更联系方式的，应在"
        "变更后3日内书面通知对方。",
        "7.4" + SP + "Notices under this Contract shall be in writing and delivered to the other Party's contact at "
        "the address or e-mail stated at the head of this Contract. A Party shall notify a change of contact "
        "details in writing within 3 days.",
    ),
    (
        "7.5"
        + SP
        + "本合同以中文和英文书就，两种文本具有同等效力；两种文本如有不一致，以{{ language.prevailing_zh }}文本为准。",
        "7.5" + SP + "This Contract is made in Chinese and English, both texts being equally authentic; in case of "
        "any discrepancy, the {{ language.prevailing_en }} text prevails.",
    ),
    (
        "7.6"
        + SP
        + "本合同自双方法定代表人或授权代表签字并加盖公章之日起生效，一式{{ contract.counterparts }}份，双方各执"
        "{{ contract.counterparts_each }}份，具有同等法律效力。",
        "7.6" + SP + "This Contract takes effect when signed by the legal or authorised representatives of both "
        "Parties and sealed with their company seals. It is made in {{ contract.counterparts_en }} counterparts, "
        "{{ contract.counterparts_each_en }} for each Party, all equally authentic.",
    ),
]


def signatures(doc, role_a, role_b):
    p = bt.P(doc, "（以下无正文）(The remainder of this page is intentionally left blank.)", "Clause", align=CENTER)
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True

    def block(role_zh, role_en, name_zh, name_en):
        return [
            ("Table Text", (role_zh + "（盖章）", True)),
            ("Table English", role_en + " (company seal)"),
            ("Table Text", name_zh),
            ("Table English", name_en),
            ("space", 46),
            ("line", "法定代表人或授权代表（签字）："),
            ("Table English", "Legal or authorised representative (signature)"),
            ("line", ["日期：", "{{ contract.sign_date_zh }}"]),
            ("Table English", ["Date: ", "{{ contract.sign_date_en }}"]),
        ]

    t = bt.signature_table(
        doc,
        [
            block(*role_a, "{{ party_a.name_zh }}", "{{ party_a.name_en }}"),
            block(*role_b, "{{ party_b.name_zh }}", "{{ party_b.name_en }}"),
        ],
    )
    # Seal placeholder: a light dashed box where the company seal goes.
    for col in (0, 2):
        cell = t.rows[4].cells[col]
        p = cell.paragraphs[0]
        r = p.add_run("（盖章处 Seal）")
        r.font.size = Pt(8)
        r.font.color.rgb = RGBColor(0xA6, 0xA6, 0xA6)
        p.alignment = CENTER
        tcPr = cell._tc.get_or_add_tcPr()
        tcPr.insert_element_before(
            parse_xml(
                f"<w:tcBorders {nsdecls('w')}>"
                + "".join(
                    f'<w:{s} w:val="dashed" w:sz="4" w:space="0" w:color="A6A6A6"/>'
                    for s in ("top", "left", "bottom", "right")
                )
                + "</w:tcBorders>"
            ),
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
        )
    return t


# --------------------------------------------------------------------------- annexes


def page_break(doc):
    doc.add_paragraph(style="Clause").add_run().add_break(WD_BREAK.PAGE)


def annex1(doc, title_zh, title_en):
    page_break(doc)
    bt.P(doc, f"附件一{SP}{title_zh}", "Annex Title")
    bt.P(doc, f"Annex 1{SP}{title_en}", "Annex Subtitle")
    bt.P(
        doc,
        ["合同编号 Contract No.：", "{{ contract.no }}", SP, "币种 Currency：", "{{ price.currency }}"],
        "Table English",
        align=RIGHT,
    )
    t = bt.Table(
        doc,
        [1.2, 6.6, 2.0, 3.4, 3.8],
        aligns=[CENTER, LEFT, RIGHT, RIGHT, RIGHT],
        header=[
            ("序号", "No."),
            ("岗位 / 服务项目", "Role / service item"),
            ("人数", "Headcount"),
            ("单价（每人每月）", "Unit price (per person-month)"),
            ("月度金额", "Monthly amount"),
        ],
    )
    t.control("{%tr for it in items %}")
    t.row(
        [
            "{{ it.no }}",
            (["{{ it.role_zh }}"], ["{{ it.role_en }}"]),
            "{{ it.headcount }}",
            "{{ it.unit_price }}",
            "{{ it.amount }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not items %}")
    t.none_row(
        ("本合同不设服务项目明细，按第二条约定的月服务费结算", "No service items: the monthly fee in Article 2 applies")
    )
    t.control("{%tr endif %}")
    t.control("{%tr if items %}")
    t.row(
        [("合计", "Total"), "{{ items_total.headcount }}", "", "{{ items_total.figures }}"],
        span=[2, 1, 1, 1],
        bold=True,
        fill=bt.LABEL_FILL,
        aligns=[RIGHT, RIGHT, RIGHT, RIGHT],
    )
    t.control("{%tr endif %}")
    bt.ctl(doc, "{%p if items %}")
    p = bt.P(doc, [("合计（大写）：", True), "{{ items_total.words_zh }}"], "Clause")
    p.paragraph_format.space_before = Pt(6)
    bt.P(doc, [("Total in words: ", True), "{{ items_total.words_en }}"], "Clause English")
    bt.ctl(doc, "{%p endif %}")
    bt.ctl(doc, "{%p if price.lump_sum %}")
    bt.P(doc, "注：月服务费为包干价（见第2.1条），以上人员配置和单价仅作核算参考。", "Clause")
    bt.P(
        doc,
        "Note: the monthly fee is a lump sum (Clause 2.1); the staffing and unit prices above are for reference only.",
        "Clause English",
    )
    bt.ctl(doc, "{%p endif %}")


def annex2(doc):
    page_break(doc)
    bt.P(doc, f"附件二{SP}服务水平与考核标准", "Annex Title")
    bt.P(doc, f"Annex 2{SP}Service Levels and Evaluation", "Annex Subtitle")

    bt.heading(doc, "一、关键绩效指标", "Key Performance Indicators", level=2)
    t = bt.Table(
        doc,
        [3.4, 1.6, 2.2, 2.0, 7.8],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, LEFT],
        header=[
            ("指标", "KPI"),
            ("权重", "Weight"),
            ("目标值", "Target"),
            ("零分线", "Floor"),
            ("计分方法", "Scoring"),
        ],
    )
    t.control("{%tr for k in sla.kpis %}")
    t.row(
        [
            (["{{ k.name_zh }}"], ["{{ k.name_en }}"]),
            "{{ k.weight }}",
            "{{ k.target }}",
            "{{ k.floor }}",
            (["{{ k.method_zh }}"], ["{{ k.method_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")

    bt.heading(doc, "二、评级", "Grades", level=2)
    t = bt.Table(
        doc,
        [2.0, 4.0, 6.0, 5.0],
        aligns=[CENTER, CENTER, LEFT, RIGHT],
        header=[
            ("评级", "Grade"),
            ("综合得分", "Total score"),
            ("含义", "Meaning"),
            ("奖励（月服务费的比例）", "Reward (% of monthly fee)"),
        ],
    )
    t.control("{%tr for g in sla.grades %}")
    t.row(["{{ g.grade }}", "{{ g.range }}", (["{{ g.label_zh }}"], ["{{ g.label_en }}"]), "{{ g.reward }}"])
    t.control("{%tr endfor %}")

    bt.heading(doc, "三、扣款标准", "Deductions", level=2)
    bt.P(
        doc,
        [
            "延期交付：每延误一日扣月服务费的",
            "{{ sla.late_pct_per_day }}",
            "（",
            "{{ sla.late_per_day.zh }}",
            "），另按下表扣除固定金额。每起事件按其类型和严重程度扣款（金额单位：元）：",
        ],
        "Clause",
    )
    bt.P(
        doc,
        [
            "Late delivery: ",
            "{{ sla.late_pct_per_day }}",
            " of the monthly fee per day of delay (",
            "{{ sla.late_per_day.en }}",
            "), plus the fixed amount below. Each incident is charged by type and severity (amounts in CNY):",
        ],
        "Clause English",
    )
    t = bt.Table(
        doc,
        [4.6, 3.1, 3.1, 3.1, 3.1],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[("事件类型", "Incident type"), ("低", "Low"), ("中", "Medium"), ("高", "High"), ("严重", "Critical")],
    )
    t.control("{%tr for i in sla.incidents %}")
    t.row(
        [
            (["{{ i.type_zh }}"], ["{{ i.type_en }}"]),
            "{{ i.low }}",
            "{{ i.medium }}",
            "{{ i.high }}",
            "{{ i.critical }}",
        ]
    )
    t.control("{%tr endfor %}")

    bt.heading(doc, "四、扣款上限", "Cap on Deductions", level=2)
    bt.P(
        doc,
        [
            "每月扣款总额以当月月服务费的",
            "{{ sla.cap_pct }}",
            "为上限，即",
            "{{ sla.cap.zh }}",
            "（大写：",
            "{{ sla.cap.words_zh }}",
            "）。",
        ],
        "Clause",
    )
    bt.P(
        doc,
        [
            "Deductions in a month are capped at ",
            "{{ sla.cap_pct }}",
            " of the monthly fee: ",
            "{{ sla.cap.en }}",
            " (in words: ",
            "{{ sla.cap.words_en }}",
            ").",
        ],
        "Clause English",
    )


# --------------------------------------------------------------------------- the three contracts


def build(kind: str):
    titles = {
        "service": ("外包服务合同", "Outsourced Services Contract"),
        "labor_outsourcing": ("劳务外包合同", "Labour Outsourcing Contract"),
        "labor_dispatch": ("劳务派遣协议", "Labour Dispatch Agreement"),
    }
    roles = {
        "service": (("甲方（委托方）：", "Party A (Client): "), ("乙方（服务方）：", "Party B (Service Provider): ")),
        "labor_outsourcing": (
            ("甲方（发包方）：", "Party A (Principal): "),
            ("乙方（承包方）：", "Party B (Contractor): "),
        ),
        "labor_dispatch": (
            ("甲方（用工单位）：", "Party A (Host Employer): "),
            ("乙方（劳务派遣单位）：", "Party B (Dispatch Agency): "),
        ),
    }
    title_zh, title_en = titles[kind]
    role_a, role_b = roles[kind]
    dispatch = kind == "labor_dispatch"
    doc = new_contract(title_zh, title_en)
    cover(doc, title_zh, title_en)
    parties(doc, role_a, role_b, dispatch)
    spacer(doc, 2)
    recital(doc, *RECITALS[kind])
    article(doc, ("第一条" + SP + ART1_TITLE[kind][0], "Article 1" + SP + ART1_TITLE[kind][1]), ART1[kind])
    article(
        doc,
        ("第二条" + SP + "服务费用与支付", "Article 2" + SP + "Fees and Payment"),
        [ART2_PRICE, ART2_TAX, ART2_SETTLE, ART2_TOTAL] + ART2_EXTRA[kind],
    )
    article(doc, ("第三条" + SP + "保密与数据安全", "Article 3" + SP + "Confidentiality and Data Security"), ART3)
    article(
        doc,
        (
            "第四条" + SP + "服务标准、考核与奖惩",
            "Article 4" + SP + "Service Levels, Evaluation, Deductions and Rewards",
        ),
        ART4,
    )
    extra_zh, extra_en = ("或劳务派遣经营许可证", " or its labour-dispatch licence") if dispatch else ("", "")
    article(
        doc,
        ("第五条" + SP + "监督、违约与合同解除", "Article 5" + SP + "Supervision, Breach and Termination"),
        art5(GROUNDS_ZH.replace("{extra}", extra_zh), GROUNDS_EN.replace("{extra}", extra_en), *EXIT[kind]),
    )
    article(doc, ("第六条" + SP + "法律适用与争议解决", "Article 6" + SP + "Governing Law and Disputes"), ART6)
    article(doc, ("第七条" + SP + "合同期限及其他", "Article 7" + SP + "Term and General Provisions"), ART7)
    signatures(doc, (role_a[0].rstrip("："), role_a[1].rstrip(": ")), (role_b[0].rstrip("："), role_b[1].rstrip(": ")))
    annex1(doc, *ANNEX1_TITLE[kind])
    annex2(doc)
    return doc


RECITALS = {
    "service": (
        "鉴于甲方拟将附件一所列服务委托给专业服务机构，乙方具备提供该等服务的资质和能力，双方根据《中华人民共和国民法典》及"
        "相关法律法规，本着平等自愿、诚实信用的原则，经友好协商，订立本合同，以资共同遵守。",
        "WHEREAS Party A wishes to outsource the services listed in Annex 1 to a professional provider and Party B "
        "has the qualifications and capability to provide them, the Parties, in accordance with the Civil Code of "
        "the People's Republic of China and other applicable laws and on the principles of equality, free will "
        "and good faith, have through friendly consultation entered into this Contract.",
    ),
    "labor_outsourcing": (
        "鉴于甲方拟将附件一所列工作任务发包给具备相应能力的单位完成，乙方具备承接该等工作的资质和能力，双方根据《中华人民共和国"
        "民法典》及相关法律法规，本着平等自愿、诚实信用的原则，经友好协商，订立本合同，以资共同遵守。",
        "WHEREAS Party A wishes to contract out the work listed in Annex 1 to a capable organisation and Party B has "
        "the qualifications and capability to perform it, the Parties, in accordance with the Civil Code of the "
        "People's Republic of China and other applicable laws and on the principles of equality, free will and "
        "good faith, have through friendly consultation entered into this Contract.",
    ),
    "labor_dispatch": (
        "鉴于甲方需要在临时性、辅助性或者替代性的工作岗位上使用被派遣劳动者，乙方是依法取得劳务派遣经营许可证的劳务派遣单位，"
        "双方根据《中华人民共和国劳动合同法》《劳务派遣暂行规定》《中华人民共和国民法典》及相关法律法规，经友好协商，订立本协议"
        "（本协议中的“本合同”均指本协议），以资共同遵守。",
        "WHEREAS Party A needs dispatched workers for temporary, auxiliary or substitute posts and Party B is a "
        "labour-dispatch agency holding a labour-dispatch licence, the Parties, in accordance with the Labour "
        "Contract Law of the People's Republic of China, the Interim Provisions on Labour Dispatch, the Civil Code "
        'and other applicable laws, have through friendly consultation entered into this Agreement ("this '
        'Contract" in this Agreement means this Agreement).',
    ),
}

ART1_TITLE = {
    "service": ("服务内容与范围", "Scope of Services"),
    "labor_outsourcing": ("外包工作内容与用工管理", "Scope of Work and Personnel"),
    "labor_dispatch": ("派遣岗位与派遣管理", "Dispatched Posts and Dispatch Management"),
}
ANNEX1_TITLE = {
    "service": ("服务项目明细", "Service Items"),
    "labor_outsourcing": ("外包工作项目明细", "Work Items"),
    "labor_dispatch": ("派遣岗位及费用明细", "Dispatched Posts and Fees"),
}

ART1 = {
    "service": [
        (
            "1.1"
            + SP
            + "乙方按照本合同及附件一《服务项目明细》的约定向甲方提供服务。附件一列明各服务项目的岗位、人数、单价和月度金额。",
            "1.1"
            + SP
            + "Party B shall provide services to Party A as set out in this Contract and in Annex 1 (Service "
            "Items), which states the role, headcount, unit price and monthly amount of each item.",
        ),
        ("1.2" + SP + "{{ scope.zh }}", "1.2" + SP + "{{ scope.en }}"),
        (
            "1.3"
            + SP
            + "合同期内甲方需要调整服务项目或人数的，应提前书面通知乙方，双方以书面补充协议确认调整后的服务项目和费用。",
            "1.3" + SP + "Party A shall give Party B advance written notice of any change to the service items or "
            "headcount, and the Parties shall confirm the changed items and fees in a written supplementary agreement.",
        ),
        (
            "1.4"
            + SP
            + "乙方应具备并在合同期内保持履行本合同所需的营业执照、资质证书和许可，并按甲方要求提供复印件。未经甲方事先书面"
            "同意，乙方不得将本合同项下的服务全部或部分转包、分包给第三方。",
            "1.4"
            + SP
            + "Party B shall hold, and keep valid throughout the term, the business licence, certificates and "
            "permits needed to perform this Contract and provide copies on request. Party B shall not subcontract or "
            "assign any of the services to a third party without Party A's prior written consent.",
        ),
        (
            "1.5"
            + SP
            + "乙方指派的人员应具备相应的技能和资格，遵守甲方的安全、保密和现场管理制度。乙方人员与甲方不建立劳动关系，乙方"
            "承担其人员的劳动报酬、社会保险及全部用工责任。",
            "1.5"
            + SP
            + "Personnel assigned by Party B shall have the relevant skills and qualifications and comply with "
            "Party A's safety, confidentiality and site rules. They have no employment relationship with Party A; "
            "Party B bears their remuneration, social insurance and all employer's liabilities.",
        ),
    ],
    "labor_outsourcing": [
        (
            "1.1"
            + SP
            + "甲方将附件一《外包工作项目明细》所列工作任务发包给乙方，由乙方以自己的名义独立组织实施，按约定的工作量和工作"
            "成果与甲方结算。",
            "1.1"
            + SP
            + "Party A contracts out to Party B the work listed in Annex 1 (Work Items), which Party B performs "
            "independently in its own name and which is settled by the agreed volume and results of work.",
        ),
        (
            "1.2"
            + SP
            + "乙方自行招聘、安排和管理其人员，并指定现场负责人负责人员调度、考勤和工作质量；甲方不直接管理、指挥乙方人员，"
            "甲方的工作要求通过乙方现场负责人提出。",
            "1.2" + SP + "Party B recruits, deploys and manages its own personnel and appoints an on-site manager "
            "responsible for scheduling, attendance and quality of work. Party A does not directly manage or instruct "
            "Party B's personnel; its requirements are given through Party B's on-site manager.",
        ),
        (
            "1.3"
            + SP
            + "乙方是其人员的用人单位，应依法与其人员订立劳动合同，按月足额支付工资，不得拖欠，并依法缴纳社会保险费和住房"
            "公积金。乙方人员与甲方不建立劳动关系。",
            "1.3"
            + SP
            + "Party B is the employer of its personnel: it shall conclude labour contracts with them, pay their "
            "wages in full every month without arrears, and pay their social insurance and housing fund contributions "
            "as the law requires. Party B's personnel have no employment relationship with Party A.",
        ),
        (
            "1.4"
            + SP
            + "乙方应保证其人员在上岗前完成身份核验、健康检查、背景调查和安全培训，具备岗位所需的资格证书，并向甲方提供人员"
            "名册及其变动情况。",
            "1.4" + SP + "Before anyone starts work, Party B shall complete identity verification, a health check, a "
            "background check and safety training, ensure the certificates the post requires, and give Party A the "
            "personnel roster and every change to it.",
        ),
        (
            "1.5"
            + SP
            + "乙方承担其人员在工作中发生的工伤和伤亡事故责任以及其人员对第三方造成损害的责任，并为其人员投保工伤保险和雇主"
            "责任险。未经甲方事先书面同意，乙方不得将本合同项下的工作转包或分包。",
            "1.5"
            + SP
            + "Party B is liable for work injuries and accidents of its personnel and for damage they cause to "
            "third parties, and shall insure them against work injury and employer's liability. Party B shall not "
            "subcontract or assign the work without Party A's prior written consent.",
        ),
    ],
    "labor_dispatch": [
        (
            "1.1"
            + SP
            + "乙方按照附件一《派遣岗位及费用明细》向甲方派遣劳动者（以下简称“被派遣劳动者”），派遣岗位名称、人数和费用以"
            "附件一为准；工作地点为甲方住所地或甲方指定的经营场所；派遣期限与本协议期限一致。",
            "1.1"
            + SP
            + 'Party B dispatches workers ("Dispatched Workers") to Party A for the posts, headcount and fees '
            "in Annex 1 (Dispatched Posts and Fees); the place of work is Party A's domicile or premises Party A "
            "designates; the dispatch period is the term of this Agreement.",
        ),
        (
            "1.2"
            + SP
            + "甲方只在临时性、辅助性或者替代性的工作岗位上使用被派遣劳动者：临时性岗位是指存续时间不超过六个月的岗位；辅助性"
            "岗位是指为主营业务岗位提供服务的非主营业务岗位，由甲方依法经民主程序确定并公示；替代性岗位是指甲方的劳动者因脱产学习、"
            "休假等原因无法工作的一定期间内，可以由其他劳动者替代工作的岗位。甲方使用的被派遣劳动者数量不超过其用工总量的10%。",
            "1.2"
            + SP
            + "Party A uses Dispatched Workers only in temporary, auxiliary or substitute posts: a temporary post "
            "exists for no more than six months; an auxiliary post is a non-core post serving the core business, "
            "determined by Party A through the statutory democratic procedure and made public; a substitute post is "
            "one that another worker may fill while Party A's own employee is away for full-time study, leave or "
            "similar reasons. Dispatched Workers shall not exceed 10% of Party A's total workforce.",
        ),
        (
            [
                "1.3"
                + SP
                + "乙方持有劳务派遣经营许可证（编号：{{ dispatch.permit_no }}，有效期至{{ dispatch.permit_expiry_zh }}），"
                "并保证其在本协议期内持续有效。许可证被变更、撤销、吊销或者不予延续的，乙方应在{{ termination.permit_notice_days }}日内"
                "书面通知甲方。",
                "{%p if dispatch.expires_in_term %}",
                "该许可证在本协议期内届满，乙方应在届满前依法申请延续，并在取得延续后的许可证之日起5个工作日内向甲方提供复印件；未能"
                "延续的，甲方有权解除本协议。",
                "{%p endif %}",
            ],
            [
                "1.3" + SP + "Party B holds labour-dispatch licence No. {{ dispatch.permit_no }}, valid until "
                "{{ dispatch.permit_expiry_en }}, and warrants that it remains valid throughout the term. Party B shall "
                "notify Party A in writing within {{ termination.permit_notice_days }} days if the licence is changed, "
                "withdrawn, revoked or not renewed.",
                "{%p if dispatch.expires_in_term %}",
                "The licence expires during the term: Party B shall apply for its renewal before it expires and give "
                "Party A a copy of the renewed licence within 5 working days of receiving it; if it is not renewed, "
                "Party A may terminate this Agreement.",
                "{%p endif %}",
            ],
        ),
        (
            "1.4"
            + SP
            + "乙方是被派遣劳动者的用人单位，应与被派遣劳动者订立二年以上的固定期限劳动合同，按月支付劳动报酬；被派遣劳动者"
            "在无工作期间，乙方应按照不低于所在地人民政府规定的最低工资标准按月支付报酬。甲方不得将被派遣劳动者再派遣到其他用人单位。",
            "1.4"
            + SP
            + "Party B is the employer of the Dispatched Workers: it shall conclude fixed-term labour contracts of "
            "at least two years with them and pay their remuneration monthly, and while they are without work pay them "
            "monthly at least the local statutory minimum wage. Party A shall not re-dispatch any Dispatched Worker to "
            "another employer.",
        ),
        (
            "1.5"
            + SP
            + "甲方应告知被派遣劳动者工作要求和劳动报酬，提供相应的劳动条件和劳动保护，对在岗被派遣劳动者进行工作岗位所必需的"
            "培训；乙方应在派遣前完成身份核验、健康检查和岗前安全培训，并向甲方提供被派遣劳动者名册。",
            "1.5"
            + SP
            + "Party A shall inform Dispatched Workers of the job requirements and remuneration, provide working "
            "conditions and labour protection, and give them the training their posts require; Party B shall complete "
            "identity verification, health checks and pre-job safety training before dispatch and give Party A the "
            "roster of Dispatched Workers.",
        ),
    ],
}

ART2_EXTRA = {
    "service": [
        (
            "2.5"
            + SP
            + "除本合同另有约定外，月服务费包含乙方履行本合同所需的人工、管理、设备、差旅、税费和利润等全部费用，甲方无须另行"
            "支付其他费用。",
            "2.5" + SP + "Unless this Contract provides otherwise, the monthly fee covers all of Party B's costs of "
            "performing this Contract, including labour, management, equipment, travel, taxes and profit; Party A "
            "pays nothing further.",
        ),
    ],
    "labor_outsourcing": [
        (
            "2.5"
            + SP
            + "月服务费包含乙方人员的工资、社会保险费、住房公积金、管理费和税费等全部费用。乙方应按时足额支付其人员的工资；"
            "乙方拖欠工资的，甲方有权从应付乙方的款项中直接代为支付，并视为已向乙方付款。",
            "2.5"
            + SP
            + "The monthly fee covers all of Party B's costs, including its personnel's wages, social insurance, "
            "housing fund, management fee and taxes. Party B shall pay its personnel's wages on time and in full; if it "
            "falls into arrears, Party A may pay the wages directly out of the amounts due to Party B, which counts as "
            "payment to Party B.",
        ),
    ],
    "labor_dispatch": [
        (
            "2.5"
            + SP
            + "月服务费由被派遣劳动者的劳动报酬、社会保险费和住房公积金以及乙方的派遣管理费组成。甲方按照同工同酬原则，对"
            "被派遣劳动者与甲方同类岗位的劳动者实行相同的劳动报酬分配办法，并支付加班费、绩效奖金，提供与工作岗位相关的福利待遇。",
            "2.5" + SP + "The monthly fee consists of the Dispatched Workers' remuneration, their social insurance and "
            "housing fund contributions, and Party B's dispatch management fee. On the principle of equal pay for "
            "equal work, Party A applies to Dispatched Workers the same pay scheme as to its own employees in similar "
            "posts, pays overtime and performance bonuses, and provides the benefits related to the post.",
        ),
        (
            "2.6"
            + SP
            + "乙方应依法在甲方所在地为被派遣劳动者参加社会保险，按时足额缴纳社会保险费和住房公积金，并按甲方要求提供缴费"
            "凭证。被派遣劳动者发生工伤的，乙方负责申请工伤认定，甲方协助调查核实，双方依法承担相应责任。",
            "2.6"
            + SP
            + "Party B shall enrol the Dispatched Workers in social insurance at Party A's location, pay their "
            "social insurance and housing fund contributions in full and on time, and show Party A the payment "
            "records on request. If a Dispatched Worker suffers a work injury, Party B applies for recognition of the "
            "injury, Party A assists in the investigation, and each bears its statutory responsibility.",
        ),
    ],
}

EXIT = {
    "service": (EXIT_ZH, EXIT_EN),
    "labor_outsourcing": (EXIT_ZH, EXIT_EN),
    "labor_dispatch": (
        "本协议期满或解除的，甲方将被派遣劳动者退回乙方，乙方应依法妥善安置并承担相应的经济补偿；被派遣劳动者处于医疗期、孕期、"
        "产期、哺乳期等法定不得退回情形的，甲方应继续用工至相应情形消失。双方应在{{ termination.handover_days }}日的交接期内完成"
        "人员交接和费用结算，乙方应结清被派遣劳动者的工资和社会保险费。",
        "When this Agreement expires or is terminated, Party A returns the Dispatched Workers to Party B, which "
        "shall re-deploy them as the law requires and bear any severance due; a Dispatched Worker who may not be "
        "returned by law (medical treatment period, pregnancy, maternity or nursing period and the like) stays "
        "with Party A until that situation ends. The Parties complete the hand-over of personnel and the final "
        "settlement within a hand-over period of {{ termination.handover_days }} days, and Party B settles the "
        "Dispatched Workers' wages and social insurance.",
    ),
}

TEMPLATES = {
    "contract_service.docx": "service",
    "contract_labor_outsourcing.docx": "labor_outsourcing",
    "contract_labor_dispatch.docx": "labor_dispatch",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _guard.add_arguments(ap, DEFAULT_OUT)
    args = ap.parse_args(argv)
    return _guard.build_all(
        ((name, lambda kind=kind: bt.deterministic_bytes(build(kind))) for name, kind in TEMPLATES.items()),
        args.out,
        force=args.force,
    )


if __name__ == "__main__":
    sys.exit(main())
