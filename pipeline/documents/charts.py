"""Small charts for the documents: a score trend and a grade distribution, as PNG bytes.

One figure per chart kind is drawn once per process and only its data changes per
supplier, so a chart costs a few milliseconds; the PNG carries no timestamp or version
text, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

_DPI = 110
GRADE_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#c62828")  # by the band's place in the policy, best first


def grade_colour(position: int, default: str = "#9e9e9e") -> str:
    """The colour of the policy's `position`-th band (0: the best), whatever its letter."""
    return GRADE_COLOURS[position] if 0 <= position < len(GRADE_COLOURS) else default


_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
)


@lru_cache(maxsize=1)
def _pyplot():
    import matplotlib  # ~0.5 s: loaded only when a chart is drawn

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = next((f for f in _CJK_FAMILIES if f in installed), None)
    matplotlib.rcParams.update(
        {
            "font.family": [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"],
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "vendorflow",
            "path.simplify": True,
        }
    )
    return pyplot, cjk is not None


def load() -> None:
    """matplotlib and its font list loaded now rather than at the first chart (a command warming
    up while its Prefect server boots)."""
    _pyplot()


def _label(zh: str, en: str) -> str:
    _, cjk = _pyplot()
    return f"{zh} {en}" if cjk else en


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


@lru_cache(maxsize=16)
def _trend_base(bands: tuple[tuple[str, Decimal], ...], periods: tuple[str, ...]):
    """The parts of a trend chart the suppliers of a month share (grade bands, axes, titles,
    the periods under the axis), drawn once and kept as pixels; a chart then draws only its
    line and values over them (blitting): a quarter of the cost of drawing the whole figure."""
    _pyplot()  # fonts and style; the figure stays out of pyplot's registry
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.3, 2.1), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.2)
    lows = sorted(((float(m), g) for g, m in bands), reverse=True)
    top = 100.0
    for position, (low, grade) in enumerate(lows):
        ax.axhspan(low, top, color=grade_colour(position), alpha=0.08, lw=0)
        ax.text(
            1.0,
            (low + top) / 2,
            grade,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            color=grade_colour(position, "#616161"),
            fontsize=7,
        )
        top = low
    ax.set_ylim(0, 105)
    ax.set_xlim(-0.5, len(periods) - 0.5)
    ax.set_xticks(range(len(periods)), list(periods))
    ax.set_ylabel(_label("得分", "Score"))
    ax.set_title(_label("得分趋势", "Score trend"), fontsize=8, loc="left")
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    (line,) = ax.plot([], [], marker="o", color="#263238", lw=1.5, ms=4, animated=True)
    return fig, ax, background, line


def score_trend(
    periods: Sequence[str], scores: Sequence[Decimal | None], bands: Sequence[tuple[str, Decimal]]
) -> bytes:
    """Score per period (gaps where nothing was recorded) over shaded grade bands."""
    periods = tuple(periods)
    fig, ax, background, line = _trend_base(tuple((g, Decimal(m)) for g, m in bands), periods)
    fig.canvas.restore_region(background)
    xs = list(range(len(periods)))
    line.set_data(xs, [float(s) if s is not None else float("nan") for s in scores])
    labels = [
        ax.annotate(
            f"{s:.2f}", (x, float(s)), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7, animated=True
        )
        for x, s in zip(xs, scores)
        if s is not None
    ]
    try:
        for artist in (line, *labels):
            ax.draw_artist(artist)
    finally:
        for label in labels:
            label.remove()
    return _canvas_png(fig)


def _canvas_png(fig) -> bytes:
    from PIL import Image as PILImage  # with matplotlib, only when drawing

    pixels = fig.canvas.buffer_rgba()
    buffer = io.BytesIO()
    # zlib level 3, not Pillow's 6: the same pixels in a file 5% larger, encoded in less than half
    # the time (the encoding was most of a chart's 7-10 ms, drawn once per review report)
    PILImage.frombuffer("RGBA", (pixels.shape[1], pixels.shape[0]), pixels, "raw", "RGBA", 0, 1).convert("RGB").save(
        buffer, format="png", compress_level=PNG_LEVEL
    )
    return buffer.getvalue()


PNG_LEVEL = 3


@lru_cache(maxsize=1)
def _grade_figure():
    plt, _ = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 1.9))
    fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.18)
    return fig, ax


def grade_distribution(grades: Sequence[str], counts: Sequence[int]) -> bytes:
    fig, ax = _grade_figure()
    ax.clear()
    ax.bar(list(grades), list(counts), color=[grade_colour(i) for i in range(len(grades))], width=0.55)
    for g, c in zip(grades, counts):
        ax.annotate(str(c), (g, c), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8)
    ax.set_ylim(0, max(list(counts) + [1]) * 1.25)
    ax.set_ylabel(_label("供应商数", "Suppliers"))
    ax.set_title(_label("评级分布", "Grade distribution"), fontsize=8, loc="left")
    return _png(fig)
