"""Supplier selection (`vendorflow select`): gates, weighted ranking, tie-break, documents.

The sample event SEL-2026-11 is checked the way a committee member would: from the
report's own score table, recompute every total and the whole ranking by hand.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import ROOT, SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.compute.selection import Criterion, evaluate_event, load_selection_policy, selection_policy_from_dict
from pipeline.documents.selection import gate_detail, report_context, tie_notes
from pipeline.errors import ConfigError
from pipeline.runs.selection import run_selection

EVENT = "SEL-2026-11"
FIXTURE = ROOT / "tests" / "fixtures" / "contexts" / "selection_report.json"


def q2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.fixture(scope="module")
def newcomer_run(tmp_path_factory):
    """The sample event with S019 (not yet in the supplier master) a point stronger on
    technical skill, so that the newcomer wins and its supplier-master row is written."""
    out = tmp_path_factory.mktemp("select-newcomer")
    inputs = tmp_path_factory.mktemp("select-newcomer-inputs") / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    path = inputs / "candidates.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]  # a title row, then the header
    sid, tech = header.index("供应商编号") + 1, next(i for i, h in enumerate(header, 1) if "技术" in str(h))
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, sid).value == "S019")
    ws.cell(row=row, column=tech, value=float(ws.cell(row=row, column=tech).value) + 1)
    wb.save(path)
    summary = run_selection(inputs, out, EVENT)
    assert summary.result.winner.supplier_id == "S019"
    return summary, out / "selection" / EVENT, inputs


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("select")
    inputs = tmp_path_factory.mktemp("select-inputs") / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)  # runs archive their inputs: never the repository's
    summary = run_selection(inputs, out, EVENT)
    return summary, out / "selection" / EVENT


def score_table(docx: Path):
    """The report's score table: (criteria [(header, weight)], rows as dicts)."""
    tables = docx_tables(docx)
    table = next(t for t in tables if t[0][0].startswith("排名") and "加权总分" in t[0][-2])
    head = table[0]
    criteria = [(cell, Decimal(cell.strip().splitlines()[-1].rstrip("%"))) for cell in head[3:-2]]
    rows = []
    for r in table[1:]:
        rows.append(
            {
                "rank": r[0].strip(),
                "id": r[1].splitlines()[0].strip(),
                "quote": Decimal(r[2].replace(",", "")),
                "scores": [Decimal(c) for c in r[3:-2]],
                "total": Decimal(r[-2]),
                "status": r[-1],
            }
        )
    return criteria, rows


# --------------------------------------------------------------------------- the sample event


def test_ranking_can_be_verified_by_hand_from_the_reports_own_table(sample_run):
    summary, root = sample_run
    criteria, rows = score_table(root / f"selection_{EVENT}.docx")
    assert [name.splitlines()[0] for name, _ in criteria] == [
        "信誉",
        "经验",
        "技术能力",
        "财务状况",
        "价格",
        "交付能力",
        "合规性",
    ]
    assert sum(w for _, w in criteria) == 100
    assert len(rows) == 8
    for row in rows:  # every total recomputed from the row's own scores
        assert all(Decimal(0) <= s <= 100 for s in row["scores"])
        assert q2(sum(w * s for (_, w), s in zip(criteria, row["scores"])) / 100) == row["total"], row["id"]
    ranked = [r for r in rows if r["rank"] != "—"]
    excluded = [r for r in rows if r["rank"] == "—"]
    # the order of the totals shown (ties aside), which rounding never reverses here
    assert all(a["total"] >= b["total"] for a, b in zip(ranked, ranked[1:]))
    assert [int(r["rank"]) for r in ranked] == list(range(1, 7))
    # S008 and S019 look tied at 91.00 only because the totals are rounded: the exact totals
    # rank S008 first (the tie-break once gave the award to S019, the dearer bid), and the
    # report shows the decimals that decide
    assert ranked[0]["total"] == ranked[1]["total"] == Decimal("91.00")
    assert (ranked[0]["id"], ranked[1]["id"]) == ("S008", "S019")
    assert ranked[0]["quote"] < ranked[1]["quote"]
    assert "未经四舍五入的总分较高（91.0001 > 90.9999）" in ranked[0]["status"]
    assert "higher exact total (91.0001 > 90.9999)" in ranked[0]["status"]
    # two candidates failed different gates: shown with the gate, not ranked
    assert {r["id"] for r in excluded} == {"S018", "S020"}
    s018 = next(r for r in excluded if r["id"] == "S018")
    s020 = next(r for r in excluded if r["id"] == "S020")
    assert "劳务派遣许可" in s018["status"] and "dispatch permit" in s018["status"]
    assert "现场考察" in s020["status"] and "site inspection" in s020["status"]
    # S018's quote is the lowest of all, but a failed candidate never sets the price benchmark
    price = [i for i, (name, _) in enumerate(criteria) if name.startswith("价格")][0]
    lowest_valid = min(r["quote"] for r in ranked)
    assert s018["quote"] < lowest_valid
    for r in ranked:
        assert r["scores"][price] == q2(lowest_valid / r["quote"] * 100)
    assert summary.exit_code == 0 and not summary.issues


