"""The Gradio app: layout + handlers + wiring, the public /ask API, and ``main`` (``python app.py``).

Start-up order is for speed (issue 10, item 4): Gradio is imported and the page is served first;
the engine (model, index) loads on a background thread while the page shows 「準備中…」.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

import gradio as gr

from bot.settings import Settings
from web import console
from web.api import make_ask
from web.engine_slot import EngineSlot
from web.handlers import Handlers
from web.labels import DATA, load_ui
from web.layout import build_layout
from web.wiring import groups_render, wire_chat, wire_desk

log = logging.getLogger("smenavi.app")
CSS_FILE, FRAME_CSS_FILE = DATA / "app.css", DATA / "frame.css"
# Local font names only: the default theme would fetch web fonts from Google on every visit.
FONTS = [
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Noto Sans JP",
    "Noto Sans CJK JP",
    "Yu Gothic UI",
    "Meiryo",
    "IPAexGothic",
    "system-ui",
    "sans-serif",
]


def direction_titles() -> list[str]:
    """The 16 direction titles, for the desk's review form (the corpus loads without the model)."""
    from corpus.load import load_corpus

    return [d.title for s in load_corpus().document.strategies for d in s.directions]


def build_app(engine: EngineSlot, settings: Settings, handlers: Handlers | None = None) -> gr.Blocks:
    texts = load_ui()
    h = handlers or Handlers(engine, settings)
    titles = direction_titles() if settings.desk_enabled else []
    with gr.Blocks(title=texts.ja.page_title, analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        page = build_layout(texts, settings, titles, groups_render(h))
        # first, so it gets the name /ask (private page events named after their handler come later)
        gr.api(
            make_ask(engine, settings.max_message_chars, h.questions),
            api_name="ask",
            concurrency_id="engine",
            concurrency_limit=settings.concurrency,
        )
        wire_chat(page, h, settings.concurrency)
        if settings.desk_enabled:
            wire_desk(page, h)
        demo.load(h.status, [page.lang], [page.status, page.timer], **{"api_visibility": "private"})
    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


def launch_kwargs() -> dict[str, Any]:
    return {
        "share": False,
        "quiet": True,  # our own console says where the page is; no share=True hint
        "show_error": False,  # failures are answered in the chat; tracebacks go to the log file
        "footer_links": ["api"],
        "theme": gr.themes.Soft(
            primary_hue="blue", neutral_hue="slate", font=FONTS, font_mono=["ui-monospace", "monospace"]
        ),
        "css": CSS_FILE.read_text(encoding="utf-8"),
        "head": f"<style>{FRAME_CSS_FILE.read_text(encoding='utf-8')}</style>",
    }


def _load_engine(settings: Settings) -> Any:
    from bot.engine import Recommender  # torch & co.: imported here, after the page is up

    started = time.perf_counter()
    rec = Recommender.load(settings, progress=console.progress)
    log.info("ready in %.1fs — questions are answered now", time.perf_counter() - started)
    return rec


def main() -> None:
    started = time.perf_counter()
    try:
        settings = Settings()
        load_ui()  # a broken ui.yaml must stop start-up, not the first visitor
    except Exception as exc:
        console.say(f"error: cannot start: {exc}")
        sys.exit(1)
    log_path = console.setup_logging(settings.app_log)
    console.say("setting up the chat page" + (f" (details in {log_path})" if log_path else ""))
    engine = EngineSlot(lambda: _load_engine(settings), wait_s=settings.start_wait_s)
    demo = build_app(engine, settings)
    host = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    port = int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=True, **launch_kwargs())
    console.say(
        f"open http://{host}:{port}/ ({time.perf_counter() - started:.1f}s); "
        "loading the engine in the background…"
    )
    console.say(
        "desk: sign-in required"
        if settings.desk_enabled
        else "desk: off (set SMENAVI_DESK_USER and SMENAVI_DESK_PASSWORD to enable it)"
    )
    if settings.log_questions:
        console.say(f"question log: on, masked, kept {settings.retention_days} days")
    engine.start()
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        demo.close()


if __name__ == "__main__":
    main()
