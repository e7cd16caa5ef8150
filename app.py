"""施策ナビ web app: ``python app.py`` serves the chat on 127.0.0.1:7860.

A thin page layer: the engine (bot.engine) answers, bot.conversation keeps each person's
turns, bot.render / bot.sheet / bot.feedback do the rest. Gradio's GRADIO_SERVER_NAME and
GRADIO_SERVER_PORT move the server; SMENAVI_* settings configure the engine and the desk.

Gradio is imported inside the functions, not at the top: start-up imports it while the
engine loads on another thread, which saves seconds of a warm start. (No ``from __future__
import annotations`` here: Gradio finds the event-data parameters (gr.LikeData, gr.SelectData)
through the handlers' evaluated annotations.)
"""

import logging
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.app_settings import DeskSettings
from bot.conversation import Asker, Conversation, take_turn
from bot.downloads import DownloadDir
from bot.feedback import FeedbackStore, vote_for, vote_value
from bot.render import esc
from bot.settings import Settings
from bot.sheet import build_sheet, save_sheet, sheet_markdown, write_files
from bot.ui_text import LANGS, LangUi, load_ui

if TYPE_CHECKING:
    import gradio as gr

log = logging.getLogger("smenavi.app")
PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # page events are not a public API
# A bound on what one text box sends; the engine itself cuts questions at max_query_chars
# (with a notice), so this only stops megabytes from reaching the server.
MAX_INPUT_CHARS = 10_000
DATA = Path(__file__).resolve().parent / "bot" / "data"
CSS_FILE, FRAME_CSS_FILE = DATA / "app.css", DATA / "frame.css"
# Local font names only: the default theme would fetch web fonts from Google on every visit.
FONTS = ["Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", "Noto Sans CJK JP",
         "Yu Gothic UI", "Meiryo", "IPAexGothic", "system-ui", "sans-serif"]
# Answers are long: scroll the chat to the start of the newest turn, not to its end.
SHOW_NEWEST_JS = """() => {
  const log = document.querySelector('#sn-chat [role=log]');
  const rows = document.querySelectorAll('#sn-chat .message-row.user-row');
  if (!log || !rows.length) return;
  const top = rows[rows.length - 1].getBoundingClientRect().top - log.getBoundingClientRect().top;
  log.scrollTo({top: log.scrollTop + top - 8, behavior: 'smooth'});
}"""


def header_html(ui: LangUi) -> str:
    return (f'<div class="sn-header"><div class="sn-brand">{esc(ui.heading)}</div>'
            f'<p class="sn-tagline">{esc(ui.tagline)}</p></div>')


def footer_html(ui: LangUi) -> str:
    return f'<p class="sn-disclaimer">{esc(ui.disclaimer)}</p>'


def examples_head_html(ui: LangUi) -> str:
    return f'<div class="sn-examples-head">{esc(ui.examples_label)}</div>'


