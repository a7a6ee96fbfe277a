"""English for the English reader: names romanised when no English is given, free text without
English said to be so, enumerations as words, never Chinese characters in the English text."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import SAMPLE_INPUTS
from docx_reading import docx_text

from pipeline.documents.english import NO_ENGLISH, has_chinese, person_en, romanised, text_en
from pipeline.documents.messages import lower_words, text


@pytest.mark.parametrize(
    "name, english",
    [
        ("沈建平", "Shen Jianping"),
        ("欧阳晓", "Ouyang Xiao"),  # a compound surname is one word
        ("单雄", "Shan Xiong"),  # 单 as a surname is Shan
        ("曾国强", "Zeng Guoqiang"),
        ("李文静（供应商管理部）", "Li Wenjing"),  # the department in brackets is not a name
        ("Zhang San", "Zhang San"),
        ("", ""),
    ],
)
def test_a_chinese_name_is_romanised_surname_first(name, english):
    assert romanised(name) == english


def test_a_given_english_name_wins_and_free_text_without_english_says_so():
    assert person_en({"legal_rep": "王示例", "legal_rep_en": "Mr. S. Wang"}, "legal_rep") == "Mr. S. Wang"
    assert person_en({"legal_rep": "王示例"}, "legal_rep") == "Wang Shili"
    assert person_en({}, "legal_rep") == ""
    assert text_en("Stable delivery.", "交付稳定。") == "Stable delivery."
    assert text_en(None, "交付稳定。") == NO_ENGLISH and not has_chinese(NO_ENGLISH)
    assert text_en(None, None) == ""


def test_enumerations_read_as_words_in_english_sentences():
    assert lower_words("IT services") == "IT services" and lower_words("Quality Defect") == "quality defect"
    _, en = text("single_source", {"category": "it_services"})
    assert "IT services" in en and "it services" not in en and "it_services" not in en
    _, en = text("concentration", {"category": "other", "share": 55, "limit": 40})
    assert "category Other" in en and " other " not in en


@pytest.fixture(scope="module")
def october(tmp_path_factory):
    from pipeline.runs.monthly import run_month

    root = tmp_path_factory.mktemp("english")
    shutil.copytree(SAMPLE_INPUTS, root / "in", ignore=shutil.ignore_patterns("archive", "rejected"))
    return run_month(root / "in", root / "out", "2026-10").outputs


def _english_paragraphs(path) -> list[str]:
    """The paragraphs of a document in its English styles (English, Table English, …), in the
    body and in tables."""
    from docx import Document

    doc = Document(str(path))
    paragraphs = list(doc.paragraphs) + [
        p for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
    ]
    return [p.text for p in paragraphs if "English" in (p.style.name if p.style is not None else "") and p.text]


def test_the_review_report_gives_the_comment_and_the_evaluator_for_the_english_reader(october):
    body = docx_text(october / "reports" / "S005_review_2026-10.docx")
    comments = body.split("Evaluator's Comments", 1)[1].split("Supplier Feedback", 1)[0]
    assert "洁净区保洁不达标" in comments  # the evaluator's own words
    assert NO_ENGLISH in comments  # and, having no English companion, said so in English
    assert re.search(r"Evaluator：\S+ [A-Z][a-z]+ [A-Z][a-z]+", comments)  # 刘洋 Liu Yang
    assert "Liu Yang" in comments


def test_notices_carry_no_chinese_in_their_english_text_and_name_the_contact_in_letters(october):
    for notice in sorted((october / "notices").glob("*.docx")):
        lines = _english_paragraphs(notice)
        assert lines and not [l for l in lines if has_chinese(l)], notice.name
    body = docx_text(next((october / "notices").glob("S004_termination_notice_*.docx")))
    attn = next(l for l in body.splitlines() if l.startswith("联系人 Attn."))
    name_zh, name_en = attn.split("：", 1)[1].split(" ", 1)
    assert has_chinese(name_zh) and name_en == romanised(name_zh)
