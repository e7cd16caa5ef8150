"""The page's components, declared once; every translatable property is registered for relabelling.

``Page.relabel(code)`` is the language switch: one dict {component: update} built from the
registry, so adding a label is one ``labelled(...)`` call here and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from bot.settings import Settings
from web.conversation import Conversation
from web.display import esc
from web.labels import LangUi, UiText
from web.session import DeskSession

Relabel = Callable[[LangUi, str], Any]
PERIODS = ("7", "30", "90", "365")


def header_html(ui: LangUi) -> str:
    return (
        f'<div class="sn-header"><div class="sn-brand">{esc(ui.heading)}</div>'
        f'<p class="sn-tagline">{esc(ui.tagline)}</p></div>'
    )


@dataclass
class Page:
    """Handles to the components the wiring needs (layout-only ones are not kept)."""

    texts: UiText
    relabels: list[tuple[Any, Relabel]] = field(default_factory=list)
    c: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["c"][name]
        except KeyError:
            raise AttributeError(name) from None

    def add(self, name: str, component: Any, relabel: Relabel | None = None, **keys: str) -> Any:
        """Keep ``component`` as ``page.<name>``; ``keys`` map a property to a ui.yaml label."""
        self.c[name] = component
        if keys:
            self.relabels.append(
                (component, lambda ui, _code, k=keys: gr.update(**{p: ui.get(v) for p, v in k.items()}))
            )
        if relabel is not None:
            self.relabels.append((component, relabel))
        return component

    def relabel(self, code: str) -> dict[Any, Any]:
        ui = self.texts.for_lang(code)
        return {component: fn(ui, code) for component, fn in self.relabels}


def _chat(page: Page, ja: LangUi, limit: int) -> None:
    page.add(
        "chatbot",
        gr.Chatbot(
            show_label=False,
            elem_id="sn-chat",
            layout="panel",
            height="auto",
            min_height=160,
            max_height="64vh",
            autoscroll=False,
            placeholder=ja.chat_placeholder,
            latex_delimiters=[],
            buttons=[],
            group_consecutive_messages=False,
        ),
        label="chat_label",
        placeholder="chat_placeholder",
    )
    _votes(page, ja)
    _examples(page, ja)
    _input(page, ja, limit)


def _votes(page: Page, ja: LangUi) -> None:
    page.add("vote_note", gr.HTML("", elem_id="sn-vote-note"))
    with page.add("comment_col", gr.Column(visible=False, elem_id="sn-comment")):
        page.add(
            "comment",
            gr.Textbox(
                label=ja.comment_label,
                placeholder=ja.comment_placeholder,
                lines=2,
                max_lines=6,
                max_length=2000,
                elem_id="sn-comment-text",
            ),
            label="comment_label",
            placeholder="comment_placeholder",
        )
        page.add(
            "comment_send",
            gr.Button(ja.comment_send, size="sm", elem_id="sn-comment-send"),
            value="comment_send",
        )


def _examples(page: Page, ja: LangUi) -> None:
    page.add(
        "examples_head",
        gr.HTML(f'<div class="sn-examples-head">{esc(ja.examples_label)}</div>'),
        lambda ui, _c: f'<div class="sn-examples-head">{esc(ui.examples_label)}</div>',
    )
    with gr.Row(elem_id="sn-examples"):
        for i, text in enumerate(page.texts.examples_for("ja")):
            page.add(
                f"example{i}",
                gr.Button(text, size="sm", elem_classes=["sn-example"], min_width=0),
                lambda ui, code, i=i: gr.update(value=page.texts.examples_for(code)[i]),
            )


def _input(page: Page, ja: LangUi, limit: int) -> None:
    page.add(
        "box",
        gr.Textbox(
            show_label=False,
            label=ja.input_label,
            placeholder=ja.input_placeholder,
            lines=1,
            max_lines=6,
            submit_btn=ja.send,
            elem_id="sn-input",
            max_length=limit,
        ),
        label="input_label",
        placeholder="input_placeholder",
        submit_btn="send",
    )
    with gr.Row(elem_id="sn-chat-foot"):
        page.add("reset", gr.Button(ja.reset, size="sm", elem_id="sn-reset", scale=0), value="reset")
        page.add(
            "disclaimer",
            gr.HTML(f'<p class="sn-disclaimer">{esc(ja.disclaimer)}</p>'),
            lambda ui, _c: f'<p class="sn-disclaimer">{esc(ui.disclaimer)}</p>',
        )


def _sign_in(page: Page, ja: LangUi) -> None:
    with page.add("login_col", gr.Column(elem_id="sn-login")):
        page.add("login_intro", gr.Markdown(ja.login_intro), value="login_intro")
        page.add("user", gr.Textbox(label=ja.user_label, max_lines=1, elem_id="sn-user"), label="user_label")
        page.add(
            "password",
            gr.Textbox(label=ja.password_label, type="password", max_lines=1, elem_id="sn-password"),
            label="password_label",
        )
        page.add("login_btn", gr.Button(ja.login, variant="primary", elem_id="sn-login-btn"), value="login")
        page.add("login_msg", gr.Markdown("", elem_id="sn-login-msg"))


def _sheet(page: Page, ja: LangUi, groups: Callable[[Page], None]) -> None:
    page.add("desk_intro", gr.Markdown(ja.desk_intro), value="desk_intro")
    page.add("refresh", gr.Button(ja.refresh, size="sm", elem_id="sn-refresh"), value="refresh")
    with gr.Column(elem_id="sn-groups"):
        groups(page)  # the per-question controls (a gr.render, defined by the wiring) go here
    page.add("sheet_view", gr.Markdown(ja.desk_empty, elem_id="sn-sheet"))
    with gr.Row():
        page.add(
            "prepare",
            gr.Button(ja.prepare, size="sm", variant="primary", elem_id="sn-prepare"),
            value="prepare",
        )
        page.add("save", gr.Button(ja.save, size="sm", elem_id="sn-save"), value="save")
    with gr.Row():
        # a DownloadButton's value is its file; its text is the label
        page.add(
            "dl_md",
            gr.DownloadButton(ja.download_md, visible=False, size="sm", elem_id="sn-dl-md"),
            label="download_md",
        )
        page.add(
            "dl_pdf",
            gr.DownloadButton(ja.download_pdf, visible=False, size="sm", elem_id="sn-dl-pdf"),
            label="download_pdf",
        )
    page.add("desk_msg", gr.Markdown("", elem_id="sn-desk-msg"))


def _insights(page: Page, ja: LangUi, directions: list[str]) -> None:
    page.add("insights_intro", gr.Markdown(ja.insights_intro), value="insights_intro")
    with gr.Row(elem_id="sn-insights-bar"):
        page.add(
            "period",
            gr.Radio(
                [(ja.get(f"period_{d}"), d) for d in PERIODS],
                value="30",
                label=ja.period_label,
                elem_id="sn-period",
            ),
            lambda ui, _c: gr.update(
                label=ui.period_label, choices=[(ui.get(f"period_{d}"), d) for d in PERIODS]
            ),
        )
        page.add(
            "insights_btn",
            gr.Button(ja.insights_refresh, variant="primary", size="sm", elem_id="sn-insights-btn", scale=0),
            value="insights_refresh",
        )
    page.add("insights_view", gr.HTML("", elem_id="sn-insights"))
    with gr.Row():
        page.add(
            "export_csv",
            gr.DownloadButton(ja.export_csv, visible=False, size="sm", elem_id="sn-csv"),
            label="export_csv",
        )
        page.add(
            "export_jsonl",
            gr.DownloadButton(ja.export_jsonl, visible=False, size="sm", elem_id="sn-jsonl"),
            label="export_jsonl",
        )
    with gr.Accordion(ja.review_label, open=False, elem_id="sn-review") as review:
        page.add("review_acc", review, label="review_label")
        page.add(
            "review_pick",
            gr.Dropdown([], label=ja.review_pick, elem_id="sn-review-pick"),
            label="review_pick",
        )
        page.add(
            "review_dirs",
            gr.CheckboxGroup(directions, label=ja.review_expected, elem_id="sn-review-dirs"),
            label="review_expected",
        )
        page.add("review_oos", gr.Checkbox(False, label=ja.review_out_of_scope), label="review_out_of_scope")
        page.add("review_save", gr.Button(ja.review_save, size="sm"), value="review_save")
        page.add("review_msg", gr.Markdown(""))


def build_layout(
    texts: UiText, settings: Settings, directions: list[str], groups: Callable[[Page], None]
) -> Page:
    """Components inside an open gr.Blocks; the desk tab exists only when sign-in is configured."""
    page = Page(texts)
    ja = texts.for_lang("ja")
    page.add("conv", gr.State(Conversation()))  # deep-copied: every session gets its own
    page.add("desk", gr.State(DeskSession()))
    page.add("last_turn", gr.State(""))
    page.add("sheet_tick", gr.State(0))  # bumped to redraw the sheet's per-question controls
    page.add("timer", gr.Timer(1.0, active=True))
    with gr.Row(elem_id="sn-top", equal_height=False):
        page.add(
            "header",
            gr.HTML(header_html(ja), elem_id="sn-header-box", scale=1),
            lambda ui, _c: header_html(ui),
        )
        page.add(
            "lang",
            gr.Radio(
                [(texts.for_lang(code).lang_name, code) for code in ("ja", "en")],
                value="ja",
                show_label=False,
                container=False,
                elem_id="sn-lang",
                scale=0,
                min_width=190,
            ),
        )
    page.add("status", gr.HTML("", elem_id="sn-status"))
    with gr.Tabs(elem_id="sn-tabs"):
        with page.add("chat_tab", gr.Tab(ja.tab_chat, id="chat", elem_id="sn-tab-chat"), label="tab_chat"):
            _chat(page, ja, settings.max_message_chars)
        with page.add(
            "desk_tab",
            gr.Tab(ja.tab_desk, id="desk", elem_id="sn-tab-desk", visible=settings.desk_enabled),
            label="tab_desk",
        ):
            _sign_in(page, ja)
            with page.add("desk_col", gr.Column(visible=False, elem_id="sn-desk")), gr.Tabs():
                with gr.Tab(ja.tab_sheet, id="sheet", elem_id="sn-tab-sheet") as sheet_tab:
                    page.add("sheet_tab", sheet_tab, label="tab_sheet")
                    _sheet(page, ja, groups)
                with page.add(
                    "insights_tab",
                    gr.Tab(ja.tab_insights, id="insights", elem_id="sn-tab-insights"),
                    label="tab_insights",
                ):
                    _insights(page, ja, directions)
    return page
