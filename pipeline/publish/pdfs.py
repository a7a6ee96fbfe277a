"""A PDF beside each Word document of a period: what suppliers receive by default.

A period's PDFs live under `pdf/`, mirroring the documents (`pdf/settlements/S001_settlement_
2026-10.pdf` for `settlements/S001_settlement_2026-10.docx`); each manifest entry has the doc
type of its document with `_pdf` added and, as `context_sha256`, the sha256 of the .docx it was
converted from. A PDF whose document is unchanged is kept rather than converted again (a
rerun reproduces it byte for byte); one whose document changed is converted again or removed,
so a PDF never shows other figures than the Word file beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.errors import PdfFailed
from pipeline.publish.outputs import Written, previous_entries, still_valid, write_output

PDF_FOLDER = "pdf"
PDF_SUFFIX = "_pdf"
BATCH = 32  # documents handed to the converter at once (a batch converter starts LibreOffice per batch)


def pdf_path(document: str) -> str:
    """Where the PDF of a period's document lives, relative to the period folder."""
    stem = document[: -len(".docx")] if document.endswith(".docx") else document
    return f"{PDF_FOLDER}/{stem}.pdf"


def pdf_doc_type(doc_type: str) -> str:
    return doc_type + PDF_SUFFIX


def is_pdf(entry: Written) -> bool:
    return entry.doc_type.endswith(PDF_SUFFIX) and entry.path.endswith(".pdf")


def convertible(documents: Sequence[Written], doc_types: Sequence[str] | None = None) -> list[Written]:
    """The Word documents (of these types, when given) that can have a PDF."""
    return [d for d in documents if d.path.endswith(".docx") and (doc_types is None or d.doc_type in doc_types)]


def pdf_stage(
    root: Path,
    documents: Sequence[Written],
    convert: bool,
    make_converter: Callable[[], object] | None = None,
    previous: dict | None = None,
) -> list[Written]:
    """The PDFs of `documents`: an earlier one kept when its document is unchanged, the others
    converted when `convert` (else left out, and removed with the stale files). Each PDF is
    written whole (a temporary name, then renamed); a conversion that fails raises PdfFailed
    naming the document."""
    previous = previous_entries(root) if previous is None else previous
    kept: list[Written] = []
    todo: list[Written] = []
    for doc in convertible(documents):
        entry = previous.get(pdf_path(doc.path))
        if entry and entry.get("context_sha256") == doc.sha256 and still_valid(root, entry):
            kept.append(
                Written(entry["path"], entry["sha256"], entry["bytes"], entry["doc_type"], doc.supplier_id, doc.sha256)
            )
        elif convert:
            todo.append(doc)
    if not todo:
        return kept
    if make_converter is None:
        from pipeline.render.pdf import converter as make_converter
    written = list(kept)
    with make_converter() as conv:
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            try:
                pdfs = conv.convert([root / d.path for d in batch])
            except Exception as exc:
                failed = _failed_document(exc, batch)
                raise PdfFailed(failed, f"{type(exc).__name__}: {exc}") from exc
            for doc, data in zip(batch, pdfs):
                if not data.startswith(b"%PDF-"):
                    raise PdfFailed(doc.path, "LibreOffice wrote no PDF")
                written.append(
                    write_output(
                        root, pdf_path(doc.path), data, pdf_doc_type(doc.doc_type), doc.supplier_id, doc.sha256
                    )
                )
    return written


def _failed_document(exc: Exception, batch: Sequence[Written]) -> str:
    message = str(exc)
    for doc in batch:
        if Path(doc.path).name in message:
            return doc.path
    return batch[0].path if len(batch) == 1 else f"{len(batch)} documents ({batch[0].path} …)"


def complete_pdfs(root: Path, doc_types: Sequence[str], make_converter: Callable[[], object] | None = None) -> int:
    """The PDFs distribution needs and the monthly run did not make (run without --pdf): each
    intact document of these types without a current PDF is converted and added to the
    manifest, which is rewritten whole. The caller holds the period lock. Returns how many."""
    path = root / "manifest.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    entries = {f["path"]: f for f in body.get("files", [])}
    documents = [
        Written(f["path"], f["sha256"], f["bytes"], f["doc_type"], f.get("supplier_id"))
        for f in entries.values()
        if f["doc_type"] in doc_types and f["path"].endswith(".docx") and still_valid(root, f)
    ]
    missing = []
    for doc in documents:
        entry = entries.get(pdf_path(doc.path))
        if not entry or entry.get("context_sha256") != doc.sha256 or not still_valid(root, entry):
            missing.append(doc)
    if not missing:
        return 0
    made = pdf_stage(root, missing, True, make_converter, previous={})
    for w in made:
        entries[w.path] = w.as_dict()
    body["files"] = sorted(entries.values(), key=lambda f: f["path"])
    write_output(
        root, "manifest.json", (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), "manifest"
    )
    return len(made)
