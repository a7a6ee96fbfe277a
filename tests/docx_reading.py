"""Read generated documents as a reader would: every paragraph and table cell, in order."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from docx import Document


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tc"):
                    parts.append("".join(t.text or "" for t in row.iter() if t.tag.endswith("}t")))
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Each table as rows of cell texts (paragraphs in a cell joined by newlines)."""
    document = Document(str(path))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def money_figures(text: str) -> list[Decimal]:
    return [Decimal(m.replace(",", "")) for m in re.findall(r"\d{1,3}(?:,\d{3})*\.\d{2}", text)]
