"""The clause map (schemas/clauses.yaml) and the contracts agree: every clause id of every contract
type opens a clause with that number and title in the rendered contract, Chinese and English, and
every numbered clause of a rendered contract is in the map. Notices cite clauses through the map,
so a renumbered template that the map does not follow fails here."""

from __future__ import annotations

import copy
import re
import shutil

import pytest
from conftest import SAMPLE_INPUTS
from docx import Document

from pipeline.config.clauses import CONTRACT_TYPES, shipped_clauses
from pipeline.config.contract_terms import load_terms
from pipeline.documents.contracts import contract_context
from pipeline.render.facade import render_docx
from pipeline.runs.contracts import TEMPLATES

SP = "\u3000"
SAMPLE_CONTRACT = {
    "service": "HT-2026-IT-011",
    "labor_outsourcing": "HT-2026-LO-007",
    "labor_dispatch": "HT-2026-LD-002",
}
NUMBER = re.compile(r"^(\d+\.\d+)\u3000")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from pipeline.runs.stages import load_stage, validate_stage

    inputs = tmp_path_factory.mktemp("clauses") / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    return validate_stage(load_stage(inputs))


def _records(sample, contract_no):
    contract = next(c for c in sample.data("contracts") if c["contract_no"] == contract_no)
    supplier = next(s for s in sample.data("suppliers") if s["supplier_id"] == contract["supplier_id"])
    items = [i for i in sample.data("contract_items") if i["contract_no"] == contract_no]
    return copy.deepcopy(contract), copy.deepcopy(supplier), copy.deepcopy(items)


@pytest.fixture(scope="module")
def rendered(sample, tmp_path_factory):
    """The clause cells of one rendered contract of each type: [(zh paragraphs, en paragraphs)]."""
    from pipeline.config.policy import load_policy

    policy, terms = load_policy(SAMPLE_INPUTS / "policy.yaml"), load_terms()
    out = {}
    for ctype in CONTRACT_TYPES:
        ctx = contract_context(*_records(sample, SAMPLE_CONTRACT[ctype]), policy, terms)
        path = tmp_path_factory.mktemp(ctype) / "c.docx"
        path.write_bytes(render_docx(TEMPLATES[ctype], ctx, path.name))
        cells = []
        for table in Document(str(path)).tables:
            for row in table.rows:
                if len(row.cells) == 2:
                    cells.append(tuple([p.text for p in c.paragraphs] for c in row.cells))
        out[ctype] = cells
    return out


def _clause_cell(cells, number):
    found = [(zh, en) for zh, en in cells if zh and NUMBER.match(zh[0]) and zh[0].startswith(number + SP)]
    assert len(found) == 1, f"clause {number}: {len(found)} clause rows start with that number"
    return found[0]


@pytest.mark.parametrize("ctype", CONTRACT_TYPES)
def test_every_clause_in_the_map_opens_a_clause_with_its_number_and_title(rendered, ctype):
    clauses = shipped_clauses().by_type[ctype]
    assert {"confidentiality", "termination_security", "notices", "liability_cap", "anti_bribery"} <= clauses.keys()
    for cid, clause in clauses.items():
        zh, en = _clause_cell(rendered[ctype], clause.number)
        assert en[0].startswith(clause.number + SP), (cid, en[0][:40])
        if clause.item_zh:
            assert any(p.startswith(f"{clause.item_zh}{clause.title_zh}：") for p in zh), (cid, zh)
            assert any(p.startswith(f"{clause.item_en} {clause.title_en}: ") for p in en), (cid, en)
        else:
            assert zh[0].startswith(f"{clause.number}{SP}{clause.title_zh}。"), (cid, zh[0][:40])
            assert en[0].startswith(f"{clause.number}{SP}{clause.title_en}. "), (cid, en[0][:60])


@pytest.mark.parametrize("ctype", CONTRACT_TYPES)
def test_every_numbered_clause_of_a_contract_is_in_the_map(rendered, ctype):
    numbers = {c.number for c in shipped_clauses().by_type[ctype].values()}
    in_document = [NUMBER.match(zh[0]).group(1) for zh, _ in rendered[ctype] if zh and NUMBER.match(zh[0])]
    assert len(in_document) == len(set(in_document)), "a clause number appears twice"
    assert set(in_document) == numbers
    # numbered in order, article by article
    keys = [tuple(map(int, n.split("."))) for n in in_document]
    assert keys == sorted(keys)


def test_citations_read_as_a_notice_writes_them():
    c = shipped_clauses().cite("labor_dispatch", "termination_security")
    assert (c.ref_zh, c.ref_en) == ("第5.3条第（三）项", "Clause 5.3(c)")
    assert shipped_clauses().cite("labor_outsourcing", "work_acceptance").ref_zh == "第2.3条"
    assert shipped_clauses().cite("labor_dispatch", "equal_pay").title_en == "Equal pay for equal work"
    assert shipped_clauses().cite("service", "notices").number == "8.4"