def test_report_states_the_rule_gates_and_recommendation(sample_run):
    _, root = sample_run
    path = root / f"selection_{EVENT}.docx"
    text = docx_text(path)
    for phrase in (
        "供应商选择评审报告",
        "Supplier Selection Evaluation Report",
        "平局规则",
        "Tie-break",
        "①技术能力得分高者排前",
        "the higher technical score",
        "加权总分 = Σ（权重 × 单项得分）÷ 100",
        "推荐中选供应商",
        "备选供应商",
        "Back-up supplier",
        "2026年11月20日",
        "November 20, 2026",
        "经公司管理层审批后确定最终供应商",
        "按未经四舍五入的加权总分排序",
        "exact weighted totals",
    ):
        assert phrase in text, phrase
    gates = next(t for t in docx_tables(path) if t[0][0].startswith("候选供应商") and "营业执照" in t[0][1])
    by_id = {row[0].splitlines()[0]: row for row in gates[1:]}
    assert "未通过" in by_id["S018"][2] and "未通过" not in by_id["S018"][4]
    assert "未通过" in by_id["S020"][4] and "未通过" not in by_id["S020"][2]
    assert "不适用" in by_id["S019"][2]  # 劳务外包: no dispatch permit needed
    recommendation = text.split("七、推荐意见")[1]
    assert recommendation.index("S008") < recommendation.index("S019")
    assert (
        "与S019的加权总分四舍五入后为91.00与91.00分，按未经四舍五入的总分排名第一："
        "未经四舍五入的总分较高（91.0001 > 90.9999）" in recommendation
    )
    with open(path, "rb") as f:
        assert b"word/media/" in f.read()  # the chart is in the document


def test_workbook_has_the_same_table(sample_run):
    _, root = sample_run
    criteria, rows = score_table(root / f"selection_{EVENT}.docx")
    ws = load_workbook(root / f"selection_{EVENT}.xlsx")["评分汇总 Scores"]
    header = [c.value for c in ws[1]]
    sheet = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(sheet) == {r["id"] for r in rows}
    for row in rows:
        got = sheet[row["id"]]
        assert Decimal(str(got["加权总分 Weighted total"])) == row["total"]
        assert str(got["排名 Rank"]) == row["rank"]
        scores = [Decimal(str(got[h])).quantize(Decimal("0.01")) for h in header[6 : 6 + len(criteria)]]
        assert scores == row["scores"]


def test_winner_row_is_a_supplier_master_row_that_validates(newcomer_run, tmp_path):
    _, root, _ = newcomer_run
    assert "winner_supplier_row.xlsx" in docx_text(root / f"selection_{EVENT}.docx")
    wb = load_workbook(root / "winner_supplier_row.xlsx")
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    assert header[:5] == ["供应商编号", "供应商名称", "英文名称", "统一社会信用代码", "供应商类别"]
    row = dict(zip(header, (c.value for c in ws[3])))
    assert (row["供应商编号"], row["供应商名称"], row["供应商类别"], row["状态"]) == (
        "S019",
        "杭州众诚企业服务有限公司",
        "劳务外包",
        "候选",
    )
    assert row["联系人"] is None  # to be filled in by the office
    dropped = tmp_path / "suppliers_S019.xlsx"
    shutil.copy(root / "winner_supplier_row.xlsx", dropped)
    assert main(["validate", str(dropped)]) == 0


