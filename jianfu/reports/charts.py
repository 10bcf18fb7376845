"""Server-side charts for the Word report (matplotlib, Agg), drawn with the CJK
font the project installs so Chinese never renders as boxes."""

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from jianfu.meter.stats import Stats  # noqa: E402
from jianfu.reports.labels import KIND_LABELS, code_label  # noqa: E402

FONT_PATH = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "fonts" / "NotoSansSC-Regular.ttf"


class FontMissingError(RuntimeError):
    """The CJK font is not installed; charts would show boxes instead of Chinese."""


@cache
def cjk_font_name() -> str:
    if not FONT_PATH.exists():
        raise FontMissingError(f"缺少中文字体 {FONT_PATH}，图表中的中文将无法显示。请先运行 make assets 安装前端资源。")
    font_manager.fontManager.addfont(str(FONT_PATH))
    name = font_manager.FontProperties(fname=str(FONT_PATH)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def kinds_chart(stats: Stats) -> bytes:
    """Items per kind, this period against the same period a year earlier."""
    cjk_font_name()
    kinds = list(stats.details["by_kind"])
    cur = [stats.details["by_kind"][k]["items"]["current"] for k in kinds]
    prev = [stats.details["by_kind"][k]["items"]["previous"] for k in kinds]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    x = range(len(kinds))
    ax.bar([i - 0.2 for i in x], prev, width=0.4, label=f"去年同期（{stats.previous.label}）", color="#9aa5b1")
    ax.bar([i + 0.2 for i in x], cur, width=0.4, label=f"本期（{stats.period.label}）", color="#b3261e")
    ax.set_xticks(list(x), [KIND_LABELS.get(k, k) for k in kinds], rotation=20, fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("事项数")
    ax.set_title("各类事项数量同比")
    ax.legend()
    return _png(fig)


def top_units_chart(stats: Stats) -> bytes:
    cjk_font_name()
    top = stats.details["top_units"][:10][::-1]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.barh([u["name"] for u in top], [u["current"] for u in top], color="#b3261e")
    ax.set_xlabel("负担工时（小时）")
    ax.set_title("负担工时最高的基层单位")
    return _png(fig)


def findings_chart(stats: Stats) -> bytes:
    cjk_font_name()
    rows = [r for r in stats.details["findings_by_code"] if r["current"]][:10][::-1]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.barh([code_label(r["code"]) for r in rows], [r["current"] for r in rows], color="#d08c2e")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("事项数")
    ax.set_title("前置审核发现问题分布")
    return _png(fig)


def charts(stats: Stats) -> list[tuple[str, bytes]]:
    """(caption, PNG) for each chart that has something to show."""
    out = [("图1 各类事项数量同比", kinds_chart(stats))]
    if stats.details["top_units"]:
        out.append(("图2 负担工时最高的基层单位", top_units_chart(stats)))
    if any(r["current"] for r in stats.details["findings_by_code"]):
        out.append((f"图{len(out) + 1} 前置审核发现问题分布", findings_chart(stats)))
    return out
