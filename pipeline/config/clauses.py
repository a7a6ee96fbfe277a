"""schemas/clauses.yaml: which numbered clause of each contract type a document cites.

A notice that says "under the contract's provisions" does not hold up; one that says 第5.3条第（三）项
/ Clause 5.3(c) does. The numbers live in one data file beside the templates, so the legal department
renumbers a contract with one edit and every notice follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.config.resources import schemas_dir
from pipeline.config.yamlfile import parse_yaml
from pipeline.errors import ConfigError

CONTRACT_TYPES = ("service", "labor_outsourcing", "labor_dispatch")


@dataclass(frozen=True)
class Clause:
    """One clause (or one item of a clause's list) of one contract type."""

    id: str
    number: str
    title_zh: str
    title_en: str
    item_zh: str = ""
    item_en: str = ""

    @property
    def ref_zh(self) -> str:
        """第5.3条 / 第5.3条第（三）项"""
        return f"第{self.number}条" + (f"第{self.item_zh}项" if self.item_zh else "")

    @property
    def ref_en(self) -> str:
        """Clause 5.3 / Clause 5.3(c)"""
        return f"Clause {self.number}{self.item_en}"

    def as_context(self) -> dict[str, str]:
        return {
            "id": self.id,
            "number": self.number,
            "ref_zh": self.ref_zh,
            "ref_en": self.ref_en,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
        }


@dataclass(frozen=True)
class ClauseMap:
    by_type: dict[str, dict[str, Clause]]

    def cite(self, contract_type: str | None, clause_id: str) -> Clause:
        """The clause `clause_id` of the contract type (service when unknown)."""
        clauses = self.by_type.get(contract_type or "service") or self.by_type["service"]
        try:
            return clauses[clause_id]
        except KeyError:
            raise ConfigError(
                f"条款索引中没有条款“{clause_id}”", f"the clause map has no clause {clause_id!r}", file="clauses.yaml"
            ) from None


def load_clauses(path: Path | None = None) -> ClauseMap:
    path = path or schemas_dir() / "clauses.yaml"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError("无法读取条款索引", f"cannot read the clause map ({exc.strerror})", file=str(path)) from exc
    data = parse_yaml(raw, str(path)).data
    problems: list[str] = []
    by_type: dict[str, dict[str, Clause]] = {}
    for ctype in CONTRACT_TYPES:
        entries = (data or {}).get(ctype)
        if not isinstance(entries, dict):
            problems.append(f"{ctype}: 缺少该合同类型的条款 / no clauses for this contract type")
            continue
        by_type[ctype] = {}
        for cid, e in entries.items():
            if not isinstance(e, dict) or not all(str(e.get(k) or "") for k in ("number", "zh", "en")):
                problems.append(f"{ctype}.{cid}: 需要 number、zh 和 en / needs number, zh and en")
                continue
            by_type[ctype][str(cid)] = Clause(
                str(cid),
                str(e["number"]),
                str(e["zh"]),
                str(e["en"]),
                str(e.get("item_zh") or ""),
                str(e.get("item_en") or ""),
            )
    if problems:
        raise ConfigError(
            "条款索引不完整或有误", "the clause map is incomplete or wrong", file=str(path), details=problems
        )
    return ClauseMap(by_type)


@cache
def shipped_clauses() -> ClauseMap:
    """The clause map shipped beside the templates, read once per process."""
    return load_clauses()