def test_manifest_and_byte_identical_rerun(newcomer_run, tmp_path):
    summary, root, newcomer_inputs = newcomer_run
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == {f"selection_{EVENT}.docx", f"selection_{EVENT}.xlsx", "winner_supplier_row.xlsx"}
    for rel, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256((root / rel).read_bytes()).hexdigest()
    assert listed["winner_supplier_row.xlsx"]["supplier_id"] == "S019"
    assert {i["kind"] for i in manifest["inputs"]} == {"candidates", "suppliers"}
    inputs = tmp_path / "inputs"
    shutil.copytree(newcomer_inputs, inputs, ignore=shutil.ignore_patterns("archive", "rejected"))
    again = run_selection(inputs, tmp_path, EVENT).outputs
    for rel in listed:
        assert (again / rel).read_bytes() == (root / rel).read_bytes(), rel


def test_built_context_matches_the_template_fixture(sample_run):
    from test_render import _keys_match, _shape

    summary, _ = sample_run
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    built = report_context(
        summary.result,
        [SimpleNamespace(file="f.xlsx", row=2, column="列", value="v", message_zh="中文", message_en="English")],
    )
    assert _keys_match(_shape(expected), _shape(built)) == []


# --------------------------------------------------------------------------- the command line


def _edit_candidates(inputs: Path, change) -> None:
    path = inputs / "candidates.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    rows = {ws.cell(r, header.index("供应商编号") + 1).value: r for r in range(3, ws.max_row + 1)}
    change(ws, header, rows)
    wb.save(path)


