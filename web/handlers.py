"""What every page event does, as one class testable without a browser.

Gradio calls these methods; they take and return plain values, Conversation/DeskSession
objects and gr.update()s. Every desk method goes through ``desk_only`` — hidden components are
no access control, so a session that has not signed in gets no change at all, whatever it sends.

(No ``from __future__ import annotations``: Gradio finds the event-data parameters, gr.LikeData
and gr.SelectData, through the methods' evaluated annotations.)
"""

import functools
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import gradio as gr

from bot.settings import Settings
from web.conversation import Conversation, message_lang, take_turn
from web.db import Database, utcnow
from web.desk_view import insights_html, item_label, sheet_for
from web.downloads import DownloadDir, write_files
from web.engine_slot import EngineSlot
from web.feedback import FeedbackStore, vote_for, vote_value
from web.grouping import grouper_for
from web.insights import QuestionLog, gather, question_rows, to_csv, to_jsonl
from web.labels import LangUi, load_ui
from web.session import DeskSession
from web.sheet_md import sheet_markdown

log = logging.getLogger("smenavi.app")


def desk_only(outputs: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The one desk guard: without a signed-in desk session, change none of the ``outputs``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def guarded(self: "Handlers", desk: DeskSession, *args: Any, **kwargs: Any) -> Any:
            if not self.desk_open(desk):
                skips = tuple(gr.skip() for _ in range(outputs))
                return skips[0] if outputs == 1 else skips
            return fn(self, desk, *args, **kwargs)

        return guarded

    return wrap


def hidden() -> Any:
    return gr.update(visible=False)  # a fresh dict each time: Gradio consumes update dicts


class Handlers:
    def __init__(
        self,
        engine: EngineSlot,
        settings: Settings,
        db: Database | None = None,
        downloads: DownloadDir | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.db = db or Database(settings.database, settings.retention_days)
        self.feedback = FeedbackStore(self.db)
        self.questions = QuestionLog(self.db, settings.log_questions)
        self.downloads = downloads or DownloadDir()

    def ui(self, code: str | None) -> LangUi:
        return load_ui().for_lang(code)

    def desk_open(self, desk: object) -> bool:
        """The desk is on and this session has signed in (the one check, for handlers and renders)."""
        return self.settings.desk_enabled and isinstance(desk, DeskSession) and desk.signed_in

    # -- start-up ------------------------------------------------------------------------------
    def status(self, code: str) -> tuple[str, Any]:
        """The 「準備中…」 banner while the engine loads; the timer stops once it is ready."""
        if self.engine.ready:
            return "", gr.Timer(active=False)
        ui = self.ui(code)
        text = ui.start_failed if self.engine.failed else ui.starting
        return f'<div class="sn-status" role="status">{text}</div>', gr.Timer(active=not self.engine.failed)

    # -- chat ----------------------------------------------------------------------------------
    def ask(self, text: str | None, conv: Conversation, code: str) -> tuple[Any, Conversation, Any, Any]:
        """Answer one message; an English message switches the page's own labels to English."""
        if not text or not text.strip():  # an empty submit is not a question: change nothing
            return gr.skip(), conv, gr.skip(), gr.skip()
        turn = take_turn(self.engine, conv, text, code, self.settings.max_message_chars)
        if turn.answer is not None:
            self.questions.record(turn.answer)
        # the engine's reading of the language (romaji is Japanese), where it answered
        lang = turn.answer.lang if turn.answer is not None else message_lang(turn.question, code)
        switch = "en" if code != "en" and lang == "en" else gr.skip()
        return conv.messages(), conv, "", switch

    def choose(self, conv: Conversation, code: str, evt: gr.SelectData) -> tuple[Any, Conversation, Any, Any]:
        return self.ask(str(evt.value), conv, code)

    def restart(self, desk: DeskSession) -> tuple[list[Any], Conversation, str, DeskSession, Any, str]:
        desk.forget_sheet()
        return [], Conversation(), "", desk, hidden(), ""

    def vote(self, conv: Conversation, code: str, evt: gr.LikeData) -> tuple[str, Any, str]:
        """Store the vote; thank the owner; after 👎 offer a comment box."""
        ui = self.ui(code)
        turn = conv.turn_for_message(evt.index)
        if turn is None or turn.answer is None:
            return "", hidden(), ""
        value = vote_value(evt.liked)
        try:
            if value is None:
                self.feedback.withdraw(turn.turn_id)
            else:
                self.feedback.record(vote_for(turn.answer, turn.turn_id, value))
        except Exception:  # a vote that cannot be stored must not disturb the chat
            log.exception("storing feedback failed")
        note = ui.feedback_withdrawn if value is None else ui.feedback_thanks
        return (
            f'<p class="sn-vote-note" role="status">{note}</p>',
            gr.update(visible=value == "down"),
            turn.turn_id if value == "down" else "",
        )

    def comment(self, turn_id: str, text: str, code: str) -> tuple[str, Any, str]:
        ui = self.ui(code)
        if turn_id and text and text.strip():
            try:
                self.feedback.comment(turn_id, text[: self.settings.max_message_chars])
            except Exception:
                log.exception("storing a comment failed")
        return f'<p class="sn-vote-note" role="status">{ui.comment_thanks}</p>', hidden(), ""

    # -- desk ----------------------------------------------------------------------------------
    def sign_in(self, desk: DeskSession, user: str, password: str, code: str, tick: int) -> tuple[Any, ...]:
        """Sign this session in (the password box is cleared either way); a success redraws the sheet."""
        ui = self.ui(code)
        if self.settings.check_desk(user or "", password or ""):
            desk.signed_in, desk.user = True, user
            return desk, hidden(), gr.update(visible=True), "", "", tick + 1
        time.sleep(1)  # slows down guessing
        return desk, gr.skip(), gr.skip(), ui.login_failed, "", gr.skip()

    @desk_only(outputs=4)
    def sheet_view(self, desk: DeskSession, conv: Conversation, code: str) -> tuple[Any, ...]:
        """The preview of the sheet as curated so far; downloads are made again when asked."""
        sheet = sheet_for(conv, desk)
        view = self.ui(code).desk_empty if sheet.empty else sheet_markdown(sheet, code)
        return view, hidden(), hidden(), ""

    @desk_only(outputs=4)
    def keep(
        self, desk: DeskSession, group_keys: list[str], kept: list[str] | None, conv: Conversation, code: str
    ) -> tuple[Any, ...]:
        """The counselor ticked or unticked items of one question's group."""
        kept_set = set(kept or [])
        desk.removed -= kept_set
        desk.removed |= set(group_keys) - kept_set
        return (desk, *self.sheet_view(desk, conv, code)[:3])

    @desk_only(outputs=3)
    def memo(self, desk: DeskSession, group_key: str, text: str) -> tuple[Any, ...]:
        desk.memos[group_key] = (text or "")[: self.settings.max_message_chars]
        return desk, hidden(), hidden()  # the files made before are stale now

    @desk_only(outputs=4)
    def prepare(self, desk: DeskSession, conv: Conversation, code: str) -> tuple[Any, ...]:
        """Files for download, and the preview again, so both show the same sheet."""
        sheet = sheet_for(conv, desk)
        try:
            md_path, pdf_path = write_files(sheet, code, self.downloads.new_folder())
        except Exception:
            log.exception("preparing the sheet failed")
            return gr.skip(), hidden(), hidden(), self.ui(code).error_generic
        return (
            md_path.read_text(encoding="utf-8"),
            gr.update(value=str(md_path), visible=True),
            gr.update(value=str(pdf_path), visible=True),
            "",
        )

    @desk_only(outputs=1)
    def save(self, desk: DeskSession, conv: Conversation, code: str) -> str:
        ui = self.ui(code)
        try:
            number = self.db.save_sheet(sheet_markdown(sheet_for(conv, desk), code), code, desk.user)
        except Exception:
            log.exception("saving the sheet failed")
            return ui.save_failed
        log.info("sheet %d saved by the desk", number)
        return ui.saved.format(name=number)

    def item_choices(self, group: Any, code: str) -> list[tuple[str, str]]:
        return [(item_label(kind, text, self.ui(code)), key) for key, kind, text in group.items()]

    # -- insights ------------------------------------------------------------------------------
    @desk_only(outputs=4)
    def insights(self, desk: DeskSession, days: str, code: str) -> tuple[Any, ...]:
        until = utcnow() + timedelta(seconds=1)
        since = until - timedelta(days=int(days or 30))
        data = gather(
            self.db, since, until, grouper_for(self.engine.engine(0) if self.engine.ready else None)
        )
        rows = (
            [{"record": "question", **r} for r in question_rows(self.db, since, until)]
            if self.db.exists()
            else []
        )
        rows += [{"record": "vote", **{k: v for k, v in r.items() if k != "id"}} for r in data.votes]
        folder = self.downloads.new_folder()
        (folder / "smenavi-insights.csv").write_text(to_csv(rows), encoding="utf-8")
        (folder / "smenavi-insights.jsonl").write_text(to_jsonl(rows), encoding="utf-8")
        picks = [(f"{r['created_utc'][:10]} {str(r['question'])[:40]}", r["id"]) for r in data.downvotes]
        return (
            insights_html(data, self.ui(code), code, self.settings.log_questions),
            gr.update(value=str(folder / "smenavi-insights.csv"), visible=bool(rows)),
            gr.update(value=str(folder / "smenavi-insights.jsonl"), visible=bool(rows)),
            gr.update(choices=picks, value=None),
        )

    @desk_only(outputs=1)
    def review(
        self,
        desk: DeskSession,
        vote_id: int | None,
        directions: list[str] | None,
        out_of_scope: bool,
        code: str,
    ) -> str:
        if vote_id is None:
            return ""
        self.feedback.review(int(vote_id), not out_of_scope, list(directions or []))
        return self.ui(code).review_saved
