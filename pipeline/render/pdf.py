"""Convert documents to PDF with LibreOffice, with Chinese fonts that match Word's.

Word documents name SimSun/SimHei; on Linux, LibreOffice would fall back to DejaVu and
print boxes. `fonts.conf` beside this module maps them to Noto CJK, and a private
LibreOffice profile per call lets conversions run side by side.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import PdfUnavailable

FONTS_CONF = Path(__file__).with_name("fonts.conf")


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise PdfUnavailable("未安装 LibreOffice（soffice）/ LibreOffice (soffice) is not installed")
    return path


def to_pdf(documents: list[Path], outdir: Path, timeout: int = 300) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    with tempfile.TemporaryDirectory(prefix="vendorflow-lo-") as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation={Path(profile).as_uri()}",  # file:///C:/… on Windows too
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, documents),
            ],
            check=True,
            env=env,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    pdfs = [outdir / (d.stem + ".pdf") for d in documents]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return pdfs
