"""Events: which handler each component triggers, with what inputs and outputs.

All page events are private (not an API); the public API is web.api's ``/ask``. Questions from
the page and the API share one concurrency group, sized by ``Settings.concurrency``.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from web.desk_view import full_sheet
from web.display import esc
from web.handlers import Handlers
from web.layout import Page

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
# Answers are long: after each one, bring the newest question's row to the top of the chat's
# scrolling box. In Gradio 6.31 that box is the chatbot's parent `.block`, not [role=log], so
# the script climbs to the nearest ancestor that actually scrolls; then it makes sure the row
# is inside the window too (on a phone the page itself scrolls). Run twice: once the new
# message is in the DOM, and again after late layout (fonts, details) has settled.
SHOW_NEWEST_JS = """() => {
  const show = () => {
    const rows = document.querySelectorAll('#sn-chat .message-row.user-row');
    if (!rows.length) return;
    const row = rows[rows.length - 1];
    let box = row.parentElement;
    while (box && box !== document.body) {
      const style = getComputedStyle(box);
      if (/(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1) break;
      box = box.parentElement;
    }
    if (box && box !== document.body) {
      box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - 4;
    }
    const top = row.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) window.scrollBy(0, top - 8);
  };
  setTimeout(show, 60);
  setTimeout(show, 400);
}"""


def wire_chat(page: Page, h: Handlers, concurrency: int) -> None:
    engine: dict[str, Any] = {"concurrency_id": "engine", "concurrency_limit": concurrency, **PRIVATE}
    outputs = [page.chatbot, page.conv, page.box, page.lang]
    examples = [page.c[k] for k in sorted(page.c) if k.startswith("example")]
    asked = [
        page.box.submit(h.ask, [page.box, page.conv, page.lang], outputs, **engine),
        *[b.click(h.ask, [b, page.conv, page.lang], outputs, **engine) for b in examples],
        page.chatbot.option_select(h.choose, [page.conv, page.lang], outputs, **engine),
    ]
    for event in asked:
        event.then(None, js=SHOW_NEWEST_JS, **PRIVATE)
    page.chatbot.like(
        h.vote, [page.conv, page.lang], [page.vote_note, page.comment_col, page.last_turn], **PRIVATE
    )
    comment_out = [page.vote_note, page.comment_col, page.comment]
    page.comment_send.click(h.comment, [page.last_turn, page.comment, page.lang], comment_out, **PRIVATE)
    page.comment.submit(h.comment, [page.last_turn, page.comment, page.lang], comment_out, **PRIVATE)
    page.reset.click(
        h.restart,
        [page.desk],
        [page.chatbot, page.conv, page.box, page.desk, page.comment_col, page.vote_note],
        **PRIVATE,
    )
    page.lang.change(page.relabel, [page.lang], [c for c, _ in page.relabels], **PRIVATE)
    page.timer.tick(h.status, [page.lang], [page.status, page.timer], **PRIVATE)


def groups_render(h: Handlers) -> Any:
    """The per-question controls of the sheet: items to keep (ticked) and a memo, redrawn on demand."""

    def define(page: Page) -> None:
        @gr.render(
            inputs=[page.conv, page.desk, page.lang],
            triggers=[
                page.refresh.click,
                page.desk_tab.select,
                page.sheet_tab.select,
                page.sheet_tick.change,
            ],
        )
        def groups(conv: Any, desk: Any, code: str) -> None:
            if not h.desk_open(desk):
                return
            ui = h.ui(code)
            for n, group in enumerate(full_sheet(conv).groups, start=1):
                keys = [key for key, _, _ in group.items()]
                with gr.Group(elem_classes=["sn-group"]):
                    gr.HTML(
                        f'<div class="sn-group-head">{esc(ui.sheet_question.format(n=n))}: '
                        f"{esc(group.question)}</div>"
                    )
                    keep = gr.CheckboxGroup(
                        h.item_choices(group, code),
                        value=[k for k in keys if k not in desk.removed],
                        label=ui.keep_label,
                        key=f"keep-{group.key}",
                        elem_classes=["sn-keep"],
                        interactive=True,
                    )
                    memo = gr.Textbox(
                        desk.memos.get(group.key, ""),
                        label=ui.memo_label,
                        placeholder=ui.memo_placeholder,
                        lines=2,
                        max_lines=12,
                        key=f"memo-{group.key}",
                        interactive=True,
                        elem_classes=["sn-memo"],
                    )
                keep.input(
                    lambda kept, c, d, code, keys=keys: h.keep(d, keys, kept, c, code),
                    [keep, page.conv, page.desk, page.lang],
                    [page.desk, page.sheet_view, page.dl_md, page.dl_pdf],
                    **PRIVATE,
                )
                memo.change(
                    lambda text, d, k=group.key: h.memo(d, k, text),
                    [memo, page.desk],
                    [page.desk, page.dl_md, page.dl_pdf],
                    **PRIVATE,
                )

    return define


def wire_desk(page: Page, h: Handlers) -> None:
    login_out = [page.desk, page.login_col, page.desk_col, page.login_msg, page.password, page.sheet_tick]
    view_in, view_out = (
        [page.desk, page.conv, page.lang],
        [page.sheet_view, page.dl_md, page.dl_pdf, page.desk_msg],
    )
    for trigger in (page.login_btn.click, page.password.submit):
        trigger(
            h.sign_in, [page.desk, page.user, page.password, page.lang, page.sheet_tick], login_out, **PRIVATE
        ).then(h.sheet_view, view_in, view_out, **PRIVATE)
    for trigger in (page.desk_tab.select, page.sheet_tab.select, page.refresh.click):
        trigger(h.sheet_view, view_in, view_out, **PRIVATE)
    page.prepare.click(h.prepare, view_in, view_out, **PRIVATE)
    page.save.click(h.save, view_in, [page.desk_msg], **PRIVATE)
    insights_out = [page.insights_view, page.export_csv, page.export_jsonl, page.review_pick]
    for trigger in (page.insights_btn.click, page.insights_tab.select):
        trigger(h.insights, [page.desk, page.period, page.lang], insights_out, **PRIVATE)
    page.review_save.click(
        h.review,
        [page.desk, page.review_pick, page.review_dirs, page.review_oos, page.lang],
        [page.review_msg],
        **PRIVATE,
    )
