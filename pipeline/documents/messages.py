"""The message catalogue's words for a code and its facts, as documents, reports and the
terminal show them: text(code, facts) -> (zh, en). Facts are plain values (Decimal, ISO dates,
ints, IDs); formatting them for reading is done here, with pipeline.documents.formatting."""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from pipeline.compute import codes
from pipeline.config.labels import label
from pipeline.config.messages import Catalogue, load
from pipeline.documents.formatting import date_en, date_zh, fixed, money


@cache
def lower_words(text: str) -> str:
    """Lower case for the middle of an English sentence, acronyms kept: "IT services", "NDA"."""
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in text.split(" "))


@cache  # (a decorator lost to an insertion once made every run parse the catalogue ~300 times)
def catalogue() -> Catalogue:
    """schemas/messages.yaml, loaded once and checked against every code the core emits."""
    return load(required=codes.CODES)


PEOPLE_SHOWN = 8  # workers named in one flag; the rest counted


def _people(items: Any, lang: str) -> str:
    rows = list(items or ())
    shown, more = rows[:PEOPLE_SHOWN], len(rows) - min(len(rows), PEOPLE_SHOWN)
    if lang == "zh":
        return "、".join(f"{wid}（{masked}）" for wid, masked in shown) + (f"等{len(rows)}人" if more else "")
    return ", ".join(f"{wid} ({masked})" for wid, masked in shown) + (f" and {more} more" if more else "")


def _rosters(items: Any, lang: str) -> str:
    if lang == "zh":
        return "；".join(f"{r['worker_id']}（{r['masked_id']}）同时在{'、'.join(r['others'])}的花名册上" for r in items)
    return "; ".join(
        f"{r['worker_id']} ({r['masked_id']}) also on the roster of {', '.join(r['others'])}" for r in items
    )


def _apply(value: Any, spec: str, lang: str) -> Any:
    for f in filter(None, spec.split("|")):
        name, _, arg = f.partition("=")
        if name == "date":
            value = (date_zh if lang == "zh" else date_en)(value)
        elif name in ("fixed", "fixed0", "fixed1"):
            value = fixed(Decimal(str(value)), int(name[5:] or 2))
        elif name == "plain":
            value = "" if value is None else f"{Decimal(str(value)):f}"
            value = value.rstrip("0").rstrip(".") if "." in value else value
        elif name == "money":
            value = money(Decimal(str(value)))
        elif name == "count":
            value = f"{int(value):,}"
        elif name == "label":
            value = label(arg, value)[0 if lang == "zh" else 1]
        elif name == "lower":
            value = lower_words(str(value))
        elif name == "join":
            value = arg.join(str(v) for v in value)
        elif name == "prefix":
            value = f"{arg}{value}" if value else ""
        elif name == "people":
            value = _people(value, lang)
        elif name == "rosters":
            value = _rosters(value, lang)
        else:  # the loader rejects unknown filters; a guard all the same
            raise ValueError(f"unknown filter {name!r}")
    return "" if value is None else value


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        return str(_apply(value, format_spec, self.lang))


_FORMATTERS = {"zh": _Formatter("zh"), "en": _Formatter("en")}


def text(code: str, facts: Mapping[str, Any] | None = None, cat: Catalogue | None = None) -> tuple[str, str]:
    """(Chinese, English) sentences for a code and its facts."""
    message = (cat or catalogue())[code]
    facts = dict(facts or {})
    values = {name: facts.get(name) for name in message.facts}
    return _FORMATTERS["zh"].vformat(message.zh, (), values), _FORMATTERS["en"].vformat(message.en, (), values)


codes.set_renderer(lambda code, facts: text(code, facts))  # the core's compatibility properties (see codes.render)


def joined(items: Any, cat: Catalogue | None = None) -> tuple[str, str]:
    """Several coded facts (objects with .code and .facts) as one text per language: "；" / "; "."""
    texts = [text(i.code, i.facts, cat) for i in items]
    if len(texts) == 1:
        return texts[0]
    # each sentence's own full stop gives way to the separator ("。；" and ".;" read as typos)
    zh = "；".join(z.rstrip("。；") for z, _ in texts[:-1]) + "；" + texts[-1][0]
    en = "; ".join(e.rstrip(".; ") for _, e in texts[:-1]) + "; " + texts[-1][1]
    return zh, en


RULE_KINDS = (("risk", "Risk early warning (风险预警)"), ("workforce", "Workforce checks (用工合规)"))


def rules_markdown(cat: Catalogue | None = None) -> str:
    """The README's list of rules, from the catalogue: one line per flag code."""
    cat = cat or catalogue()
    lines = []
    for kind, title in RULE_KINDS:
        lines.append(f"*{title}*")
        lines.append("")
        for m in cat.messages.values():
            if m.kind == kind and m.rule_en:
                lines.append(f"- `{m.code}`: {m.rule_en}; {m.rule_zh}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