def test_cli_select_runs_the_flow(sample_inputs, tmp_path, prefect_harness, capsys):
    assert main(["select", "--event", EVENT, "--inputs", str(sample_inputs), "--outputs", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "推荐中选 Recommended" in out and "S019" in out
    assert (tmp_path / "selection" / EVENT / f"selection_{EVENT}.docx").is_file()


def test_weights_not_adding_to_100_cannot_run(sample_inputs, tmp_path, capsys):
    policy = sample_inputs / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(
        text.replace("name_en: Compliance, weight: 5,", "name_en: Compliance, weight: 10,"), encoding="utf-8"
    )
    assert main(["select", "--event", EVENT, "--inputs", str(sample_inputs), "--outputs", str(tmp_path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "权重合计为105" in err and "weights add up to 105, not 100" in err
    assert not (tmp_path / "selection").exists()


def test_score_out_of_range_is_reported_and_that_candidate_left_out(sample_inputs, tmp_path, prefect_harness, capsys):
    spot = {}

    def change(ws, header, rows):
        spot["row"] = rows["S014"]
        ws.cell(rows["S014"], header.index("技术能力") + 1, value=130)

    _edit_candidates(sample_inputs, change)
    assert main(["select", "--event", EVENT, "--inputs", str(sample_inputs), "--outputs", str(tmp_path)]) == 1
    root = tmp_path / "selection" / EVENT
    report = json.loads((root / "errors" / "validation_report.json").read_text(encoding="utf-8"))
    issue = report["issues"][0]
    assert (issue["file"], issue["row"], issue["column"], issue["value"]) == (
        "candidates.xlsx",
        spot["row"],
        "技术能力",
        "130",
    )
    assert "100" in issue["message_zh"] and "100" in issue["message_en"]
    _, rows = score_table(root / f"selection_{EVENT}.docx")
    assert "S014" not in {r["id"] for r in rows}
    text = docx_text(root / f"selection_{EVENT}.docx")
    assert "应不大于100" in text.split("八、被拒绝的输入数据")[1]
    err = capsys.readouterr().err
    assert "candidates.xlsx" in err and "技术能力" in err


def test_event_with_no_valid_candidate(sample_inputs, tmp_path, prefect_harness, capsys):
    def change(ws, header, rows):
        for r in rows.values():
            ws.cell(r, header.index("现场考察通过") + 1, value="否")

    _edit_candidates(sample_inputs, change)
    assert main(["select", "--event", EVENT, "--inputs", str(sample_inputs), "--outputs", str(tmp_path)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "没有通过全部准入条件的候选供应商" in err and "has no valid candidate" in err
    root = tmp_path / "selection" / EVENT
    text = docx_text(root / f"selection_{EVENT}.docx")
    assert "不作推荐" in text and "No recommendation" in text
    assert not (root / "winner_supplier_row.xlsx").exists()
    _, rows = score_table(root / f"selection_{EVENT}.docx")
    assert all(r["rank"] == "—" and "现场考察" in r["status"] for r in rows)


def test_unknown_event_names_the_events_there_are(sample_inputs, tmp_path, prefect_harness, capsys):
    assert main(["select", "--event", "SEL-2099-01", "--inputs", str(sample_inputs), "--outputs", str(tmp_path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "找不到评选编号" in err and "no candidates rows for event" in err and EVENT in err
    assert not (tmp_path / "selection").exists()


# --------------------------------------------------------------------------- rules in isolation


def _policy(**changes) -> dict:
    data = yaml.safe_load((SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8"))
    data["selection"].update(changes)
    return data


def _rec(row: int, **data):
    base = dict(
        event_id="E1",
        event_date="2026-11-20",
        name_zh="某公司",
        category="labor_outsourcing",
        uscc="91310114MA1J9T5W8M",
        license_expiry="permanent",
        reputation=Decimal(80),
        experience=Decimal(80),
        technical=Decimal(80),
        financial=Decimal(80),
        delivery=Decimal(80),
        compliance=Decimal(80),
        quoted_price=Decimal(1000),
        background_check_passed=True,
        site_inspection_passed=True,
    )
    base.update(data)
    return SimpleNamespace(kind="candidates", file="candidates.xlsx", row=row, data=base, columns={})


def test_policy_problems_are_bilingual_config_errors():
    with pytest.raises(ConfigError, match="price_relative"):
        selection_policy_from_dict(
            _policy(
                criteria=[
                    {
                        "field": "technical",
                        "name_zh": "技术",
                        "name_en": "Tech",
                        "weight": 100,
                        "method": "price_relative",
                    }
                ]
            )
        )
    with pytest.raises(ConfigError, match="listed twice"):
        selection_policy_from_dict(
            _policy(
                criteria=[
                    {"field": "technical", "name_zh": "技术", "name_en": "Tech", "weight": 50, "method": "given"},
                    {"field": "technical", "name_zh": "技术", "name_en": "Tech", "weight": 50, "method": "given"},
                ]
            )
        )
    with pytest.raises(ConfigError) as exc:
        selection_policy_from_dict(
            _policy(
                criteria=[
                    {"field": "technical", "name_zh": "技术", "name_en": "Tech", "weight": 100, "method": "linear"}
                ]
            )
        )
    assert "from" in str(exc.value) and "不符合格式要求" in str(exc.value)
    data = _policy()
    del data["selection"]
    with pytest.raises(ConfigError, match="no selection section"):
        selection_policy_from_dict(data)
    assert load_selection_policy(SAMPLE_INPUTS / "policy.yaml").min_total == 60


def test_linear_mapping_and_price_cap():
    c = Criterion("delivery", "交付", "Delivery", Decimal(100), "linear", Decimal(40), Decimal(90))
    from pipeline.compute.selection import criterion_score

    assert criterion_score(c, {"delivery": Decimal(65)}, None) == Decimal("50.00")
    assert criterion_score(c, {"delivery": Decimal(95)}, None) == Decimal("100.00")
    assert criterion_score(c, {"delivery": Decimal(30)}, None) == Decimal("0.00")
    down = Criterion("delivery", "交付", "Delivery", Decimal(100), "linear", Decimal(90), Decimal(40))
    assert criterion_score(down, {"delivery": Decimal(50)}, None) == Decimal("80.00")
    price = Criterion("price", "价格", "Price", Decimal(100), "price_relative")
    assert criterion_score(price, {"quoted_price": Decimal(900)}, Decimal(1000)) == Decimal("100.00")
    assert criterion_score(price, {"quoted_price": Decimal(3000)}, Decimal(1000)) == Decimal("33.33")


def test_gates_blacklist_licence_and_status():
    data = _policy()
    data["selection"]["blacklist"].append({"supplier_id": "B2", "reason_zh": "欺诈", "reason_en": "fraud"})
    policy = selection_policy_from_dict(data)
    records = [
        _rec(3, supplier_id="A1"),
        _rec(4, supplier_id="B1", uscc="91310113MA1G4R2K5G"),  # on the policy's blacklist by USCC
        _rec(5, supplier_id="B2"),  # by supplier ID
        _rec(6, supplier_id="L1", license_expiry="2026-11-19"),  # expired the day before
        _rec(7, supplier_id="X1"),  # exited in the master
        _rec(8, supplier_id="D1", category="labor_dispatch"),  # dispatch without a permit
        _rec(9, supplier_id="N1", background_check_passed=None),
    ]  # no background check result
    masters = {
        "X1": {
            "supplier_id": "X1",
            "name_zh": "已退出公司",
            "status": "exited",
            "category": "other",
            "uscc": "91330110MA2H3N6B31",
            "license_expiry": "permanent",
        }
    }
    result = evaluate_event("E1", records, masters, policy)
    failed = {c.supplier_id: [g.key for g in c.failed_gates] for c in result.candidates}
    assert failed == {
        "A1": [],
        "B1": ["blacklist"],
        "B2": ["blacklist"],
        "L1": ["business_licence"],
        "X1": ["blacklist"],
        "D1": ["dispatch_permit"],
        "N1": ["background_check"],
    }
    assert result.winner.supplier_id == "A1" and result.backup is None
    x1 = next(c for c in result.candidates if c.supplier_id == "X1")
    assert "已退出" in gate_detail(x1.gate("blacklist"))[0]
    ctx = report_context(result, [])
    assert any("无备选供应商" in n["zh"] for n in ctx["notes"])


def test_tie_broken_by_price_then_id_and_min_score_gate():
    policy = selection_policy_from_dict(_policy())
    records = [
        _rec(3, supplier_id="P2", quoted_price=Decimal(1000)),
        _rec(4, supplier_id="P1", quoted_price=Decimal(1000)),
        _rec(5, supplier_id="P3", quoted_price=Decimal(1000)),
        _rec(
            6,
            supplier_id="LOW",
            reputation=Decimal(0),
            experience=Decimal(0),
            technical=Decimal(0),
            financial=Decimal(0),
            delivery=Decimal(0),
            compliance=Decimal(0),
            quoted_price=Decimal(5000),
        ),
    ]
    result = evaluate_event("E1", records, {}, policy)
    assert [c.supplier_id for c in result.ranked] == ["P1", "P2", "P3"]  # all equal: supplier ID order
    assert "供应商编号顺序" in tie_notes(result.ranked[0])[0][0]
    low = next(c for c in result.candidates if c.supplier_id == "LOW")
    assert [g.key for g in low.failed_gates] == ["min_total_score"] and low.total == Decimal("5.00")
    cheaper = [
        _rec(3, supplier_id="Q1", quoted_price=Decimal(1000), technical=Decimal(90), reputation=Decimal(70)),
        _rec(4, supplier_id="Q2", quoted_price=Decimal(1000), technical=Decimal(90), reputation=Decimal(70)),
    ]
    cheaper[1].data["quoted_price"] = Decimal(999)  # Q2 a fen cheaper: price scores differ
    result = evaluate_event("E1", cheaper, {}, policy)
    assert result.winner.supplier_id == "Q2"


def test_newcomer_without_name_or_category_and_blank_scores_are_rejected_rows():
    policy = selection_policy_from_dict(_policy())
    records = [
        _rec(3, supplier_id="A1"),
        _rec(4, supplier_id="NEW", name_zh=None, category=None),
        _rec(5, supplier_id="A2", technical=None),
        _rec(6, supplier_id="A3", event_date="2026-11-21"),
    ]
    result = evaluate_event("E1", records, {}, policy)
    assert [c.supplier_id for c in result.candidates] == ["A1"]
    where = {(i.row, i.field) for i in result.issues}
    assert where == {(4, "name_zh"), (4, "category"), (5, "technical"), (6, "event_date")}
    assert all(i.message_zh and i.message_en for i in result.issues)
    rules = {(i.row, i.field): i.rule for i in result.issues}
    assert rules == {
        (4, "name_zh"): "required_for_newcomer",
        (4, "category"): "required_for_newcomer",
        (5, "technical"): "criterion_value",
        (6, "event_date"): "event_date",
    }


def test_template_fonts_and_hostile_names_appear_literally(tmp_path):
    import re
    import zipfile

    from pipeline.documents.selection import chart_png, render_report

    with zipfile.ZipFile(ROOT / "contract_templates" / "selection_report.docx") as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        document = z.read("word/document.xml").decode("utf-8")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group()
    assert 'w:eastAsia="SimSun"' in defaults and 'w:eastAsia="zh-CN"' in defaults
    assert "｛" not in document and "｝" not in document
    policy = selection_policy_from_dict(_policy())
    hostile = "{{ 7*7 }}{% for x in range(3) %}X{% endfor %} & <Ltd>"
    result = evaluate_event(
        "E1", [_rec(3, supplier_id="H1", name_zh=hostile, name_en="A & B <Ltd>"), _rec(4, supplier_id="H2")], {}, policy
    )
    path = tmp_path / "hostile.docx"
    path.write_bytes(render_report(report_context(result, []), chart_png(result)))
    text = docx_text(path)
    assert hostile in text and "A & B <Ltd>" in text and "XXX" not in text
