"""A horizontal bar chart as inline SVG (pure): no plotting library, no script, scales on a phone."""

from __future__ import annotations

from collections.abc import Sequence

from web.display import esc

BAR_H, GAP, LABEL_W, WIDTH = 22, 8, 300, 640


def bar_chart(rows: Sequence[tuple[str, int]], title: str, limit: int = 10) -> str:
    rows = list(rows)[:limit]
    if not rows:
        return ""
    top = max(n for _, n in rows) or 1
    height = len(rows) * (BAR_H + GAP) + GAP
    bars = []
    for i, (label, n) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        w = max(2, round((WIDTH - LABEL_W - 50) * n / top))
        short = label if len(label) <= 22 else label[:21] + "…"
        bars.append(
            f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end" class="sn-chart-label">'
            f"{esc(short)}</text>"
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" rx="4" class="sn-chart-bar">'
            f"<title>{esc(label)}: {n}</title></rect>"
            f'<text x="{LABEL_W + w + 6}" y="{y + 16}" class="sn-chart-n">{n}</text>'
        )
    return (
        f'<figure class="sn-chart"><figcaption>{esc(title)}</figcaption>'
        f'<svg role="img" aria-label="{esc(title)}" viewBox="0 0 {WIDTH} {height}" width="100%">'
        f"{''.join(bars)}</svg></figure>"
    )
