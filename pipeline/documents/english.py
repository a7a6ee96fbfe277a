"""English for the English reader: a person's name in letters, and free text that has no English
said to be so, never Chinese characters in an English sentence or column.

Names come from their `*_en` companion when the office typed one; otherwise they are romanised
in Hanyu Pinyin (pypinyin) as Chinese names are written in English: surname first, given name as
one word (沈建平 → Shen Jianping, 欧阳晓 → Ouyang Xiao).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

# two-character surnames (复姓) that are romanised as one word
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 独孤 南宫 西门 万俟 闻人".split()
)
# 单 as a surname is Shan, 曾 Zeng, …: pypinyin's heteronym defaults for names
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "朴": "piao",
}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
NO_ENGLISH = "(in Chinese only)"


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text or ""))


def _syllables(text: str) -> list[str]:
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip()]


@lru_cache(maxsize=4096)
def romanised(name: str) -> str:
    """A Chinese personal name in Hanyu Pinyin (王示例 → Wang Shili); text in brackets (a
    department) and non-Chinese parts are kept as they are; a name in letters is returned as is."""
    name = (name or "").strip()
    if not has_chinese(name):
        return name
    head = re.split(r"[（(]", name, maxsplit=1)[0].strip()
    if not has_chinese(head):
        return name
    chinese = "".join(CJK.findall(head))
    split = 2 if chinese[:2] in COMPOUND_SURNAMES and len(chinese) > 2 else 1
    surname_zh, given_zh = chinese[:split], chinese[split:]
    surname = SURNAME_READINGS.get(surname_zh) or "".join(_syllables(surname_zh))
    given = "".join(_syllables(given_zh))
    return " ".join(p.capitalize() for p in (surname, given) if p)


def person_en(record: Mapping[str, Any], field: str) -> str:
    """`field`'s English form: `<field>_en` when given, else the name romanised; '' when none."""
    given = str(record.get(f"{field}_en") or "").strip()
    if given:
        return given
    return romanised(str(record.get(field) or ""))


def text_en(english: Any, chinese: Any, note: str = NO_ENGLISH) -> str:
    """Free text for an English column: its English companion, or — when only Chinese was given —
    a note that it is in Chinese only; '' when there is no text at all."""
    english = str(english or "").strip()
    if english:
        return english
    return note if str(chinese or "").strip() else ""
