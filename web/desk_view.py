"""The desk's views as text (pure): the curated sheet of a session, item labels, insights HTML."""

from __future__ import annotations

from web.chart import bar_chart
from web.conversation import Conversation
from web.display import esc, rejoin
from web.fragments import list_html
from web.insights import Insights
from web.labels import LangUi
from web.session import DeskSession
from web.sheet import Sheet, build_sheet, curate

LABEL_CHARS = 70


def full_sheet(conv: Conversation) -> Sheet:
    """Everything the conversation's answers presented, grouped by question (before curation)."""
    return build_sheet([(t.turn_id, t.answer) for t in conv.turns if t.answer is not None])


def sheet_for(conv: Conversation, desk: DeskSession) -> Sheet:
    """The sheet as this desk session curated it."""
    return curate(full_sheet(conv), desk.removed, desk.memos)


def item_label(kind: str, text: str, ui: LangUi) -> str:
    text = rejoin(" ".join(text.split()))
    short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return f"{ui.get('item_' + kind, kind)}: {short}"


def _counts(rows: list[tuple[str, int]], title: str, ui: LangUi, names: dict[str, str] | None = None) -> str:
    named = [((names or {}).get(k, k), n) for k, n in rows]
    body = bar_chart(named, title) or f'<p class="sn-none">{esc(ui.no_data)}</p>'
    return f'<section class="sn-insight"><h3>{esc(title)}</h3>{body}</section>'


def _downvote(v: dict[str, object], ui: LangUi) -> str:
    """One unhelpful answer: when, the question, the owner's comment, what the answer presented."""
    line = f"{esc(str(v['created_utc'])[:10])} — {esc(v['question'])}"
    if v.get("comment"):
        line += f'<div class="sn-comment">{esc(ui.comment_heading)}: {esc(v["comment"])}</div>'
    if v.get("directions"):
        line += f'<div class="sn-members">→ {esc(" / ".join(v["directions"]))}</div>'  # type: ignore[arg-type]
    return line


def insights_html(data: Insights, ui: LangUi, lang: str, logging_on: bool) -> str:
    types = {k[len("type_") :]: v for k, v in ui.root.items() if k.startswith("type_")}
    parts = ['<div class="sn-insights">']
    if not logging_on:
        parts.append(f'<p class="sn-notice">{esc(ui.insights_logging_off)}</p>')
    parts.append(
        f'<p class="sn-insight-totals">{esc(ui.questions_total.format(n=data.total))} · '
        f"{esc(ui.votes_summary.format(up=data.up, down=data.down))}</p>"
    )
    parts.append(_counts(data.by_type, ui.by_type, ui, types))
    parts.append(_counts(data.by_direction, ui.by_direction, ui))
    parts.append(_counts(data.by_program, ui.by_program, ui))
    groups = [
        f"<b>{g.size}×</b> {esc(g.representative)}"
        + (f'<div class="sn-members">{esc(" / ".join(g.members[1:4]))}</div>' if g.size > 1 else "")
        for g in data.declined
    ]
    parts.append(
        f'<section class="sn-insight"><h3>{esc(ui.declined_groups)}</h3>'
        f"{list_html(groups) if groups else esc(ui.no_data)}</section>"
    )
    downs = [_downvote(v, ui) for v in data.downvotes]
    parts.append(
        f'<section class="sn-insight"><h3>{esc(ui.downvotes)}</h3>'
        f"{list_html(downs) if downs else esc(ui.no_data)}</section>"
    )
    parts.append("</div>")
    return "".join(parts)
