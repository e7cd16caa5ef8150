"""Helpers for the browser tests: Debian's Chromium through Playwright, apps on loopback ports."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT_MS = 90_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None, log: Path | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
            pytest.fail(f"app.py exited with {proc.returncode} before it was ready:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"app not ready at {url} within {timeout:.0f}s")


class Tab:
    """A page plus the dialogs it opened (an injected alert() would show up here)."""

    def __init__(self, context: Any, url: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.hosts.add(urllib.parse.urlsplit(request.url).netloc))
        self.page.goto(url)
        self.page.wait_for_selector("#sn-input textarea")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def answers(self) -> int:
        return self.page.locator("#sn-chat .sn-answer").count()

    def wait_answer(self, before: int) -> Any:
        self.page.wait_for_function(
            f"document.querySelectorAll('#sn-chat .sn-answer').length > {before}", timeout=ANSWER_TIMEOUT_MS
        )
        return self.page.locator("#sn-chat .sn-answer").last

    def ask(self, text: str) -> Any:
        before = self.answers()
        self.page.locator("#sn-input textarea").fill(text)
        self.page.locator("#sn-input textarea").press("Enter")
        return self.wait_answer(before)

    def sign_in(self, user: str, password: str) -> None:
        self.page.locator("#sn-tab-desk-button, [role=tab]").filter(has_text="窓口").first.click()
        self.page.locator("#sn-user input, #sn-user textarea").first.fill(user)
        self.page.locator("#sn-password input").fill(password)
        self.page.locator("#sn-login-btn").click()

    def shot(self, name: str, full_page: bool = False) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / name), full_page=full_page)
        return SHOTS / name


def no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"
