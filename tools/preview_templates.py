#!/usr/bin/env python3
"""Render every template with its fixture context and turn it into page images.

    python tools/preview_templates.py [--out /tmp/preview] [--dpi 70] [--no-pdf]
                                      [--edge-cases] [--image-check] [--only NAME ...]

For each ``contract_templates/<name>.docx`` with ``tests/fixtures/contexts/<name>.json``:
  1. render through docxtpl with a sandboxed, autoescaping Jinja environment
     (the same way the pipeline renders) -> ``<out>/<name>.docx``;
  2. convert to PDF with headless LibreOffice, with FONTCONFIG_FILE pointing at
     ``pipeline/fonts.conf`` (SimSun/SimHei -> Noto CJK) -> ``<out>/<name>.pdf``;
  3. rasterise with ``pdftoppm -png -r <dpi>`` -> ``<out>/<name>-<page>.png``.

Before rendering it also lints the templates: every Jinja tag must sit inside a single
run, and the rendered document must not contain any leftover ``{{`` / ``{%``.
``--edge-cases`` also renders the other branches (empty lists, no deadline, not rated, ...)
as ``<name>-edge``; ``--image-check`` renders the templates with picture fields once with a
docxtpl InlineImage and once with ``pipeline.render.Image`` in place of every chart
(``<name>-inline`` / ``<name>-image``) and checks that each picture landed in the document.
Then look at the PNGs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "contract_templates"
CONTEXTS = ROOT / "tests" / "fixtures" / "contexts"
FONTS_CONF = ROOT / "pipeline" / "fonts.conf"
NAMES = (
    "review_report",
    "settlement_statement",
    "portfolio_summary",
    "warning_letter",
    "improvement_notice",
    "termination_notice",
    "commendation_letter",
    "exit_review",
    "periodic_review",
    "periodic_portfolio",
)
# where each template takes a picture (dotted paths into its context)
CHARTS = {
    "review_report": ["trend.chart"],
    "portfolio_summary": ["grade_chart"],
    "periodic_review": ["chart"],
    "periodic_portfolio": ["chart"],
}

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def lint_template(path: Path) -> list[str]:
    """Problems with Jinja tags split over runs / paragraphs in a template."""
    from lxml import etree

    problems = []
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        for part in parts:
            root = etree.fromstring(z.read(part))
            for p in root.iter(f"{W_NS}p"):
                runs = ["".join(t.text or "" for t in r.iter(f"{W_NS}t")) for r in p.iter(f"{W_NS}r")]
                for text in runs:
                    stripped = TAG_RE.sub("", text)
                    if any(tok in stripped for tok in ("{{", "}}", "{%", "%}")):
                        problems.append(f"{path.name}:{part}: tag split across runs: {text!r}")
                joined = "".join(runs)
                if TAG_RE.sub("", joined) != joined and not any(TAG_RE.search(t) for t in runs):
                    problems.append(f"{path.name}:{part}: tag split across runs: {joined!r}")
    return problems


def load_context(name: str) -> dict:
    return json.loads((CONTEXTS / f"{name}.json").read_text(encoding="utf-8"))


def edge_contexts() -> dict[str, dict]:
    """The other branches of every template: not rated, no previous period, empty lists,
    penalty cap applied, tax added on top, a pro-rated contract."""
    rr = load_context("review_report")
    rr["evaluation"]["rated"] = False
    rr["previous"]["available"] = False
    rr["weights_renormalised"] = False
    rr["drivers"] = rr["incidents"] = rr["penalties"] = rr["rewards"] = []
    rr["money"].update(
        cap_applied=True,
        cap_note_zh="违约金合计已按合同上限（月服务费的10%）封顶。",
        cap_note_en="Penalties were capped at the contractual limit (10% of the monthly fee).",
    )
    st = load_context("settlement_statement")
    st["tax"]["included"] = False
    st["contracts"][0].update(
        prorated_zh="10月15日起生效，按17/31天折算", prorated_en="effective October 15, pro-rated 17/31 days"
    )
    st["items"] = st["notes"] = []
    rr["trend"]["available"] = False
    rr["flags"] = rr["actions"] = []
    ps = load_context("portfolio_summary")
    ps["rows"] = ps["attention"] = ps["rejected"] = []
    for k in ("risks", "actions", "expiring", "status_changes"):
        ps[k] = []
    edges = {"review_report": rr, "settlement_statement": st, "portfolio_summary": ps}

    wl = load_context("warning_letter")  # no deadline, no requirements, status change
    wl["deadline"] = {"available": False, "zh": "", "en": "", "days": ""}
    wl["requirements"] = wl["history"] = []
    wl["status_change"] = load_context("improvement_notice")["status_change"]
    im = load_context("improvement_notice")  # no deadline, no requirements, no status change
    im["deadline"] = wl["deadline"]
    im["requirements"] = []
    im["status_change"] = load_context("warning_letter")["status_change"]
    tn = load_context("termination_notice")  # no status change
    tn["status_change"] = im["status_change"]
    cl = load_context("commendation_letter")  # no history
    cl["history"] = []
    er = load_context("exit_review")  # everything empty
    er["facts"] = er["history"] = er["flags"] = []
    er["status_change"] = im["status_change"]
    er["recommendation_zh"] = er["recommendation_en"] = ""
    pr = load_context("periodic_review")  # nothing missing, empty lists
    pr["summary"]["missing_note_zh"] = pr["summary"]["missing_note_en"] = ""
    pr["months"] = pr["kpis"] = pr["incident_counts"] = pr["flags"] = pr["actions"] = []
    pp = load_context("periodic_portfolio")
    pp["counts"]["missing_periods_zh"] = pp["counts"]["missing_periods_en"] = ""
    pp["rows"] = pp["risks"] = pp["actions"] = []
    edges.update(
        {
            "warning_letter": wl,
            "improvement_notice": im,
            "termination_notice": tn,
            "commendation_letter": cl,
            "exit_review": er,
            "periodic_review": pr,
            "periodic_portfolio": pp,
        }
    )
    return edges


def sample_png(width=800, height=300) -> bytes:
    """A small chart-like PNG (bars in the grade colours) for the picture check."""
    import io

    from PIL import Image as PILImage
    from PIL import ImageDraw

    img = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    for i, colour in enumerate(("#2e7d32", "#1565c0", "#ef6c00", "#c62828")):
        x = 60 + i * 180
        draw.rectangle([x, height - 40 - 50 * (i + 1), x + 120, height - 40], fill=colour)
    draw.line([40, height - 40, width - 20, height - 40], fill="black", width=2)
    draw.rectangle([0, 0, width - 1, height - 1], outline="grey")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _set(ctx: dict, dotted: str, value) -> None:
    *path, last = dotted.split(".")
    for key in path:
        ctx = ctx[key]
    ctx[last] = value


def image_check(name: str, out: Path) -> tuple[list[Path], list[str]]:
    """Render ``name`` with a picture in each chart field, through docxtpl's InlineImage and
    through pipeline.render.Image (render_docx); each result must hold the picture."""
    import io

    from docx.shared import Mm
    from docxtpl import InlineImage

    from pipeline.render.engine import Image
    from pipeline.render.facade import render_docx

    png = sample_png()
    problems, docs = [], []
    tpl = DocxTemplate(str(TEMPLATES / f"{name}.docx"))
    ctx = load_context(name)
    for field in CHARTS[name]:
        _set(ctx, field, InlineImage(tpl, io.BytesIO(png), width=Mm(150)))
    tpl.render(ctx, jinja_env=SandboxedEnvironment(autoescape=True, undefined=StrictUndefined), autoescape=True)
    inline = out / f"{name}-inline.docx"
    tpl.save(str(inline))
    ctx = load_context(name)
    for field in CHARTS[name]:
        _set(ctx, field, Image(png, width_mm=150))
    plain = out / f"{name}-image.docx"
    plain.write_bytes(render_docx(f"{name}.docx", ctx))
    for path in (inline, plain):
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
            media = [n for n in z.namelist() if n.startswith("word/media/")]
        if xml.count("<w:drawing>") != len(CHARTS[name]) or not media:
            problems.append(
                f"{path.name}: expected {len(CHARTS[name])} picture(s), found "
                f"{xml.count('<w:drawing>')} drawing(s), media {media}"
            )
        docs.append(path)
    return docs, problems


def render(name: str, out: Path, ctx: dict | None = None, suffix: str = "") -> Path:
    ctx = load_context(name) if ctx is None else ctx
    tpl = DocxTemplate(str(TEMPLATES / f"{name}.docx"))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    tpl.render(ctx, jinja_env=env, autoescape=True)
    dest = out / f"{name}{suffix}.docx"
    tpl.save(str(dest))
    return dest


def leftovers(docx: Path) -> list[str]:
    """Jinja delimiters still present in the rendered text (excluding values that the
    fixtures deliberately carry, which the caller checks separately)."""
    found = []
    with zipfile.ZipFile(docx) as z:
        for n in z.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n):
                xml = z.read(n).decode("utf-8")
                text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
                text = text.replace("{{ 7*7 }}", "")  # literal in the review fixture comment
                found += [f"{docx.name}:{n}: {m}" for m in ("{{", "}}", "{%", "%}") if m in text]
    return found


def to_pdf(docs: list[Path], out: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("soffice not found (apt-get install libreoffice-writer-nogui)")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    profile = (out / ".lo-profile").resolve().as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docs),
        ],
        check=True,
        env=env,
        timeout=300,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def to_png(pdf: Path, dpi: int) -> list[Path]:
    for old in pdf.parent.glob(f"{pdf.stem}-[0-9]*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(pdf.with_suffix(""))], check=True, timeout=120)
    return sorted(pdf.parent.glob(f"{pdf.stem}-[0-9]*.png"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/preview"))
    ap.add_argument("--dpi", type=int, default=70)
    ap.add_argument("--no-pdf", action="store_true", help="only render the .docx files")
    ap.add_argument(
        "--edge-cases",
        action="store_true",
        help="also render the other branches (not rated, empty lists, ...) as <name>-edge.docx",
    )
    ap.add_argument(
        "--image-check",
        action="store_true",
        help="also render the templates with charts with a picture in each chart "
        "field (InlineImage and pipeline.render.Image) and check it is there",
    )
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=NAMES, help="only these templates")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    names = args.only or NAMES

    problems = []
    for name in names:
        problems += lint_template(TEMPLATES / f"{name}.docx")
    docs = [render(name, args.out) for name in names]
    if args.edge_cases:
        docs += [render(name, args.out, ctx, "-edge") for name, ctx in edge_contexts().items() if name in names]
    if args.image_check:
        for name in CHARTS:
            if name in names:
                more, found = image_check(name, args.out)
                docs += more
                problems += found
    for d in docs:
        problems += leftovers(d)
        print(d)
    if not args.no_pdf:
        to_pdf(docs, args.out)
        for d in docs:
            pdf = d.with_suffix(".pdf")
            print(pdf)
            for png in to_png(pdf, args.dpi):
                print(png)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
