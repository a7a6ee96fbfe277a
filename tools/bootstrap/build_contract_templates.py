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
    # left-aligned: justified CJK text in a narrow column stretches the characters of short lines
    bt._para_style(doc, "Clause", size=10, align=LEFT, before=0, after=4, line=1.15)
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
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a clause never breaks across pages
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
    ("法定代表人：", "Legal representative: ", "{{ party_a.legal_rep }}", "{{ party_a.legal_rep_en }}"),
    ("住所：", "Address: ", "{{ party_a.address_zh }}", "{{ party_a.address_en }}"),
    ("联系人：", "Contact: ", "{{ party_a.contact_name }}", "{{ party_a.contact_name_en }}"),
    ("电话：", "Telephone: ", "{{ party_a.contact_phone }}", "{{ party_a.contact_phone }}"),
    ("电子邮箱：", "E-mail: ", "{{ party_a.contact_email }}", "{{ party_a.contact_email }}"),
]
PARTY_FIELDS_B = [
    ("统一社会信用代码：", "Unified social credit code: ", "{{ party_b.uscc }}", "{{ party_b.uscc }}"),
    ("法定代表人：", "Legal representative: ", "{{ party_b.legal_rep }}", "{{ party_b.legal_rep_en }}"),
    ("住所：", "Address: ", "{{ party_b.address_zh }}", "{{ party_b.address_en }}"),
    ("联系人：", "Contact: ", "{{ party_b.contact_name }}", "{{ party_b.contact_name_en }}"),
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


# --------------------------------------------------------------------------- clause numbers and titles
#
# Every clause below is (clause id, Chinese, English). A paragraph starting with "@@" opens the
# clause: the builder writes its number and title there ("3.1　保密义务。" / "3.1　Confidentiality. "),
# both taken from schemas/clauses.yaml, and checks that the number the yaml gives is the clause's
# position (Article n, clause k). "@[id]" opens an item of the clause's list ("（三）严重安全事件：").

CLAUSE_MAP = ROOT / "schemas" / "clauses.yaml"


def clause_map() -> dict:
    import yaml

    return yaml.safe_load(CLAUSE_MAP.read_text(encoding="utf-8"))


def _heads(text: str, kind: str, cid: str, number: str, lang: str, cmap: dict) -> str:
    entry = cmap[kind][cid]
    if entry["number"] != number:
        raise SystemExit(f"clauses.yaml: {kind}.{cid} is numbered {entry['number']}, the template has it at {number}")
    if text.startswith("@@"):
        title = entry[lang]
        text = (f"{number}{SP}{title}。" if lang == "zh" else f"{number}{SP}{title}. ") + text[2:]
    while "@[" in text:
        start = text.index("@[")
        end = text.index("]", start)
        item = cmap[kind][text[start + 2 : end]]
        if item["number"] != number:
            raise SystemExit(f"clauses.yaml: {kind}.{text[start + 2 : end]} is not an item of clause {number}")
        head = f"{item['item_zh']}{item['zh']}：" if lang == "zh" else f"{item['item_en']} {item['en']}: "
        text = text[:start] + head + text[end + 1 :]
    return text


def numbered(kind: str, article_no: int, clauses, cmap: dict):
    """(zh paragraphs, en paragraphs) of each clause, numbers and titles written in."""
    out = []
    for k, (cid, zh, en) in enumerate(clauses, start=1):
        number = f"{article_no}.{k}"
        zh = [zh] if isinstance(zh, str) else zh
        en = [en] if isinstance(en, str) else en
        out.append(
            (
                [_heads(p, kind, cid, number, "zh", cmap) for p in zh],
                [_heads(p, kind, cid, number, "en", cmap) for p in en],
            )
        )
    return out


# --------------------------------------------------------------------------- Article 1

ART1 = {
    "service": [
        (
            "services",
            "@@乙方按照本合同及附件一《服务项目明细》的约定向甲方提供服务。附件一列明各服务项目的名称、计价方式和单价。",
            "@@Party B shall provide services to Party A as set out in this Contract and in Annex 1 (Service "
            "Items), which states the name, pricing and unit price of each item.",
        ),
        ("scope", "@@{{ scope.zh }}", "@@{{ scope.en }}"),
        (
            "changes",
            "@@合同期内甲方需要调整服务项目或服务量的，应提前书面通知乙方，双方以书面补充协议确认调整后的服务项目和费用。",
            "@@Party A shall give Party B advance written notice of any change to the service items or volumes, "
            "and the Parties shall confirm the changed items and fees in a written supplementary agreement.",
        ),
        (
            "qualification",
            "@@乙方应具备并在合同期内保持履行本合同所需的营业执照、资质证书和许可，并按甲方要求提供复印件。未经甲方事先书面"
            "同意，乙方不得将本合同项下的服务全部或部分转包、分包给第三方。",
            "@@Party B shall hold, and keep valid throughout the term, the business licence, certificates and "
            "permits needed to perform this Contract and provide copies on request. Party B shall not subcontract or "
            "assign any of the services to a third party without Party A's prior written consent.",
        ),
        (
            "personnel",
            "@@乙方指派的人员应具备相应的技能和资格，遵守甲方的安全、保密和现场管理制度。乙方人员与甲方不建立劳动关系，乙方"
            "承担其人员的劳动报酬、社会保险及全部用工责任。",
            "@@Personnel assigned by Party B shall have the relevant skills and qualifications and comply with "
            "Party A's safety, confidentiality and site rules. They have no employment relationship with Party A; "
            "Party B bears their remuneration, social insurance and all employer's liabilities.",
        ),
    ],
    "labor_outsourcing": [
        (
            "services",
            "@@甲方将附件一《外包工作项目明细》所列工作任务发包给乙方，由乙方以自己的名义独立组织实施，按甲方验收合格的"
            "工作成果与甲方结算。",
            "@@Party A contracts out to Party B the work listed in Annex 1 (Work Items), which Party B performs "
            "independently in its own name and which is settled on the results of work accepted by Party A.",
        ),
        (
            "independent_management",
            "@@乙方自行招聘、安排和管理其人员，自行决定完成工作所需的人数、排班和工时，并指定现场负责人负责人员调度、考勤和"
            "工作质量；甲方不直接管理、指挥乙方人员，甲方的工作要求通过乙方现场负责人提出。{{ scope.zh }}",
            "@@Party B recruits, deploys and manages its own personnel, decides the number of staff, shifts and "
            "hours the work needs, and appoints an on-site manager responsible for scheduling, attendance and quality "
            "of work. Party A does not directly manage or instruct Party B's personnel; its requirements are given "
            "through Party B's on-site manager. {{ scope.en }}",
        ),
        (
            "personnel",
            "@@乙方是其人员的用人单位，应依法与其人员订立劳动合同，按月足额支付工资，不得拖欠，并依法缴纳社会保险费和住房"
            "公积金。乙方人员与甲方不建立劳动关系。",
            "@@Party B is the employer of its personnel: it shall conclude labour contracts with them, pay their "
            "wages in full every month without arrears, and pay their social insurance and housing fund contributions "
            "as the law requires. Party B's personnel have no employment relationship with Party A.",
        ),
        (
            "onboarding",
            "@@乙方应保证其人员在上岗前完成身份核验、健康检查、背景调查和安全培训，具备岗位所需的资格证书，并向甲方提供人员"
            "名册及其变动情况。",
            "@@Before anyone starts work, Party B shall complete identity verification, a health check, a "
            "background check and safety training, ensure the certificates the post requires, and give Party A the "
            "personnel roster and every change to it.",
        ),
        (
            "work_safety",
            "@@乙方承担其人员在工作中发生的工伤和伤亡事故责任以及其人员对第三方造成损害的责任。未经甲方事先书面同意，乙方"
            "不得将本合同项下的工作转包或分包。",
            "@@Party B is liable for work injuries and accidents of its personnel and for damage they cause to "
            "third parties. Party B shall not subcontract or assign the work without Party A's prior written consent.",
        ),
    ],
    "labor_dispatch": [
        (
            "posts",
            "@@乙方按照附件一《派遣岗位及费用明细》向甲方派遣劳动者（以下简称“被派遣劳动者”）。附件一逐一列明每个派遣岗位的"
            "名称、岗位性质、人数、工作地点、派遣期限，以及每人每月的工资标准、社会保险费和住房公积金、派遣管理费和单价。",
            '@@Party B dispatches workers ("Dispatched Workers") to Party A for the posts in Annex 1 '
            "(Dispatched Posts and Fees), which states for each post its name, nature, headcount, place of work and "
            "dispatch period, and per head per month its pay, social insurance and housing fund, the dispatch "
            "management fee and the unit price.",
        ),
        (
            "post_nature",
            [
                "@@甲方只在临时性、辅助性或者替代性的工作岗位上使用被派遣劳动者：临时性岗位是指存续时间不超过六个月的岗位，"
                "其派遣期限不超过六个月；辅助性岗位是指为主营业务岗位提供服务的非主营业务岗位，由甲方依法经职工代表大会或者全体"
                "职工讨论、与工会或者职工代表协商确定并在甲方公示；替代性岗位是指甲方的劳动者因脱产学习、休假等原因无法工作的"
                "一定期间内，可以由其他劳动者替代工作的岗位。",
                "{%p if dispatch.temporary %}",
                "附件一中的临时性岗位，派遣期限届满后岗位仍然存续的，甲方不得继续以劳务派遣方式用工。",
                "{%p endif %}",
            ],
            [
                "@@Party A uses Dispatched Workers only in temporary, auxiliary or substitute posts: a temporary "
                "post exists for no more than six months and its dispatch period is at most six months; an auxiliary "
                "post is a non-core post serving the core business, determined by Party A after discussion by the "
                "workers' congress or all employees and consultation with the trade union or employee representatives, "
                "and made public at Party A; a substitute post is one that another worker may fill while Party A's own "
                "employee is away for full-time study, leave or similar reasons.",
                "{%p if dispatch.temporary %}",
                "If a temporary post in Annex 1 still exists when its dispatch period ends, Party A shall not continue "
                "to fill it through labour dispatch.",
                "{%p endif %}",
            ],
        ),
        (
            "dispatch_ratio",
            "@@甲方使用的被派遣劳动者数量不得超过其用工总量的10%（用工总量为甲方订立劳动合同人数与使用的被派遣劳动者人数"
            "之和，《劳务派遣暂行规定》第四条）。派遣人数的增加将使该比例超过10%的，甲方不得增加，乙方亦不得增派。",
            "@@Dispatched Workers shall not exceed 10% of Party A's total workforce (its employees under labour "
            "contracts plus the Dispatched Workers it uses; Interim Provisions on Labour Dispatch, Article 4). Party A "
            "shall not ask for, and Party B shall not provide, additional workers that would take the share above 10%.",
        ),
        (
            "dispatch_licence",
            [
                "@@乙方持有劳务派遣经营许可证（编号：{{ dispatch.permit_no }}，有效期至{{ dispatch.permit_expiry_zh }}），"
                "并保证其在本协议期内持续有效。许可证被变更、撤销、吊销或者不予延续的，乙方应在"
                "{{ termination.permit_notice_days }}日内书面通知甲方。",
                "{%p if dispatch.expires_in_term %}",
                "该许可证在本协议期内届满，乙方应在届满前依法申请延续，并在取得延续后的许可证之日起5个工作日内向甲方提供复印件；"
                "未能延续的，甲方有权解除本协议。",
                "{%p endif %}",
            ],
            [
                "@@Party B holds labour-dispatch licence No. {{ dispatch.permit_no }}, valid until "
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
            "employer",
            "@@乙方是被派遣劳动者的用人单位，应与被派遣劳动者订立二年以上的固定期限劳动合同，并将本协议的内容告知被派遣"
            "劳动者；被派遣劳动者在无工作期间，乙方应按照不低于所在地人民政府规定的最低工资标准按月支付报酬。甲方不得将"
            "被派遣劳动者再派遣到其他用人单位。",
            "@@Party B is the employer of the Dispatched Workers: it shall conclude fixed-term labour contracts of "
            "at least two years with them and inform them of the content of this Agreement, and while they are "
            "without work pay them monthly at least the local statutory minimum wage. Party A shall not re-dispatch "
            "any Dispatched Worker to another employer.",
        ),
        (
            "agency_duties",
            "@@乙方应当：（一）按月足额支付被派遣劳动者的劳动报酬，不得克扣或者拖欠，并向甲方提供工资支付记录；（二）依法在"
            "用工地为被派遣劳动者参加社会保险并缴纳住房公积金，按时足额缴费，每月向甲方提供上月的缴费凭证；（三）被派遣劳动者"
            "被退回、离职或者不能胜任工作的，在{{ termination.replacement_days }}个工作日内补派符合岗位要求的人员；（四）在派遣前"
            "完成身份核验、健康检查和岗前安全培训，并向甲方提供被派遣劳动者名册及其变动情况；（五）保持劳务派遣经营许可证持续有效，"
            "许可事项变更的，及时通知甲方。",
            "@@Party B shall: (a) pay the Dispatched Workers' remuneration in full every month, without deductions "
            "or arrears, and show Party A the payroll records; (b) enrol them in social insurance and the housing fund "
            "where they work, pay the contributions in full and on time, and give Party A each month the proof of the "
            "previous month's contributions; (c) replace a Dispatched Worker who is returned, leaves or is not fit for "
            "the post with a suitable worker within {{ termination.replacement_days }} working days; (d) complete "
            "identity verification, health checks and pre-job safety training before dispatch and give Party A the "
            "roster of Dispatched Workers and every change to it; and (e) keep its labour-dispatch licence valid and "
            "notify Party A promptly of any change to it.",
        ),
        (
            "host_duties",
            "@@甲方应当（《中华人民共和国劳动合同法》第六十二条）：（一）执行国家劳动标准，提供相应的劳动条件和劳动保护；"
            "（二）告知被派遣劳动者的工作要求和劳动报酬；（三）支付加班费、绩效奖金，提供与工作岗位相关的福利待遇；（四）对在岗"
            "被派遣劳动者进行工作岗位所必需的培训；（五）连续用工的，实行正常的工资调整机制；（六）不得将被派遣劳动者再派遣到"
            "其他用人单位。甲方不得向被派遣劳动者收取费用。",
            "@@Party A shall (Labour Contract Law, Article 62): (a) apply the national labour standards and provide "
            "working conditions and labour protection; (b) inform the Dispatched Workers of the job requirements and "
            "their remuneration; (c) pay overtime and performance bonuses and provide the benefits related to the "
            "post; (d) give Dispatched Workers in post the training their posts require; (e) apply the normal "
            "pay-review mechanism to workers used continuously; and (f) not re-dispatch any Dispatched Worker to "
            "another employer. Party A shall charge the Dispatched Workers nothing.",
        ),
        (
            "working_time",
            "@@被派遣劳动者执行甲方依法制定的工作时间、休息休假和劳动纪律制度，享有法定节假日、带薪年休假等休息休假权利。甲方"
            "安排加班应遵守法定限制：一般每日不超过1小时，因特殊原因每日不超过3小时、每月不超过36小时。加班费由甲方按不低于"
            "法定标准（工作日150%、休息日不能安排补休的200%、法定休假日300%）计算，随月度费用支付给乙方，由乙方全额发放给"
            "被派遣劳动者。",
            "@@Dispatched Workers follow the working-time, rest, leave and discipline rules Party A has lawfully "
            "adopted and enjoy public holidays, paid annual leave and the other statutory rest and leave. Overtime "
            "stays within the statutory limits: as a rule at most 1 hour a day, for special reasons at most 3 hours "
            "a day and 36 hours a month. Party A computes overtime pay at no less than the statutory rates (150% on "
            "working days, 200% on rest days without time off in lieu, 300% on public holidays) and pays it to "
            "Party B with the monthly fee, and Party B pays it in full to the Dispatched Workers.",
        ),
        (
            "equal_pay",
            "@@被派遣劳动者享有与甲方同类岗位的劳动者同工同酬的权利。甲方对被派遣劳动者与其同类岗位的劳动者实行相同的劳动报酬"
            "分配办法；甲方无同类岗位劳动者的，参照甲方所在地相同或者相近岗位劳动者的劳动报酬确定。附件一所列工资标准按此确定，"
            "甲方调整同类岗位工资的，相应调整。",
            "@@Dispatched Workers are entitled to equal pay for equal work with Party A's employees in comparable "
            "posts: Party A applies to them the same pay scheme as to those employees, or, where it has none in a "
            "comparable post, the pay of the same or similar posts where Party A is located. The pay in Annex 1 is "
            "set on this basis and follows any change Party A makes to the pay of the comparable posts.",
        ),
        (
            "protected_periods",
            "@@被派遣劳动者在用工期间发生工伤、患病或者处于孕期、产期、哺乳期的，乙方作为用人单位继续支付其工资和社会保险费，"
            "依法支付病假工资和生育待遇，并负责申请工伤认定和工伤保险待遇，甲方协助调查核实、提供相关材料，双方依法承担相应"
            "责任。在此期间，以及被派遣劳动者有《中华人民共和国劳动合同法》第四十二条规定的其他情形的，甲方不得将其退回"
            "（《劳务派遣暂行规定》第十四条），派遣期限届满的，应延续至相应情形消失时止。",
            "@@If a Dispatched Worker suffers a work injury or falls ill, or is pregnant, on maternity leave or "
            "nursing, Party B as the employer continues to pay the worker's wages and social insurance, pays sick pay "
            "and maternity benefits as the law requires, and applies for recognition of a work injury and for the "
            "work-injury benefits; Party A assists in the investigation and provides the records; each bears its "
            "statutory responsibility. During these periods, and in the other cases of Article 42 of the Labour "
            "Contract Law, Party A shall not return the worker (Interim Provisions on Labour Dispatch, Article 14); "
            "a dispatch period that ends meanwhile is extended until the situation ends.",
        ),
        (
            "return_of_workers",
            "@@被派遣劳动者有《中华人民共和国劳动合同法》第三十九条和第四十条第一项、第二项规定情形的，或者甲方有该法第四十条"
            "第三项、第四十一条规定情形、被依法宣告破产、吊销营业执照、责令关闭、撤销、决定提前解散、经营期限届满不再继续经营，"
            "或者本协议期满不再继续使用被派遣劳动者的，甲方可以书面说明理由将被派遣劳动者退回乙方（《劳务派遣暂行规定》第十二条）。"
            "被退回的被派遣劳动者，乙方应依法重新派遣或者妥善安置，无工作期间按不低于最低工资标准支付报酬，并依法承担相应的"
            "经济补偿（第十三条）；甲方不得以其他理由退回被派遣劳动者。",
            "@@Party A may return a Dispatched Worker to Party B with written reasons if the worker falls under "
            "Article 39 or Article 40(1) or (2) of the Labour Contract Law, or if Party A falls under Article 40(3) or "
            "Article 41 of that Law, is declared bankrupt, has its business licence revoked, is ordered to close, is "
            "dissolved early or ends its business at the end of its term, or does not continue to use dispatched "
            "workers when this Agreement ends (Interim Provisions on Labour Dispatch, Article 12). Party B re-dispatches "
            "or lawfully re-deploys a returned worker, pays at least the minimum wage while the worker is without work, "
            "and bears the severance due (Article 13). Party A shall return no worker for any other reason.",
        ),
    ],
}

# --------------------------------------------------------------------------- Article 2

FEES = {
    "service": (
        [
            "@@月服务费为{{ price.monthly_fee.zh }}（大写：{{ price.monthly_fee.words_zh }}）。",
            "{%p if price.from_items %}",
            "月服务费按附件一所列各项目的计价方式计算：按人月计价的为人数乘以单价，固定费用为约定的月度金额，按量计价的为甲方"
            "验收合格的工作量乘以单价；人数或工作量经双方书面确认调整的，按调整后的数量结算。",
            "{%p elif price.lump_sum %}",
            "月服务费为包干价；附件一所列人员配置和单价仅作核算参考，人员配置的变化不影响月服务费，双方另有书面约定的除外。",
            "{%p elif items %}",
            "月服务费等于附件一所列各项目月度金额之和。",
            "{%p else %}",
            "月服务费为固定金额。",
            "{%p endif %}",
        ],
        [
            "@@The monthly fee is {{ price.monthly_fee.en }} (in words: {{ price.monthly_fee.words_en }}).",
            "{%p if price.from_items %}",
            "The monthly fee is computed from the pricing of each item in Annex 1: headcount times unit price for "
            "items priced per person-month, the agreed monthly amount for fixed fees, and the volume of work accepted "
            "by Party A times the unit price for items priced per unit; a change in headcount or volume confirmed by "
            "both Parties in writing is settled at the changed quantity.",
            "{%p elif price.lump_sum %}",
            "The monthly fee is a lump sum: the staffing and unit prices in Annex 1 are for reference only, and a "
            "change in staffing does not change the monthly fee unless the Parties agree otherwise in writing.",
            "{%p elif items %}",
            "The monthly fee is the sum of the monthly amounts of the items in Annex 1.",
            "{%p else %}",
            "The monthly fee is a fixed amount.",
            "{%p endif %}",
        ],
    ),
    "labor_outsourcing": (
        [
            "@@外包费用按工作成果计价：附件一所列固定费用项目按月支付约定的固定金额；按量计价项目按甲方验收合格的工作量乘以"
            "附件一所列单价计算。双方不以乙方投入的人数、工时或出勤计价。",
            "{%p if price.from_items and price.has_per_unit %}",
            "每月的外包费用为固定费用项目的金额与按量计价项目经验收的结算金额之和。",
            "{%p elif price.from_items %}",
            "每月的外包费用为附件一所列固定费用之和，即{{ price.monthly_fee.zh }}（大写：{{ price.monthly_fee.words_zh }}）。",
            "{%p else %}",
            "每月的外包费用{% if price.has_per_unit %}预计{% endif %}为{{ price.monthly_fee.zh }}（大写："
            "{{ price.monthly_fee.words_zh }}），以下简称“月服务费”；实际应付金额以各月验收结算的金额为准。",
            "{%p endif %}",
        ],
        [
            "@@The fee is priced on the results of work: the fixed-fee items in Annex 1 are paid the agreed fixed "
            "amount each month, and items priced per unit are paid the volume of work accepted by Party A times the "
            "unit price in Annex 1. Nothing is priced on the number of Party B's staff, their hours or attendance.",
            "{%p if price.from_items and price.has_per_unit %}",
            "The fee for a month is the fixed-fee amounts plus the settled amounts of the accepted volumes of the "
            "items priced per unit.",
            "{%p elif price.from_items %}",
            "The fee for a month is the sum of the fixed fees in Annex 1, {{ price.monthly_fee.en }} (in words: "
            "{{ price.monthly_fee.words_en }}).",
            "{%p else %}",
            "The fee for a month is {% if price.has_per_unit %}estimated at {% endif %}{{ price.monthly_fee.en }} "
            '(in words: {{ price.monthly_fee.words_en }}) (the "monthly fee"); the amount payable is the amount '
            "settled on the work accepted each month.",
            "{%p endif %}",
        ],
    ),
}
FEES["labor_dispatch"] = FEES["service"]

TAX = (
    [
        "{%p if price.tax_known and price.tax_included and price.fee_known %}",
        "@@上述月服务费为含税价，含增值税（税率{{ price.tax_rate }}），其中不含税金额{{ price.net.zh }}"
        "（大写：{{ price.net.words_zh }}），税额{{ price.tax.zh }}（大写：{{ price.tax.words_zh }}）。"
        "国家调整税率的，不含税金额不变，含税价按调整后的税率相应调整。乙方应开具合法有效的增值税专用发票。",
        "{%p elif price.tax_known and price.fee_known %}",
        "@@上述月服务费为不含税价，增值税按税率{{ price.tax_rate }}另行计收，税额{{ price.tax.zh }}"
        "（大写：{{ price.tax.words_zh }}），含税金额{{ price.gross.zh }}（大写：{{ price.gross.words_zh }}）。"
        "乙方应开具合法有效的增值税专用发票。",
        "{%p else %}",
        "@@服务费的增值税按{% if price.tax_known %}税率{{ price.tax_rate }}{% else %}国家规定的税率{% endif %}执行{% if price.tax_known %}，{% if price.tax_included %}单价和结算金额均为含税价{% else %}在单价和结算金额之外另行计收{% endif %}{% endif %}。乙方应开具合法有效的增值税专用发票。",
        "{%p endif %}",
    ],
    [
        "{%p if price.tax_known and price.tax_included and price.fee_known %}",
        "@@The monthly fee includes VAT at {{ price.tax_rate }}: {{ price.net.en }} net of tax (in words: "
        "{{ price.net.words_en }}) and {{ price.tax.en }} of tax (in words: {{ price.tax.words_en }}). If the "
        "State changes the rate, the amount net of tax stays the same and the tax-inclusive fee follows the new "
        "rate. Party B shall issue valid special VAT invoices.",
        "{%p elif price.tax_known and price.fee_known %}",
        "@@The monthly fee is net of tax; VAT at {{ price.tax_rate }} is added: {{ price.tax.en }} "
        "(in words: {{ price.tax.words_en }}), {{ price.gross.en }} including tax (in words: "
        "{{ price.gross.words_en }}). Party B shall issue valid special VAT invoices.",
        "{%p else %}",
        "@@VAT on the fees is charged at {% if price.tax_known %}{{ price.tax_rate }}{% else %}the statutory rate{% endif %}{% if price.tax_known %}, {% if price.tax_included %}included in the unit prices and settled amounts{% else %}added to the unit prices and settled amounts{% endif %}{% endif %}; Party B shall issue valid special VAT invoices.",
        "{%p endif %}",
    ],
)
_PAY_ZH = (
    "甲方在收到乙方合规的增值税发票后{{ price.payment_days }}日内将款项支付至乙方在本合同首部列明的银行账户。乙方变更"
    "账户的，应提前书面通知甲方，否则由此产生的损失由乙方承担。"
)
_PAY_EN = (
    "Party A pays within {{ price.payment_days }} days of receiving Party B's valid VAT invoice into Party B's "
    "bank account stated at the head of this Contract. Party B shall notify any change of account in writing in "
    "advance, failing which it bears any resulting loss."
)
SETTLEMENT = {
    "service": (
        "@@服务费按月结算。每月结束后5个工作日内，乙方向甲方提交上月的服务结算资料；甲方根据第四条及附件二的考核结果核定"
        "当月应付金额（含违约金和奖励）并出具结算单。" + _PAY_ZH,
        "@@Fees are settled monthly. Within 5 working days after each month Party B submits the settlement "
        "records for that month; Party A determines the amount payable (net of liquidated damages, with any "
        "reward) from the evaluation under Article 4 and Annex 2 and issues a settlement statement. " + _PAY_EN,
    ),
    "labor_outsourcing": (
        "@@每月结束后5个工作日内，乙方向甲方提交上月完成的工作量清单及交付记录；甲方指定的验收人在收到后5个工作日内"
        "对工作成果进行验收，并与乙方签署《工作量确认单》，载明各项目的提交数量、验收合格数量、验收日期和验收人。外包费用"
        "只按验收合格的工作量结算：未经验收或者验收不合格的工作量，甲方不予支付，乙方应自费返工，返工验收合格的计入验收"
        "当月。甲方根据《工作量确认单》和第四条的考核结果核定当月应付金额（含违约金和奖励）并出具结算单。" + _PAY_ZH,
        "@@Within 5 working days after each month Party B submits the volumes of work completed in that month "
        "with the delivery records; within 5 working days of receiving them, the acceptor Party A appoints inspects "
        "the work and signs with Party B a monthly acceptance record (工作量确认单) stating for each item the "
        "quantity submitted, the quantity accepted, the date of acceptance and the acceptor. The fee is settled on "
        "the accepted work only: work not accepted, or rejected, is not paid for and Party B redoes it at its own "
        "cost, counting in the month in which it is accepted. Party A determines the amount payable (net of "
        "liquidated damages, with any reward) from the acceptance records and the evaluation under Article 4 and "
        "issues a settlement statement. " + _PAY_EN,
    ),
    "labor_dispatch": (
        "@@服务费按月结算。每月结束后5个工作日内，乙方向甲方提交上月的被派遣劳动者考勤、工资发放和社会保险缴费资料；甲方"
        "根据实际用工、第四条及附件二的考核结果核定当月应付金额（含违约金和奖励）并出具结算单。" + _PAY_ZH,
        "@@Fees are settled monthly. Within 5 working days after each month Party B submits the attendance, payroll "
        "and social insurance records of the Dispatched Workers for that month; Party A determines the amount "
        "payable (net of liquidated damages, with any reward) from the work actually done and the evaluation under "
        "Article 4 and Annex 2 and issues a settlement statement. " + _PAY_EN,
    ),
}
TOTAL = (
    [
        "{%p if price.has_total %}",
        "@@按{{ price.months }}个月计，本合同期内服务费总额预计为{{ price.total.zh }}（大写：{{ price.total.words_zh }}），"
        "最终以各月结算金额之和为准。",
        "{%p else %}",
        "@@本合同期内的服务费总额以各月结算金额之和为准。",
        "{%p endif %}",
    ],
    [
        "{%p if price.has_total %}",
        "@@Over {{ price.months }} months the total fee for the term is estimated at {{ price.total.en }} "
        "(in words: {{ price.total.words_en }}); the amount finally payable is the sum of the monthly settlements.",
        "{%p else %}",
        "@@The total fee for the term is the sum of the monthly settlements.",
        "{%p endif %}",
    ],
)
FEE_SCOPE = {
    "service": (
        "@@除本合同另有约定外，月服务费包含乙方履行本合同所需的人工、管理、设备、差旅、税费和利润等全部费用，甲方无须另行"
        "支付其他费用。",
        "@@Unless this Contract provides otherwise, the monthly fee covers all of Party B's costs of performing "
        "this Contract, including labour, management, equipment, travel, taxes and profit; Party A pays nothing "
        "further.",
    ),
    "labor_outsourcing": (
        "@@外包费用包含乙方人员的工资、社会保险费、住房公积金、管理费和税费等全部费用。乙方自行指挥、管理其人员完成工作，"
        "人员的数量和工时由乙方决定，不影响外包费用。乙方应按时足额支付其人员的工资；乙方拖欠工资的，甲方有权从应付乙方的"
        "款项中直接代为支付，并视为已向乙方付款。",
        "@@The fee covers all of Party B's costs, including its personnel's wages, social insurance, housing "
        "fund, management fee and taxes. Party B directs and manages its own personnel; the number of staff and "
        "their hours are Party B's decision and do not change the fee. Party B shall pay its personnel's wages on "
        "time and in full; if it falls into arrears, Party A may pay the wages directly out of the amounts due to "
        "Party B, which counts as payment to Party B.",
    ),
    "labor_dispatch": (
        "@@月服务费由被派遣劳动者的劳动报酬（按第1.9条确定）、社会保险费和住房公积金以及乙方的派遣管理费组成，附件一"
        "逐岗列明。乙方收取的劳动报酬、社会保险费和住房公积金应全额用于被派遣劳动者，不得截留；乙方的报酬仅为派遣管理费。",
        "@@The monthly fee consists of the Dispatched Workers' remuneration (set under Clause 1.9), their social "
        "insurance and housing fund contributions, and Party B's dispatch management fee, stated post by post in "
        "Annex 1. Party B passes the remuneration, social insurance and housing fund in full to or for the "
        "Dispatched Workers and retains none of it; Party B's own remuneration is the management fee alone.",
    ),
}
LATE_PAYMENT = (
    "@@甲方无正当理由逾期付款的，自逾期之日起按逾期金额和付款到期日全国银行间同业拆借中心公布的一年期贷款市场报价利率"
    "（LPR）计付逾期利息，至实际付款之日止。甲方依约扣减违约金或者对结算金额有书面异议的，无异议部分应按期支付。",
    "@@If Party A pays late without good reason, it pays interest on the overdue amount from the due date until "
    "payment at the one-year Loan Prime Rate (LPR) published by the National Interbank Funding Center on the due "
    "date. Where Party A deducts liquidated damages under this Contract or disputes a settlement in writing, it "
    "pays the undisputed part on time.",
)

# --------------------------------------------------------------------------- Article 3

ART3 = [
    (
        "confidentiality",
        "@@乙方对在订立和履行本合同过程中知悉的甲方商业秘密、技术信息、经营信息、客户及员工的个人信息和本合同的"
        "内容（以下简称“保密信息”）负有保密义务，未经甲方书面同意，不得向任何第三方披露，也不得用于本合同以外的目的。"
        "乙方仅可在履行本合同所必需的范围内向其人员披露保密信息，并应确保其人员遵守本条约定。",
        "@@Party B shall keep confidential Party A's trade secrets, technical and business information, the "
        "personal information of its customers and employees, and the terms of this Contract that it learns in "
        'concluding or performing this Contract ("Confidential Information"), and shall neither disclose it to any '
        "third party nor use it for any other purpose without Party A's written consent. Party B may disclose "
        "Confidential Information to its personnel only as far as needed to perform this Contract and shall ensure "
        "that they comply with this Article.",
    ),
    (
        "data_protection",
        [
            "@@乙方处理甲方提供的或在服务中收集的个人信息和数据，应遵守《中华人民共和国个人信息保护法》《中华人民共和国"
            "数据安全法》和《中华人民共和国网络安全法》，仅按甲方的书面指示和约定的目的处理，采取必要的安全保护措施，未经甲方"
            "书面同意不得委托他人处理，不得向境外提供。",
            "{%p if data.pipl_annex %}",
            "乙方受托处理个人信息的目的、期限、处理方式、个人信息的种类、保护措施以及双方的权利和义务，按附件三《个人信息委托"
            "处理协议》执行（《中华人民共和国个人信息保护法》第二十一条）。",
            "{%p endif %}",
        ],
        [
            "@@Party B shall process personal information and data that Party A provides or that are collected "
            "in the services in compliance with the Personal Information Protection Law, the Data Security Law and the "
            "Cybersecurity Law of the PRC, only on Party A's written instructions and for the agreed purposes, with the "
            "necessary security measures, and shall neither entrust the processing to others without Party A's written "
            "consent nor transfer the data outside the PRC.",
            "{%p if data.pipl_annex %}",
            "The purpose, duration and method of the processing entrusted to Party B, the categories of personal "
            "information, the protection measures and the Parties' rights and obligations are set out in Annex 3 "
            "(Entrusted Processing of Personal Information; Personal Information Protection Law, Article 21).",
            "{%p endif %}",
        ],
    ),
    (
        "data_security",
        [
            "{%p if data.strict %}",
            "@@甲方将乙方的数据访问级别定为“{{ data.level_zh }}”。乙方应当：（一）实行访问控制，仅向经甲方书面批准的"
            "具名人员按最小必要原则授予访问权限，人员离岗当日撤销其权限，不得使用共享账号；（二）完整保存访问和操作日志不少于"
            "六个月，甲方或其委托的第三方有权经提前通知对乙方的数据安全措施进行现场或远程审计，乙方应予配合并按审计意见整改；"
            "（三）不得将数据存储于甲方认可以外的设备或云服务，不得复制、下载或带离甲方指定的环境；（四）发现数据泄露、篡改、"
            "丢失或其他安全事件的，在{{ termination.security_notice_hours }}小时内书面通知甲方并立即采取补救措施；（五）本合同"
            "终止或甲方要求时，在{{ termination.data_return_days }}日内返还或按甲方指示销毁全部数据及其副本，并出具经乙方法定"
            "代表人签字的销毁证明。",
            "{%p else %}",
            "@@甲方将乙方的数据访问级别定为“{{ data.level_zh }}”。乙方应采取合理的管理和技术措施保护保密信息，发生"
            "泄露的，应在{{ termination.security_notice_hours }}小时内通知甲方；本合同终止后{{ termination.data_return_days }}日内，"
            "乙方应返还或销毁其持有的保密信息。",
            "{%p endif %}",
        ],
        [
            "{%p if data.strict %}",
            '@@Party A classifies Party B\'s data access as "{{ data.level_en }}". Party B shall: (a) control '
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
            '@@Party A classifies Party B\'s data access as "{{ data.level_en }}". Party B shall protect '
            "Confidential Information with reasonable organisational and technical measures, notify Party A of any "
            "leak within {{ termination.security_notice_hours }} hours, and return or destroy the Confidential "
            "Information it holds within {{ termination.data_return_days }} days after this Contract ends.",
            "{%p endif %}",
        ],
    ),
    (
        "confidentiality_survival",
        [
            "@@本条约定的保密义务不因本合同的变更、解除或终止而失效，持续至相关信息依法进入公知领域之时。",
            "{%p if data.nda %}",
            "双方于{{ data.nda_date_zh }}签订的保密协议继续有效；该协议与本条约定不一致的，以对保密信息保护更严格者为准。",
            "{%p endif %}",
        ],
        [
            "@@The obligations in this Article survive any amendment, rescission or termination of this "
            "Contract until the information lawfully enters the public domain.",
            "{%p if data.nda %}",
            "The non-disclosure agreement the Parties signed on {{ data.nda_date_en }} remains in force; where it "
            "differs from this Article, whichever protects the Confidential Information more strictly prevails.",
            "{%p endif %}",
        ],
    ),
    (
        "confidentiality_breach",
        "@@乙方违反本条约定的，应赔偿甲方因此遭受的全部损失，甲方并有权解除本合同。",
        "@@If Party B breaches this Article it shall compensate Party A for all resulting losses, and Party A may "
        "terminate this Contract.",
    ),
]

# --------------------------------------------------------------------------- Article 4

_LD_DEFINED_ZH = (
    "本合同所称“违约金”，是指乙方未达到本合同约定的标准或者违反本合同约定时，按本条和附件二计算、由甲方从应付乙方的款项中"
    "扣减的款项。"
)
_LD_DEFINED_EN = (
    'In this Contract "liquidated damages" means the amounts Party B owes when it falls short of the standards '
    "of, or breaches, this Contract, computed under this Clause and Annex 2 and set off by Party A against the "
    "amounts due to Party B."
)
_RESERVED_ZH = (
    "超过上限的违约金不因上限而免除：甲方保留主张超出部分的权利，可以在以后各月的应付款项中抵扣或者另行追偿。上限也不影响"
    "甲方依第五条解除本合同及要求乙方赔偿实际损失的权利。"
)
_RESERVED_EN = (
    "Liquidated damages above the cap are not waived: Party A reserves them and may set them off against later "
    "months' payments or claim them separately. Nor does the cap limit Party A's right to terminate under "
    "Article 5 or to claim its actual losses."
)
LIQUIDATED = {
    "service": (
        "@@" + _LD_DEFINED_ZH + "乙方延期交付的，每延误一日按月服务费的{{ sla.late_pct_per_day }}"
        "{% if price.fee_known %}（即{{ sla.late_per_day.zh }}，大写：{{ sla.late_per_day.words_zh }}）{% endif %}计付违约金；发生质量缺陷、安全事件、合规问题或"
        "投诉的，按附件二所列标准计付违约金。违约金从当月应付服务费中扣减。",
        "@@" + _LD_DEFINED_EN + " For late delivery Party B owes {{ sla.late_pct_per_day }} of the monthly fee per "
        "day of delay{% if price.fee_known %} ({{ sla.late_per_day.en }}, in words: {{ sla.late_per_day.words_en }})"
        "{% endif %}; for quality defects, "
        "security incidents, compliance issues and complaints it owes the amounts in Annex 2. Liquidated damages are "
        "set off against the fee payable for the month.",
    ),
    "labor_dispatch": (
        [
            "@@" + _LD_DEFINED_ZH + "甲方指挥被派遣劳动者的工作，乙方不因交付进度或者成本偏差承担违约金；乙方有下列情形"
            "之一的，按附件二计付违约金：（一）未按时足额支付被派遣劳动者工资的，每逾期一日"
            "{{ dispatch.damages.wage_late_per_day.zh }}；（二）未按月提供社会保险缴费凭证的，每次"
            "{{ dispatch.damages.insurance_proof_missing.zh }}；（三）未在第1.6条约定的期限内补派人员的，每人每逾期一日"
            "{{ dispatch.damages.replacement_late_per_day.zh }}；（四）在劳务派遣经营许可证失效期间派遣劳动者的，每次"
            "{{ dispatch.damages.unlicensed.zh }}。",
            "违约金只从当月应付乙方的派遣管理费中扣减，不得从被派遣劳动者的工资、加班费、社会保险费和住房公积金中扣减，"
            "乙方也不得因此降低被派遣劳动者的任何待遇。",
        ],
        [
            "@@" + _LD_DEFINED_EN + " Party A directs the Dispatched Workers' work, so Party B owes no liquidated "
            "damages for delivery times or cost variance; it owes them, as Annex 2 sets out, if it: (a) pays the "
            "Dispatched Workers' wages late or short, {{ dispatch.damages.wage_late_per_day.en }} per day; (b) does "
            "not provide the monthly proof of social insurance contributions, "
            "{{ dispatch.damages.insurance_proof_missing.en }} each time; (c) does not replace a worker within the "
            "period in Clause 1.6, {{ dispatch.damages.replacement_late_per_day.en }} per worker per day; or "
            "(d) dispatches workers while its labour-dispatch licence is not in force, "
            "{{ dispatch.damages.unlicensed.en }} each time.",
            "Liquidated damages are set off against Party B's dispatch management fee for the month only, never "
            "against the Dispatched Workers' wages, overtime pay, social insurance or housing fund, and Party B shall "
            "not reduce any of the workers' entitlements on that account.",
        ],
    ),
}
LIQUIDATED["labor_outsourcing"] = LIQUIDATED["service"]
DAMAGES_CAP = {
    "service": (
        "@@每月违约金合计以当月月服务费的{{ sla.cap_pct }}为上限{% if price.fee_known %}，即{{ sla.cap.zh }}（大写："
        "{{ sla.cap.words_zh }}）{% endif %}。" + _RESERVED_ZH,
        "@@Liquidated damages in any month are capped at {{ sla.cap_pct }} of the monthly fee"
        "{% if price.fee_known %}, that is {{ sla.cap.en }} (in words: {{ sla.cap.words_en }}){% endif %}. "
        + _RESERVED_EN,
    ),
    "labor_dispatch": (
        "@@每月违约金合计以当月派遣管理费为上限，按附件一计为{{ dispatch.management_fee.zh }}（大写："
        "{{ dispatch.management_fee.words_zh }}），以实际派遣人数计算的当月管理费为准。" + _RESERVED_ZH,
        "@@Liquidated damages in any month are capped at that month's dispatch management fee, "
        "{{ dispatch.management_fee.en }} by Annex 1 (in words: {{ dispatch.management_fee.words_en }}), as "
        "computed on the workers actually dispatched. " + _RESERVED_EN,
    ),
}
DAMAGES_CAP["labor_outsourcing"] = DAMAGES_CAP["service"]

ART4_REST = [
    (
        "rewards",
        [
            "@@",
            "{%p for r in sla.rewards %}",
            "当月评级为{{ r.grade }}的，甲方按月服务费的{{ r.pct }}{% if price.fee_known %}（即{{ r.zh }}，大写："
            "{{ r.words_zh }}）{% endif %}给予奖励，"
            "随当月服务费一并支付。",
            "{%p endfor %}",
            "{%p if not sla.rewards %}",
            "本合同不设绩效奖励。",
            "{%p endif %}",
        ],
        [
            "@@",
            "{%p for r in sla.rewards %}",
            "For a month graded {{ r.grade }} Party A pays a reward of {{ r.pct }} of the monthly fee"
            "{% if price.fee_known %} ({{ r.en }}, in words: {{ r.words_en }}){% endif %} with that month's fee.",
            "{%p endfor %}",
            "{%p if not sla.rewards %}",
            "This Contract provides no performance reward.",
            "{%p endif %}",
        ],
    ),
    (
        "evaluation_dispute",
        "@@乙方对评估结果有异议的，可在收到评估结果之日起10个工作日内书面提出，双方协商解决；异议期间，无争议部分照常结算。",
        "@@Party B may dispute an evaluation in writing within 10 working days of receiving it, and the Parties "
        "shall resolve it by consultation; the undisputed part is settled as usual meanwhile.",
    ),
    (
        "improvement_plan",
        "@@当月评级为C或D的，乙方应在10个工作日内提交书面整改计划，说明原因、措施、责任人和完成时间，经甲方确认后执行，"
        "甲方跟踪验证整改结果。",
        "@@After a month graded C or D, Party B shall submit within 10 working days a written improvement plan "
        "(causes, measures, persons responsible and completion dates), carry it out once Party A confirms it, and "
        "Party A verifies the results.",
    ),
]


def art4(kind):
    return [
        (
            "service_levels",
            "@@乙方应达到附件二《服务水平与考核标准》所列的关键绩效指标。甲方每月对乙方进行绩效评估，按附件二所列权重"
            "计算综合得分并评定等级，评估结果以书面形式反馈乙方，并作为当月结算的依据。",
            "@@Party B shall meet the key performance indicators in Annex 2 (Service Levels and Evaluation). "
            "Party A evaluates Party B every month, computes the weighted total score and grade as Annex 2 sets out, "
            "gives Party B the result in writing, and settles the month on that basis.",
        ),
        (
            "kpi_not_applicable",
            "@@某项指标当期没有数据的，按不适用处理，既不计0分也不计满分，其余指标的权重按比例重新归一化；适用指标的权重"
            "合计低于{{ sla.min_applicable_weight }}的，当期不评级。",
            "@@A KPI without data for a period is treated as not applicable, scored neither 0 nor 100, and the "
            "other weights are re-normalised; if the applicable KPIs carry less than {{ sla.min_applicable_weight }} "
            "of the weight, no grade is given for that period.",
        ),
        ("liquidated_damages", *LIQUIDATED[kind]),
        ("damages_cap", *DAMAGES_CAP[kind]),
        *ART4_REST,
    ]


# --------------------------------------------------------------------------- Article 5

GROUNDS = {
    "service": ("乙方丧失履行本合同所需的资质", "Party B loses a qualification it needs to perform this Contract"),
    "labor_outsourcing": (
        "乙方丧失履行本合同所需的资质",
        "Party B loses a qualification it needs to perform this Contract",
    ),
    "labor_dispatch": (
        "乙方丧失履行本协议所需的资质，或者其劳务派遣经营许可证被撤销、吊销或者未能延续",
        "Party B loses a qualification it needs to perform this Agreement, or its labour-dispatch licence is "
        "withdrawn, revoked or not renewed",
    ),
}

EXIT = {
    "service": (
        "@@本合同期满或解除的，乙方应在{{ termination.handover_days }}日的交接期内继续按本合同提供服务，向甲方或甲方指定的"
        "第三方移交与服务有关的文件、数据、工作成果和在制工作，协助完成交接，并结清其人员的工资和社会保险费；交接期内的"
        "服务费按本合同标准结算。",
        "@@When this Contract expires or is terminated, Party B shall continue the services under this Contract "
        "during a hand-over period of {{ termination.handover_days }} days, hand over the documents, data, work "
        "product and work in progress to Party A or a third party Party A appoints, assist in the transition, "
        "and settle its personnel's wages and social insurance; services in the hand-over period are paid at "
        "the rates of this Contract.",
    ),
    "labor_dispatch": (
        "@@本协议期满或解除的，甲方按第1.11条将被派遣劳动者退回乙方，乙方应依法妥善安置并承担相应的经济补偿；被派遣"
        "劳动者处于第1.10条所列不得退回情形的，甲方应继续用工至相应情形消失。双方应在{{ termination.handover_days }}日的"
        "交接期内完成人员交接和费用结算，乙方应结清被派遣劳动者的工资和社会保险费。",
        "@@When this Agreement expires or is terminated, Party A returns the Dispatched Workers to Party B under "
        "Clause 1.11, and Party B re-deploys them as the law requires and bears any severance due; a Dispatched "
        "Worker who may not be returned under Clause 1.10 stays with Party A until that situation ends. The Parties "
        "complete the hand-over of personnel and the final settlement within a hand-over period of "
        "{{ termination.handover_days }} days, and Party B settles the Dispatched Workers' wages and social "
        "insurance.",
    ),
}
EXIT["labor_outsourcing"] = EXIT["service"]


def art5(kind):
    qual_zh, qual_en = GROUNDS[kind]
    return [
        (
            "inspection",
            "@@甲方有权对乙方的服务进行定期检查和不定期抽查，查阅与本合同有关的记录，并定期召开供应商会议沟通合作中的"
            "问题；乙方应予配合，并对发现的问题按期整改。",
            "@@Party A may inspect the services at regular intervals and at random, examine the records relating "
            "to this Contract, and hold regular supplier meetings on open issues; Party B shall cooperate and "
            "remedy what is found within the time set.",
        ),
        (
            "cure",
            "@@任何一方违反本合同的，守约方有权书面通知违约方在{{ termination.cure_days }}日内纠正；违约方应赔偿守约方因此"
            "遭受的损失。",
            "@@If either Party breaches this Contract, the other may require it in writing to remedy the breach "
            "within {{ termination.cure_days }} days; the Party in breach shall compensate the other for the "
            "resulting losses.",
        ),
        (
            "termination_by_a",
            [
                "@@有下列情形之一的，甲方有权书面通知乙方解除本合同：",
                "@[termination_d_grades]乙方连续{{ termination.consecutive_d_grades }}个考核期评级为D（不合格）；",
                "@[termination_uncured]整改期届满后乙方仍未纠正违约行为；",
                "@[termination_security]乙方发生严重安全事件或者违反第三条约定；",
                f"@[termination_qualification]{qual_zh}；",
                "@[termination_labour]乙方擅自转包、分包本合同项下的服务或者拖欠其人员工资；",
                "@[termination_bribery]乙方或其人员违反第6.3条的廉洁约定。",
            ],
            [
                "@@Party A may terminate this Contract by written notice if:",
                "@[termination_d_grades]Party B is graded D (unsatisfactory) for "
                "{{ termination.consecutive_d_grades }} consecutive periods;",
                "@[termination_uncured]Party B has not remedied a breach when the cure period ends;",
                "@[termination_security]Party B causes a serious security incident or breaches Article 3;",
                f"@[termination_qualification]{qual_en};",
                "@[termination_labour]Party B subcontracts the services without consent or fails to pay its "
                "personnel's wages; or",
                "@[termination_bribery]Party B or its personnel breach the integrity undertaking in Clause 6.3.",
            ],
        ),
        (
            "termination_by_b",
            "@@甲方逾期支付无争议款项超过{{ termination.payment_overdue_days }}日，经乙方书面催告后"
            "{{ termination.cure_days }}日内仍未支付的，乙方有权书面通知甲方解除本合同，并要求甲方支付已完成服务的费用及第2.6条"
            "约定的逾期利息。",
            "@@If Party A is more than {{ termination.payment_overdue_days }} days late in paying an undisputed "
            "amount and does not pay within {{ termination.cure_days }} days of Party B's written reminder, Party B "
            "may terminate this Contract by written notice and claim the fees for the services performed with the "
            "interest under Clause 2.6.",
        ),
        (
            "force_majeure",
            "@@因不可抗力不能履行本合同的，受影响的一方应及时通知对方，并在15日内提供相关证明，在不可抗力影响的范围内"
            "免除责任。不可抗力持续超过{{ termination.force_majeure_days }}日的，任何一方均有权书面通知对方解除本合同。",
            "@@A Party prevented from performing by force majeure shall notify the other promptly and provide "
            "evidence within 15 days, and is excused to the extent of the force majeure. If the force majeure lasts "
            "more than {{ termination.force_majeure_days }} days, either Party may terminate this Contract by "
            "written notice.",
        ),
        ("exit", *EXIT[kind]),
    ]


# --------------------------------------------------------------------------- Article 6

INSURANCE = {
    "service": (
        "@@乙方应在合同期内为其人员投保工伤保险，并投保雇主责任险和公众责任险，每次事故的保险金额不低于甲方认可的标准；"
        "{% if scope.category == 'logistics' %}乙方并应按货物价值投保货物运输保险，以甲方为被保险人或者受益人；{% endif %}"
        "乙方应在本合同签订后15日内及每年续保后向甲方提供保险单复印件。保险不足以赔偿的，不足部分由乙方承担。",
        "@@Party B shall throughout the term insure its personnel against work injury and hold employer's "
        "liability and public liability insurance with a cover per occurrence that Party A accepts; "
        "{% if scope.category == 'logistics' %}it shall also insure the goods in transit at their value, naming "
        "Party A as insured or beneficiary; {% endif %}Party B gives Party A copies of the policies within 15 days "
        "of signing and after each renewal. Party B bears any loss the insurance does not cover.",
    ),
    "labor_dispatch": (
        "@@乙方应依法为被派遣劳动者缴纳工伤保险费，并投保雇主责任险，保险金额不低于甲方认可的标准；乙方应在本协议签订后"
        "15日内及每年续保后向甲方提供保险单复印件。甲方为其经营场所投保公众责任险。保险不足以赔偿的，按双方依法应承担的"
        "责任分担。",
        "@@Party B shall pay work-injury insurance for the Dispatched Workers as the law requires and hold "
        "employer's liability insurance with a cover Party A accepts, giving Party A copies of the policies within "
        "15 days of signing and after each renewal. Party A insures its premises against public liability. Any "
        "loss the insurance does not cover is shared according to each Party's liability at law.",
    ),
}
INSURANCE["labor_outsourcing"] = INSURANCE["service"]

_CAP_ZH = (
    "@@除违约金和应付的服务费外，任何一方在本合同项下的累计赔偿责任以{{ termination.liability_cap_months }}个月的月服务费"
    "{% if price.fee_known %}（即{{ price.liability_cap.zh }}，大写：{{ price.liability_cap.words_zh }}）"
    "{% else %}（按已结算各月的平均月度费用计）{% endif %}为限。下列责任不受该限额限制：（一）违反"
    "第三条{% if data.pipl_annex %}和附件三{% endif %}的保密、个人信息和数据安全义务；（二）侵犯知识产权及第6.2条的赔偿"
    "责任；（三）故意或者重大过失造成的损失；（四）造成人身伤亡的责任。"
)
_CAP_EN = (
    "@@Apart from liquidated damages and fees due, each Party's aggregate liability under this Contract is "
    "limited to {{ termination.liability_cap_months }} months' fees ({% if price.fee_known %}"
    "{{ price.liability_cap.en }}, in words: {{ price.liability_cap.words_en }}{% else %}at the average of the "
    "months settled{% endif %}). The limit does not apply to liability for: (a) breach of the "
    "confidentiality, personal-information and data-security obligations of Article 3"
    "{% if data.pipl_annex %} and Annex 3{% endif %}; (b) infringement of intellectual property and the "
    "indemnity in Clause 6.2; (c) loss caused wilfully or by gross negligence; or (d) death or personal injury."
)
LIABILITY_CAP = {
    "service": (_CAP_ZH, _CAP_EN),
    "labor_dispatch": (
        _CAP_ZH
        + "该限额亦不影响双方依法对被派遣劳动者承担的责任，包括《中华人民共和国劳动合同法》第九十二条规定的连带赔偿责任。",
        _CAP_EN + " Nor does it limit either Party's liability at law towards the Dispatched Workers, including the "
        "joint liability under Article 92 of the Labour Contract Law.",
    ),
}
LIABILITY_CAP["labor_outsourcing"] = LIABILITY_CAP["service"]

PARTY_A_DUTIES = {
    "service": (
        "@@甲方应按本合同约定及时支付服务费，向乙方提供履行本合同所需的资料、场地和必要的协助，指定对接人员，并对乙方提交"
        "的需要甲方确认的事项在合理期限内答复。因甲方未履行协助义务导致乙方延误的，乙方不承担相应的违约责任。",
        "@@Party A shall pay the fees on time, give Party B the information, premises and reasonable assistance "
        "it needs to perform this Contract, appoint a contact person, and answer within a reasonable time the "
        "matters Party B submits for its decision. Party B is not liable for delay caused by Party A's failure to "
        "cooperate.",
    ),
    "labor_outsourcing": (
        "@@甲方应按本合同约定及时支付外包费用，提供完成工作所需的场地、资料和必要的协助，指定验收人按第2.3条及时验收，"
        "并通过乙方现场负责人提出工作要求。因甲方未履行协助义务或者未及时验收导致乙方延误的，乙方不承担相应的违约责任。",
        "@@Party A shall pay the fee on time, provide the premises, information and reasonable assistance the "
        "work needs, appoint an acceptor who inspects the work in time under Clause 2.3, and give its requirements "
        "through Party B's on-site manager. Party B is not liable for delay caused by Party A's failure to cooperate "
        "or to accept the work in time.",
    ),
    "labor_dispatch": (
        "@@甲方应按本协议约定及时支付服务费，向乙方提供被派遣劳动者的考勤、加班和工作岗位变化等结算所需的资料，配合乙方"
        "办理社会保险、工伤认定和劳动争议处理，并将其依法制定的规章制度告知乙方和被派遣劳动者。",
        "@@Party A shall pay the fees on time, give Party B the attendance, overtime and post-change records "
        "the settlement needs, cooperate with Party B on social insurance, work-injury recognition and labour "
        "disputes, and inform Party B and the Dispatched Workers of the workplace rules it has lawfully adopted.",
    ),
}

IP = (
    "@@乙方为履行本合同而形成的工作成果（包括文件、报告、数据、软件和其他成果）的知识产权自形成之时起归甲方所有。乙方在"
    "本合同签订前已拥有或者独立于本合同开发的材料（以下简称“既有材料”）的知识产权仍归乙方；工作成果包含既有材料的，乙方"
    "授予甲方非独占、免费、永久且不可撤销的许可，供甲方为使用、维护和改进工作成果之目的使用该既有材料。乙方保证工作成果和"
    "既有材料不侵犯任何第三方的知识产权；第三方就此向甲方主张权利的，乙方应负责处理并赔偿甲方因此遭受的全部损失，包括"
    "合理的律师费。",
    "@@The intellectual property in all work product Party B creates in performing this Contract (documents, "
    "reports, data, software and other results) belongs to Party A from its creation. Party B keeps the "
    'intellectual property in material it owned before this Contract or developed independently of it ("Prior '
    'Material"); where work product contains Prior Material, Party B grants Party A a non-exclusive, '
    "royalty-free, perpetual and irrevocable licence to use that Prior Material for the use, maintenance and "
    "improvement of the work product. Party B warrants that the work product and Prior Material infringe no "
    "third party's intellectual property, and shall defend any claim a third party brings against Party A on "
    "that ground and indemnify Party A for all resulting losses, including reasonable legal fees.",
)
ANTI_BRIBERY = (
    "@@乙方及其人员不得向甲方的员工及其亲属提供或者承诺提供礼品、礼金、回扣、宴请、旅游或者其他利益，不得以任何形式"
    "行贿或者进行商业贿赂，发现甲方员工索取利益的，应及时向甲方举报。乙方违反本条的，每次按"
    "{{ price.integrity_damages.zh }}（大写：{{ price.integrity_damages.words_zh }}）向甲方支付违约金，甲方并有权依第5.3条解除本合同。",
    "@@Neither Party B nor its personnel shall offer or promise Party A's employees or their relatives any "
    "gift, money, kickback, entertainment, travel or other benefit, or give any bribe in any form, and Party B "
    "shall report to Party A any employee of Party A who asks for one. For each breach of this Clause Party B "
    "owes liquidated damages of {{ price.integrity_damages.en }} (in words: {{ price.integrity_damages.words_en }}), and Party A may terminate "
    "this Contract under Clause 5.3.",
)
CONTINUITY = (
    "@@乙方应针对人员短缺、设备或系统故障、安全事件、公共卫生事件和自然灾害等风险制定业务连续性和应急预案，明确应急组织、"
    "备用人员和资源、恢复步骤和联系人，并在本合同签订后30日内报甲方备案；乙方每年至少组织一次应急演练，并向甲方提交演练"
    "记录。发生上述事件的，乙方应立即启动应急预案，保障关键服务持续运行，在{{ termination.continuity_restore_hours }}小时内"
    "恢复关键服务，并及时向甲方报告事件、影响和处置情况。",
    "@@Party B shall keep a business continuity and emergency plan for staff shortages, equipment or system "
    "failures, security incidents, public-health events and natural disasters, naming the emergency team, "
    "back-up staff and resources, recovery steps and contacts, and file it with Party A within 30 days of "
    "signing; it shall test the plan at least once a year and give Party A the test records. When such an event "
    "occurs, Party B shall activate the plan at once, keep the critical services running, restore them within "
    "{{ termination.continuity_restore_hours }} hours, and keep Party A informed of the event, its effects and "
    "the response.",
)


def art6(kind):
    return [
        ("party_a_duties", *PARTY_A_DUTIES[kind]),
        ("intellectual_property", *IP),
        ("anti_bribery", *ANTI_BRIBERY),
        ("business_continuity", *CONTINUITY),
        ("insurance", *INSURANCE[kind]),
        ("liability_cap", *LIABILITY_CAP[kind]),
    ]


# --------------------------------------------------------------------------- Articles 7 and 8

ART7 = [
    (
        "governing_law",
        "@@本合同的订立、效力、解释、履行和争议解决均适用中华人民共和国法律（为本合同之目的，不包括香港特别行政区、"
        "澳门特别行政区和台湾地区的法律）。",
        "@@The conclusion, validity, interpretation and performance of this Contract and the resolution of "
        "disputes under it are governed by the laws of the People's Republic of China (for this purpose excluding "
        "the laws of Hong Kong SAR, Macao SAR and Taiwan).",
    ),
    (
        "disputes",
        [
            "{%p if disputes.arbitration %}",
            "@@因本合同引起的或与本合同有关的任何争议，双方应首先友好协商解决；协商不成的，任何一方均可将争议提交"
            "{{ disputes.venue_zh }}，按照申请仲裁时该机构现行有效的仲裁规则进行仲裁。仲裁裁决是终局的，对双方均有约束力。",
            "{%p else %}",
            "@@因本合同引起的或与本合同有关的任何争议，双方应首先友好协商解决；协商不成的，任何一方均可向"
            "{{ disputes.venue_zh }}提起诉讼。",
            "{%p endif %}",
        ],
        [
            "{%p if disputes.arbitration %}",
            "@@Any dispute arising from or in connection with this Contract shall first be settled by friendly "
            "consultation; failing that, either Party may submit it to {{ disputes.venue_en }} for arbitration under "
            "its rules in force when arbitration is applied for. The award is final and binding on both Parties.",
            "{%p else %}",
            "@@Any dispute arising from or in connection with this Contract shall first be settled by friendly "
            "consultation; failing that, either Party may bring proceedings before {{ disputes.venue_en }}.",
            "{%p endif %}",
        ],
    ),
    (
        "performance_during_dispute",
        "@@争议解决期间，除争议事项外，双方应继续履行本合同的其他条款。",
        "@@While a dispute is being resolved the Parties shall continue to perform the other provisions of this "
        "Contract.",
    ),
]

ART8 = [
    (
        "term",
        [
            "{%p if term.default %}",
            "@@本合同期限为{{ term.default_years }}年，自{{ term.start_zh }}起至{{ term.end_zh }}止。",
            "{%p else %}",
            "@@本合同期限自{{ term.start_zh }}起至{{ term.end_zh }}止，共{{ term.length_zh }}。",
            "{%p endif %}",
            "任何一方不再续约的，应在期满前{{ termination.termination_notice_days }}日书面通知对方；续约的，双方另行签订书面合同。",
        ],
        [
            "{%p if term.default %}",
            "@@This Contract has a term of {{ term.default_years }} years, from {{ term.start_en }} to "
            "{{ term.end_en }}.",
            "{%p else %}",
            "@@This Contract runs from {{ term.start_en }} to {{ term.end_en }} ({{ term.length_en }}).",
            "{%p endif %}",
            "A Party that does not wish to renew shall notify the other in writing at least "
            "{{ termination.termination_notice_days }} days before expiry; a renewal requires a new written contract.",
        ],
    ),
    (
        "amendment",
        "@@对本合同的任何变更或补充，须经双方协商一致并以书面形式作出，经双方授权代表签字并加盖公章后生效。",
        "@@Any amendment or supplement to this Contract must be agreed by both Parties in writing, signed by "
        "their authorised representatives and sealed with their company seals.",
    ),
    (
        "annexes",
        "@@本合同的附件是本合同不可分割的组成部分，与本合同正文具有同等法律效力。",
        "@@The Annexes form an integral part of this Contract and have the same legal effect as its body.",
    ),
    (
        "notices",
        "@@与本合同有关的通知应以书面形式，按本合同首部所列的地址或电子邮箱送达对方联系人。一方变更联系方式的，应在"
        "变更后3日内书面通知对方。",
        "@@Notices under this Contract shall be in writing and delivered to the other Party's contact at the "
        "address or e-mail stated at the head of this Contract. A Party shall notify a change of contact details "
        "in writing within 3 days.",
    ),
    (
        "language",
        "@@本合同以中文和英文书就，两种文本具有同等效力；两种文本如有不一致，以{{ language.prevailing_zh }}文本为准。",
        "@@This Contract is made in Chinese and English, both texts being equally authentic; in case of any "
        "discrepancy, the {{ language.prevailing_en }} text prevails.",
    ),
    (
        "effectiveness",
        "@@本合同自双方法定代表人或授权代表签字并加盖公章之日起生效，一式{{ contract.counterparts }}份，双方各执"
        "{{ contract.counterparts_each }}份，具有同等法律效力。",
        "@@This Contract takes effect when signed by the legal or authorised representatives of both Parties and "
        "sealed with their company seals. It is made in {{ contract.counterparts_en }} counterparts, "
        "{{ contract.counterparts_each_en }} for each Party, all equally authentic.",
    ),
]


def art2(kind):
    return [
        ("fees", *FEES[kind]),
        ("tax", *TAX),
        ("settlement", *SETTLEMENT[kind]),
        ("total_fee", *TOTAL),
        ("fee_scope", *FEE_SCOPE[kind]),
        ("late_payment", *LATE_PAYMENT),
    ]


ARTICLES = [
    # (Chinese heading, English heading, clauses of a contract type)
    (None, None, lambda kind: ART1[kind]),
    ("服务费用与支付", "Fees and Payment", art2),
    ("保密与数据安全", "Confidentiality and Data Security", lambda kind: ART3),
    ("服务标准、考核、违约金与奖励", "Service Levels, Evaluation, Liquidated Damages and Rewards", art4),
    ("监督、违约与合同解除", "Supervision, Breach and Termination", art5),
    ("双方的其他权利义务", "Further Undertakings", art6),
    ("法律适用与争议解决", "Governing Law and Disputes", lambda kind: ART7),
    ("合同期限及其他", "Term and General Provisions", lambda kind: ART8),
]
ARTICLE_NO_ZH = "一二三四五六七八九十"


def signatures(doc, role_a, role_b):
    """（以下无正文） / No text follows., kept on the page of the signature block below it."""
    for text, style, before in (("（以下无正文）", "Clause", 6), ("No text follows.", "Clause English", 0)):
        p = bt.P(doc, text, style, align=CENTER)
        p.paragraph_format.space_before = Pt(before)
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


def annex_head(doc, n_zh, n_en, title_zh, title_en):
    page_break(doc)
    bt.P(doc, f"附件{n_zh}{SP}{title_zh}", "Annex Title")
    bt.P(doc, f"Annex {n_en}{SP}{title_en}", "Annex Subtitle")
    bt.P(
        doc,
        ["合同编号 Contract No.：", "{{ contract.no }}", SP, "币种 Currency：", "{{ price.currency }}"],
        "Table English",
        align=RIGHT,
    )


def _no_items(t):
    t.control("{%tr if not items %}")
    t.none_row(
        ("本合同不设服务项目明细，按第二条约定的月服务费结算", "No service items: the monthly fee in Article 2 applies")
    )
    t.control("{%tr endif %}")


def _total_in_words(doc, zh="合计（大写）：", en="Total in words: "):
    bt.ctl(doc, "{%p if items %}")
    p = bt.P(doc, [(zh, True), "{{ items_total.words_zh }}"], "Clause")
    p.paragraph_format.space_before = Pt(6)
    bt.P(doc, [(en, True), "{{ items_total.words_en }}"], "Clause English")
    bt.ctl(doc, "{%p endif %}")


def _note(doc, cond, zh, en):
    bt.ctl(doc, f"{{%p if {cond} %}}")
    bt.P(doc, zh, "Clause")
    bt.P(doc, en, "Clause English")
    bt.ctl(doc, "{%p endif %}")


def annex1_service(doc):
    t = bt.Table(
        doc,
        [1.0, 5.6, 2.6, 1.6, 2.8, 3.4],
        aligns=[CENTER, LEFT, LEFT, RIGHT, RIGHT, RIGHT],
        header=[
            ("序号", "No."),
            ("岗位 / 服务项目", "Role / service item"),
            ("计价方式", "Pricing"),
            ("人数", "Headcount"),
            ("单价", "Unit price"),
            ("月度金额", "Monthly amount"),
        ],
    )
    t.control("{%tr for it in items %}")
    t.row(
        [
            "{{ it.no }}",
            (["{{ it.role_zh }}"], ["{{ it.role_en }}"]),
            (["{{ it.pricing_zh }}（{{ it.basis_zh }}）"], ["{{ it.pricing_en }} ({{ it.basis_en }})"]),
            "{{ it.headcount }}",
            "{{ it.unit_price }}",
            "{{ it.amount }}",
        ]
    )
    t.control("{%tr endfor %}")
    _no_items(t)
    t.control("{%tr if items %}")
    t.row(
        [("合计", "Total"), "{{ items_total.headcount }}", "", "{{ items_total.figures }}"],
        span=[3, 1, 1, 1],
        bold=True,
        fill=bt.LABEL_FILL,
        aligns=[RIGHT, RIGHT, RIGHT, RIGHT],
    )
    t.control("{%tr endif %}")
    _total_in_words(doc)
    _note(
        doc,
        "price.has_per_unit",
        "注：按量计价项目的月度金额按甲方验收合格的工作量乘以单价结算，未计入上述合计。",
        "Note: items priced per unit are settled on the volume of work Party A accepts times the unit price and "
        "are not included in the total above.",
    )
    _note(
        doc,
        "price.lump_sum",
        "注：月服务费为包干价（见第2.1条），以上人员配置和单价仅作核算参考。",
        "Note: the monthly fee is a lump sum (Clause 2.1); the staffing and unit prices above are for reference only.",
    )


def annex1_outsourcing(doc):
    """Work items priced on results: a fixed monthly fee or a price per unit of accepted work;
    no headcount column and never headcount × a per-person price."""
    t = bt.Table(
        doc,
        [1.0, 1.8, 5.2, 2.4, 2.0, 2.2, 2.4],
        aligns=[CENTER, LEFT, LEFT, LEFT, LEFT, RIGHT, RIGHT],
        header=[
            ("序号", "No."),
            ("项目编码", "Code"),
            ("工作项目", "Work item"),
            ("计价方式", "Pricing"),
            ("计价单位", "Unit"),
            ("单价", "Unit price"),
            ("月度固定费用", "Monthly fixed fee"),
        ],
    )
    t.control("{%tr for it in items %}")
    t.row(
        [
            "{{ it.no }}",
            "{{ it.code }}",
            (["{{ it.role_zh }}"], ["{{ it.role_en }}"]),
            (["{{ it.pricing_zh }}"], ["{{ it.pricing_en }}"]),
            (["{{ it.basis_zh }}"], ["{{ it.basis_en }}"]),
            "{{ it.unit_price }}",
            "{% if it.pricing == 'fixed' %}{{ it.amount }}{% else %}—{% endif %}",
        ]
    )
    t.control("{%tr endfor %}")
    _no_items(t)
    t.control("{%tr if price.has_fixed %}")
    t.row(
        [("固定费用合计", "Total of fixed fees"), "{{ items_total.figures }}"],
        span=[6, 1],
        bold=True,
        fill=bt.LABEL_FILL,
        aligns=[RIGHT, RIGHT],
    )
    t.control("{%tr endif %}")
    bt.ctl(doc, "{%p if price.has_fixed %}")
    p = bt.P(doc, [("固定费用合计（大写）：", True), "{{ items_total.words_zh }}"], "Clause")
    p.paragraph_format.space_before = Pt(6)
    bt.P(doc, [("Total of fixed fees in words: ", True), "{{ items_total.words_en }}"], "Clause English")
    bt.ctl(doc, "{%p endif %}")
    bt.P(
        doc,
        "注：按量计价项目按甲方每月签署的《工作量确认单》中验收合格的数量乘以单价结算（第2.3条），未经验收的工作量不予"
        "结算；乙方投入的人数和工时不作为计价依据。",
        "Clause",
    )
    bt.P(
        doc,
        "Note: items priced per unit are settled on the quantity accepted in the monthly acceptance records signed by "
        "Party A times the unit price (Clause 2.3); work not accepted is not paid for, and the number of Party B's "
        "staff and their hours are no basis for the price.",
        "Clause English",
    )


def annex1_dispatch(doc):
    """The posts (nature, headcount, place, period) and, per head per month, pay + social
    insurance + management fee = the unit price."""
    bt.heading(doc, "一、派遣岗位", "Dispatched Posts", level=2)
    t = bt.Table(
        doc,
        [1.0, 3.8, 2.2, 2.2, 4.8, 3.0],
        aligns=[CENTER, LEFT, CENTER, RIGHT, LEFT, LEFT],
        header=[
            ("序号", "No."),
            ("派遣岗位", "Post"),
            ("岗位性质", "Nature"),
            ("人数", "Headcount"),
            ("工作地点", "Place of work"),
            ("派遣期限", "Dispatch period"),
        ],
    )
    t.control("{%tr for it in items %}")
    t.row(
        [
            "{{ it.no }}",
            (["{{ it.role_zh }}"], ["{{ it.role_en }}"]),
            (["{{ it.nature_zh }}"], ["{{ it.nature_en }}"]),
            "{{ it.headcount }}",
            (["{{ it.work_place_zh }}"], ["{{ it.work_place_en }}"]),
            (["{{ it.period_zh }}"], ["{{ it.period_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    _no_items(t)
    t.control("{%tr if items %}")
    t.row(
        [("合计", "Total"), "{{ items_total.headcount }}", "", ""],
        span=[3, 1, 1, 1],
        bold=True,
        fill=bt.LABEL_FILL,
        aligns=[RIGHT, RIGHT, LEFT, LEFT],
    )
    t.control("{%tr endif %}")

    bt.heading(doc, "二、派遣费用（每人每月）", "Fees per Head per Month", level=2)
    t = bt.Table(
        doc,
        [1.0, 3.4, 2.2, 2.2, 1.9, 2.3, 1.4, 2.6],
        aligns=[CENTER, LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("序号", "No."),
            ("派遣岗位", "Post"),
            ("工资标准", "Pay"),
            ("社保公积金", "Social insurance"),
            ("管理费", "Mgmt fee"),
            ("单价", "Unit price"),
            ("人数", "Heads"),
            ("月度金额", "Monthly amount"),
        ],
    )
    t.control("{%tr for it in items %}")
    t.row(
        [
            "{{ it.no }}",
            (["{{ it.role_zh }}"], ["{{ it.role_en }}"]),
            "{{ it.wage }}",
            "{{ it.social_insurance }}",
            "{{ it.management_fee }}",
            "{{ it.unit_price }}",
            "{{ it.headcount }}",
            "{{ it.amount }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if items %}")
    t.row(
        [("合计", "Total"), "{{ items_total.headcount }}", "{{ items_total.figures }}"],
        span=[6, 1, 1],
        bold=True,
        fill=bt.LABEL_FILL,
        aligns=[RIGHT, RIGHT, RIGHT],
    )
    t.control("{%tr endif %}")
    _total_in_words(doc)
    bt.ctl(doc, "{%p if items %}")
    bt.P(
        doc,
        [
            "派遣管理费合计（每月）：",
            "{{ dispatch.management_fee.zh }}",
            "（大写：",
            "{{ dispatch.management_fee.words_zh }}",
            "），即第4.4条的违约金上限。",
        ],
        "Clause",
    )
    bt.P(
        doc,
        [
            "Dispatch management fee per month: ",
            "{{ dispatch.management_fee.en }}",
            " (in words: ",
            "{{ dispatch.management_fee.words_en }}",
            "), the cap on liquidated damages in Clause 4.4.",
        ],
        "Clause English",
    )
    bt.ctl(doc, "{%p endif %}")
    bt.P(
        doc,
        "注：单价 = 工资标准 + 社保公积金 + 管理费。工资标准按同工同酬原则确定（第1.9条），加班费另按第1.8条结算；工资和"
        "社保公积金全额用于被派遣劳动者。",
        "Clause",
    )
    bt.P(
        doc,
        "Note: unit price = pay + social insurance + management fee. Pay follows equal pay for equal work (Clause 1.9); "
        "overtime is settled under Clause 1.8; pay and social insurance go in full to or for the Dispatched Workers.",
        "Clause English",
    )


def annex2(doc, kind):
    dispatch = kind == "labor_dispatch"
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

    bt.heading(doc, "三、违约金标准", "Liquidated Damages", level=2)
    if dispatch:
        bt.P(doc, "乙方有下列情形的，按下表计付违约金（第4.3条），只从当月派遣管理费中扣减：", "Clause")
        bt.P(
            doc,
            "Party B owes the liquidated damages below (Clause 4.3), set off against the month's dispatch "
            "management fee only:",
            "Clause English",
        )
        t = bt.Table(
            doc,
            [9.0, 4.0, 4.0],
            aligns=[LEFT, LEFT, RIGHT],
            header=[("情形", "Breach"), ("计算方式", "Basis"), ("金额（元）", "Amount (CNY)")],
        )
        for zh, en, basis, key in (
            (
                "未按时足额支付被派遣劳动者工资",
                "Wages paid late or short",
                ("每逾期一日", "per day late"),
                "wage_late_per_day",
            ),
            (
                "未按月提供社会保险缴费凭证",
                "No monthly proof of social insurance contributions",
                ("每次", "each time"),
                "insurance_proof_missing",
            ),
            (
                "未在约定期限内补派人员",
                "Worker not replaced in time",
                ("每人每逾期一日", "per worker per day late"),
                "replacement_late_per_day",
            ),
            ("许可证失效期间派遣劳动者", "Dispatch without a valid licence", ("每次", "each time"), "unlicensed"),
        ):
            t.row([([zh], [en]), ([basis[0]], [basis[1]]), f"{{{{ dispatch.damages.{key}.figures }}}}"])
        bt.heading(doc, "四、违约金上限", "Cap on Liquidated Damages", level=2)
        bt.P(
            doc,
            [
                "每月违约金合计以当月派遣管理费为上限（按附件一为",
                "{{ dispatch.management_fee.zh }}",
                "）；不得从被派遣劳动者的工资和社会保险费中扣减。超过上限的部分予以保留，可在以后各月抵扣或者另行追偿，不因上限而免除。",
            ],
            "Clause",
        )
        bt.P(
            doc,
            [
                "Liquidated damages in a month are capped at that month's dispatch management fee (",
                "{{ dispatch.management_fee.en }}",
                " by Annex 1) and never come out of the workers' pay or social insurance. Amounts above the cap "
                "are reserved and may be set off in later months or claimed separately; they are not waived.",
            ],
            "Clause English",
        )
        return
    bt.P(
        doc,
        [
            "延期交付：每延误一日按月服务费的",
            "{{ sla.late_pct_per_day }}",
            "{% if price.fee_known %}（{{ sla.late_per_day.zh }}）{% endif %}",
            "计付违约金，另按下表计付固定金额。每起事件按其类型和严重程度计付违约金（金额单位：元）：",
        ],
        "Clause",
    )
    bt.P(
        doc,
        [
            "Late delivery: ",
            "{{ sla.late_pct_per_day }}",
            " of the monthly fee per day of delay",
            "{% if price.fee_known %} ({{ sla.late_per_day.en }}){% endif %}",
            ", plus the fixed amount below. Liquidated damages for each incident by type and severity (amounts in CNY):",
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

    bt.heading(doc, "四、违约金上限", "Cap on Liquidated Damages", level=2)
    bt.P(
        doc,
        [
            "每月违约金合计以当月月服务费的",
            "{{ sla.cap_pct }}",
            "为上限",
            "{% if price.fee_known %}，即{{ sla.cap.zh }}（大写：{{ sla.cap.words_zh }}）{% endif %}",
            "。超过上限的部分予以保留，可在以后各月抵扣或者另行追偿，不因上限而免除。",
        ],
        "Clause",
    )
    bt.P(
        doc,
        [
            "Liquidated damages in a month are capped at ",
            "{{ sla.cap_pct }}",
            " of the monthly fee",
            "{% if price.fee_known %}: {{ sla.cap.en }} (in words: {{ sla.cap.words_en }}){% endif %}",
            ". Amounts above the cap are reserved and may be set off in later months or claimed separately; "
            "they are not waived.",
        ],
        "Clause English",
    )


PIPL = [
    (
        "一、委托处理的目的：仅为履行本合同、提供本合同约定的服务之目的处理个人信息，不得用于其他目的。",
        "1. Purpose: personal information is processed only to perform this Contract and provide the services it "
        "describes, and for no other purpose.",
    ),
    (
        "二、委托处理的期限：自本合同生效之日起至本合同终止及交接期届满之日止。",
        "2. Duration: from the entry into force of this Contract until it ends and its hand-over period expires.",
    ),
    (
        "三、处理方式：按甲方的书面指示在甲方指定或认可的环境中收集、存储、使用和传输，不得公开、向第三方提供或者向境外提供，"
        "不得用于自动化决策。",
        "3. Method: collection, storage, use and transmission on Party A's written instructions in environments "
        "Party A designates or approves; no publication, no provision to third parties or outside the PRC, and no "
        "automated decision-making.",
    ),
    (
        "四、个人信息的种类：甲方员工、客户及乙方人员的姓名、联系方式、身份证件号码、工作记录和考勤信息，以及履行本合同"
        "所必需的其他个人信息；其中身份证件号码、健康和金融账户信息为敏感个人信息，乙方应采取更严格的保护措施。",
        "4. Categories: names, contact details, identity document numbers, work and attendance records of Party "
        "A's employees and customers and of Party B's personnel, and other personal information this Contract "
        "needs; identity numbers, health and financial-account information are sensitive personal information "
        "and get stricter protection.",
    ),
    (
        "五、保护措施：访问控制、加密存储和传输、操作日志、人员保密承诺和培训，并执行第3.3条的约定。",
        "5. Security measures: access control, encryption at rest and in transit, operation logs, confidentiality "
        "undertakings and training of staff, and the measures of Clause 3.3.",
    ),
    (
        "六、转委托：未经甲方事先书面同意，乙方不得转委托他人处理；经同意转委托的，乙方应与受托人签订不低于本附件标准的书面"
        "协议，并对其处理行为承担责任。",
        "6. Sub-processing: only with Party A's prior written consent, under a written agreement no less "
        "protective than this Annex; Party B remains liable for the sub-processor.",
    ),
    (
        "七、返还与删除：本合同终止、委托处理目的已实现或者甲方要求时，乙方应在{{ termination.data_return_days }}日内返还"
        "或删除全部个人信息及其副本，并书面确认。",
        "7. Return and deletion: when this Contract ends, the purpose is achieved or Party A so requests, Party B "
        "returns or deletes all personal information and copies within {{ termination.data_return_days }} days and "
        "confirms it in writing.",
    ),
    (
        "八、监督与审计：甲方有权对乙方的个人信息处理活动进行监督和审计，乙方应提供必要的信息并配合检查。",
        "8. Audit: Party A may supervise and audit Party B's processing; Party B provides the information needed "
        "and cooperates.",
    ),
    (
        "九、安全事件：发生或者可能发生个人信息泄露、篡改、丢失的，乙方应立即采取补救措施，并在"
        "{{ termination.security_notice_hours }}小时内通知甲方，协助甲方履行向主管部门和个人告知的义务。",
        "9. Incidents: on any actual or suspected leak, alteration or loss of personal information Party B takes "
        "remedial action at once, notifies Party A within {{ termination.security_notice_hours }} hours, and helps "
        "Party A notify the authorities and the individuals concerned.",
    ),
    (
        "十、个人的权利：乙方应协助甲方响应个人查阅、复制、更正、删除其个人信息等请求。",
        "10. Individuals' rights: Party B helps Party A answer requests to access, copy, correct or delete "
        "personal information.",
    ),
]


def annex3_pipl(doc):
    """个人信息委托处理协议 (PIPL §21), only where the supplier's data access is confidential or restricted."""
    bt.ctl(doc, "{%p if data.pipl_annex %}")
    page_break(doc)
    bt.P(doc, f"附件三{SP}个人信息委托处理协议", "Annex Title")
    bt.P(doc, f"Annex 3{SP}Entrusted Processing of Personal Information", "Annex Subtitle")
    t = Clauses(doc)
    t.clause(
        "甲方作为个人信息处理者，委托乙方处理个人信息。双方依据《中华人民共和国个人信息保护法》第二十一条约定如下：",
        "Party A, as personal information handler, entrusts the processing of personal information to Party B. Under "
        "Article 21 of the Personal Information Protection Law the Parties agree as follows:",
    )
    for zh, en in PIPL:
        t.clause(zh, en)
    bt.ctl(doc, "{%p endif %}")


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
    cmap = clause_map()
    doc = new_contract(title_zh, title_en)
    cover(doc, title_zh, title_en)
    parties(doc, role_a, role_b, dispatch)
    spacer(doc, 2)
    recital(doc, *RECITALS[kind])
    last = None
    for n, (head_zh, head_en, clauses) in enumerate(ARTICLES, start=1):
        if head_zh is None:
            head_zh, head_en = ART1_TITLE[kind]
        heading = (f"第{ARTICLE_NO_ZH[n - 1]}条{SP}{head_zh}", f"Article {n}{SP}{head_en}")
        last = article(doc, heading, numbered(kind, n, clauses(kind), cmap))
    # the last clause stays on the page of （以下无正文） and the signature block
    for cell in last.t.rows[-1].cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
    signatures(doc, (role_a[0].rstrip("："), role_a[1].rstrip(": ")), (role_b[0].rstrip("："), role_b[1].rstrip(": ")))
    annex_head(doc, "一", "1", *ANNEX1_TITLE[kind])
    {"service": annex1_service, "labor_outsourcing": annex1_outsourcing, "labor_dispatch": annex1_dispatch}[kind](doc)
    annex2(doc, kind)
    annex3_pipl(doc)
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
