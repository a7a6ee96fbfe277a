"""Page layout of every generated document other than the contracts (issue 15, item 7).

Read from the templates themselves (word/document.xml and word/styles.xml), so an edit in Word
that breaks a rule shows up here too: no table row splits across pages, a long table repeats
its header row, the heading or sentence introducing a table stays with it, a total row is
never alone on a page, the signature / approval / seal blocks hold together and keep the
paragraph before them, no CJK body style is justified (a justified line holding a long number
or code stretches the spacing of every character), and the contracts' closing words are the
only ones used ("（以下无正文）No text follows.", never "The remainder of this page ...").
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "contract_templates"
NOT_CONTRACTS = sorted(p for p in TEMPLATES.glob("*.docx") if not p.name.startswith("contract_"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
# management summaries, signed by no one
UNSIGNED = {"portfolio_summary", "periodic_portfolio"}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Doc:
    def __init__(self, path: Path):
        self.name = path.stem
        with zipfile.ZipFile(path) as z:
            self.body = etree.fromstring(z.read("word/document.xml")).find(_q("body"))
            styles = etree.fromstring(z.read("word/styles.xml"))
        self.styles = {s.get(_q("styleId")): s for s in styles.iterfind("w:style", NS)}
        self.default_para = next(
            (
                s.get(_q("styleId"))
                for s in self.styles.values()
                if s.get(_q("default")) == "1" and s.get(_q("type")) == "paragraph"
            ),
            "Normal",
        )

    def style_chain(self, style_id):
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            yield self.styles[style_id]
            based = self.styles[style_id].find("w:basedOn", NS)
            style_id = based.get(_q("val")) if based is not None else None

    def style_of(self, p) -> str:
        ps = p.find("w:pPr/w:pStyle", NS)
        return ps.get(_q("val")) if ps is not None else self.default_para

    def prop(self, p, tag):
        """The paragraph's own w:pPr/<tag>, else the one its style (or a style it is based on) sets."""
        el = p.find(f"w:pPr/w:{tag}", NS)
        if el is not None:
            return el
        for st in self.style_chain(self.style_of(p)):
            el = st.find(f"w:pPr/w:{tag}", NS)
            if el is not None:
                return el
        return None

    def keeps_next(self, p) -> bool:
        el = self.prop(p, "keepNext")
        return el is not None and el.get(_q("val"), "1") not in ("0", "false", "off")


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def _control(el) -> bool:
    """A docxtpl control paragraph or row ({%p ... %} / {%tr ... %}): gone once rendered."""
    text = _text(el)
    return (text.startswith("{%p ") or text.startswith("{%tr ")) and text.endswith("%}")


def _before(el):
    """The paragraph or table rendered directly before ``el`` (control paragraphs skipped)."""
    prev = el.getprevious()
    while prev is not None and (prev.tag not in (_q("p"), _q("tbl")) or _control(prev)):
        prev = prev.getprevious()
    return prev


def _rows(tbl):
    return [tr for tr in tbl.iterfind("w:tr", NS) if not _control(tr)]


def _keeps_row(doc: Doc, tr) -> bool:
    paras = list(tr.iter(_q("p")))
    return bool(paras) and all(doc.keeps_next(p) for p in paras)


def _kept(doc: Doc, el) -> bool:
    """``el`` (a paragraph or a table) keeps with what follows it."""
    if el.tag == _q("tbl"):
        return _keeps_row(doc, _rows(el)[-1])
    return doc.keeps_next(el)


def _tables(doc: Doc):
    return list(doc.body.iter(_q("tbl")))


def _sign_off(tbl) -> bool:
    """Signature, seal, approval and acknowledgement blocks."""
    text = _text(tbl)
    return "签字" in text or "盖章" in text


@pytest.fixture(scope="module", params=NOT_CONTRACTS, ids=lambda p: p.stem)
def doc(request):
    return Doc(request.param)


def test_there_are_templates_to_check():
    names = {p.stem for p in NOT_CONTRACTS}
    assert {"review_report", "settlement_statement", "portfolio_summary", "warning_letter"} <= names
    assert {"termination_notice", "exit_review", "periodic_review", "selection_report"} <= names


def test_no_table_row_splits_across_pages(doc):
    for tbl in _tables(doc):
        for tr in tbl.iterfind("w:tr", NS):
            assert tr.find("w:trPr/w:cantSplit", NS) is not None, _text(tr)[:80]


def test_header_rows_repeat_on_every_page(doc):
    for tbl in _tables(doc):
        look = tbl.find("w:tblPr/w:tblLook", NS)
        if look is None:
            continue
        has_header = look.get(_q("firstRow")) == "1" or int(look.get(_q("val"), "0"), 16) & 0x20
        if has_header:
            first = tbl.find("w:tr", NS)
            assert first.find("w:trPr/w:tblHeader", NS) is not None, _text(first)[:80]


def test_headings_and_table_introductions_stay_with_what_follows(doc):
    for p in doc.body.iter(_q("p")):
        style = doc.style_of(p)
        if style.startswith("Heading") or style in ("Title", "Subtitle", "Subject"):
            assert doc.keeps_next(p), _text(p)[:80]
    for tbl in _tables(doc):
        if tbl.getparent() is not doc.body:
            continue  # a table inside a cell
        prev = _before(tbl)
        if prev is None or prev.tag == _q("tbl") or not _text(prev):
            continue
        assert doc.keeps_next(prev), f"{_text(prev)[:60]!r} before the table {_text(tbl)[:40]!r}"


def test_a_total_row_is_never_alone_on_a_page(doc):
    for tbl in _tables(doc):
        rows = _rows(tbl)
        for i, tr in enumerate(rows[1:], start=1):
            first_cell = _text(tr.find("w:tc", NS))
            if first_cell.startswith(("合计", "违约金合计", "扣款合计", "奖励合计", "差额")):
                assert _keeps_row(doc, rows[i - 1]), f"the row before {first_cell!r}: {_text(rows[i - 1])[:60]!r}"


def test_signature_and_approval_blocks_hold_together_with_the_text_before(doc):
    blocks = [t for t in _tables(doc) if _sign_off(t) and t.getparent() is doc.body]
    assert blocks or doc.name in UNSIGNED
    for tbl in blocks:
        rows = _rows(tbl)
        for tr in rows[:-1]:
            assert _keeps_row(doc, tr), _text(tr)[:80]
        prev = _before(tbl)
        assert prev is not None and _kept(doc, prev), f"before {_text(tbl)[:40]!r}: {_text(prev)[:60]!r}"


def test_no_body_text_is_justified(doc):
    for p in doc.body.iter(_q("p")):
        jc = doc.prop(p, "jc")
        assert jc is None or jc.get(_q("val")) not in ("both", "distribute", "lowKashida", "highKashida"), (
            doc.style_of(p),
            _text(p)[:80],
        )


def test_the_closing_words_are_the_contracts(doc):
    paras = [_text(p) for p in doc.body.iter(_q("p"))]
    text = "\n".join(paras)
    assert "intentionally left blank" not in text and "remainder of this page" not in text.lower()
    for i, line in enumerate(paras):
        if "以下无正文" in line:
            assert line == "（以下无正文）" and paras[i + 1] == "No text follows."