def build_app(bot: Asker, settings: Settings, desk: DeskSettings,
              strategy_en: Mapping[str, str] | None = None) -> "gr.Blocks":
    import gradio as gr

    texts = load_ui()
    ja = texts.for_lang("ja")
    feedback = FeedbackStore(settings.feedback_db)
    downloads = DownloadDir()

    def hidden() -> Any:
        return gr.update(visible=False)  # a fresh dict each time: Gradio consumes update dicts

    with gr.Blocks(title=ja.page_title, analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        conv = gr.State(Conversation())  # deep-copied: every session gets its own conversation
        desk_ok = gr.State(not desk.gated)

        with gr.Row(elem_id="sn-top", equal_height=False):
            header = gr.HTML(header_html(ja), elem_id="sn-header-box", scale=1)
            lang = gr.Radio([(texts.for_lang(code).lang_name, code) for code in LANGS], value="ja",
                            label=ja.language_label, show_label=False, container=False,
                            elem_id="sn-lang", scale=0, min_width=190)

        with gr.Tabs(elem_id="sn-tabs"):
            with gr.Tab(ja.tab_chat, id="chat", elem_id="sn-tab-chat") as chat_tab:
                chatbot = gr.Chatbot(
                    label=ja.chat_label, show_label=False, elem_id="sn-chat", layout="panel",
                    height="auto", min_height=160, max_height="64vh", autoscroll=False,
                    placeholder=ja.chat_placeholder,
                    latex_delimiters=[], buttons=[], group_consecutive_messages=False,
                )
                examples_head = gr.HTML(examples_head_html(ja))
                with gr.Row(elem_id="sn-examples"):
                    example_buttons = [
                        gr.Button(text, size="sm", elem_classes=["sn-example"], min_width=0)
                        for text in texts.examples_for("ja")
                    ]
                box = gr.Textbox(show_label=False, label=ja.input_label, placeholder=ja.input_placeholder,
                                 lines=1, max_lines=6, submit_btn=ja.send, elem_id="sn-input",
                                 max_length=MAX_INPUT_CHARS)
                with gr.Row(elem_id="sn-chat-foot"):
                    reset = gr.Button(ja.reset, size="sm", elem_id="sn-reset", scale=0)
                    disclaimer = gr.HTML(footer_html(ja))

            with gr.Tab(ja.tab_desk, id="desk", elem_id="sn-tab-desk") as desk_tab:
                with gr.Column(visible=desk.gated, elem_id="sn-login") as login_col:
                    login_intro = gr.Markdown(ja.login_intro)
                    user = gr.Textbox(label=ja.user_label, max_lines=1, elem_id="sn-user")
                    password = gr.Textbox(label=ja.password_label, type="password", max_lines=1,
                                          elem_id="sn-password")
                    login_btn = gr.Button(ja.login, variant="primary", elem_id="sn-login-btn")
                    login_msg = gr.Markdown("", elem_id="sn-login-msg")
                with gr.Column(visible=not desk.gated, elem_id="sn-desk") as desk_col:
                    desk_intro = gr.Markdown(ja.desk_intro)
                    sheet_view = gr.Markdown(ja.desk_empty, elem_id="sn-sheet")
                    memo = gr.Textbox(label=ja.memo_label, placeholder=ja.memo_placeholder,
                                      lines=4, max_lines=20, elem_id="sn-memo", max_length=MAX_INPUT_CHARS)
                    with gr.Row():
                        refresh_btn = gr.Button(ja.refresh, size="sm", elem_id="sn-refresh")
                        prepare_btn = gr.Button(ja.prepare, size="sm", variant="primary",
                                                elem_id="sn-prepare")
                        save_btn = gr.Button(ja.save, size="sm", elem_id="sn-save")
                    with gr.Row():
                        dl_md = gr.DownloadButton(ja.download_md, visible=False, size="sm",
                                                  elem_id="sn-dl-md")
                        dl_pdf = gr.DownloadButton(ja.download_pdf, visible=False, size="sm",
                                                   elem_id="sn-dl-pdf")
                    desk_msg = gr.Markdown("", elem_id="sn-desk-msg")

        # -- chat ---------------------------------------------------------------------------
        chat_outputs = [chatbot, conv, box]

        def ask(text: str | None, state: Conversation, code: str) -> tuple[Any, Conversation, Any]:
            if not text or not text.strip():  # an empty submit is not a question: change nothing
                return gr.skip(), state, gr.skip()
            take_turn(bot, state, text, strategy_en, ui_lang=code)
            return state.messages(), state, ""

        def choose(state: Conversation, code: str, evt: gr.SelectData) -> tuple[Any, Conversation, Any]:
            return ask(str(evt.value), state, code)

        def restart() -> tuple[list[Any], Conversation, str]:
            return [], Conversation(), ""

        def vote(state: Conversation, evt: gr.LikeData) -> None:
            turn = state.turn_for_message(evt.index)
            if turn is None or turn.answer is None:
                return
            try:
                value = vote_value(evt.liked)
                if value is None:
                    feedback.withdraw(turn.turn_id)
                else:
                    feedback.record(vote_for(turn.answer, turn.turn_id, value))
            except Exception:  # a vote that cannot be stored must not disturb the chat
                log.exception("storing feedback failed")

        # One engine, one question at a time: sessions queue for it (answers take well under a
        # second) instead of relying on the model and the store being safe across threads.
        engine: dict[str, Any] = {"concurrency_id": "engine", "concurrency_limit": 1, **PRIVATE}
        asked = [box.submit(ask, [box, conv, lang], chat_outputs, **engine),
                 *[b.click(ask, [b, conv, lang], chat_outputs, **engine) for b in example_buttons],
                 chatbot.option_select(choose, [conv, lang], chat_outputs, **engine)]
        for event in asked:
            event.then(None, js=SHOW_NEWEST_JS, **PRIVATE)
        chatbot.like(vote, [conv], None, **PRIVATE)
        reset.click(restart, None, chat_outputs, **PRIVATE)

        # -- language -------------------------------------------------------------------------
        def switch(code: str) -> list[Any]:
            ui = texts.for_lang(code)
            return [
                header_html(ui), gr.update(label=ui.language_label),
                gr.update(label=ui.tab_chat), gr.update(label=ui.tab_desk),
                gr.update(label=ui.chat_label, placeholder=ui.chat_placeholder),
                examples_head_html(ui), *texts.examples_for(code),
                gr.update(label=ui.input_label, placeholder=ui.input_placeholder, submit_btn=ui.send),
                ui.reset, footer_html(ui),
                ui.login_intro, gr.update(label=ui.user_label), gr.update(label=ui.password_label),
                ui.login, ui.desk_intro, gr.update(label=ui.memo_label, placeholder=ui.memo_placeholder),
                ui.refresh, ui.prepare, ui.save,
                # a DownloadButton's value is its file; its text is the label
                gr.update(label=ui.download_md), gr.update(label=ui.download_pdf),
            ]

        lang.change(switch, [lang], [
            header, lang, chat_tab, desk_tab, chatbot, examples_head, *example_buttons, box, reset,
            disclaimer, login_intro, user, password, login_btn, desk_intro, memo, refresh_btn,
            prepare_btn, save_btn, dl_md, dl_pdf,
        ], **PRIVATE)

        # -- desk -----------------------------------------------------------------------------
        # Every desk handler checks desk_ok itself: hidden components are no access control.
        def sign_in(name: str, secret: str, code: str) -> tuple[bool, Any, Any, str]:
            if desk.check(name or "", secret or ""):
                return True, gr.update(visible=False), gr.update(visible=True), ""
            time.sleep(1)  # slows down guessing
            return False, gr.skip(), gr.skip(), texts.for_lang(code).login_failed

        def show_sheet(state: Conversation, note: str, code: str, ok: bool) -> tuple[str, Any, Any, str]:
            if not ok:
                return "", hidden(), hidden(), ""
            sheet = build_sheet(state.answers())
            view = texts.for_lang(code).desk_empty if sheet.empty else sheet_markdown(sheet, note or "", code)
            return view, hidden(), hidden(), ""  # downloads are made again for the sheet as it is now

        def prepare(state: Conversation, note: str, code: str, ok: bool) -> tuple[Any, Any, Any, str]:
            """Files for download, and the preview again, so both show the same sheet."""
            if not ok:
                return "", hidden(), hidden(), ""
            sheet = build_sheet(state.answers())
            try:
                md_path, pdf_path = write_files(sheet, note or "", code, downloads.new_folder())
            except Exception:
                log.exception("preparing the sheet failed")
                return gr.skip(), hidden(), hidden(), texts.for_lang(code).error_generic
            return (md_path.read_text(encoding="utf-8"), gr.update(value=str(md_path), visible=True),
                    gr.update(value=str(pdf_path), visible=True), "")

        def save(state: Conversation, note: str, code: str, ok: bool) -> str:
            ui = texts.for_lang(code)
            if not ok:
                return ""
            try:
                path = save_sheet(build_sheet(state.answers()), note or "", code, settings.data_dir)
            except Exception:
                log.exception("saving the sheet failed")
                return ui.save_failed
            log.info("sheet saved: %s", path)
            return ui.saved.format(name=path.name)

        desk_inputs = [conv, memo, lang, desk_ok]
        sheet_outputs = [sheet_view, dl_md, dl_pdf, desk_msg]
        login_outputs = [desk_ok, login_col, desk_col, login_msg]
        for trigger in (login_btn.click, password.submit):
            trigger(sign_in, [user, password, lang], login_outputs, **PRIVATE).then(
                show_sheet, desk_inputs, sheet_outputs, **PRIVATE)
        desk_tab.select(show_sheet, desk_inputs, sheet_outputs, **PRIVATE)
        refresh_btn.click(show_sheet, desk_inputs, sheet_outputs, **PRIVATE)
        memo.change(lambda: (hidden(), hidden()), None, [dl_md, dl_pdf], **PRIVATE)  # now stale
        prepare_btn.click(prepare, desk_inputs, sheet_outputs, **PRIVATE)
        save_btn.click(save, desk_inputs, [desk_msg], **PRIVATE)

    demo.queue(default_concurrency_limit=4)
    return demo


def _load_engine(settings: Settings) -> Any:
    from bot.engine import Recommender, stderr_progress

    return Recommender.load(settings, progress=stderr_progress)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[施策ナビ] %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "fontTools"):  # a line per request / per PDF font subset is noise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    started = time.perf_counter()
    try:
        settings = Settings()
        desk = DeskSettings()
        load_ui()  # a broken ui.yaml must stop start-up, not the first visitor
        with ThreadPoolExecutor(1, thread_name_prefix="engine") as pool:
            loading = pool.submit(_load_engine, settings)
            import gradio as gr  # meanwhile: Gradio's own import takes seconds

            rec = loading.result()
    except Exception as exc:  # configuration, corpus, model or index: one line, no traceback
        print(f"[施策ナビ] error: cannot start: {exc}", file=sys.stderr)
        sys.exit(1)
    log.info("engine loaded in %.1fs", time.perf_counter() - started)
    strategy_en = {k: v.en for k, v in rec.corpus.aids.strategies.items()}
    demo = build_app(rec, settings, desk, strategy_en)
    if desk.gated:
        log.info("desk view: sign-in required (SMENAVI_DESK_USER / SMENAVI_DESK_PASSWORD)")
    demo.launch(
        share=False,
        show_error=False,  # failures are answered in the chat; tracebacks stay in this terminal
        footer_links=[],
        theme=gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=FONTS,
                             font_mono=["ui-monospace", "monospace"]),
        css=CSS_FILE.read_text(encoding="utf-8"),
        head=f"<style>{FRAME_CSS_FILE.read_text(encoding='utf-8')}</style>",
    )


if __name__ == "__main__":
    main()
