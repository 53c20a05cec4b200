"""/trend's picture: monthly articles mentioning an organisation or person, and its theme mix.

``trend_data`` reads the store (a reader thread); ``render_png`` draws with
matplotlib's object API on the Agg backend (no pyplot, no display, safe in a
worker thread) in DejaVu Sans, which matplotlib ships and which covers Vietnamese.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

WHO_KIND = Literal["org", "person"]


@dataclass(frozen=True)
class Who:
    kind: WHO_KIND
    key: str  # org key, or the person's name as stored
    name: str


@dataclass(frozen=True)
class TrendData:
    who: Who
    months: list[tuple[str, int]]  # ("2024-01", articles), every month of the store's span
    themes: list[tuple[str, int]]  # (theme label, mentioning articles about it), largest first
    sample: int  # mentioning articles the theme mix was measured on
    total: int  # articles mentioning ``who``


def month_span(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def fill_months(
    counts: dict[str, int], first: str | None, last: str | None
) -> list[tuple[str, int]]:
    """Counts for every month of the span, zero where nothing was said."""
    if not first or not last:
        return sorted(counts.items())
    return [(m, counts.get(m, 0)) for m in month_span(first, last)]


def _source(who: Who) -> tuple[str, str]:
    """The SQL naming the mention rows of ``who``: (table, where-clause)."""
    if who.kind == "org":
        return "mentions", "org_key = ?"
    return "people", "name = ?"


def trend_data(db: Any, who: Who, lang: str = "vi") -> TrendData:
    """Monthly articles mentioning ``who`` over the store's span, and the theme mix."""
    from digests.analysis.relevance import threshold
    from digests.analysis.themes import load_themes

    table, where = _source(who)
    span = db.execute(
        "SELECT substr(MIN(published), 1, 7), substr(MAX(published), 1, 7) FROM articles"
        " WHERE date_known"
    ).fetchone()
    rows = db.execute(
        "SELECT substr(a.published, 1, 7) AS month, COUNT(*) FROM articles a WHERE a.date_known"
        f" AND a.id IN (SELECT article_id FROM {table} WHERE {where}) GROUP BY month",
        [who.key],
    ).fetchall()
    counts = {str(m): int(n) for m, n in rows}
    # The theme mix: the themes each mentioning article is about, by its relevance scores
    # (stored at ingest in article_themes, the same threshold as the digest's).
    mix_rows = db.execute(
        "SELECT t.theme, COUNT(*) FROM article_themes t WHERE t.score >= ?"
        f" AND t.article_id IN (SELECT article_id FROM {table} WHERE {where}) GROUP BY t.theme",
        [threshold(), who.key],
    ).fetchall()
    labels = {t.key: t.label(lang) for t in load_themes()}
    mix = Counter({labels.get(key, key): int(n) for key, n in mix_rows})
    return TrendData(
        who=who,
        months=fill_months(counts, span[0], span[1]),
        themes=mix.most_common(),
        sample=sum(counts.values()),
        total=sum(counts.values()),
    )


def render_png(data: TrendData, labels: dict[str, str]) -> bytes:
    """The chart as PNG bytes. ``labels``: title, mentions, themes, none (localised)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 5.2), dpi=100)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, height_ratios=(3, 1.4))
    months = [m for m, _ in data.months]
    values = [n for _, n in data.months]
    # One filled step artist rather than a bar patch per month: ten years are 120 bars.
    top.stairs(values, [i - 0.5 for i in range(len(values) + 1)], fill=True, color="#1f6fb2")
    top.set_xlim(-0.5, max(0.5, len(values) - 0.5))
    top.set_title(labels["title"], fontsize=12, family="DejaVu Sans")
    top.set_ylabel(labels["mentions"], family="DejaVu Sans")
    step = max(1, len(months) // 12)
    ticks = list(range(0, len(months), step))
    top.set_xticks(ticks, [_month_label(months[i]) for i in ticks], fontsize=8, rotation=45)
    top.spines[["top", "right"]].set_visible(False)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))  # articles come whole
    if data.themes:
        names = [name for name, _ in data.themes][::-1]
        shares = [n for _, n in data.themes][::-1]
        bottom.barh(names, shares, color="#e08a1e")
        bottom.set_xlabel(labels["themes"], fontsize=9, family="DejaVu Sans")
        bottom.tick_params(labelsize=8)
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.spines[["top", "right"]].set_visible(False)
    else:
        bottom.axis("off")
        bottom.text(0.5, 0.5, labels["none"], ha="center", va="center", family="DejaVu Sans")
    # Fixed margins (tight_layout measures every label: a third of the drawing time), and
    # light PNG compression: the chart is a few dozen KB either way.
    figure.subplots_adjust(left=0.22, right=0.97, top=0.93, bottom=0.1, hspace=0.45)
    out = io.BytesIO()
    figure.savefig(out, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _month_label(month: str) -> str:
    """ "2024-03" → "03/2024", as Vietnamese readers write months."""
    return f"{month[5:7]}/{month[:4]}"
