"""Random and mutated bytes into every reader: a clean refusal or a clean result, never an
exception escaping (the drop folder is written by people the service does not control)."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from builders import evaluation, supplier, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config.aliases import load_aliases
from pipeline.errors import ConfigError
from pipeline.intake.folder import InputFile, kind_of
from pipeline.load.reader import RawTable, read_input
from pipeline.settings import Limits

LIMITS = Limits(max_file_bytes=2 * 1024 * 1024, max_rows=2_000)
ALIASES = load_aliases(None)
# FUZZ_EXAMPLES=2000 for a longer search; 60 per reader keeps the suite fast
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _seed_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = write_rows(Path(folder) / "suppliers.xlsx", [supplier("S1"), supplier("S2")])
        return path.read_bytes()


SEEDS = {
    ".xlsx": _seed_xlsx(),
    ".csv": "供应商编号,供应商名称,状态\nS1,甲公司,合格\nS2,乙公司,考察期\n".encode(),
    ".json": json.dumps([evaluation("S1"), evaluation("S2")], ensure_ascii=False, default=str).encode(),
}


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """The seed with some bytes flipped, cut short, spliced or repeated — what an interrupted
    copy, a broken tool or an attacker leaves."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        how = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if how == "flip":
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at:]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            piece = data[at : at + draw(st.integers(1, 200))]
            data[at:at] = bytes(piece) * draw(st.integers(1, 20))
    return bytes(data)


def _read(suffix: str, data: bytes, kind: str = "suppliers") -> list[RawTable]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{kind}_fuzz{suffix}"
        path.write_bytes(data)
        file = InputFile(path, kind_of(path.name), "0" * 64, len(data))
        tables = read_input(file, ALIASES, LIMITS)
    assert isinstance(tables, list) and all(isinstance(t, RawTable) for t in tables)
    for table in tables:
        for issue in table.issues:  # every refusal says why, in both languages
            assert issue.message_zh and issue.message_en
    return tables


@pytest.mark.parametrize("suffix", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_files_are_read_or_refused_cleanly(suffix, data):
    _read(suffix, data.draw(mutated(SEEDS[suffix])), "evaluations" if suffix == ".json" else "suppliers")


@pytest.mark.parametrize("suffix", sorted(SEEDS))
@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes_are_refused_cleanly(suffix, blob):
    _read(suffix, blob)


@FUZZ
@given(data=st.data())
def test_a_zip_with_random_members_is_refused_cleanly(data):
    """A zip that looks like a workbook from outside (content types, xl/ parts) with junk inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", data.draw(st.binary(max_size=300)))
        for name in data.draw(
            st.lists(
                st.sampled_from(
                    [
                        "xl/workbook.xml",
                        "xl/_rels/workbook.xml.rels",
                        "xl/worksheets/sheet1.xml",
                        "xl/sharedStrings.xml",
                    ]
                ),
                unique=True,
            )
        ):
            z.writestr(name, data.draw(st.binary(max_size=600)))
    _read(".xlsx", buffer.getvalue())


POLICY = (Path(__file__).resolve().parent.parent / "inputs" / "policy.yaml").read_bytes()


@FUZZ
@given(data=st.data())
def test_mutated_policy_yaml_is_read_or_refused_with_a_message(data):
    from pipeline.config.policy import read_policy

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "policy.yaml"
        path.write_bytes(data.draw(mutated(POLICY)))
        try:
            read_policy(path).policy  # noqa: B018
        except ConfigError as exc:
            assert exc.message_zh and exc.message_en


@FUZZ
@given(text=st.text(max_size=400))
def test_random_yaml_text_is_parsed_or_refused_with_a_message(text):
    from pipeline.config.yamlfile import parse_yaml

    try:
        parse_yaml(text.encode("utf-8", "surrogatepass"), "fuzz.yaml")
    except ConfigError as exc:
        assert exc.message_zh and exc.message_en
