"""schemas/contract_terms.yaml: Party A's particulars, default terms and venue names, checked once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.config.resources import schemas_dir
from pipeline.config.yamlfile import parse_yaml
from pipeline.errors import ConfigError
from pipeline.identifiers import is_valid_uscc

CURRENCY_NAMES = {"CNY": ("人民币", "RMB"), "USD": ("美元", "USD"), "HKD": ("港币", "HKD"), "EUR": ("欧元", "EUR")}

# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ContractTerms:
    """schemas/contract_terms.yaml: Party A's particulars, default terms, venue names."""

    party_a: dict[str, str]
    defaults: dict[str, Any]
    venues: dict[str, str]
    cities: dict[str, str]
    scope_by_category: dict[str, dict[str, str]]
    dispatch_damages: dict[str, Any] = field(default_factory=dict)
    integrity_damages: Decimal = Decimal(0)
    source: str = ""
    sha256: str = ""


_PARTY_A_FIELDS = (
    "uscc",
    "legal_rep",
    "address_zh",
    "address_en",
    "contact_name",
    "contact_phone",
    "contact_email",
    "sign_place_zh",
    "sign_place_en",
)
_DEFAULT_INTS = (
    "term_years",
    "force_majeure_days",
    "handover_days",
    "cure_days",
    "termination_notice_days",
    "security_notice_hours",
    "data_return_days",
    "permit_notice_days",
    "counterparts",
    "consecutive_d_grades",
    "replacement_days",
    "payment_overdue_days",
    "liability_cap_months",
    "continuity_restore_hours",
)
# 劳务派遣协议的违约金（元）: the agency's breaches, deducted from the management fee only
DISPATCH_DAMAGES = ("wage_late_per_day", "insurance_proof_missing", "replacement_late_per_day", "unlicensed")


def load_terms(path: Path | None = None) -> ContractTerms:
    path = path or schemas_dir() / "contract_terms.yaml"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            "无法读取合同参数文件", f"cannot read the contract settings ({exc.strerror})", file=str(path)
        ) from exc
    data = parse_yaml(raw, str(path)).data
    problems = []
    if not isinstance(data, dict):
        raise ConfigError(
            "合同参数文件为空或格式错误", "the contract settings file is empty or not a mapping", file=str(path)
        )
    party_a = {k: str(v) for k, v in (data.get("party_a") or {}).items()}
    for key in _PARTY_A_FIELDS:
        if not party_a.get(key):
            problems.append(f"party_a.{key}: 必填 / required")
    if party_a.get("uscc") and not is_valid_uscc(party_a["uscc"]):
        problems.append(
            f"party_a.uscc {party_a['uscc']}: 统一社会信用代码校验位错误 / invalid unified social credit code"
        )
    defaults = dict(data.get("defaults") or {})
    for key in _DEFAULT_INTS:
        if not isinstance(defaults.get(key), int) or isinstance(defaults.get(key), bool) or defaults[key] < 0:
            problems.append(f"defaults.{key}: 应为非负整数 / must be a whole number ≥ 0")
    if defaults.get("currency") not in CURRENCY_NAMES:
        problems.append(
            f"defaults.currency: 应为 {'/'.join(CURRENCY_NAMES)} / must be one of {', '.join(CURRENCY_NAMES)}"
        )
    if defaults.get("language_precedence") not in ("zh", "en"):
        problems.append("defaults.language_precedence: 应为 zh 或 en / must be zh or en")
    scope = data.get("scope_by_category") or {}
    for cat in ("it_services", "facility", "logistics", "labor_outsourcing", "labor_dispatch", "other"):
        if not isinstance(scope.get(cat), dict) or not scope[cat].get("zh") or not scope[cat].get("en"):
            problems.append(f"scope_by_category.{cat}: 需要 zh 和 en / needs zh and en")
    damages: dict[str, Decimal] = {}
    raw_damages = data.get("dispatch_damages") or {}
    for key in DISPATCH_DAMAGES:
        try:
            damages[key] = Decimal(str(raw_damages.get(key)))
            if not damages[key].is_finite() or damages[key] < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(f"dispatch_damages.{key}: 应为不小于0的金额 / must be an amount ≥ 0")
    try:
        integrity = Decimal(str(data.get("integrity_damages")))
        if not integrity.is_finite() or integrity < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        integrity = Decimal(0)
        problems.append("integrity_damages: 应为不小于0的金额 / must be an amount ≥ 0")
    if problems:
        raise ConfigError(
            "合同参数不完整或有误", "the contract settings are incomplete or wrong", file=str(path), details=problems
        )
    return ContractTerms(
        party_a,
        defaults,
        {str(k): str(v) for k, v in (data.get("venues") or {}).items()},
        {str(k): str(v) for k, v in (data.get("cities") or {}).items()},
        {k: {"zh": str(v["zh"]), "en": str(v["en"])} for k, v in scope.items()},
        damages,
        integrity,
        source=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
